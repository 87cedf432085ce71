/**
 * Node lifecycle controller (pkg/controller/nodelifecycle/node_lifecycle_controller.go), taint-based eviction mode:
 *   - `monitorNodeHealth` every nodeMonitorPeriod (5 s): a node whose Lease has not been renewed for
 *     nodeMonitorGracePeriod (50 s) gets its Ready condition set to Unknown ("Kubelet stopped posting node
 *     status."), a NodeNotReady event, the `node.kubernetes.io/unreachable:NoSchedule` taint
 *     (`doNoScheduleTaintingPass`) and its pods marked not Ready (`MarkPodsNotReady`);
 *   - a not-ready node is queued for the NoExecute taint in its zone's rate-limited queue, drained every 100 ms
 *     (`doNoExecuteTaintingPass`) at the zone's eviction rate: --node-eviction-rate 0.1 nodes/s while the zone is
 *     Normal or fully disrupted, --secondary-node-eviction-rate 0.01 when it is partially disrupted (≥ 55 % and > 2
 *     nodes not ready) and larger than --large-cluster-size-threshold 50 nodes, else 0; burst 1;
 *   - when every zone is fully disrupted evictions stop and queued taints are cancelled; leaving that mode gives
 *     every node a fresh grace period (`handleDisruption`);
 *   - a node Ready again loses its lifecycle taints (`markNodeAsReachable`).
 * Pods are then evicted by the taint eviction controller (taintEviction.ts), tolerationSeconds after the taint.
 */
import { SINCE } from '../../cluster/kubernetesVersion.js';
import type { Engine } from '../../engine/engine.js';
import type { Micros } from '../../engine/time.js';
import type { Node, NodeCondition, Pod, Taint } from '../../cluster/types.js';
import { objectKey } from '../../cluster/types.js';
import type { ApiClient, ApiServer } from '../apiserver/apiServer.js';
import type { EventRecorder } from '../eventRecorder.js';
import type { NodeLeases } from '../kubelet/nodeLease.js';
import { TAINT_NOT_READY, TAINT_UNREACHABLE } from '../apiserver/defaultTolerationSeconds.js';
import { extend } from '../../cluster/extend.js';

/** The controller's settings (kube-controller-manager flags). */
export interface NodeLifecycleConfig {
  monitorPeriodUs: Micros;
  gracePeriodUs: Micros;
  evictionQps: number;
  secondaryEvictionQps: number;
  largeClusterThreshold: number;
  unhealthyZoneThreshold: number;
}

/** Upstream defaults (reference/k8s-defaults.md §3; the grace period is 50 s since v1.32). */
export const NODE_LIFECYCLE_DEFAULTS: NodeLifecycleConfig = {
  monitorPeriodUs: 5_000_000,
  gracePeriodUs: 50_000_000,
  evictionQps: 0.1,
  secondaryEvictionQps: 0.01,
  largeClusterThreshold: 50,
  unhealthyZoneThreshold: 0.55,
};

/** The defaults of a Kubernetes minor: `--node-monitor-grace-period` was 40 s before v1.32. */
export function nodeLifecycleConfig(kubernetesMinor: number): NodeLifecycleConfig {
  return kubernetesMinor >= SINCE.nodeMonitorGracePeriod50s ? NODE_LIFECYCLE_DEFAULTS : extend(NODE_LIFECYCLE_DEFAULTS, { gracePeriodUs: 40_000_000 });
}

/** `scheduler.NodeEvictionPeriod`: how often the NoExecute tainting queues are drained. */
export const NODE_EVICTION_PERIOD_US = 100_000;
export const NODE_LIFECYCLE_CONTROLLER = 'node-controller';

export type ZoneState = 'Normal' | 'PartialDisruption' | 'FullDisruption';

