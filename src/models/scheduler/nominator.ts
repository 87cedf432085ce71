/**
 * The pod nominator (pkg/scheduler/backend/queue/nominator.go): which unbound pods are nominated to which node,
 * after preemption made room for them there. While filtering a node for another pod, the nominated pods of equal
 * or higher priority count as if they already ran on it (`RunFilterPluginsWithNominatedPods`), so the room a
 * preemption freed is not taken by someone else.
 */
import type { Pod } from '../../cluster/types.js';
import { type PodInfo, podInfo } from './podInfo.js';

/** Nominated pods per node. */
export class Nominator {
  private readonly byNode = new Map<string, PodInfo[]>();
  private readonly nodeOf = new Map<string, string>();

  /** Number of nominated pods. */
  get size(): number {
    return this.nodeOf.size;
  }

  /** The node a pod is nominated to. */
  nominatedNode(uid: string): string | undefined {
    return this.nodeOf.get(uid);
  }

  /** Nominates (or re-nominates) a pod; an empty node name removes the nomination. */
  add(pod: Pod, nodeName: string): void {
    const uid = pod.metadata.uid!;
    this.delete(uid);
    if (nodeName === '') return;
    this.nodeOf.set(uid, nodeName);
    let list = this.byNode.get(nodeName);
    if (list === undefined) this.byNode.set(nodeName, (list = []));
    list.push(podInfo(pod));
  }

  /** Refreshes the pod object of a nominated pod (its spec or labels may have changed). */
  update(pod: Pod): void {
    const node = this.nodeOf.get(pod.metadata.uid!);
    if (node !== undefined) this.add(pod, node);
  }

  /** Removes a pod's nomination. */
  delete(uid: string): void {
    const node = this.nodeOf.get(uid);
    if (node === undefined) return;
    this.nodeOf.delete(uid);
    const list = this.byNode.get(node)!;
    const i = list.findIndex((p) => p.pod.metadata.uid === uid);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.byNode.delete(node);
  }

  /** The pods nominated to a node, in nomination order. */
  podsForNode(nodeName: string): readonly PodInfo[] | undefined {
    return this.byNode.get(nodeName);
  }
}
