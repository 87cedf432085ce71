/**
 * The Cluster Autoscaler (kubernetes/autoscaler cluster-autoscaler/core/static_autoscaler.go `RunOnce`), every
 * scan interval (10 s), over node groups (the pools with `autoscaling: {min, max}`):
 *
 * 1. Unschedulable pods: pods the scheduler marked PodScheduled=False/Unschedulable, not being deleted, with a
 *    priority at or above the expendable cutoff (−10). Those that fit on an existing node or on a node already being
 *    provisioned are left to the scheduler (`FilterOutSchedulable`).
 * 2. Scale-up (core/scaleup/orchestrator): for each group below its max, the binpacking estimator packs the pending
 *    pods (largest first) onto copies of the group's template node; the expander (least-waste by default) picks one
 *    group, which grows by the nodes it needs (capped at max and max-nodes-total). New nodes register after the
 *    provisioning delay. Pods get TriggeredScaleUp or NotTriggerScaleUp events.
 * 3. Scale-down (core/scaledown): a node of a group above its min is unneeded when its utilisation
 *    (max of requested/allocatable over CPU and memory, DaemonSet pods included) is under the threshold (0.5) and
 *    every pod on it but DaemonSet pods can move elsewhere: pods with a controller (or annotated safe-to-evict), not in
 *    kube-system, whose PodDisruptionBudget allows it, and that fit on other nodes (simulated with the scheduler's
 *    filters). At most 30 non-empty nodes are examined per loop. A node unneeded for 10 min (20 min if not Ready) is
 *    removed, unless scale-down is cooling down after a scale-up (10 min), a delete (0) or a failure (3 min):
 *    empty nodes up to 10 at once, otherwise one node drained at a time. A removal taints the node
 *    ToBeDeletedByClusterAutoscaler:NoSchedule, evicts its pods through the eviction API (retrying every 10 s while a
 *    budget refuses, giving up after max-pod-eviction-time, 2 min), waits for them to terminate and deletes the node.
 *
 * Simplifications: the snapshot is the scheduler's cache; PreFilter state is computed once per pod on the current
 * cluster (upstream re-runs it on each simulated change); provisioning never fails.
 */
import type { Engine } from '../../../engine/engine.js';
import type { Rng } from '../../../engine/rng.js';
import type { Micros } from '../../../engine/time.js';
import { sample } from '../../../engine/distribution.js';
import type { Node, Pod, PodDisruptionBudget } from '../../../cluster/types.js';
import { objectKey } from '../../../cluster/types.js';
import { compileLabelSelector } from '../../../cluster/selector.js';
import type { ApiClient, ApiServer } from '../../apiserver/apiServer.js';
import type { EventRecorder } from '../../eventRecorder.js';
import type { NodeInfo } from '../../scheduler/nodeInfo.js';
import { podInfo } from '../../scheduler/podInfo.js';
import type { Scheduler } from '../../scheduler/scheduler.js';
import type { ClusterAutoscalerSettings } from './settings.js';
import { getControllerOf } from '../podControl.js';
import { bestOption, type Option } from './expander.js';
import { Snapshot } from './snapshot.js';
import { extend } from '../../../cluster/extend.js';

export const CLUSTER_AUTOSCALER = 'cluster-autoscaler';
/** The taint a node gets before it is drained and deleted (utils/taints `ToBeDeletedTaint`). */
export const TO_BE_DELETED_TAINT = 'ToBeDeletedByClusterAutoscaler';
/** Annotation that lets a pod block (false) or allow (true) the scale-down of its node. */
export const SAFE_TO_EVICT = 'cluster-autoscaler.kubernetes.io/safe-to-evict';
/** Wait between refused evictions (`EvictionRetryTime`). */
export const EVICTION_RETRY_US = 10_000_000;
/** Poll period while waiting for evicted pods to terminate. */
const TERMINATION_POLL_US = 5_000_000;
/** --max-graceful-termination-sec 600 (plus the poll slack). */
const MAX_GRACEFUL_TERMINATION_US = 600_000_000;

