/**
 * kube-scheduler (pkg/scheduler/schedule_one.go `ScheduleOne`), one pod at a time per scheduler:
 *   1. pop the next pod from activeQ;
 *   2. scheduling cycle on the cache as it is now: PreFilter; Filter from a rotating start index until
 *      `numFeasibleNodesToFind` nodes fit (each node stops at its first failing plugin); PreScore, Score,
 *      NormalizeScore, weighted sum; the highest total wins, ties broken uniformly at random from the seeded
 *      `scheduler.tiebreak` stream (the distribution of upstream's `selectHost` reservoir, with one draw);
 *   3. the cycle takes simulated time from the cycle cost model (base + per node filtered + per node scored);
 *   4. on success: assume the pod on the node, Reserve, Permit, then the binding cycle runs asynchronously (PreBind,
 *      Bind through the API client, so the client's QPS bounds the binding rate) while the next cycle starts;
 *   5. on failure: PostFilter, a FailedScheduling event with upstream's message, the PodScheduled=False condition
 *      written when it changes, and the pod goes back to the queue (unschedulablePods or backoffQ).
 */
import type { Engine } from '../../engine/engine.js';
import type { Rng } from '../../engine/rng.js';
import type { Micros } from '../../engine/time.js';
import type { Node, Pod, PodCondition, PodDisruptionBudget } from '../../cluster/types.js';
import { objectKey } from '../../cluster/types.js';
import type { ApiClient, ApiServer, WatchEvent } from '../apiserver/apiServer.js';
import type { EventRecorder } from '../eventRecorder.js';
import type { CycleState, FilterPlugin, PluginHandle } from './framework/interfaces.js';
import { DEFAULT_PLUGINS, Profile, type PluginConfig } from './framework/profile.js';
import { cloneCycleState, type NodeToStatus } from './framework/interfaces.js';
import { Nominator } from './nominator.js';
import { nodeFrag, type TypicalPod } from './gpu/fragmentation.js';
import { NodeInfo, normalizedImageName } from './nodeInfo.js';
import { nodeSchedulingPropertiesChanged } from './nodeChange.js';
import type { Registry } from './framework/registry.js';
import { Code, CODE_NAMES, isRejected, type Status, type StatusOrSuccess } from './framework/status.js';
import type { CycleTrace, FilterTrace, NodeTrace, ScoreTrace, Tracer } from './cycleTrace.js';
import { SchedulerCache } from './cache.js';
import { DefaultSelectors } from './defaultSelectors.js';
import { fitErrorMessage, NO_NODE_AVAILABLE } from './fitError.js';
import { numFeasibleNodesToFind } from './numFeasibleNodes.js';
import { type PodInfo, podInfo } from './podInfo.js';
import type { QueuedPodInfo } from './queue/queuedPodInfo.js';
import { type ClusterEventType, type QueueLengths, SchedulingQueue } from './queue/schedulingQueue.js';
import { extend } from '../../cluster/extend.js';
import { KUBERNETES_MINOR } from '../../cluster/kubernetesVersion.js';

/** Scheduler settings (scenario `spec.scheduler`). */
export interface SchedulerConfig {
  percentageOfNodesToScore: number;
  podInitialBackoff: Micros;
  podMaxBackoff: Micros;
  cycleCost: { base: Micros; perNodeFiltered: Micros; perNodeScored: Micros; perWorkUnit: Micros; perFilterWorkUnit: Micros; perSpreadWorkUnit?: Micros };
  /** Profiles by schedulerName (the first is the default); percentageOfNodesToScore per profile overrides the global. */
  profiles?: { schedulerName: string; plugins: PluginConfig[]; percentageOfNodesToScore?: number }[];
  /**
   * How selectHost breaks ties among the top-scoring nodes: `random` (upstream, from the `scheduler.tiebreak` stream)
   * or `first` (the first in the order filtering visited them, as the FGD paper's scheduler fork does "for
   * reproducibility"; placement experiments shuffle the node order per seed instead). Default random.
   */
  tieBreak?: 'random' | 'first';
  /** The workload's typical pods for GPU fragmentation (FGD), computed on first use. */
  typicalPods?: () => readonly TypicalPod[];
  /** The scenario's image layers by image name (for ImageLocality with `scoreLayers`). */
  imageLayers?: Readonly<Record<string, readonly { digest: string; size: number }[]>>;
  /** The Kubernetes minor the plugins follow (scenario `spec.kubernetesVersion`; default the followed one). */
  kubernetesMinor?: number;
}

/** Flush period of backoffQ → activeQ (GUESS ≈ 1 s: upstream's ordering-window length was not read). */
export const BACKOFF_FLUSH_PERIOD_US = 1_000_000;
/** Period of flushUnschedulablePodsLeftover: 30 s (scheduling_queue.go `Run`). */
export const UNSCHEDULABLE_FLUSH_PERIOD_US = 30_000_000;

/** Outcome of one scheduling cycle (before it is applied). */
interface CycleResult {
  info: QueuedPodInfo;
  profile: Profile;
  pod: PodInfo;
  podCycle: number;
  state: CycleState;
  nodeName: string | undefined;
  numAllNodes: number;
  filtered: number;
  scored: number;
  /** Failure: reason histogram, rejecting plugins, and whether it was an error rather than unschedulable. */
  reasons: Map<string, number>;
  rejectors: Set<string>;
  error: string | undefined;
  /** A PreFilter rejection's message (FitError's PreFilterMsg: then no per-node histogram). */
  preFilterMsg?: string;
  /** PostFilter outcome: its message, and the nomination (undefined: unchanged; '': cleared). */
  postFilterMsg?: string;
  nominatedNodeName?: string;
  /** The attempt's trace, when a tracer wants it (completed with the message when the cycle ends). */
  trace?: CycleTrace;
  /** Index of the first node filtering visited in `list` (for traces). */
  start?: number;
  /** The nodes filtering walked (all nodes, or a PreFilterResult's). */
  list?: readonly NodeInfo[];
  /** When the cycle started and its simulated duration. */
  cycleStartUs?: Micros;
  cycleUs?: Micros;
}

