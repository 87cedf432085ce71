/**
 * A what-if copy of the cluster for the cluster autoscaler's simulations (cluster-autoscaler/simulator/clustersnapshot):
 * the scheduler cache's nodes, copied on first write, plus template nodes that do not exist yet. Pods placed in the
 * snapshot change only the copies, never the scheduler's state.
 */
import type { Node, Pod } from '../../../cluster/types.js';
import { NodeInfo } from '../../scheduler/nodeInfo.js';
import { podInfo } from '../../scheduler/podInfo.js';

/** Copy-on-write view of the nodes. */
export class Snapshot {
  private readonly copies = new Map<string, NodeInfo>();
  private readonly list: NodeInfo[];

  constructor(base: readonly NodeInfo[]) {
    this.list = [...base];
  }

  /** The nodes (copies where written, template nodes at the end). */
  get nodes(): NodeInfo[] {
    return this.list;
  }

  /** Adds a node that does not exist yet (from a node group's template). */
  addTemplate(node: Node): NodeInfo {
    const n = new NodeInfo(node);
    this.copies.set(n.name, n);
    this.list.push(n);
    return n;
  }

  /** Places a pod on node `i` of `nodes` (copying the node first if it is the scheduler's). */
  place(i: number, pod: Pod): void {
    let n = this.list[i]!;
    if (!this.copies.has(n.name)) {
      const c = n.snapshot();
      this.copies.set(c.name, c);
      this.list[i] = c;
      n = c;
    }
    n.addPod(podInfo(pod));
  }
}