/** A node group: a pool with its bounds and a template. */
export interface NodeGroupSpec {
  name: string;
  min: number;
  max: number;
  /** The node the group would add next (not yet registered). */
  template(): Node;
}

/** What the autoscaler asks of the infrastructure (the cloud provider). */
export interface NodeProvider {
  /** Allocates the next node of the group (its name and labels) without starting it. */
  newNode(group: string): Node;
  /** The machine is up: its kubelet starts and registers the node. */
  startNode(node: Node): void;
  /** The machine is deleted: the kubelet stops and the Node object goes. */
  removeNode(name: string): void;
  /** The group of a registered node, if it belongs to one. */
  groupOf(node: Node): string | undefined;
}

interface Group {
  spec: NodeGroupSpec;
  /** Nodes requested from the provider and not yet registered: name → requested at. */
  upcoming: Map<string, Node>;
}

/** Counters for the summary. */
export interface AutoscalerStats {
  scaleUps: number;
  nodesAdded: number;
  scaleDowns: number;
  nodesRemoved: number;
}

/** The cluster autoscaler. */
export class ClusterAutoscaler {
  private readonly groups = new Map<string, Group>();
  private readonly pendingPods = new Map<string, Pod>();
  private readonly unneededSince = new Map<string, Micros>();
  private readonly deleting = new Set<string>();
  private readonly notTriggered = new Set<string>();
  private lastScaleUp = -Infinity;
  private lastScaleDownDelete = -Infinity;
  private lastScaleDownFail = -Infinity;
  private draining = false;
  readonly stats: AutoscalerStats = { scaleUps: 0, nodesAdded: 0, scaleDowns: 0, nodesRemoved: 0 };

  constructor(
    private readonly engine: Engine,
    private readonly api: ApiServer,
    private readonly client: ApiClient,
    private readonly scheduler: Scheduler,
    private readonly provider: NodeProvider,
    groups: readonly NodeGroupSpec[],
    private readonly settings: ClusterAutoscalerSettings,
    private readonly rng: Rng,
    private readonly recorder: EventRecorder,
  ) {
    for (const g of [...groups].sort((a, b) => (a.name < b.name ? -1 : 1))) this.groups.set(g.name, { spec: g, upcoming: new Map() });
  }

  /** Starts the pod informer and the scan loop. */
  start(): void {
    this.api.watch('Pod', {}, (ev) => {
      const p = ev.object;
      const uid = p.metadata.uid!;
      const unschedulable = ev.type !== 'DELETED' && !p.spec.nodeName && p.metadata.deletionTimestamp === undefined && p.status.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable');
      if (unschedulable) this.pendingPods.set(uid, p);
      else {
        this.pendingPods.delete(uid);
        this.notTriggered.delete(uid);
      }
    });
    const loop = () => {
      this.runOnce();
      this.engine.schedule(this.settings.scanInterval, loop);
    };
    this.engine.schedule(this.settings.scanInterval, loop);
  }

  /** Target size of a group: registered nodes (not being deleted) plus upcoming ones. */
  targetSize(name: string): number {
    const g = this.groups.get(name)!;
    let n = 0;
    for (const up of g.upcoming.keys()) if (this.scheduler.cache.node(up) === undefined) n++;
    for (const info of this.scheduler.cache.nodeList) if (this.provider.groupOf(info.node) === name && !this.deleting.has(info.name)) n++;
    return n;
  }

  /** The groups, for metrics: name, min, max, target size, registered nodes. */
  groupSizes(): { name: string; min: number; max: number; target: number; registered: number }[] {
    return [...this.groups.values()].map((g) => {
      const registered = this.scheduler.cache.nodeList.filter((n) => this.provider.groupOf(n.node) === g.spec.name).length;
      return { name: g.spec.name, min: g.spec.min, max: g.spec.max, target: this.targetSize(g.spec.name), registered };
    });
  }