/** Where a scheduled pod's time went (created → bound, less the watch delay before it was queued). */
export interface SchedulingTimings {
  /** Time in the queues (active, backoff, unschedulable), from first enqueue to the successful cycle. */
  queueWaitUs: Micros;
  /** Time in scheduling cycles, over all attempts. */
  cycleUs: Micros;
  /** From the end of the successful cycle to the binding's commit. */
  bindingUs: Micros;
}

/** The statuses of the rejected nodes, in evaluation order (framework.NodeToStatus). */
class NodeStatuses implements NodeToStatus {
  private byName: Map<string, Status> | undefined;
  /** The first `count` entries of `nodes` and `statuses` (the cycle's scratch arrays: valid during PostFilter only). */
  constructor(
    private readonly nodes: readonly NodeInfo[],
    private readonly statuses: readonly Status[],
    private readonly count: number,
  ) {}

  get(name: string): Status | undefined {
    if (this.byName === undefined) {
      this.byName = new Map();
      for (let i = 0; i < this.count; i++) this.byName.set(this.nodes[i]!.name, this.statuses[i]!);
    }
    return this.byName.get(name);
  }

  nodesWithCode(code: Code): NodeInfo[] {
    const out = new Array<NodeInfo>(this.countWithCode(code));
    let k = 0;
    for (let i = 0; i < this.count; i++) if (this.statuses[i]!.code === code) out[k++] = this.nodes[i]!;
    return out;
  }

  countWithCode(code: Code): number {
    let n = 0;
    for (let i = 0; i < this.count; i++) if (this.statuses[i]!.code === code) n++;
    return n;
  }
}

/** Counters exposed to observers. */
export interface SchedulerStats {
  attempts: number;
  scheduled: number;
  failedAttempts: number;
  bindErrors: number;
  /** Successful preemptions (a node nominated) and the pods they evicted. */
  preemptions: number;
  preemptionVictims: number;
}

/** The scheduler of one profile set. */
export class Scheduler {
  readonly cache = new SchedulerCache();
  readonly queue: SchedulingQueue;
  /** The first profile (its QueueSort orders the shared queue, as upstream requires one QueueSort for all). */
  readonly profile: Profile;
  /** Profiles by schedulerName. */
  readonly profiles = new Map<string, Profile>();
  private readonly percentages = new Map<Profile, number>();
  readonly stats: SchedulerStats = { attempts: 0, scheduled: 0, failedAttempts: 0, bindErrors: 0, preemptions: 0, preemptionVictims: 0 };
  private busy = false;
  /** Plugin work units counted in the current cycle (for the cycle cost model): scoring and filtering work. */
  private work = 0;
  private filterWork = 0;
  /** PodTopologySpread's score-side pod counting (cheaper per pod than affinity terms). */
  private spreadWork = 0;
  private nextStartNodeIndex = 0;
  /** Last PodScheduled=False message written per pod uid (to skip identical status writes, as upstream does). */
  private readonly lastConditionMessage = new Map<string, string>();
  private readonly interested = new Map<string, Set<ClusterEventType>>();
  /** Pods held back by a PreEnqueue plugin (scheduling gates), by uid. */
  private readonly gated = new Set<string>();
  private readonly selectors = new DefaultSelectors();
  private readonly totals: number[] = [];
  /** The cycle's feasible nodes (scratch, reused across cycles). */
  private readonly feasibleScratch: NodeInfo[] = [];
  /** Per score plugin, its scores of the feasible nodes (scratch, reused across cycles). */
  private readonly pluginScores: number[][] = [];
  private readonly activeFilters: FilterPlugin[] = [];
  private readonly failedNodes: NodeInfo[] = [];
  private readonly failedStatuses: Status[] = [];
  private readonly failedPlugins: string[] = [];
  /** How many entries of the failed* scratch arrays the last cycle filled (they are never cut: length = 0 drops storage). */
  private failedCount = 0;
  private lastFailedPlugin = '';
  /** The profile of the cycle being computed (for the handle's framework calls). */
  private cycleProfile: Profile | undefined;
  readonly nominator = new Nominator();
  /** Called when a pod is bound, with where its scheduling time went. */
  onScheduled: ((pod: Pod, t: SchedulingTimings) => void) | undefined;
  /** Simulated time spent in cycles per pod uid (earlier attempts). */
  private readonly cycleTime = new Map<string, Micros>();
  /** Set to record attempts (explain, --trace-scheduling). */
  tracer: Tracer | undefined;
  /** Scores of the current cycle's trace, by node name (filled by prioritize when tracing). */
  private traceScores: Map<string, { scores: ScoreTrace[]; total: number }> | undefined;
  private readonly pdbList = new Map<string, PodDisruptionBudget>();
  private pdbCache: PodDisruptionBudget[] | undefined;
  /** The workload's typical pods (computed on first use). */
  private readonly typicalPods: () => readonly TypicalPod[];

