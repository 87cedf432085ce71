/**
 * kube-scheduler (pkg/scheduler/schedule_one.go `ScheduleOne`), one pod at a time per scheduler:
 *   1. pop the next pod from activeQ;
 *   2. scheduling cycle on the cache as it is now: PreFilter; Filter from a rotating start index until
 *      `numFeasibleNodesToFind` nodes fit (each node stops at its first failing plugin); PreScore, Score,
 *      NormalizeScore, weighted sum; the highest total wins, ties broken by reservoir sampling over the seeded
 *      `scheduler.tiebreak` stream exactly as upstream's `selectHost` draws `rand.Intn(cntOfMaxScore)`;
 *   3. the cycle takes simulated time from the cycle cost model (base + per node filtered + per node scored);
 *   4. on success: assume the pod on the node, Reserve, Permit, then the binding cycle runs asynchronously (PreBind,
 *      Bind through the API client, so the client's QPS bounds the binding rate) while the next cycle starts;
 *   5. on failure: PostFilter, a FailedScheduling event with upstream's message, the PodScheduled=False condition
 *      written when it changes, and the pod goes back to the queue (unschedulablePods or backoffQ).
 */
import type { Engine } from '../../engine/engine.js';
import type { Rng } from '../../engine/rng.js';
import type { Micros } from '../../engine/time.js';
import type { Node, Pod, PodCondition } from '../../cluster/types.js';
import { objectKey } from '../../cluster/types.js';
import type { ApiClient, ApiServer, WatchEvent } from '../apiserver/apiServer.js';
import type { EventRecorder } from '../eventRecorder.js';
import type { CycleState, FilterPlugin, PluginHandle } from './framework/interfaces.js';
import { DEFAULT_PLUGINS, Profile, type PluginConfig } from './framework/profile.js';
import type { Registry } from './framework/registry.js';
import { Code, isRejected, type Status, type StatusOrSuccess } from './framework/status.js';
import { SchedulerCache } from './cache.js';
import { DefaultSelectors } from './defaultSelectors.js';
import { fitErrorMessage, NO_NODE_AVAILABLE } from './fitError.js';
import type { NodeInfo } from './nodeInfo.js';
import { numFeasibleNodesToFind } from './numFeasibleNodes.js';
import { type PodInfo, podInfo } from './podInfo.js';
import type { QueuedPodInfo } from './queue/queuedPodInfo.js';
import { type ClusterEventType, type QueueLengths, SchedulingQueue } from './queue/schedulingQueue.js';

/** Scheduler settings (scenario `spec.scheduler`). */
export interface SchedulerConfig {
  percentageOfNodesToScore: number;
  podInitialBackoff: Micros;
  podMaxBackoff: Micros;
  cycleCost: { base: Micros; perNodeFiltered: Micros; perNodeScored: Micros; perWorkUnit: Micros };
  /** Profiles by schedulerName (the first is the default); percentageOfNodesToScore per profile overrides the global. */
  profiles?: { schedulerName: string; plugins: PluginConfig[]; percentageOfNodesToScore?: number }[];
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
}