/** `nodetopology.GetZoneKey`: region and zone labels (empty for a node with neither). */
export function zoneKey(node: Node): string {
  const l = node.metadata.labels ?? {};
  const region = l['topology.kubernetes.io/region'] ?? l['failure-domain.beta.kubernetes.io/region'] ?? '';
  const zone = l['topology.kubernetes.io/zone'] ?? l['failure-domain.beta.kubernetes.io/zone'] ?? '';
  return region === '' && zone === '' ? '' : `${region}:\x00:${zone}`;
}

/** `ComputeZoneState`. */
export function computeZoneState(ready: number, notReady: number, threshold: number): ZoneState {
  if (ready === 0 && notReady > 0) return 'FullDisruption';
  if (notReady > 2 && notReady / (ready + notReady) >= threshold) return 'PartialDisruption';
  return 'Normal';
}

function readyCondition(node: Node): NodeCondition | undefined {
  return node.status.conditions?.find((c) => c.type === 'Ready');
}

function isLifecycleTaint(t: Taint): boolean {
  return t.key === TAINT_UNREACHABLE || t.key === TAINT_NOT_READY;
}

/** A zone's rate-limited tainting queue (`RateLimitedTimedQueue` over a token bucket of burst 1). */
interface Tainter {
  queue: string[];
  queued: Set<string>;
  qps: number;
  tokens: number;
  lastUs: Micros;
}

/** The node lifecycle controller. */
export class NodeLifecycleController {
  private readonly nodes = new Map<string, Node>();
  private readonly podsByNode = new Map<string, Map<string, Pod>>();
  /** Nodes that may need attention: Lease stopped, not Ready, or carrying lifecycle taints. */
  private readonly suspects = new Set<string>();
  /** Ready / not-ready node counts per zone, from the Ready condition as stored. */
  private readonly zoneCounts = new Map<string, { ready: number; notReady: number }>();
  private readonly zoneStates = new Map<string, ZoneState>();
  private readonly tainters = new Map<string, Tainter>();
  private tainting = false;
  /** Set when leaving full-disruption mode: every node's grace period restarts then. */
  private graceFrom: Micros = 0;

  constructor(
    private readonly engine: Engine,
    private readonly api: ApiServer,
    private readonly client: ApiClient,
    private readonly leases: NodeLeases,
    private readonly recorder: EventRecorder,
    private readonly config: NodeLifecycleConfig = NODE_LIFECYCLE_DEFAULTS,
  ) {}

  /** The state of a zone (for tests and metrics). */
  zoneState(zone: string): ZoneState {
    return this.zoneStates.get(zone) ?? 'Normal';
  }

  /** Starts the informers and the monitor loop. */
  start(): void {
    this.leases.onChange((node) => this.suspects.add(node));
    this.api.watch('Node', {}, (ev) => {
      const name = ev.object.metadata.name;
      if (ev.old !== undefined && ev.type !== 'ADDED') this.count(ev.old, -1);
      if (ev.type === 'DELETED') {
        this.nodes.delete(name);
        this.suspects.delete(name);
        return;
      }
      this.count(ev.object, 1);
      this.nodes.set(name, ev.object);
      if (readyCondition(ev.object)?.status !== 'True' || ev.object.spec.taints?.some(isLifecycleTaint)) this.suspects.add(name);
    });
    this.api.watch('Pod', {}, (ev) => {
      const node = ev.object.spec.nodeName;
      if (node === undefined) return;
      const key = objectKey(ev.object.metadata);
      let m = this.podsByNode.get(node);
      if (ev.type === 'DELETED') {
        m?.delete(key);
        return;
      }
      if (m === undefined) {
        m = new Map();
        this.podsByNode.set(node, m);
      }
      m.set(key, ev.object);
    });
    const tick = () => {
      this.monitor();
      this.engine.schedule(this.config.monitorPeriodUs, tick);
    };
    this.engine.schedule(this.config.monitorPeriodUs, tick);
  }

  private count(node: Node, delta: number): void {
    const zone = zoneKey(node);
    let c = this.zoneCounts.get(zone);
    if (c === undefined) {
      c = { ready: 0, notReady: 0 };
      this.zoneCounts.set(zone, c);
    }
    if (readyCondition(node)?.status === 'True') c.ready += delta;
    else c.notReady += delta;
  }