  constructor(
    private readonly engine: Engine,
    private readonly api: ApiServer,
    private readonly client: ApiClient,
    private readonly tiebreak: Rng,
    private readonly config: SchedulerConfig,
    registry: Registry,
    private readonly recorder: EventRecorder,
    /** The `scheduler.policy` stream for policy plugins (Random); defaults to the tiebreak stream. */
    policyRng?: Rng,
    /** The `scheduler.preemption` stream (dry-run offsets); defaults to the tiebreak stream. */
    preemptionRng?: Rng,
  ) {
    let typical: readonly TypicalPod[] | undefined;
    this.typicalPods = () => (typical ??= config.typicalPods?.() ?? []);
    const layers = Object.entries(config.imageLayers ?? {});
    if (layers.length > 0) {
      const byName = new Map(layers.map(([name, l]) => [normalizedImageName(name), l]));
      this.cache.layersOf = (image) => byName.get(image);
    }
    const handle: PluginHandle = {
      bindPod: (pod, nodeName, done) => this.bindPod(pod, nodeName, done),
      nodes: () => this.cache.nodeList,
      nodeInfo: (name) => this.cache.node(name),
      getObject: (kind, key) => this.client.get(kind, key),
      listObjects: (kind) => this.api.store.list(kind),
      updateObject: (kind, key, mutate) => this.client.update(kind, key, mutate),
      typicalPods: () => this.typicalPods(),
      imageNodes: (image) => this.cache.imageNodes.get(image) ?? 0,
      imageSizeBound: (image) => this.cache.imageSizeBound.get(image) ?? 0,
      imageSizeUniform: (image) => !this.cache.imageSizesVary.has(image),
      kubernetesMinor: () => config.kubernetesMinor ?? KUBERNETES_MINOR,
      imageLayers: (image) => this.cache.layersOf?.(image),
      layerNodes: (digest) => this.cache.layerNodes.get(digest) ?? 0,
      nodeLayers: (node) => this.cache.nodeLayers(node),
      podCount: () => this.cache.podCount,
      podsWithAffinity: () => this.cache.podsWithAffinity,
      podsWithRequiredAntiAffinity: () => this.cache.podsWithRequiredAntiAffinity,
      defaultSelector: (pod) => this.selectors.defaultSelector(pod),
      podLog: () => this.cache.log,
      random: () => policyRng ?? this.tiebreak,
      addWork: (units, phase) => {
        if (phase === 'filter') this.filterWork += units;
        else if (phase === 'spread') this.spreadWork += units;
        else this.work += units;
      },
      runFilterPluginsWithNominatedPods: (state, pod, node) => {
        this.filterWork += this.activeFilters.length;
        return this.filterNode(state, pod, node, this.activeFilters);
      },
      runPreFilterExtensionAddPod: (state, pod, podToAdd, node) => this.preFilterExtension(state, pod, podToAdd, node, 'add'),
      runPreFilterExtensionRemovePod: (state, pod, podToRemove, node) => this.preFilterExtension(state, pod, podToRemove, node, 'remove'),
      lowestPodPriority: () => this.cache.lowestPriority(),
      pdbs: () => (this.pdbCache ??= [...this.pdbList.values()]),
      nominatedPodsForNode: (name) => this.nominator.podsForNode(name) ?? [],
      preemptPod: (victim, preemptor, nodeName, schedulerName) => this.preemptPod(victim, preemptor, nodeName, schedulerName),
      clearNominatedNodeName: (pods) => {
        for (const p of pods) {
          this.nominator.delete(p.metadata.uid!);
          this.client.update('Pod', objectKey(p.metadata), (cur) => (cur.status.nominatedNodeName ? extend(cur, { status: extend(cur.status, { nominatedNodeName: undefined }) }) : cur));
        }
      },
      preemptionRandom: () => preemptionRng ?? this.tiebreak,
    };
    const cfgs = config.profiles ?? [{ schedulerName: 'default-scheduler', plugins: DEFAULT_PLUGINS }];
    for (const cfg of cfgs) {
      if (this.profiles.has(cfg.schedulerName)) throw new Error(`duplicate profile for schedulerName "${cfg.schedulerName}"`);
      const profile = new Profile(cfg.schedulerName, cfg.plugins, registry, handle);
      this.profiles.set(cfg.schedulerName, profile);
      this.percentages.set(profile, cfg.percentageOfNodesToScore ?? config.percentageOfNodesToScore);
      for (const p of [...profile.filter, ...profile.preFilter]) {
        const set = this.interested.get(p.name) ?? new Set();
        for (const e of p.events ?? []) set.add(e);
        this.interested.set(p.name, set);
      }
    }
    this.profile = this.profiles.values().next().value!;
    this.queue = new SchedulingQueue(
      (a, b) => this.profile.queueSort.less(a, b),
      config.podInitialBackoff,
      config.podMaxBackoff,
      (plugin, event) => this.interested.get(plugin)?.has(event) ?? true,
    );
  }

  /** Name pods select the first profile by. */
  get schedulerName(): string {
    return this.profile.schedulerName;
  }

  /** The profile of a pod's schedulerName, or undefined when another scheduler owns the pod. */
  private profileOf(pod: Pod): Profile | undefined {
    return this.profiles.get(pod.spec.schedulerName ?? 'default-scheduler');
  }

  /**
   * A what-if predicate check, as the cluster autoscaler's PredicateChecker runs the scheduler framework on a
   * snapshot: the PreFilter plugins of the pod's profile over `nodes`, once, then a function telling whether the pod
   * passes every Filter on a given node (which may be a simulated copy). Undefined when PreFilter rejects the pod.
   */
  predicateChecker(pod: Pod, nodes: NodeInfo[]): ((node: NodeInfo) => boolean) | undefined {
    const info = podInfo(pod);
    const profile = this.profileOf(pod) ?? this.profile;
    const state: CycleState = new Map();
    const skipped = new Set<unknown>();
    for (const p of profile.preFilter) {
      const st = p.preFilter(state, info, nodes);
      if (st === null || st.code === Code.Success) continue;
      if (st.code === Code.Skip) skipped.add(p);
      else return undefined;
    }
    const filters = profile.filter.filter((f) => !skipped.has(f));
    return (node) => {
      for (const f of filters) {
        const st = f.filter(state, info, node);
        if (st !== null && st.code !== Code.Success && st.code !== Code.Skip) return false;
      }
      return true;
    };
  }

  /** Starts the informers and the queue's periodic flushes. */
  start(): void {
    this.api.watch('Node', {}, (ev) => this.onNode(ev));
    this.api.watch('Pod', {}, (ev) => this.onPod(ev));
    this.api.watch('PodDisruptionBudget', {}, (ev) => {
      const key = objectKey(ev.object.metadata);
      if (ev.type === 'DELETED') this.pdbList.delete(key);
      else this.pdbList.set(key, ev.object);
      this.pdbCache = undefined;
    });
    this.selectors.start(this.api);
    // VolumeBinding's events: claims and volumes that change may make a waiting pod schedulable.
    this.api.watch('PersistentVolumeClaim', {}, () => this.moveAll('VolumeChange'));
    this.api.watch('PersistentVolume', {}, () => this.moveAll('VolumeChange'));
    const flushBackoff = () => {
      if (this.queue.flushBackoffCompleted(this.engine.now) > 0) this.tryScheduleNext();
      this.engine.schedule(BACKOFF_FLUSH_PERIOD_US, flushBackoff);
    };
    const flushUnschedulable = () => {
      if (this.queue.flushUnschedulableLeftover(this.engine.now) > 0) this.tryScheduleNext();
      this.engine.schedule(UNSCHEDULABLE_FLUSH_PERIOD_US, flushUnschedulable);
    };
    this.engine.schedule(BACKOFF_FLUSH_PERIOD_US, flushBackoff);
    this.engine.schedule(UNSCHEDULABLE_FLUSH_PERIOD_US, flushUnschedulable);
  }