/** Counters exposed to observers. */
export interface SchedulerStats {
  attempts: number;
  scheduled: number;
  failedAttempts: number;
  bindErrors: number;
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
  readonly stats: SchedulerStats = { attempts: 0, scheduled: 0, failedAttempts: 0, bindErrors: 0 };
  private busy = false;
  /** Plugin work units counted in the current cycle (for the cycle cost model). */
  private work = 0;
  private nextStartNodeIndex = 0;
  /** Last PodScheduled=False message written per pod uid (to skip identical status writes, as upstream does). */
  private readonly lastConditionMessage = new Map<string, string>();
  private readonly interested = new Map<string, Set<ClusterEventType>>();
  /** Pods held back by a PreEnqueue plugin (scheduling gates), by uid. */
  private readonly gated = new Set<string>();
  private readonly selectors = new DefaultSelectors();
  private readonly totals: number[] = [];
  private readonly scores: number[] = [];
  private readonly activeFilters: FilterPlugin[] = [];

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
  ) {
    const handle: PluginHandle = {
      bindPod: (pod, nodeName, done) => this.bindPod(pod, nodeName, done),
      nodes: () => this.cache.nodeList,
      imageNodes: (image) => this.cache.imageNodes.get(image) ?? 0,
      podsWithAffinity: () => this.cache.podsWithAffinity,
      podsWithRequiredAntiAffinity: () => this.cache.podsWithRequiredAntiAffinity,
      defaultSelector: (pod) => this.selectors.defaultSelector(pod),
      podLog: () => this.cache.log,
      random: () => policyRng ?? this.tiebreak,
      addWork: (units) => {
        this.work += units;
      },
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

  /** Starts the informers and the queue's periodic flushes. */
  start(): void {
    this.api.watch('Node', {}, (ev) => this.onNode(ev));
    this.api.watch('Pod', {}, (ev) => this.onPod(ev));
    this.selectors.start(this.api);
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

  /** Queue lengths (active, backoff, unschedulable, gated). */
  queueLengths(): QueueLengths & { gated: number } {
    return { ...this.queue.lengths(), gated: this.gated.size };
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
    this.moveAll(added ? 'NodeAdd' : 'NodeUpdate');
  }

  private onPod(ev: WatchEvent<Pod>): void {
    const pod = ev.object;
    const uid = pod.metadata.uid!;
    const terminal = pod.status.phase === 'Succeeded' || pod.status.phase === 'Failed';
    if (ev.type === 'DELETED' || terminal) {
      this.queue.delete(uid);
      this.gated.delete(uid);
      this.lastConditionMessage.delete(uid);
      if (this.cache.removePod(uid) !== undefined) this.moveAll('AssignedPodDelete');
      return;
    }
    if (pod.spec.nodeName) {
      // Assigned: count it (confirms an assumed pod), and it leaves the queue.
      this.cache.addPod(pod, pod.spec.nodeName);
      this.queue.delete(uid);
      this.gated.delete(uid);
      this.lastConditionMessage.delete(uid);
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
    const result = this.schedulePod(info, this.queue.schedulingCycle);
    const c = this.config.cycleCost;
    const cost = Math.round(c.base + result.filtered * c.perNodeFiltered + result.scored * c.perNodeScored + this.work * c.perWorkUnit);
    this.engine.schedule(cost, () => this.finishCycle(result));
  }

  /** The scheduling cycle's computation (findNodesThatFitPod, prioritizeNodes, selectHost). */
  private schedulePod(info: QueuedPodInfo, podCycle: number): CycleResult {
    this.stats.attempts++;
    const pod = podInfo(info.pod);
    const state: CycleState = new Map();
    const nodes = this.cache.nodeList;
    const n = nodes.length;
    const profile = this.profileOf(info.pod) ?? this.profile;
    const result: CycleResult = { info, profile, pod, podCycle, state, nodeName: undefined, numAllNodes: n, filtered: 0, scored: 0, reasons: new Map(), rejectors: new Set(), error: undefined };
    if (n === 0) {
      result.error = NO_NODE_AVAILABLE;
      return result;
    }
    // PreFilter; a plugin returning Skip has its Filter skipped for this cycle (framework.go RunPreFilterPlugins).
    const filters = this.activeFilters;
    filters.length = 0;
    let skipped: Set<unknown> | undefined;
    for (const p of profile.preFilter) {
      const s = p.preFilter(state, pod, nodes);
      if (s === null || s.code === Code.Success) continue;
      if (s.code === Code.Skip) {
        (skipped ??= new Set()).add(p);
        continue;
      }
      if (isRejected(s)) {
        for (const r of s.reasons) result.reasons.set(r, n);
        result.rejectors.add(p.name);
      } else result.error = s.reasons.join('; ');
      return result;
    }
    for (const f of profile.filter) if (skipped === undefined || !skipped.has(f)) filters.push(f);
    let numToFind = numFeasibleNodesToFind(this.percentages.get(profile) ?? this.config.percentageOfNodesToScore, n);
    const feasible: NodeInfo[] = [];
    let start = this.nextStartNodeIndex;
    // kubesim's NodeWalk extension (FirstFit, RoundRobin): the plugin fixes where filtering starts and how many
    // feasible nodes end it.
    const walk = profile.nodeWalk?.walk(n);
    if (walk !== undefined) {
      start = walk.start % n;
      numToFind = walk.limit;
    }
    let processed = 0;
    for (; processed < n && feasible.length < numToFind; processed++) {
      const node = nodes[(start + processed) % n]!;
      let failed: Status | null = null;
      for (let f = 0; f < filters.length; f++) {
        const s = filters[f]!.filter(state, pod, node);
        if (s !== null && s.code !== Code.Success && s.code !== Code.Skip) {
          failed = s;
          result.rejectors.add(filters[f]!.name);
          break;
        }
      }
      if (failed === null) feasible.push(node);
      else for (const r of failed.reasons) result.reasons.set(r, (result.reasons.get(r) ?? 0) + 1);
    }
    if (walk === undefined) this.nextStartNodeIndex = (start + processed) % n;
    result.filtered = processed;
    if (feasible.length === 0) return result;
    if (feasible.length === 1) {
      result.nodeName = feasible[0]!.name;
      return result;
    }
    result.scored = feasible.length;
    result.nodeName = this.prioritize(profile, state, pod, feasible);
    return result;
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
    const scores = this.scores;
    totals.length = feasible.length;
    scores.length = feasible.length;
    totals.fill(0);
    const plugins = profile.score;
    for (let k = 0; k < plugins.length; k++) {
      const p = plugins[k]!;
      if (skipped !== undefined && skipped.has(p)) continue;
      for (let i = 0; i < feasible.length; i++) scores[i] = p.score(state, pod, feasible[i]!);
      p.normalizeScore?.(state, pod, scores);
      const w = profile.scoreWeights[k]!;
      for (let i = 0; i < feasible.length; i++) totals[i]! += scores[i]! * w;
    }
    // selectHost: reservoir sampling among the nodes with the highest total.
    let best = -Infinity;
    let selected = 0;
    let cnt = 0;
    for (let i = 0; i < totals.length; i++) {
      const t = totals[i]!;
      if (t > best) {
        best = t;
        selected = i;
        cnt = 1;
      } else if (t === best) {
        cnt++;
        if (this.tiebreak.int(cnt) === 0) selected = i;
      }
    }
    return feasible[selected]!.name;
  }

  private finishCycle(r: CycleResult): void {
    this.busy = false;
    const uid = r.info.pod.metadata.uid!;
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
    // Binding cycle (asynchronous upstream too).
    for (const p of r.profile.preBind) {
      const s = p.preBind(r.state, r.pod, nodeName);
      if (s !== null && s.code !== Code.Success && s.code !== Code.Skip) return this.bindFailed(r, s.reasons.join('; '));
    }
    const done = (s: StatusOrSuccess) => {
      if (s !== null && s.code !== Code.Success) return this.bindFailed(r, s.reasons.join('; '));
      this.stats.scheduled++;
      this.queue.done(pod.metadata.uid!);
      const ns = pod.metadata.namespace ?? 'default';
      this.recorder.record(pod, 'Normal', 'Scheduled', r.profile.schedulerName, `Successfully assigned ${ns}/${pod.metadata.name} to ${nodeName}`);
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
    if (r.info.where === 'inFlight') this.queue.requeueFailed(r.info, r.podCycle, this.engine.now, true);
    this.tryScheduleNext();
  }

  private handleFailure(r: CycleResult, uid: string): void {
    this.stats.failedAttempts++;
    let message: string;
    if (r.error !== undefined) {
      message = r.error;
    } else {
      let postFilterMsg: string | undefined;
      const rejected = new Map<string, StatusOrSuccess>();
      for (const p of r.profile.postFilter) {
        const out = p.postFilter(r.state, r.pod, rejected);
        if (out.status !== null && out.status.reasons.length > 0) postFilterMsg = out.status.reasons.join(' ');
      }
      message = fitErrorMessage(r.numAllNodes, r.reasons, postFilterMsg);
    }
    r.info.unschedulablePlugins = r.rejectors;
    this.queue.requeueFailed(r.info, r.podCycle, this.engine.now, r.error !== undefined && r.error !== NO_NODE_AVAILABLE);
    const pod = r.info.pod;
    this.recorder.record(pod, 'Warning', 'FailedScheduling', r.profile.schedulerName, message);
    if (this.lastConditionMessage.get(uid) !== message) {
      this.lastConditionMessage.set(uid, message);
      const now = this.engine.now;
      this.client.update('Pod', objectKey(pod.metadata), (p) => {
        if (p.spec.nodeName) return p;
        const cond: PodCondition = { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastTransitionTime: now };
        const others = (p.status.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
        return { ...p, status: { ...p.status, conditions: [...others, cond] } };
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
        return { ...p, spec: { ...p.spec, nodeName }, status: { ...p.status, conditions: [...others, cond] } };
      },
      (res) => {
        if (!res.ok) return done(false, res.message);
        if (res.object.spec.nodeName !== nodeName) return done(false, `pod ${objectKey(pod.metadata)} is already assigned or being deleted`);
        done(true);
      },
    );
  }
}
