/**
 * The scheduler's cache (pkg/scheduler/backend/cache): NodeInfos in node-add order, and which node each assigned or
 * assumed pod counts against. Terminal pods are not in it (upstream's scheduler watches pods with the field selector
 * status.phase!=Succeeded,status.phase!=Failed).
 */
import type { Node, Pod } from '../../cluster/types.js';
import { NodeInfo } from './nodeInfo.js';
import { sameRecord } from './nodeChange.js';
import { podInfo } from './podInfo.js';
import { PodChangeLog } from './podChangeLog.js';

/** Whether an update of a pod changes what plugins read. */
function schedulingRelevantChange(a: Pod, b: Pod): boolean {
  // The binding copies the spec with nodeName set, keeping its parts: compare the parts plugins read.
  const sa = a.spec;
  const sb = b.spec;
  if (sa.containers !== sb.containers || sa.initContainers !== sb.initContainers || sa.tolerations !== sb.tolerations || sa.affinity !== sb.affinity || sa.priority !== sb.priority) return true;
  return a.metadata.labels !== b.metadata.labels || a.metadata.deletionTimestamp !== b.metadata.deletionTimestamp || a.status.startTime !== b.status.startTime;
}

/** Scheduler cache. */
export class SchedulerCache {
  /** Nodes in the order they were added (the order filtering walks, from a rotating start). */
  readonly nodeList: NodeInfo[] = [];
  private readonly nodes = new Map<string, NodeInfo>();
  private readonly podNode = new Map<string, string>();
  /** Pods (bound or assumed) with any pod affinity, and with required anti-affinity, over all nodes. */
  podsWithAffinity = 0;
  podsWithRequiredAntiAffinity = 0;
  /** Placement changes, for plugins' incremental aggregates. */
  readonly log = new PodChangeLog();
  /** Pods counted per priority (for preemption's quick "no lower-priority pod anywhere" answer). */
  private readonly priorities = new Map<number, number>();
  /** Number of nodes that have each image (upstream's ImageStateSummary.NumNodes). */
  readonly imageNodes = new Map<string, number>();
  /** The largest size any node has reported for each image (never lowered: an upper bound for ImageLocality). */
  readonly imageSizeBound = new Map<string, number>();
  /** Images whose nodes have reported different sizes (never cleared). */
  readonly imageSizesVary = new Set<string>();
  /** Number of nodes that have each layer, when the scenario's image table lists layers (kubesim's ImageLocality `scoreLayers`). */
  readonly layerNodes = new Map<string, number>();
  /** The layers of a (normalised) image name, from the scenario's image table. */
  layersOf: ((image: string) => readonly { digest: string; size: number }[] | undefined) | undefined;

  /** The NodeInfo of a node. */
  node(name: string): NodeInfo | undefined {
    return this.nodes.get(name);
  }

  /** Adds or updates a node. Returns true if it was new. */
  upsertNode(node: Node): boolean {
    const n = this.nodes.get(node.metadata.name);
    // Aggregates depend on the node set and node labels only: a status update leaves them valid.
    if (n === undefined || !sameRecord(n.node.metadata.labels, node.metadata.labels)) this.log.nodeChanged();
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
    this.log.nodeChanged();
    this.nodes.delete(name);
    this.nodeList.splice(this.nodeList.indexOf(n), 1);
    this.countImages(n, -1);
    this.podsWithAffinity -= n.podsWithAffinity.size;
    this.podsWithRequiredAntiAffinity -= n.podsWithRequiredAntiAffinity.size;
    for (const [uid, info] of n.pods) {
      this.podNode.delete(uid);
      this.countPriority(info.pod.spec.priority ?? 0, -1);
    }
  }

  /** Applies the change of a node's affinity pod sets (sizes before: `a`, `r`) to the totals. */
  private countAffinity(n: NodeInfo, a: number, r: number): void {
    this.podsWithAffinity += n.podsWithAffinity.size - a;
    this.podsWithRequiredAntiAffinity += n.podsWithRequiredAntiAffinity.size - r;
  }