  /**
   * Places one pod now, outside simulated time (placement experiments): the scheduling cycle's computation on the
   * cache as it is, then assume and Reserve. No queue, binding, events or retries. Returns the node, or the
   * kube-scheduler-style message when no node fits, and the nodes the filters rejected. `candidates` (in cache order)
   * restricts the nodes filtered, for a caller that knows the others cannot fit.
   */
  placeNow(pod: Pod, candidates?: readonly NodeInfo[]): ({ node: string } | { message: string }) & { rejected: readonly NodeInfo[] } {
    const info: QueuedPodInfo = { pod, timestamp: 0, initialAttemptTimestamp: 0, attempts: 1, lastAttemptUs: 0, unschedulablePlugins: new Set(), where: 'inFlight' };
    const r = this.schedulePod(info, 0, candidates);
    const rejected = this.failedCount === 0 ? [] : this.failedNodes.slice(0, this.failedCount);
    if (r.nodeName === undefined) {
      this.stats.failedAttempts++;
      return { message: r.error ?? (r.preFilterMsg !== undefined ? `0/${r.numAllNodes} nodes are available: ${r.preFilterMsg}.` : fitErrorMessage(r.numAllNodes, r.reasons, r.postFilterMsg)), rejected };
    }
    this.cache.addPod(pod, r.nodeName);
    for (const p of r.profile.reserve) p.reserve(r.state, r.pod, r.nodeName);
    this.stats.scheduled++;
    return { node: r.nodeName, rejected };
  }

  /**
   * The cluster's GPUs as the cache accounts them: count, allocated milli-GPU, and the fragmented share of the idle
   * GPUs for the workload's typical pods (gpu/fragmentation.ts, the FGD paper's measure).
   */
  gpuSummary(): { gpus: number; allocatedMilli: number; fragmentedMilli: number } {
    let gpus = 0;
    let allocated = 0;
    let fragmented = 0;
    let typical: readonly TypicalPod[] | undefined;
    for (const n of this.cache.nodeList) {
      const d = n.gpus;
      if (d === undefined) continue;
      gpus += d.count;
      allocated += d.count * 1000 - d.freeTotal;
      typical ??= this.typicalPods();
      fragmented += nodeFrag(typical, n.allocMilliCPU - n.reqMilliCPU, d.model, d.free, d.count);
    }
    return { gpus, allocatedMilli: allocated, fragmentedMilli: fragmented };
  }

  /** Queue lengths (active, backoff, unschedulable, gated). */
  queueLengths(): QueueLengths & { gated: number } {
    return extend(this.queue.lengths(), { gated: this.gated.size });
  }

  /** Whether a PreEnqueue plugin holds the pod back. */
  private gatedBy(pod: Pod): boolean {
    for (const p of this.profileOf(pod)?.preEnqueue ?? []) {
      const s = p.preEnqueue(pod);
      if (s !== null && s.code !== Code.Success) return true;
    }
    return false;
  }

  private onNode(ev: WatchEvent<Node>): void {
    if (ev.type === 'DELETED') {
      this.cache.removeNode(ev.object.metadata.name);
      return;
    }
    const added = this.cache.upsertNode(ev.object);
    if (added) this.moveAll('NodeAdd');
    else if (ev.old === undefined || nodeSchedulingPropertiesChanged(ev.old, ev.object)) this.moveAll('NodeUpdate');
  }

  private onPod(ev: WatchEvent<Pod>): void {
    const pod = ev.object;
    const uid = pod.metadata.uid!;
    const terminal = pod.status.phase === 'Succeeded' || pod.status.phase === 'Failed';
    if (ev.type === 'DELETED' || terminal) {
      this.nominator.delete(uid);
      this.cycleTime.delete(uid);
      this.queue.delete(uid);
      this.gated.delete(uid);
      this.lastConditionMessage.delete(uid);
      if (this.cache.removePod(uid) !== undefined) this.moveAll('AssignedPodDelete');
      return;
    }
    if (pod.spec.nodeName) {
      // Assigned: count it (confirms an assumed pod), and it leaves the queue and the nominator.
      this.nominator.delete(uid);
      this.cache.addPod(pod, pod.spec.nodeName);
      this.queue.delete(uid);
      this.gated.delete(uid);
      this.lastConditionMessage.delete(uid);
      // The pod became assigned (bound, or created with spec.nodeName and so never scheduled): AssignedPodAdd
      // (eventhandlers.go `addPodToCache` → `AssignedPodAdded`).
      if (ev.old === undefined || !ev.old.spec.nodeName) this.moveAll('AssignedPodAdd');
      return;
    }
    if (this.profileOf(pod) === undefined) return;
    if (pod.metadata.deletionTimestamp !== undefined) return;
    if (ev.type === 'ADDED' || !this.queue.has(uid)) {
      if (this.cache.hasPod(uid)) return; // assumed, binding in flight
      // PreEnqueue (scheduling_queue.go `runPreEnqueuePlugins`): a gated pod waits outside activeQ for an update.
      if (this.gatedBy(pod)) {
        this.gated.add(uid);
        return;
      }
      this.gated.delete(uid);
      this.queue.add(pod, this.engine.now);
      this.tryScheduleNext();
    } else {
      this.queue.update(pod);
    }
  }

  private moveAll(event: ClusterEventType): void {
    if (this.queue.moveAllToActiveOrBackoff(event, this.engine.now) > 0) this.tryScheduleNext();
  }

