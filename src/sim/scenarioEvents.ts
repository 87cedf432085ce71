/**
 * Timed events of a scenario (DESIGN §8) and random node failures, carried out the way a user or the
 * infrastructure would:
 *   - rollout / scale / pause / resume: writes to the Deployment (or ReplicaSet) as `kubectl set image`,
 *     `kubectl annotate`, `kubectl scale`, `kubectl rollout pause|resume` do;
 *   - rollback: `kubectl rollout undo` (staging/src/k8s.io/kubectl/pkg/polymorphichelpers/rollback.go): the template
 *     of the previous revision's ReplicaSet (or of `toRevision`), without its pod-template-hash label, is written
 *     back to the Deployment;
 *   - failNodes / recoverNodes: the machines stop or come back (the kubelet model's `fail`/`recover`);
 *   - drainNodes: `kubectl drain --ignore-daemonsets` (staging/src/k8s.io/kubectl/pkg/drain): cordon, then evict every
 *     pod not owned by a DaemonSet through the eviction API, retrying every 5 s while a PodDisruptionBudget says 429;
 *   - uncordonNodes, addNodes;
 *   - load: a traffic change, the Deployment's shared usage times a factor (models/metrics/usageModel.ts);
 *   - hpaTarget: `kubectl patch hpa` of a Resource metric's target and/or min/max replicas.
 * Each event is recorded in events.csv (source "scenario"), one row per object it acts on.
 * Random failures: a pool's `failures` draws, per node and on the node's own stream, the time to the next failure
 * (mtbf) and the repair time (mttr), again and again.
 */
import type { Engine } from '../engine/engine.js';
import { sample } from '../engine/distribution.js';
import type { Rng, RngStreams } from '../engine/rng.js';
import type { KubeObject, MetricTarget, Node, Pod } from '../cluster/types.js';
import { resourceAmount } from '../cluster/quantity.js';
import type { UsageModel } from '../models/metrics/usageModel.js';
import { objectKey } from '../cluster/types.js';
import type { ApiClient, ApiServer } from '../models/apiserver/apiServer.js';
import type { EventRecorder } from '../models/eventRecorder.js';
import type { Kubelet } from '../models/kubelet/kubelet.js';
import { getControllerOf } from '../models/controllers/podControl.js';
import { POD_TEMPLATE_HASH } from '../models/controllers/deployment.js';
import { revision } from '../models/controllers/deploymentUtil.js';
import type { NodePoolSpec, ScenarioEventSpec } from '../workload/schema/scenario.js';
import { POOL_LABEL } from './nodePools.js';
import { extend } from '../cluster/extend.js';

export const SCENARIO_SOURCE = 'scenario';
/** kubectl drain's wait between eviction attempts refused by a disruption budget. */
export const DRAIN_RETRY_US = 5_000_000;
const ZONE_LABEL = 'topology.kubernetes.io/zone';

type Selection = NonNullable<ScenarioEventSpec['failNodes']>;

/** What the events act on: the running kubelets and how to start new ones. */
export interface NodeFleet {
  kubelets: Map<string, { kubelet: Kubelet; node: Node }>;
  /** Creates and starts the kubelet of a new node (`snapshot`: a cluster snapshot's Node, registered already). */
  startNode(node: Node, snapshot?: boolean): void;
  /** The next node of a pool (named after the pool's existing ones), not started. */
  nextNode(pool: NodePoolSpec): Node;
  /** The machine is gone: its kubelet stops and the Node object is deleted. */
  removeNode(name: string): void;
}

/** cloud-node-lifecycle-controller's monitor period (`--node-monitor-period`, 5 s). */
export const CLOUD_NODE_MONITOR_PERIOD_US = 5_000_000;

/** Timed events and random failures of one run. */
export class ScenarioEvents {
  private readonly rng: Rng;
  /** Evictions the drains made. */
  evictions = 0;
  /** Times of disruptive events (failures, drains), for time-to-recover. */
  readonly disruptions: number[] = [];
  /** Times of rollouts and rollbacks, for the rollout time. */
  readonly rollouts: number[] = [];

  constructor(
    private readonly engine: Engine,
    private readonly api: ApiServer,
    private readonly kubectl: ApiClient,
    private readonly recorder: EventRecorder,
    private readonly streams: RngStreams,
    private readonly fleet: NodeFleet,
    private readonly pools: readonly NodePoolSpec[],
    private readonly usage?: UsageModel,
  ) {
    this.rng = streams.stream('scenario.events');
  }