  private runOnce(): void {
    const now = this.engine.now;
    // Deleted nodes are gone once the scheduler's cache no longer has them.
    for (const name of [...this.deleting]) if (this.scheduler.cache.node(name) === undefined) this.deleting.delete(name);
    // Upcoming nodes that registered are ordinary nodes now.
    for (const g of this.groups.values()) for (const name of [...g.upcoming.keys()]) if (this.scheduler.cache.node(name) !== undefined) g.upcoming.delete(name);
    const pods = [...this.pendingPods.values()]
      .filter((p) => (p.spec.priority ?? 0) >= this.settings.expendablePodsPriorityCutoff)
      .sort((a, b) => (b.spec.priority ?? 0) - (a.spec.priority ?? 0) || (a.metadata.creationTimestamp ?? 0) - (b.metadata.creationTimestamp ?? 0) || (objectKey(a.metadata) < objectKey(b.metadata) ? -1 : 1));
    let scaledUp = false;
    if (pods.length > 0) {
      const remaining = this.filterOutSchedulable(pods);
      if (remaining.length > 0) scaledUp = this.scaleUp(remaining, now);
    }
    if (!this.settings.scaleDownEnabled) return;
    const unneeded = this.updateUnneeded(now);
    const cooldown = scaledUp || this.lastScaleUp + this.settings.scaleDownDelayAfterAdd > now || this.lastScaleDownFail + this.settings.scaleDownDelayAfterFailure > now || this.lastScaleDownDelete + this.settings.scaleDownDelayAfterDelete > now;
    if (!cooldown) this.tryToScaleDown(unneeded, now);
  }

  /** A pod's equivalence group (scaleup/equivalence): pods of one controller are tried once for all. */
  private equivalence(p: Pod): string {
    const ref = getControllerOf(p);
    return ref !== undefined ? ref.uid : `pod/${p.metadata.uid}`;
  }

  /** Drops the pods that fit on existing or upcoming nodes, placing them in a snapshot as it goes. */
  private filterOutSchedulable(pods: Pod[]): Pod[] {
    const snap = new Snapshot(this.scheduler.cache.nodeList.filter((n) => !this.deleting.has(n.name)));
    for (const g of this.groups.values()) for (const node of g.upcoming.values()) snap.addTemplate(node);
    const failed = new Set<string>();
    const remaining: Pod[] = [];
    for (const pod of pods) {
      const eq = this.equivalence(pod);
      if (failed.has(eq)) {
        remaining.push(pod);
        continue;
      }
      const fits = this.scheduler.predicateChecker(pod, snap.nodes);
      const i = fits === undefined ? -1 : snap.nodes.findIndex((n) => fits(n));
      if (i < 0) {
        failed.add(eq);
        remaining.push(pod);
      } else snap.place(i, pod);
    }
    return remaining;
  }

  /** The binpacking estimator for one group: how many template nodes the pods need, and what they hold. */
  private estimate(group: Group, pods: Pod[], limit: number): Option & { podUids: string[] } {
    const snap = new Snapshot([]);
    const option = { group: group.spec.name, nodeCount: 0, pods: 0, cpuRequested: 0, memoryRequested: 0, cpuAllocatable: 0, memoryAllocatable: 0, podUids: [] as string[] };
    const template = group.spec.template();
    const base = this.scheduler.cache.nodeList;
    const unfit = new Set<string>();
    const score = (p: Pod) => {
      const t = template.status.allocatable ?? template.status.capacity;
      const r = podInfo(p).requests;
      return r.milliCPU / (t.cpu || 1) + r.memory / (t.memory || 1);
    };
    const sorted = [...pods].sort((a, b) => score(b) - score(a));
    for (const pod of sorted) {
      const eq = this.equivalence(pod);
      if (unfit.has(eq)) continue;
      const fits = this.scheduler.predicateChecker(pod, base);
      if (fits === undefined) {
        unfit.add(eq);
        continue;
      }
      let i = snap.nodes.length - 1;
      if (i < 0 || !fits(snap.nodes[i]!)) {
        i = snap.nodes.findIndex((n) => fits(n));
        if (i < 0) {
          if (option.nodeCount >= limit) continue;
          const node = snap.addTemplate(extend(template, { metadata: extend(template.metadata, { name: `${template.metadata.name}-template-${option.nodeCount}` }) }));
          if (!fits(node)) {
            unfit.add(eq);
            snap.nodes.pop();
            continue;
          }
          option.nodeCount++;
          i = snap.nodes.length - 1;
        }
      }
      snap.place(i, pod);
      option.pods++;
      option.podUids.push(pod.metadata.uid!);
      const r = podInfo(pod).requests;
      option.cpuRequested += r.milliCPU;
      option.memoryRequested += r.memory;
    }
    const alloc = template.status.allocatable ?? template.status.capacity;
    option.cpuAllocatable = option.nodeCount * (alloc.cpu ?? 0);
    option.memoryAllocatable = option.nodeCount * (alloc.memory ?? 0);
    return option;
  }