  /** Starts a cycle if the scheduler is idle and a pod is waiting. */
  private tryScheduleNext(): void {
    if (this.busy) return;
    const info = this.queue.pop();
    if (info === undefined) return;
    this.busy = true;
    this.work = 0;
    this.filterWork = 0;
    this.spreadWork = 0;
    const tracing = this.tracer !== undefined && this.tracer.wants(info.pod.metadata.namespace ?? 'default', info.pod.metadata.name);
    if (tracing) this.traceScores = new Map();
    const result = this.schedulePod(info, this.queue.schedulingCycle);
    if (tracing) {
      result.trace = this.buildTrace(result);
      this.traceScores = undefined;
    }
    const c = this.config.cycleCost;
    const cost = Math.round(c.base + result.filtered * c.perNodeFiltered + result.scored * c.perNodeScored + this.work * c.perWorkUnit + this.filterWork * c.perFilterWorkUnit + this.spreadWork * (c.perSpreadWorkUnit ?? c.perWorkUnit));
    result.cycleStartUs = this.engine.now;
    result.cycleUs = cost;
    this.engine.schedule(cost, () => this.finishCycle(result));
  }

  /** The scheduling cycle's computation (findNodesThatFitPod, prioritizeNodes, selectHost, PostFilter). */
  private schedulePod(info: QueuedPodInfo, podCycle: number, candidates?: readonly NodeInfo[]): CycleResult {
    this.stats.attempts++;
    this.failedCount = 0;
    const pod = podInfo(info.pod);
    const state: CycleState = new Map();
    const nodes = this.cache.nodeList;
    const n = nodes.length;
    const profile = this.profileOf(info.pod) ?? this.profile;
    this.cycleProfile = profile;
    const result: CycleResult = { info, profile, pod, podCycle, state, nodeName: undefined, numAllNodes: n, filtered: 0, scored: 0, reasons: new Map(), rejectors: new Set(), error: undefined };
    if (n === 0) {
      result.error = NO_NODE_AVAILABLE;
      return result;
    }
    // PreFilter; a plugin returning Skip has its Filter skipped for this cycle (framework.go RunPreFilterPlugins).
    const filters = this.activeFilters;
    filters.length = 0;
    let skipped: Set<unknown> | undefined;
    let allowed: ReadonlySet<string> | undefined;
    let allowedBy: string[] | undefined;
    for (const p of profile.preFilter) {
      const s = p.preFilter(state, pod, nodes);
      if (s === null || s.code === Code.Success) {
        const names = p.preFilterResult?.(state, pod);
        if (names !== undefined) {
          allowed = allowed === undefined ? names : new Set([...allowed].filter((x) => names.has(x)));
          (allowedBy ??= []).push(p.name);
        }
        continue;
      }
      if (s.code === Code.Skip) {
        (skipped ??= new Set()).add(p);
        continue;
      }
      if (isRejected(s)) {
        // Every node gets the PreFilter's status; the message names the PreFilter's reasons only.
        result.preFilterMsg = s.reasons.join(', ');
        result.rejectors.add(p.name);
        this.postFilter(result, new NodeStatuses(nodes, nodes.map(() => s), nodes.length));
      } else result.error = s.reasons.join('; ');
      return result;
    }
    for (const f of profile.filter) if (skipped === undefined || !skipped.has(f)) filters.push(f);
    // A pod nominated by an earlier preemption tries its nominated node first (schedule_one.go evaluateNominatedNode).
    const nominated = info.pod.status.nominatedNodeName;
    if (nominated) {
      const node = this.cache.node(nominated);
      if (node !== undefined && this.filterNode(state, pod, node, filters) === null) {
        result.filtered = 1;
        if (this.tracer !== undefined) result.start = nodes.indexOf(node);
        result.nodeName = node.name;
        return result;
      }
    }
    // A PreFilterResult narrows the nodes (schedule_one.go findNodesThatFitPod); the others are
    // UnschedulableAndUnresolvable "node(s) didn't satisfy plugin(s) [...]".
    let list: readonly NodeInfo[] = nodes;
    if (candidates !== undefined && allowed === undefined) list = candidates;
    if (allowed !== undefined) {
      const narrowed: NodeInfo[] = [];
      for (const name of [...allowed].sort()) {
        const node = this.cache.node(name);
        if (node !== undefined) narrowed.push(node);
      }
      list = narrowed;
      const absent = n - narrowed.length;
      if (absent > 0) {
        result.reasons.set(`node(s) didn't satisfy plugin(s) [${allowedBy!.join(' ')}]`, absent);
        for (const r of allowedBy!) result.rejectors.add(r);
      }
      if (narrowed.length === 0) {
        result.filtered = 0;
        return result;
      }
    }
    const listLen = list.length;
    let numToFind = numFeasibleNodesToFind(this.percentages.get(profile) ?? this.config.percentageOfNodesToScore, listLen);
    // Scratch reused across cycles (one cycle at a time; no plugin keeps it): filled by index, then cut to the count.
    // Setting length 0 would drop the backing store, and a fresh array per cycle was a third of the bytes allocated.
    const feasible = this.feasibleScratch;
    let found = 0;
    let start = this.nextStartNodeIndex % listLen;
    // kubesim's NodeWalk extension (FirstFit, RoundRobin): the plugin fixes where filtering starts and how many
    // feasible nodes end it.
    const walk = profile.nodeWalk?.walk(listLen);
    if (walk !== undefined) {
      start = walk.start % listLen;
      numToFind = walk.limit;
    }
    result.start = start;
    result.list = list;
    const failedNodes = this.failedNodes;
    const failedStatuses = this.failedStatuses;
    const failedPlugins = this.failedPlugins;
    let failedCount = 0;
    const withNominated = this.nominator.size > 0;
    let processed = 0;
    for (; processed < listLen && found < numToFind; processed++) {
      const node = list[(start + processed) % listLen]!;
      let failed: Status | null = null;
      if (withNominated) failed = this.filterNode(state, pod, node, filters);
      else {
        for (let f = 0; f < filters.length; f++) {
          const s = filters[f]!.filter(state, pod, node);
          if (s !== null && s.code !== Code.Success && s.code !== Code.Skip) {
            failed = s;
            this.lastFailedPlugin = filters[f]!.name;
            break;
          }
        }
      }
      if (failed === null) feasible[found++] = node;
      else {
        failedPlugins[failedCount] = this.lastFailedPlugin;
        failedNodes[failedCount] = node;
        failedStatuses[failedCount++] = failed;
      }
    }
    this.failedCount = failedCount;
    // The failure message's reason counts and the rejecting plugins matter only when no node fits: counted then.
    if (found === 0) {
      for (let i = 0; i < failedCount; i++) {
        result.rejectors.add(failedPlugins[i]!);
        for (const r of failedStatuses[i]!.reasons) result.reasons.set(r, (result.reasons.get(r) ?? 0) + 1);
      }
    }
    if (walk === undefined) this.nextStartNodeIndex = (start + processed) % listLen;
    result.filtered = processed;
    if (found === 0) {
      if (result.profile.postFilter.length > 0) this.postFilter(result, new NodeStatuses(failedNodes, failedStatuses, failedCount));
      return result;
    }
    if (found === 1) {
      result.nodeName = feasible[0]!.name;
      return result;
    }
    // Cut to the count only now (a cycle with no feasible node leaves the scratch's storage alone).
    if (feasible.length !== found) feasible.length = found;
    result.scored = found;
    result.nodeName = this.prioritize(profile, state, pod, feasible);
    return result;
  }