  /** Schedules the events and the pools' random failures. */
  start(events: readonly ScenarioEventSpec[]): void {
    for (const e of events) this.engine.at(e.at, () => this.apply(e));
    for (const p of this.pools) {
      if (p.failures === undefined) continue;
      for (const [name, k] of this.fleet.kubelets) if (k.node.metadata.labels?.[POOL_LABEL] === p.name) this.randomFailures(name, p);
    }
  }

  private apply(e: ScenarioEventSpec): void {
    if (e.rollout !== undefined) return this.rollout(e.rollout);
    if (e.scale !== undefined) return this.scale(e.scale);
    if (e.rollback !== undefined) return this.rollback(e.rollback.deployment, e.rollback.toRevision);
    if (e.pause !== undefined) return this.setPaused(e.pause.deployment, true);
    if (e.resume !== undefined) return this.setPaused(e.resume.deployment, false);
    if (e.failNodes !== undefined) {
      const f = e.failNodes;
      const nodes = this.select(f, (k) => !k.failed);
      if (f.lost === true) {
        // cloud-node-lifecycle-controller: an instance that no longer exists loses its Node (monitor period 5 s).
        const objects = nodes.map((n) => this.fleet.kubelets.get(n)!.node);
        for (const n of nodes) this.fail(n, 'FailNode');
        this.engine.schedule(CLOUD_NODE_MONITOR_PERIOD_US, () => {
          for (const n of nodes) {
            const k = this.fleet.kubelets.get(n);
            if (k !== undefined) this.note(k.node, 'DeletingNode', `Deleting node ${n} because it does not exist in the cloud provider`);
            this.fleet.removeNode(n);
          }
        });
        if (f.for !== undefined) {
          this.engine.schedule(f.for, () => {
            for (const node of objects) {
              if (this.fleet.kubelets.has(node.metadata.name)) continue;
              this.note(node, 'RecoverNode', `node ${node.metadata.name} replaced by a new machine`);
              this.fleet.startNode(node);
            }
          });
        }
        return;
      }
      for (const n of nodes) this.fail(n, 'FailNode');
      if (f.for !== undefined) this.engine.schedule(f.for, () => nodes.forEach((n) => this.recover(n)));
      return;
    }
    if (e.recoverNodes !== undefined) return this.select(e.recoverNodes, (k) => k.failed).forEach((n) => this.recover(n));
    if (e.drainNodes !== undefined) return this.select(e.drainNodes, () => true).forEach((n) => this.drain(n));
    if (e.uncordonNodes !== undefined) return this.select(e.uncordonNodes, () => true).forEach((n) => this.cordon(n, false));
    if (e.addNodes !== undefined) return this.addNodes(e.addNodes.pool, e.addNodes.count);
    if (e.load !== undefined) return this.setLoad(e.load.deployment, e.load.factor);
    if (e.hpaTarget !== undefined) return this.hpaTarget(e.hpaTarget);
  }

  /** A traffic change: the Deployment's shared load times `factor`. */
  private setLoad(ref: string, factor: number): void {
    const key = this.key(ref);
    const d = this.api.store.get('Deployment', key);
    if (d === undefined) return;
    this.usage?.setLoadFactor(`${d.metadata.namespace ?? 'default'}/Deployment/${d.metadata.name}`, factor);
    this.note(d, 'LoadChanged', `load factor ${factor}`);
  }

  /** `kubectl patch hpa`: a metric target and/or the replica bounds. */
  private hpaTarget(h: NonNullable<ScenarioEventSpec['hpaTarget']>): void {
    const key = this.key(h.hpa);
    const hpa = this.api.store.get('HorizontalPodAutoscaler', key);
    if (hpa === undefined) return;
    const metric = h.metric ?? 'cpu';
    const target: MetricTarget | undefined =
      h.averageUtilization !== undefined ? { type: 'Utilization', averageUtilization: h.averageUtilization } : h.averageValue !== undefined ? { type: 'AverageValue', averageValue: resourceAmount(metric, h.averageValue) } : undefined;
    const parts = [
      ...(h.averageUtilization !== undefined ? [`${metric} target ${h.averageUtilization}%`] : []),
      ...(h.averageValue !== undefined ? [`${metric} target ${h.averageValue}`] : []),
      ...(h.minReplicas !== undefined ? [`minReplicas ${h.minReplicas}`] : []),
      ...(h.maxReplicas !== undefined ? [`maxReplicas ${h.maxReplicas}`] : []),
    ];
    this.note(hpa, 'HPATargetChanged', parts.join(', '));
    this.kubectl.update('HorizontalPodAutoscaler', key, (cur) => {
      const metrics = target === undefined ? cur.spec.metrics : cur.spec.metrics?.map((m) => (m.type === 'Resource' && m.resource?.name === metric ? extend(m, { resource: { name: metric, target } }) : m));
      const minReplicas = h.minReplicas ?? cur.spec.minReplicas;
      const maxReplicas = Math.max(h.maxReplicas ?? cur.spec.maxReplicas, minReplicas ?? 1);
      return extend(cur, { spec: Object.assign({}, cur.spec, metrics !== undefined ? { metrics } : {}, minReplicas !== undefined ? { minReplicas } : {}, { maxReplicas }) });
    });
  }