  private scaleUp(pods: Pod[], now: Micros): boolean {
    const total = this.scheduler.cache.nodeList.length + [...this.groups.values()].reduce((a, g) => a + g.upcoming.size, 0);
    const totalRoom = this.settings.maxNodesTotal > 0 ? this.settings.maxNodesTotal - total : Infinity;
    const options: (Option & { podUids: string[] })[] = [];
    for (const g of this.groups.values()) {
      const room = Math.min(g.spec.max - this.targetSize(g.spec.name), totalRoom);
      if (room <= 0) continue;
      const o = this.estimate(g, pods, room);
      if (o.nodeCount > 0 && o.pods > 0) options.push(o);
    }
    const best = bestOption(this.settings.expander, options, this.rng) as (Option & { podUids: string[] }) | undefined;
    if (best === undefined) {
      for (const p of pods) {
        if (this.notTriggered.has(p.metadata.uid!)) continue;
        this.notTriggered.add(p.metadata.uid!);
        this.recorder.record(p, 'Normal', 'NotTriggerScaleUp', CLUSTER_AUTOSCALER, `pod didn't trigger scale-up: ${this.groups.size} node group(s) cannot take it (max size reached or it would not fit a new node)`);
      }
      return false;
    }
    const g = this.groups.get(best.group)!;
    const before = this.targetSize(best.group);
    const after = before + best.nodeCount;
    const helped = new Set(best.podUids);
    for (const p of pods) if (helped.has(p.metadata.uid!)) this.recorder.record(p, 'Normal', 'TriggeredScaleUp', CLUSTER_AUTOSCALER, `pod triggered scale-up: [{${best.group} ${before}->${after} (max: ${g.spec.max})}]`);
    for (let i = 0; i < best.nodeCount; i++) {
      const node = this.provider.newNode(best.group);
      g.upcoming.set(node.metadata.name, node);
      this.engine.schedule(Math.max(0, Math.round(sample(this.settings.provisioningDelay, this.rng))), () => this.provider.startNode(node));
    }
    this.stats.scaleUps++;
    this.stats.nodesAdded += best.nodeCount;
    this.lastScaleUp = now;
    return true;
  }

  private utilization(n: NodeInfo): number {
    const cpu = n.allocMilliCPU > 0 ? n.reqMilliCPU / n.allocMilliCPU : 0;
    const mem = n.allocMemory > 0 ? n.reqMemory / n.allocMemory : 0;
    return Math.max(cpu, mem);
  }