  /**
   * Runs filters on one node; with nominated pods of equal or higher priority on it, first with them added to a copy
   * of the node and state, then as it is (framework.go `RunFilterPluginsWithNominatedPods`). The failing plugin's
   * name is left in `lastFailedPlugin`.
   */
  private filterNode(state: CycleState, pod: PodInfo, node: NodeInfo, filters: readonly FilterPlugin[]): Status | null {
    const nominated = this.nominator.size > 0 ? this.nominator.podsForNode(node.name) : undefined;
    if (nominated !== undefined) {
      const prio = pod.pod.spec.priority ?? 0;
      const uid = pod.pod.metadata.uid;
      let nodeCopy: NodeInfo | undefined;
      let stateCopy: CycleState | undefined;
      for (const np of nominated) {
        if (np.pod.metadata.uid === uid || (np.pod.spec.priority ?? 0) < prio) continue;
        if (nodeCopy === undefined) {
          nodeCopy = node.snapshot();
          stateCopy = cloneCycleState(state);
        }
        nodeCopy.addPod(np);
        this.preFilterExtension(stateCopy!, pod, np, nodeCopy, 'add');
      }
      if (nodeCopy !== undefined) {
        const s = this.runFilters(stateCopy!, pod, nodeCopy, filters);
        if (s !== null) return s;
      }
    }
    return this.runFilters(state, pod, node, filters);
  }

  private runFilters(state: CycleState, pod: PodInfo, node: NodeInfo, filters: readonly FilterPlugin[]): Status | null {
    for (let f = 0; f < filters.length; f++) {
      const s = filters[f]!.filter(state, pod, node);
      if (s !== null && s.code !== Code.Success && s.code !== Code.Skip) {
        this.lastFailedPlugin = filters[f]!.name;
        return s;
      }
    }
    return null;
  }

  /** Runs the cycle profile's PreFilter extensions (AddPod / RemovePod). */
  private preFilterExtension(state: CycleState, pod: PodInfo, other: PodInfo, node: NodeInfo, op: 'add' | 'remove'): StatusOrSuccess {
    for (const p of this.cycleProfile?.preFilter ?? []) {
      const s = op === 'add' ? p.addPod?.(state, pod, other, node) : p.removePod?.(state, pod, other, node);
      if (s !== undefined && s !== null && s.code !== Code.Success) return s;
    }
    return null;
  }

  /** PostFilter (preemption) for a pod no node fits; its work counts towards the cycle. */
  private postFilter(result: CycleResult, statuses: NodeToStatus): void {
    for (const p of result.profile.postFilter) {
      const out = p.postFilter(result.state, result.pod, statuses);
      if (out.nominatedNodeName !== undefined) result.nominatedNodeName = out.nominatedNodeName;
      if (out.status === null || out.status.code === Code.Success) {
        this.stats.preemptions += out.nominatedNodeName ? 1 : 0;
        break;
      }
      if (out.status.reasons.length > 0) result.postFilterMsg = out.status.reasons.join(' ');
    }
  }

  /** Preempts a victim (preemption.go `PreemptPod`): DisruptionTarget condition, graceful delete, Preempted event. */
  private preemptPod(victim: Pod, preemptor: Pod, nodeName: string, schedulerName: string): void {
    this.stats.preemptionVictims++;
    const key = objectKey(victim.metadata);
    const now = this.engine.now;
    this.client.update('Pod', key, (p) => {
      const cond: PodCondition = { type: 'DisruptionTarget', status: 'True', reason: 'PreemptionByScheduler', message: `${schedulerName}: preempting to accommodate a higher priority pod`, lastTransitionTime: now };
      const others = (p.status.conditions ?? []).filter((c) => c.type !== 'DisruptionTarget');
      return extend(p, { status: extend(p.status, { conditions: [...others, cond] }) });
    });
    this.client.delete('Pod', key);
    this.recorder.record(victim, 'Normal', 'Preempted', schedulerName, `Preempted by pod ${preemptor.metadata.uid} on node ${nodeName}`);
  }

