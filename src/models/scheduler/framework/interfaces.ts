/**
 * Extension points of the scheduling framework (pkg/scheduler/framework/interface.go). A plugin is a name plus only
 * the methods of the points it implements; the profile sorts plugins into per-point lists at construction, so the
 * cycle never asks a plugin what it implements.
 */
import type { Kind, LabelSelector, ObjectOfKind, Pod, PodDisruptionBudget } from '../../../cluster/types.js';
import type { Rng } from '../../../engine/rng.js';
import type { NodeInfo } from '../nodeInfo.js';
import type { PodChangeLog } from '../podChangeLog.js';
import type { PodInfo } from '../podInfo.js';
import type { QueuedPodInfo } from '../queue/queuedPodInfo.js';
import type { ClusterEventType } from '../queue/schedulingQueue.js';
import type { TypicalPod } from '../gpu/fragmentation.js';
import type { Code, Status, StatusOrSuccess } from './status.js';

/** Per-cycle scratch space shared by the plugins of one cycle (framework.CycleState). */
export type CycleState = Map<string, unknown>;

/** Highest and lowest node scores (framework.MaxNodeScore / MinNodeScore). */
export const MAX_NODE_SCORE = 100;
export const MIN_NODE_SCORE = 0;

/** Every plugin has a name. */
export interface Plugin {
  readonly name: string;
  /**
   * Cluster events that may make a pod this plugin rejected schedulable (upstream's EventsToRegister): the queue
   * moves such a pod out of unschedulablePods only on these.
   */
  readonly events?: readonly ClusterEventType[];
}

/** PreEnqueue: gates a pod before it enters activeQ (SchedulingGates). */
export interface PreEnqueuePlugin extends Plugin {
  preEnqueue(pod: Pod): StatusOrSuccess;
}

/** QueueSort: the order of activeQ. Exactly one per profile. */
export interface QueueSortPlugin extends Plugin {
  less(a: QueuedPodInfo, b: QueuedPodInfo): boolean;
}

/**
 * PreFilter: per-pod precomputation and early rejection. `addPod`/`removePod` are upstream's PreFilterExtensions:
 * they update the plugin's PreFilter state when a pod is added to or removed from a node during preemption's dry
 * runs and when nominated pods are counted (the state is a clone then, see `cloneCycleState`).
 */
export interface PreFilterPlugin extends Plugin {
  preFilter(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): StatusOrSuccess;
  /**
   * PreFilterResult: after a successful PreFilter, the only node names the pod can go to (undefined: all nodes).
   * The cycle filters just those (NodeAffinity's `metadata.name` matchFields, as DaemonSet pods use).
   */
  preFilterResult?(state: CycleState, pod: PodInfo): ReadonlySet<string> | undefined;
  addPod?(state: CycleState, pod: PodInfo, podToAdd: PodInfo, node: NodeInfo): StatusOrSuccess;
  removePod?(state: CycleState, pod: PodInfo, podToRemove: PodInfo, node: NodeInfo): StatusOrSuccess;
}

/** A cycle-state value that must be deep-copied when the state is cloned (upstream's StateData.Clone). */
export interface Cloneable {
  clone(): unknown;
}

/** Clones a cycle state: values with a `clone()` are copied, others shared (framework.CycleState.Clone). */
export function cloneCycleState(state: CycleState): CycleState {
  const out: CycleState = new Map();
  for (const [k, v] of state) out.set(k, v !== null && typeof v === 'object' && typeof (v as Partial<Cloneable>).clone === 'function' ? (v as Cloneable).clone() : v);
  return out;
}

/** Filter: can the pod run on this node? */
export interface FilterPlugin extends Plugin {
  filter(state: CycleState, pod: PodInfo, node: NodeInfo): StatusOrSuccess;
}