  private countImages(n: NodeInfo, sign: 1 | -1): void {
    for (const [image, size] of n.images) {
      const c = (this.imageNodes.get(image) ?? 0) + sign;
      if (c > 0) this.imageNodes.set(image, c);
      else this.imageNodes.delete(image);
      if (sign > 0) {
        const bound = this.imageSizeBound.get(image);
        if (bound !== undefined && bound !== size) this.imageSizesVary.add(image);
        if (size > (bound ?? -1)) this.imageSizeBound.set(image, size);
      }
    }
    if (this.layersOf === undefined) return;
    for (const digest of this.nodeLayers(n)) {
      const c = (this.layerNodes.get(digest) ?? 0) + sign;
      if (c > 0) this.layerNodes.set(digest, c);
      else this.layerNodes.delete(digest);
    }
  }

  private readonly layerSets = new WeakMap<ReadonlyMap<string, number>, Set<string>>();

  /** The layers on a node: those of the images its status lists (each once). */
  nodeLayers(n: NodeInfo): ReadonlySet<string> {
    let set = this.layerSets.get(n.images);
    if (set === undefined) {
      set = new Set();
      for (const image of n.images.keys()) for (const l of this.layersOf?.(image) ?? []) set.add(l.digest);
      this.layerSets.set(n.images, set);
    }
    return set;
  }

  /**
   * Counts a pod against a node (assume or confirm); moves it if it was counted elsewhere. An update of a counted
   * pod replaces its PodInfo when something the scheduler reads changed (labels, containers, tolerations,
   * affinity, priority, deletionTimestamp, startTime), as the cache's updatePod does; other status changes keep the
   * entry.
   */
  addPod(pod: Pod, nodeName: string): void {
    const uid = pod.metadata.uid!;
    const prev = this.podNode.get(uid);
    if (prev === nodeName) {
      const old = this.nodes.get(nodeName)?.pods.get(uid)?.pod;
      if (old === undefined || old === pod || !schedulingRelevantChange(old, pod)) return;
      this.removePod(uid);
    } else if (prev !== undefined) this.removePod(uid);
    const n = this.nodes.get(nodeName);
    if (n === undefined) return;
    const [a, r] = [n.podsWithAffinity.size, n.podsWithRequiredAntiAffinity.size];
    const info = podInfo(pod);
    n.addPod(info);
    this.countPriority(pod.spec.priority ?? 0, 1);
    this.log.push(n, info, 1);
    this.countAffinity(n, a, r);
    this.podNode.set(uid, nodeName);
  }

  /** Stops counting a pod. Returns the node it was on. */
  removePod(uid: string): string | undefined {
    const prev = this.podNode.get(uid);
    if (prev === undefined) return undefined;
    this.podNode.delete(uid);
    const n = this.nodes.get(prev);
    if (n !== undefined) {
      const [a, r] = [n.podsWithAffinity.size, n.podsWithRequiredAntiAffinity.size];
      const info = n.pods.get(uid);
      n.removePod(uid);
      if (info !== undefined) {
        this.log.push(n, info, -1);
        this.countPriority(info.pod.spec.priority ?? 0, -1);
      }
      this.countAffinity(n, a, r);
    }
    return prev;
  }

  private countPriority(priority: number, by: 1 | -1): void {
    const c = (this.priorities.get(priority) ?? 0) + by;
    if (c > 0) this.priorities.set(priority, c);
    else this.priorities.delete(priority);
  }

  /** The lowest priority of the counted pods. */
  lowestPriority(): number | undefined {
    let min: number | undefined;
    for (const p of this.priorities.keys()) if (min === undefined || p < min) min = p;
    return min;
  }

  /** Number of pods counted (bound or assumed). */
  get podCount(): number {
    return this.podNode.size;
  }

  /** Whether a pod is counted (assumed or bound). */
  hasPod(uid: string): boolean {
    return this.podNode.has(uid);
  }
}