  /**
   * The attempt's trace: every filter plugin on each node (all nodes, or those the attempt reached), PreFilter
   * statuses, and the scores prioritize recorded. Re-running filters is free of side effects (plugins only read the
   * cycle state and the node).
   */
  private buildTrace(r: CycleResult): CycleTrace {
    const pod = r.info.pod;
    const preFilter: FilterTrace[] = [];
    const skippedFilter = new Set<string>();
    for (const p of r.profile.preFilter) {
      // PreFilter already ran; Skip shows as a skipped Filter, a rejection as the PreFilter status.
      if (r.profile.filter.some((f) => f.name === p.name) && !this.activeFilters.some((f) => f.name === p.name)) skippedFilter.add(p.name);
    }
    if (r.preFilterMsg !== undefined) for (const name of r.rejectors) preFilter.push({ plugin: name, code: 'Unschedulable', reasons: [r.preFilterMsg] });
    const nodes: NodeTrace[] = [];
    const reached = this.tracer!.allNodes || r.preFilterMsg !== undefined ? this.cache.nodeList.length : r.filtered;
    const list = this.tracer!.allNodes || r.list === undefined ? this.cache.nodeList : r.list;
    const startIdx = this.tracer!.allNodes ? 0 : (r.start ?? 0);
    for (let i = 0; i < reached && i < list.length; i++) {
      const node = list[(startIdx + i) % list.length]!;
      const filters: FilterTrace[] = [];
      if (r.preFilterMsg === undefined) {
        for (const f of r.profile.filter) {
          if (skippedFilter.has(f.name)) {
            filters.push({ plugin: f.name, code: 'Skip', reasons: [] });
            continue;
          }
          const st = f.filter(r.state, r.pod, node);
          filters.push({ plugin: f.name, code: CODE_NAMES[st?.code ?? Code.Success], reasons: st === null ? [] : [...st.reasons] });
        }
      }
      const sc = this.traceScores?.get(node.name);
      nodes.push({ name: node.name, filters, scores: sc?.scores ?? [], total: sc?.total ?? null });
    }
    return {
      timeUs: this.engine.now,
      namespace: pod.metadata.namespace ?? 'default',
      name: pod.metadata.name,
      uid: pod.metadata.uid!,
      attempt: r.info.attempts,
      profile: r.profile.schedulerName,
      preFilter,
      nodes,
      selected: r.nodeName ?? null,
      message: '',
    };
  }

  /** Scores the feasible nodes and selects the host. */
  private prioritize(profile: Profile, state: CycleState, pod: PodInfo, feasible: NodeInfo[]): string {
    // PreScore; Skip drops the plugin's Score for this cycle (framework.go RunPreScorePlugins).
    let skipped: Set<unknown> | undefined;
    for (const p of profile.preScore) {
      const s = p.preScore(state, pod, feasible);
      if (s !== null && s.code === Code.Skip) (skipped ??= new Set()).add(p);
    }
    // Scratch arrays reused across cycles (one cycle at a time), sized to the feasible nodes.
    const totals = this.totals;
    totals.length = feasible.length;
    totals.fill(0);
    const plugins = profile.score;
    const trace = this.traceScores;
    if (trace !== undefined) for (const n of feasible) trace.set(n.name, { scores: [], total: 0 });
    // A plugin with a batch form scores all nodes in one call (its loop stays monomorphic); the others are scored
    // node by node, every plugin on a node before the next node (as upstream's RunScorePlugins parallelises over
    // nodes), so the node's data is read while it is in cache. Plugins are independent: the order changes no score.
    const active: number[] = [];
    const perNode: number[] = [];
    for (let k = 0; k < plugins.length; k++) {
      const p = plugins[k]!;
      if (skipped !== undefined && skipped.has(p)) continue;
      active.push(k);
      const arr = (this.pluginScores[k] ??= []);
      arr.length = feasible.length;
      if (p.scoreAll !== undefined) p.scoreAll(state, pod, feasible, arr);
      else perNode.push(k);
    }
    if (perNode.length > 0) {
      for (let i = 0; i < feasible.length; i++) {
        const node = feasible[i]!;
        for (let a = 0; a < perNode.length; a++) {
          const k = perNode[a]!;
          this.pluginScores[k]![i] = plugins[k]!.score(state, pod, node);
        }
      }
    }
    for (const k of active) {
      const p = plugins[k]!;
      const scores = this.pluginScores[k]!;
      const raw = trace !== undefined ? [...scores] : undefined;
      p.normalizeScore?.(state, pod, scores);
      const w = profile.scoreWeights[k]!;
      for (let i = 0; i < feasible.length; i++) totals[i]! += scores[i]! * w;
      if (trace !== undefined) for (let i = 0; i < feasible.length; i++) trace.get(feasible[i]!.name)!.scores.push({ plugin: p.name, raw: raw![i]!, normalized: scores[i]!, weighted: scores[i]! * w });
    }
    if (trace !== undefined) for (let i = 0; i < feasible.length; i++) trace.get(feasible[i]!.name)!.total = totals[i]!;
    // selectHost: a uniformly random node among those with the highest total. Upstream samples a reservoir with one
    // rand.Intn per tie; one draw of the tie's index gives the same distribution with one random number.
    let best = -Infinity;
    let cnt = 0;
    for (let i = 0; i < totals.length; i++) {
      const t = totals[i]!;
      if (t > best) {
        best = t;
        cnt = 1;
      } else if (t === best) cnt++;
    }
    let k = cnt > 1 && this.config.tieBreak !== 'first' ? this.tiebreak.int(cnt) : 0;
    for (let i = 0; i < totals.length; i++) {
      if (totals[i] === best && k-- === 0) return feasible[i]!.name;
    }
    return feasible[0]!.name;
  }

  private finishCycle(r: CycleResult): void {
    this.busy = false;
    const uid = r.info.pod.metadata.uid!;
    this.cycleTime.set(uid, (this.cycleTime.get(uid) ?? 0) + (r.cycleUs ?? 0));
    if (r.info.where !== 'inFlight') {
      // Deleted or bound elsewhere during the cycle.
      this.tryScheduleNext();
      return;
    }
    if (r.nodeName !== undefined && this.cache.node(r.nodeName) !== undefined) {
      this.assumeAndBind(r);
    } else {
      this.handleFailure(r, uid);
    }
    this.tryScheduleNext();
  }