  /** `monitorNodeHealth`. */
  private monitor(): void {
    const now = this.engine.now;
    for (const name of [...this.suspects].sort()) {
      const node = this.nodes.get(name);
      if (node === undefined) {
        this.suspects.delete(name);
        continue;
      }
      const renew = this.leases.renewTime(name, now);
      const heard = Math.max(renew ?? node.metadata.creationTimestamp ?? 0, this.graceFrom);
      let status = readyCondition(node)?.status ?? 'Unknown';
      if (now > heard + this.config.gracePeriodUs && status !== 'Unknown') {
        this.markUnknown(node);
        status = 'Unknown';
      }
      if (status === 'True') {
        this.dequeue(zoneKey(node), name);
        if (node.spec.taints?.some(isLifecycleTaint)) this.removeLifecycleTaints(name);
        else if (this.leases.alive(name)) this.suspects.delete(name);
      } else if (!node.spec.taints?.some((t) => t.effect === 'NoExecute' && isLifecycleTaint(t)) && !this.allFullyDisrupted()) {
        this.enqueue(zoneKey(node), name);
      }
    }
    this.handleDisruption();
  }

  /** Ready → Unknown, the unreachable NoSchedule taint, NodeNotReady, and the node's pods marked not Ready. */
  private markUnknown(node: Node): void {
    const now = this.engine.now;
    const name = node.metadata.name;
    // The controller's own view (upstream's nodeHealthMap) changes now; the informer catches up after the write.
    const ready: NodeCondition = { type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown', lastTransitionTime: now };
    this.nodes.set(name, extend(node, { status: extend(node.status, { conditions: [...(node.status.conditions ?? []).filter((c) => c.type !== 'Ready'), ready] }) }));
    this.client.update('Node', name, (n) => {
      const taints = (n.spec.taints ?? []).filter((t) => !(isLifecycleTaint(t) && t.effect === 'NoSchedule'));
      taints.push({ key: TAINT_UNREACHABLE, effect: 'NoSchedule', timeAdded: now });
      const conditions = (n.status.conditions ?? []).filter((c) => c.type !== 'Ready');
      conditions.push(ready);
      return extend(n, { spec: extend(n.spec, { taints }), status: extend(n.status, { conditions }) });
    });
    this.recorder.record(node, 'Normal', 'NodeNotReady', NODE_LIFECYCLE_CONTROLLER, `Node ${name} status is now: NodeNotReady`);
    for (const [key, pod] of [...(this.podsByNode.get(name) ?? [])].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (!pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) continue;
      this.client.update('Pod', key, (p) => extend(p, { status: extend(p.status, { conditions: (p.status.conditions ?? []).map((c) => (c.type === 'Ready' && c.status === 'True' ? extend(c, { status: 'False' as const, lastTransitionTime: now }) : c)) }) }));
    }
  }

  private removeLifecycleTaints(name: string): void {
    this.client.update('Node', name, (n) => (n.spec.taints?.some(isLifecycleTaint) ? extend(n, { spec: extend(n.spec, { taints: n.spec.taints.filter((t) => !isLifecycleTaint(t)) }) }) : n));
  }

  private tainter(zone: string): Tainter {
    let t = this.tainters.get(zone);
    if (t === undefined) {
      t = { queue: [], queued: new Set(), qps: this.rateFor(zone, this.zoneState(zone)), tokens: 1, lastUs: this.engine.now };
      this.tainters.set(zone, t);
    }
    return t;
  }

  private enqueue(zone: string, name: string): void {
    const t = this.tainter(zone);
    if (t.queued.has(name)) return;
    t.queued.add(name);
    t.queue.push(name);
    this.kickTainting();
  }

  private dequeue(zone: string, name: string): void {
    const t = this.tainters.get(zone);
    if (t === undefined || !t.queued.delete(name)) return;
    t.queue = t.queue.filter((n) => n !== name);
  }

  private kickTainting(): void {
    if (this.tainting) return;
    this.tainting = true;
    const period = NODE_EVICTION_PERIOD_US;
    this.engine.schedule(period - (this.engine.now % period), () => this.taintPass());
  }

  /** `doNoExecuteTaintingPass`: each zone's queue, as fast as its token bucket allows. */
  private taintPass(): void {
    const now = this.engine.now;
    let pending = false;
    for (const zone of [...this.tainters.keys()].sort()) {
      const t = this.tainters.get(zone)!;
      while (t.queue.length > 0) {
        t.tokens = Math.min(1, t.tokens + ((now - t.lastUs) * t.qps) / 1e6);
        t.lastUs = now;
        if (t.tokens < 1) break;
        t.tokens -= 1;
        const name = t.queue.shift()!;
        t.queued.delete(name);
        const node = this.nodes.get(name);
        const status = node === undefined ? 'True' : readyCondition(node)?.status ?? 'Unknown';
        if (status === 'True') continue;
        const key = status === 'Unknown' ? TAINT_UNREACHABLE : TAINT_NOT_READY;
        this.client.update('Node', name, (n) => {
          const taints = (n.spec.taints ?? []).filter((x) => !(x.effect === 'NoExecute' && isLifecycleTaint(x)));
          taints.push({ key, effect: 'NoExecute', timeAdded: now });
          return extend(n, { spec: extend(n.spec, { taints }) });
        });
      }
      if (t.queue.length > 0) pending = true;
    }
    this.tainting = false;
    if (pending) this.kickTainting();
  }

  private allFullyDisrupted(): boolean {
    if (this.zoneStates.size === 0) return false;
    for (const s of this.zoneStates.values()) if (s !== 'FullDisruption') return false;
    return true;
  }

  /** `setLimiterInZone`'s rates. */
  private rateFor(zone: string, state: ZoneState): number {
    if (state === 'PartialDisruption') {
      const c = this.zoneCounts.get(zone);
      const size = c === undefined ? 0 : c.ready + c.notReady;
      return size > this.config.largeClusterThreshold ? this.config.secondaryEvictionQps : 0;
    }
    return this.config.evictionQps;
  }

  /** `handleDisruption`: zone states, rate limits, and the all-zones-down mode. */
  private handleDisruption(): void {
    const wasAllDown = this.allFullyDisrupted();
    const next = new Map<string, ZoneState>();
    for (const [zone, c] of this.zoneCounts) if (c.ready + c.notReady > 0) next.set(zone, computeZoneState(c.ready, c.notReady, this.config.unhealthyZoneThreshold));
    let allDown = next.size > 0;
    for (const s of next.values()) if (s !== 'FullDisruption') allDown = false;
    if (allDown && !wasAllDown) {
      // Every zone is down: the master is more likely cut off than the nodes. Stop evictions and cancel taints.
      for (const t of this.tainters.values()) {
        t.queue = [];
        t.queued.clear();
        t.qps = 0;
      }
      for (const name of [...this.suspects].sort()) {
        if (this.nodes.get(name)?.spec.taints?.some((t) => t.effect === 'NoExecute' && isLifecycleTaint(t))) {
          this.client.update('Node', name, (n) => extend(n, { spec: extend(n.spec, { taints: (n.spec.taints ?? []).filter((t) => !(t.effect === 'NoExecute' && isLifecycleTaint(t))) }) }));
        }
      }
    }
    if (!allDown && wasAllDown) this.graceFrom = this.engine.now;
    for (const [zone, state] of next) {
      const before = this.zoneStates.get(zone);
      this.zoneStates.set(zone, state);
      if (allDown) continue;
      if (before !== state || wasAllDown) {
        const t = this.tainter(zone);
        t.qps = this.rateFor(zone, state);
        t.tokens = 1;
        t.lastUs = this.engine.now;
      }
    }
    for (const zone of [...this.zoneStates.keys()]) if (!next.has(zone)) this.zoneStates.delete(zone);
  }
}