/** The filter statuses of the nodes a cycle rejected (framework.NodeToStatusReader). */
export interface NodeToStatus {
  /** A node's status; undefined when the node was not rejected. */
  get(nodeName: string): Status | undefined;
  /** The rejected nodes whose status has `code`, in the order they were evaluated (`NodesForStatusCode`). */
  nodesWithCode(code: Code): readonly NodeInfo[];
  /** How many rejected nodes have `code` (the length of nodesWithCode, without building the list). */
  countWithCode(code: Code): number;
}

/**
 * PostFilter: runs when no node is feasible (preemption). `statuses` holds each rejected node's status. The result's
 * `nominatedNodeName` is undefined to leave the pod's nomination as it is, '' to clear it, or the node to nominate.
 */
export interface PostFilterPlugin extends Plugin {
  postFilter(state: CycleState, pod: PodInfo, statuses: NodeToStatus): { status: StatusOrSuccess; nominatedNodeName?: string };
}

/** PreScore: per-pod precomputation over the feasible nodes. */
export interface PreScorePlugin extends Plugin {
  preScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): StatusOrSuccess;
}

/** Score: an integer score per feasible node; NormalizeScore maps the scores into [0, 100] in place. */
export interface ScorePlugin extends Plugin {
  score(state: CycleState, pod: PodInfo, node: NodeInfo): number;
  /**
   * Optional batch form of `score` (a kubesim implementation detail, not an upstream extension point): writes
   * `out[i] = score(state, pod, nodes[i])` for every node, with exactly the values `score` gives. The hot default
   * plugins have it so a cycle over hundreds of nodes makes one call per plugin instead of one per node.
   */
  scoreAll?(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[], out: number[]): void;
  normalizeScore?(state: CycleState, pod: PodInfo, scores: number[]): void;
}

/**
 * NodeWalk (a kubesim extension point, not upstream's): fixes the node index filtering starts from and how many
 * feasible nodes end the search, for order-based policies (FirstFit, RoundRobin). At most one per profile.
 */
export interface NodeWalkPlugin extends Plugin {
  walk(numNodes: number): { start: number; limit: number };
}

/** Reserve/Unreserve: claim and release resources in plugin state when a node is chosen. */
export interface ReservePlugin extends Plugin {
  reserve(state: CycleState, pod: PodInfo, nodeName: string): StatusOrSuccess;
  unreserve(state: CycleState, pod: PodInfo, nodeName: string): void;
}

/** Permit: approve, deny or delay binding. */
export interface PermitPlugin extends Plugin {
  permit(state: CycleState, pod: PodInfo, nodeName: string): StatusOrSuccess;
}

/** PreBind: work before binding (volumes). */
export interface PreBindPlugin extends Plugin {
  preBind(state: CycleState, pod: PodInfo, nodeName: string): StatusOrSuccess;
}

/** Bind: writes the binding. Returns a Skip status when it does not handle the pod; otherwise calls `done`. */
export interface BindPlugin extends Plugin {
  bind(state: CycleState, pod: PodInfo, nodeName: string, done: (s: StatusOrSuccess) => void): StatusOrSuccess;
}

/** PostBind: informational, after a successful bind. */
export interface PostBindPlugin extends Plugin {
  postBind(state: CycleState, pod: PodInfo, nodeName: string): void;
}

