/**
 * The scheduler's cache (pkg/scheduler/backend/cache): NodeInfos in node-add order, and which node each assigned or
 * assumed pod counts against. Terminal pods are not in it (upstream's scheduler watches pods with the field selector
 * status.phase!=Succeeded,status.phase!=Failed).
 */
import type { Node, Pod } from '../../cluster/types.js';
import { NodeInfo } from './nodeInfo.js';
import { podInfo } from './podInfo.js';

/** Scheduler cache. */
export class SchedulerCache {
  /** Nodes in the order they were added (the order filtering walks, from a rotating start). */
  readonly nodeList: NodeInfo[] = [];
  private readonly nodes = new Map<string, NodeInfo>();
  private readonly podNode = new Map<string, string>();
  /** Number of nodes that have each image (upstream's ImageStateSummary.NumNodes). */
  readonly imageNodes = new Map<string, number>();

  /** The NodeInfo of a node. */
  node(name: string): NodeInfo | undefined {
    return this.nodes.get(name);
  }

  /** Adds or updates a node. Returns true if it was new. */
  upsertNode(node: Node): boolean {
    const n = this.nodes.get(node.metadata.name);
    if (n !== undefined) {
      this.countImages(n, -1);
      n.setNode(node);
      this.countImages(n, 1);
      return false;
    }
    const info = new NodeInfo(node);
    this.nodes.set(info.name, info);
    this.nodeList.push(info);
    this.countImages(info, 1);
    return true;
  }

  /** Removes a node (its pods' accounting goes with it). */
  removeNode(name: string): void {
    const n = this.nodes.get(name);
    if (n === undefined) return;
    this.nodes.delete(name);
    this.nodeList.splice(this.nodeList.indexOf(n), 1);
    this.countImages(n, -1);
    for (const uid of n.pods.keys()) this.podNode.delete(uid);
  }

  private countImages(n: NodeInfo, sign: 1 | -1): void {
    for (const image of n.images.keys()) {
      const c = (this.imageNodes.get(image) ?? 0) + sign;
      if (c > 0) this.imageNodes.set(image, c);
      else this.imageNodes.delete(image);
    }
  }

  /** Counts a pod against a node (assume or confirm); moves it if it was counted elsewhere. */
  addPod(pod: Pod, nodeName: string): void {
    const uid = pod.metadata.uid!;
    const prev = this.podNode.get(uid);
    if (prev === nodeName) return;
    if (prev !== undefined) this.nodes.get(prev)?.removePod(uid);
    const n = this.nodes.get(nodeName);
    if (n === undefined) return;
    n.addPod(podInfo(pod));
    this.podNode.set(uid, nodeName);
  }

  /** Stops counting a pod. Returns the node it was on. */
  removePod(uid: string): string | undefined {
    const prev = this.podNode.get(uid);
    if (prev === undefined) return undefined;
    this.podNode.delete(uid);
    this.nodes.get(prev)?.removePod(uid);
    return prev;
  }

  /** Whether a pod is counted (assumed or bound). */
  hasPod(uid: string): boolean {
    return this.podNode.has(uid);
  }
}