  private assumeAndBind(r: CycleResult): void {
    const nodeName = r.nodeName!;
    const pod = r.info.pod;
    this.cache.addPod(pod, nodeName);
    for (const p of r.profile.reserve) {
      const s = p.reserve(r.state, r.pod, nodeName);
      if (s !== null && s.code !== Code.Success) return this.bindFailed(r, s.reasons.join('; '));
    }
    for (const p of r.profile.permit) {
      const s = p.permit(r.state, r.pod, nodeName);
      if (s !== null && s.code !== Code.Success) return this.bindFailed(r, s.reasons.join('; '));
    }
    // The attempt's trace is written as its scheduling cycle ends, so scheduling.csv lists attempts in cycle order
    // (a retried pod's successful attempt after its failed ones, before later pods' cycles), whatever the binding takes.
    if (r.trace !== undefined) {
      this.tracer?.emit(extend(r.trace, { message: `Successfully assigned ${pod.metadata.namespace ?? 'default'}/${pod.metadata.name} to ${nodeName}` }));
      r.trace = undefined;
    }
    // Binding cycle (asynchronous upstream too).
    for (const p of r.profile.preBind) {
      const s = p.preBind(r.state, r.pod, nodeName);
      if (s !== null && s.code !== Code.Success && s.code !== Code.Skip) return this.bindFailed(r, s.reasons.join('; '));
    }
    const done = (s: StatusOrSuccess) => {
      if (s !== null && s.code !== Code.Success) return this.bindFailed(r, s.reasons.join('; '));
      this.stats.scheduled++;
      this.queue.done(pod.metadata.uid!);
      const cycles = this.cycleTime.get(pod.metadata.uid!) ?? 0;
      this.cycleTime.delete(pod.metadata.uid!);
      const cycleEnd = r.cycleStartUs! + r.cycleUs!;
      this.onScheduled?.(pod, { queueWaitUs: r.cycleStartUs! - r.info.initialAttemptTimestamp - (cycles - r.cycleUs!), cycleUs: cycles, bindingUs: this.engine.now - cycleEnd });
      const ns = pod.metadata.namespace ?? 'default';
      const msg = `Successfully assigned ${ns}/${pod.metadata.name} to ${nodeName}`;
      this.recorder.record(pod, 'Normal', 'Scheduled', r.profile.schedulerName, msg);
      for (const p of r.profile.postBind) p.postBind(r.state, r.pod, nodeName);
    };
    for (const p of r.profile.bind) {
      const s = p.bind(r.state, r.pod, nodeName, done);
      if (s !== null && s.code === Code.Skip) continue;
      return;
    }
    this.bindFailed(r, 'no bind plugin handled the pod');
  }

  private bindFailed(r: CycleResult, message: string): void {
    this.stats.bindErrors++;
    const uid = r.info.pod.metadata.uid!;
    this.cache.removePod(uid);
    for (const p of r.profile.reserve) p.unreserve(r.state, r.pod, r.nodeName!);
    this.recorder.record(r.info.pod, 'Warning', 'FailedScheduling', r.profile.schedulerName, `Binding rejected: ${message}`);
    // A Reserve or Permit rejection ends the attempt before its trace was written: written now, with the rejection.
    if (r.trace !== undefined) {
      this.tracer?.emit(extend(r.trace, { selected: null, message: `Binding rejected: ${message}` }));
      r.trace = undefined;
    }
    if (r.info.where === 'inFlight') this.queue.requeueFailed(r.info, r.podCycle, this.engine.now, true);
    this.tryScheduleNext();
  }

  private handleFailure(r: CycleResult, uid: string): void {
    this.stats.failedAttempts++;
    let message: string;
    if (r.error !== undefined) message = r.error;
    else if (r.preFilterMsg !== undefined) message = `0/${r.numAllNodes} nodes are available: ${r.preFilterMsg}.${r.postFilterMsg ? ` ${r.postFilterMsg}` : ''}`;
    else message = fitErrorMessage(r.numAllNodes, r.reasons, r.postFilterMsg);
    r.info.unschedulablePlugins = r.rejectors;
    this.queue.requeueFailed(r.info, r.podCycle, this.engine.now, r.error !== undefined && r.error !== NO_NODE_AVAILABLE);
    const pod = r.info.pod;
    // The nomination (handleSchedulingFailure → nominator + status.nominatedNodeName).
    const nomination = r.nominatedNodeName;
    if (nomination !== undefined) this.nominator.add(pod, nomination);
    this.recorder.record(pod, 'Warning', 'FailedScheduling', r.profile.schedulerName, message);
    if (r.trace !== undefined) this.tracer?.emit(extend(r.trace, { selected: null, message }));
    const nominationChanged = nomination !== undefined && (pod.status.nominatedNodeName ?? '') !== nomination;
    if (this.lastConditionMessage.get(uid) !== message || nominationChanged) {
      this.lastConditionMessage.set(uid, message);
      const now = this.engine.now;
      this.client.update('Pod', objectKey(pod.metadata), (p) => {
        if (p.spec.nodeName) return p;
        const cond: PodCondition = { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastTransitionTime: now };
        const others = (p.status.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
        const status = extend(p.status, nomination === undefined ? { conditions: [...others, cond] } : { conditions: [...others, cond], nominatedNodeName: nomination === '' ? undefined : nomination });
        return extend(p, { status });
      });
    }
  }

  /** DefaultBinder's write: the Binding subresource sets spec.nodeName and PodScheduled=True. */
  private bindPod(pod: Pod, nodeName: string, done: (ok: boolean, message?: string) => void): void {
    this.client.update(
      'Pod',
      objectKey(pod.metadata),
      (p) => {
        if (p.spec.nodeName || p.metadata.deletionTimestamp !== undefined) return p;
        const cond: PodCondition = { type: 'PodScheduled', status: 'True', lastTransitionTime: this.engine.now };
        const others = (p.status.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
        return extend(p, { spec: extend(p.spec, { nodeName }), status: extend(p.status, { conditions: [...others, cond] }) });
      },
      (res) => {
        if (!res.ok) return done(false, res.message);
        if (res.object.spec.nodeName !== nodeName) return done(false, `pod ${objectKey(pod.metadata)} is already assigned or being deleted`);
        done(true);
      },
    );
  }
}