  private key(ref: string): string {
    return ref.includes('/') ? ref : `default/${ref}`;
  }

  private note(obj: KubeObject, reason: string, message: string, type: 'Normal' | 'Warning' = 'Normal'): void {
    this.recorder.record(obj, type, reason, SCENARIO_SOURCE, message);
  }

  private rollout(r: NonNullable<ScenarioEventSpec['rollout']>): void {
    if (r.deployment.endsWith('*')) {
      const prefix = this.key(r.deployment).slice(0, -1);
      const keys = [...this.api.store.list('Deployment')].map((d) => objectKey(d.metadata)).filter((k) => k.startsWith(prefix)).sort();
      for (const k of keys) this.rollout(extend(r, { deployment: k }));
      return;
    }
    const key = this.key(r.deployment);
    const d = this.api.store.get('Deployment', key);
    if (d === undefined) return;
    this.rollouts.push(this.engine.now);
    this.note(d, 'Rollout', r.image !== undefined ? `image ${r.container !== undefined ? `${r.container}=` : ''}${r.image}` : 'template annotations changed');
    this.kubectl.update('Deployment', key, (cur) => {
      const t = cur.spec.template;
      const containers = r.image === undefined ? t.spec.containers : t.spec.containers.map((c) => (r.container === undefined || c.name === r.container ? extend(c, { image: r.image! }) : c));
      const annotations = r.annotations === undefined ? t.metadata?.annotations : Object.assign({}, t.metadata?.annotations ?? {}, r.annotations);
      return extend(cur, { spec: extend(cur.spec, { template: extend(t, { metadata: Object.assign({}, t.metadata ?? {}, annotations !== undefined ? { annotations } : {}), spec: extend(t.spec, { containers }) }) }) });
    });
  }

  private scale(s: NonNullable<ScenarioEventSpec['scale']>): void {
    const kind = s.deployment !== undefined ? 'Deployment' : 'ReplicaSet';
    const key = this.key((s.deployment ?? s.replicaSet)!);
    const obj = this.api.store.get(kind, key);
    if (obj === undefined) return;
    this.note(obj, 'Scale', `replicas ${obj.spec.replicas ?? 1} → ${s.replicas}`);
    if (kind === 'Deployment') this.kubectl.update('Deployment', key, (cur) => extend(cur, { spec: extend(cur.spec, { replicas: s.replicas }) }));
    else this.kubectl.update('ReplicaSet', key, (cur) => extend(cur, { spec: extend(cur.spec, { replicas: s.replicas }) }));
  }

  private setPaused(ref: string, paused: boolean): void {
    const key = this.key(ref);
    const d = this.api.store.get('Deployment', key);
    if (d === undefined) return;
    this.note(d, paused ? 'Pause' : 'Resume', paused ? 'rollout paused' : 'rollout resumed');
    this.kubectl.update('Deployment', key, (cur) => extend(cur, { spec: extend(cur.spec, { paused }) }));
  }

  private rollback(ref: string, toRevision: number | undefined): void {
    const key = this.key(ref);
    const d = this.api.store.get('Deployment', key);
    if (d === undefined) return;
    const owned = [...this.api.store.list('ReplicaSet')].filter((rs) => getControllerOf(rs)?.uid === d.metadata.uid);
    const current = revision(d);
    let target = undefined as (typeof owned)[number] | undefined;
    for (const rs of owned) {
      const r = revision(rs);
      if (toRevision !== undefined ? r === toRevision : r < current && (target === undefined || r > revision(target))) target = rs;
    }
    if (target === undefined) {
      this.note(d, 'RollbackRevisionNotFound', 'Unable to find the revision to rollback to.', 'Warning');
      return;
    }
    const t = target.spec.template;
    const labels = { ...(t.metadata?.labels ?? {}) };
    delete labels[POD_TEMPLATE_HASH];
    this.rollouts.push(this.engine.now);
    this.note(d, 'RollbackDone', `Rolled back deployment "${d.metadata.name}" to revision ${revision(target)}`);
    this.kubectl.update('Deployment', key, (cur) => extend(cur, { spec: extend(cur.spec, { template: extend(t, { metadata: extend(t.metadata ?? {}, { labels }) }) }) }));
  }