  /** Pods that must move off a node to remove it, or the reason it cannot be removed (simulator/drain). */
  private podsToMove(n: NodeInfo, budgets: Map<PodDisruptionBudget, number>): Pod[] | string {
    const out: Pod[] = [];
    for (const { pod } of n.pods.values()) {
      if (pod.metadata.deletionTimestamp !== undefined || pod.status.phase === 'Succeeded' || pod.status.phase === 'Failed') continue;
      const owner = getControllerOf(pod);
      if (owner?.kind === 'DaemonSet') continue;
      const safe = pod.metadata.annotations?.[SAFE_TO_EVICT];
      if (safe === 'false') return `pod ${objectKey(pod.metadata)} is annotated ${SAFE_TO_EVICT}: "false"`;
      if (owner === undefined && safe !== 'true') return `pod ${objectKey(pod.metadata)} is not replicated`;
      const ns = pod.metadata.namespace ?? 'default';
      let pdb: PodDisruptionBudget | undefined;
      for (const b of budgets.keys()) {
        if ((b.metadata.namespace ?? 'default') === ns && b.spec.selector !== undefined && compileLabelSelector(b.spec.selector)(pod.metadata.labels)) pdb = b;
      }
      if (ns === 'kube-system' && pdb === undefined && safe !== 'true') return `non-daemonset, non-mirrored, kube-system pod ${objectKey(pod.metadata)} without a PodDisruptionBudget`;
      if (pdb !== undefined) {
        const left = budgets.get(pdb)!;
        if (left <= 0) return `not enough pod disruption budget to move ${objectKey(pod.metadata)}`;
        budgets.set(pdb, left - 1);
      }
      out.push(pod);
    }
    return out;
  }

  /** `UpdateUnneededNodes`: which nodes could go now, and since when they could. */
  private updateUnneeded(now: Micros): Map<string, { info: NodeInfo; pods: Pod[] }> {
    const unneeded = new Map<string, { info: NodeInfo; pods: Pod[] }>();
    const nodes = this.scheduler.cache.nodeList.filter((n) => !this.deleting.has(n.name));
    const snap = new Snapshot(nodes);
    const budgets = new Map<PodDisruptionBudget, number>([...this.api.store.list('PodDisruptionBudget')].map((b) => [b, b.status.disruptionsAllowed]));
    const candidates = nodes.filter((n) => this.provider.groupOf(n.node) !== undefined).sort((a, b) => (a.name < b.name ? -1 : 1));
    let nonEmpty = 0;
    for (const n of candidates) {
      if (this.utilization(n) >= this.settings.scaleDownUtilizationThreshold) continue;
      const trial = new Map(budgets);
      const pods = this.podsToMove(n, trial);
      if (typeof pods === 'string') continue;
      if (pods.length > 0) {
        if (nonEmpty >= this.settings.scaleDownNonEmptyCandidatesCount) continue;
        nonEmpty++;
        // Every pod must fit on a node that stays (not this one, not one already found unneeded).
        let ok = true;
        for (const bound of pods) {
          // The pod as it would be re-created: not bound to any node.
          const pod: Pod = extend(bound, { spec: extend(bound.spec, { nodeName: undefined }) });
          const fits = this.scheduler.predicateChecker(pod, snap.nodes);
          const i = fits === undefined ? -1 : snap.nodes.findIndex((m) => m.name !== n.name && !unneeded.has(m.name) && fits(m));
          if (i < 0) {
            ok = false;
            break;
          }
          snap.place(i, pod);
        }
        if (!ok) continue;
      }
      for (const [b, v] of trial) budgets.set(b, v);
      unneeded.set(n.name, { info: n, pods });
      if (!this.unneededSince.has(n.name)) this.unneededSince.set(n.name, now);
    }
    for (const name of [...this.unneededSince.keys()]) if (!unneeded.has(name)) this.unneededSince.delete(name);
    return unneeded;
  }

  private isReady(n: Node): boolean {
    return n.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
  }

  /** `TryToScaleDown`: empty nodes in bulk, else one node drained. */
  private tryToScaleDown(unneeded: Map<string, { info: NodeInfo; pods: Pod[] }>, now: Micros): void {
    const sizes = new Map([...this.groups.keys()].map((g) => [g, this.targetSize(g)]));
    const ripe = [...unneeded.values()].filter(({ info }) => {
      const since = this.unneededSince.get(info.name)!;
      const wait = this.isReady(info.node) ? this.settings.scaleDownUnneededTime : this.settings.scaleDownUnreadyTime;
      return since + wait <= now;
    });
    const allowed = (info: NodeInfo) => {
      const g = this.provider.groupOf(info.node)!;
      const size = sizes.get(g)!;
      if (size - 1 < this.groups.get(g)!.spec.min) return false;
      sizes.set(g, size - 1);
      return true;
    };
    const empty: { info: NodeInfo }[] = [];
    for (const u of ripe) if (u.pods.length === 0 && empty.length < this.settings.maxEmptyBulkDelete && allowed(u.info)) empty.push(u);
    if (empty.length > 0) {
      for (const { info } of empty) this.remove(info, [], now);
      return;
    }
    if (this.draining) return;
    const victim = ripe.find((u) => u.pods.length > 0 && allowed(u.info));
    if (victim !== undefined) this.remove(victim.info, victim.pods, now);
  }