/** What a plugin factory gets: the scheduler's shared handles. */
export interface PluginHandle {
  /** Writes a binding through the scheduler's API client. */
  bindPod(pod: Pod, nodeName: string, done: (ok: boolean, message?: string) => void): void;
  /** All nodes of the snapshot, in cache order. */
  nodes(): readonly NodeInfo[];
  /** A node of the snapshot by name. */
  nodeInfo(name: string): NodeInfo | undefined;
  /** An API object as the scheduler's informers see it (volumes, claims, classes). */
  getObject<K extends Kind>(kind: K, key: string): ObjectOfKind<K> | undefined;
  /** The API objects of a kind, as the informers see them. */
  listObjects<K extends Kind>(kind: K): Iterable<ObjectOfKind<K>>;
  /** Writes an update through the scheduler's client (PreBind's API calls). */
  updateObject<K extends Kind>(kind: K, key: string, mutate: (current: ObjectOfKind<K>) => ObjectOfKind<K>): void;
  /**
   * The workload's typical pods for GPU fragmentation (FGD): from the scenario's trace or pod templates; empty when
   * nothing describes the workload.
   */
  typicalPods(): readonly TypicalPod[];
  /** Bound or assumed pods with any pod (anti-)affinity, and with required anti-affinity, over all nodes. */
  podsWithAffinity(): number;
  podsWithRequiredAntiAffinity(): number;
  /**
   * The selector of the Services, ReplicaSets and StatefulSets selecting a pod (helper.DefaultSelector), or
   * undefined when it is empty; used by PodTopologySpread's system default constraints.
   */
  defaultSelector(pod: Pod): LabelSelector | undefined;
  /** The cache's pod placement log (for incremental aggregates). */
  podLog(): PodChangeLog;
  /** How many nodes have an image (normalised name). */
  imageNodes(image: string): number;
  /** At least the largest size a node reports for the image (0 when none has it). */
  imageSizeBound?(image: string): number;
  /** Whether every node that ever reported the image reported the same size. */
  imageSizeUniform?(image: string): boolean;
  /** The Kubernetes minor whose behaviour the plugins follow (cluster/kubernetesVersion.ts; default the followed one). */
  kubernetesMinor?(): number;
  /** The layers of an image (normalised name) when the scenario's image table lists them. */
  imageLayers?(image: string): readonly { digest: string; size: number }[] | undefined;
  /** How many nodes have a layer, and the layers on a node (from the images its status lists). */
  layerNodes?(digest: string): number;
  nodeLayers?(node: NodeInfo): ReadonlySet<string>;
  /** Pods counted in the cache (bound or assumed), over all nodes. */
  podCount(): number;
  /** The seeded random stream of policy plugins (`scheduler.policy`). */
  random(): Rng;
  /**
   * Counts plugin work (e.g. existing pods × terms examined) towards the cycle's simulated cost: `filter` work
   * (PreFilter/Filter: required terms, spreading counts) and `score` work (the default) have their own unit costs.
   */
  addWork(units: number, phase?: 'filter' | 'score' | 'spread'): void;
  /**
   * Runs the current cycle's Filter plugins on a node, counting the node's nominated pods of equal or higher
   * priority first (framework.go `RunFilterPluginsWithNominatedPods`). Valid during a scheduling cycle.
   */
  runFilterPluginsWithNominatedPods(state: CycleState, pod: PodInfo, node: NodeInfo): StatusOrSuccess;
  /** Runs the current profile's PreFilter extensions (framework.go `RunPreFilterExtensionAddPod` / `RemovePod`). */
  runPreFilterExtensionAddPod(state: CycleState, pod: PodInfo, podToAdd: PodInfo, node: NodeInfo): StatusOrSuccess;
  runPreFilterExtensionRemovePod(state: CycleState, pod: PodInfo, podToRemove: PodInfo, node: NodeInfo): StatusOrSuccess;
  /** The lowest priority of the pods on nodes (bound or assumed), undefined with none. */
  lowestPodPriority(): number | undefined;
  /** PodDisruptionBudgets as the scheduler's informer sees them. */
  pdbs(): readonly PodDisruptionBudget[];
  /** The pods nominated to a node. */
  nominatedPodsForNode(nodeName: string): readonly PodInfo[];
  /** Preempts a victim: DisruptionTarget condition, graceful delete, a Preempted event (preemption.go `PreemptPod`). */
  preemptPod(victim: Pod, preemptor: Pod, nodeName: string, schedulerName: string): void;
  /** Clears the nomination of pods (preemption.go `clearNominatedNodeName`). */
  clearNominatedNodeName(pods: readonly Pod[]): void;
  /** The seeded random stream of preemption (`scheduler.preemption`: the dry run's start offset). */
  preemptionRandom(): Rng;
}

/** A plugin factory: plugin args (from pluginConfig) and the handle → plugin. */
export type PluginFactory = (args: Record<string, unknown> | undefined, handle: PluginHandle) => Plugin;