  /** The running nodes an event selects: names, pool, zone, then a random count or fraction (seeded). */
  private select(s: Selection, eligible: (k: Kubelet) => boolean): string[] {
    const names = new Set(s.names ?? []);
    const out: string[] = [];
    for (const [name, { kubelet, node }] of this.fleet.kubelets) {
      if (s.names !== undefined && !names.has(name)) continue;
      if (s.pool !== undefined && node.metadata.labels?.[POOL_LABEL] !== s.pool) continue;
      if (s.zone !== undefined && node.metadata.labels?.[ZONE_LABEL] !== s.zone) continue;
      if (eligible(kubelet)) out.push(name);
    }
    out.sort();
    const want = s.count !== undefined ? Math.min(s.count, out.length) : s.fraction !== undefined ? Math.round(s.fraction * out.length) : out.length;
    if (want >= out.length) return out;
    // A seeded partial Fisher–Yates shuffle, then name order.
    for (let i = 0; i < want; i++) {
      const j = i + Math.floor(this.rng.next() * (out.length - i));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out.slice(0, want).sort();
  }

  private fail(name: string, reason: string): void {
    const k = this.fleet.kubelets.get(name);
    if (k === undefined || k.kubelet.failed) return;
    this.disruptions.push(this.engine.now);
    this.note(k.node, reason, `node ${name} stopped`);
    k.kubelet.fail();
  }

  private recover(name: string, reason = 'RecoverNode'): void {
    const k = this.fleet.kubelets.get(name);
    if (k === undefined || !k.kubelet.failed) return;
    this.note(k.node, reason, `node ${name} started again`);
    k.kubelet.recover();
  }

  private cordon(name: string, unschedulable: boolean): void {
    const node = this.api.store.get('Node', name);
    if (node === undefined) return;
    this.note(node, unschedulable ? 'Cordon' : 'Uncordon', unschedulable ? `node/${name} cordoned` : `node/${name} uncordoned`);
    this.kubectl.update('Node', name, (n) => (n.spec.unschedulable === unschedulable ? n : extend(n, { spec: extend(n.spec, { unschedulable }) })));
  }

  private drain(name: string): void {
    const node = this.api.store.get('Node', name);
    if (node === undefined) return;
    this.disruptions.push(this.engine.now);
    this.cordon(name, true);
    const pods: Pod[] = [];
    for (const p of this.api.store.list('Pod')) {
      if (p.spec.nodeName !== name || p.metadata.deletionTimestamp !== undefined) continue;
      if (getControllerOf(p)?.kind === 'DaemonSet') continue;
      pods.push(p);
    }
    pods.sort((a, b) => (objectKey(a.metadata) < objectKey(b.metadata) ? -1 : 1));
    let left = pods.length;
    if (left === 0) return this.note(node, 'Drained', `node/${name} drained`);
    const evict = (key: string) => {
      this.kubectl.evict(key, (r) => {
        if (!r.ok && r.reason === 'TooManyRequests') {
          this.engine.schedule(DRAIN_RETRY_US, () => evict(key));
          return;
        }
        if (r.ok) this.evictions++;
        if (--left === 0) this.note(node, 'Drained', `node/${name} drained`);
      });
    };
    for (const p of pods) evict(objectKey(p.metadata));
  }

  private addNodes(poolName: string, count: number): void {
    const pool = this.pools.find((p) => p.name === poolName);
    if (pool === undefined) return;
    for (let j = 0; j < count; j++) {
      const node = this.fleet.nextNode(pool);
      this.note(node, 'AddNode', `node ${node.metadata.name} added to pool ${poolName}`);
      this.fleet.startNode(node);
      if (pool.failures !== undefined) this.randomFailures(node.metadata.name, pool);
    }
  }

  /** Fail after mtbf, recover after mttr, repeatedly, on the node's own stream. */
  private randomFailures(name: string, pool: NodePoolSpec): void {
    const f = pool.failures!;
    const rng = this.streams.stream(`node/${name}/failures`);
    const up = () =>
      this.engine.schedule(Math.max(1, sample(f.mtbf, rng)), () => {
        this.fail(name, 'NodeFailure');
        this.engine.schedule(Math.max(1, sample(f.mttr, rng)), () => {
          this.recover(name, 'NodeRepaired');
          up();
        });
      });
    up();
  }
}