  /** Taints, drains (if needed) and deletes a node. */
  private remove(info: NodeInfo, pods: Pod[], now: Micros): void {
    const name = info.name;
    this.deleting.add(name);
    this.unneededSince.delete(name);
    this.recorder.record(info.node, 'Normal', 'ScaleDown', CLUSTER_AUTOSCALER, pods.length === 0 ? 'marked the node as toBeDeleted/unschedulable (empty)' : `marked the node as toBeDeleted/unschedulable; evicting ${pods.length} pod(s)`);
    const taint = { key: TO_BE_DELETED_TAINT, value: String(Math.floor(now / 1_000_000)), effect: 'NoSchedule' as const };
    this.client.update('Node', name, (n) => extend(n, { spec: extend(n.spec, { taints: [...(n.spec.taints ?? []).filter((t) => t.key !== TO_BE_DELETED_TAINT), taint] }) }));
    if (pods.length === 0) {
      this.engine.schedule(0, () => this.deleteNode(name));
      return;
    }
    this.draining = true;
    const deadline = now + this.settings.maxPodEvictionTime;
    let left = pods.length;
    let failed = false;
    const evict = (pod: Pod) => {
      this.client.evict(objectKey(pod.metadata), (r) => {
        if (failed) return;
        if (!r.ok && r.reason === 'TooManyRequests') {
          if (this.engine.now + EVICTION_RETRY_US > deadline) return this.drainFailed(name, `failed to evict pod ${objectKey(pod.metadata)} within ${this.settings.maxPodEvictionTime / 1e6}s`, () => (failed = true));
          this.engine.schedule(EVICTION_RETRY_US, () => evict(pod));
          return;
        }
        if (--left === 0) this.waitForTermination(name, this.engine.now + MAX_GRACEFUL_TERMINATION_US);
      });
    };
    for (const p of pods) evict(p);
  }

  private drainFailed(name: string, why: string, mark: () => void): void {
    mark();
    this.draining = false;
    this.deleting.delete(name);
    this.lastScaleDownFail = this.engine.now;
    const node = this.api.store.get('Node', name);
    if (node !== undefined) this.recorder.record(node, 'Warning', 'ScaleDownFailed', CLUSTER_AUTOSCALER, why);
    this.client.update('Node', name, (n) => extend(n, { spec: extend(n.spec, { taints: (n.spec.taints ?? []).filter((t) => t.key !== TO_BE_DELETED_TAINT) }) }));
  }

  private waitForTermination(name: string, deadline: Micros): void {
    const info = this.scheduler.cache.node(name);
    const busy = info !== undefined && [...info.pods.values()].some(({ pod }) => getControllerOf(pod)?.kind !== 'DaemonSet');
    if (busy && this.engine.now < deadline) {
      this.engine.schedule(TERMINATION_POLL_US, () => this.waitForTermination(name, deadline));
      return;
    }
    this.draining = false;
    this.deleteNode(name);
  }

  private deleteNode(name: string): void {
    const node = this.api.store.get('Node', name);
    if (node !== undefined) this.recorder.record(node, 'Normal', 'ScaleDown', CLUSTER_AUTOSCALER, 'node removed by cluster autoscaler');
    this.provider.removeNode(name);
    this.stats.scaleDowns++;
    this.stats.nodesRemoved++;
    this.lastScaleDownDelete = this.engine.now;
  }
}
