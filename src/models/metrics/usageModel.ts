/**
 * What running pods actually use, over time (cluster/usage.ts describes the annotations): the source of truth for
 * node and cluster utilisation and, through the metrics server, for the HPA.
 *
 * A pod uses resources while its phase is Running. Its usage of a resource is
 *   (perPod(t − start) + loadFactor × shared(t) / readyPodsOfWorkload, the latter only while the pod is Ready)
 *   × (1 + noise × Z)
 * with Z a standard normal drawn per pod and metrics-resolution window (counter-based, engine/hashNoise.ts), never
 * below 0 and capped at the containers' limit when all of them set one (CPU is throttled at its limit; memory above
 * it is OOM-killed by the kubelet model, kubelet/limits.ts). Ephemeral storage is not capped: a pod writing past its
 * limit is evicted by the kubelet (kubelet/evictionManager.ts). A pod without a usage annotation uses its requests
 * (GUESS: the natural default when nothing is said; the scenario overrides it with an annotation).
 *
 * A workload is the pod's controller, followed up through a ReplicaSet to its Deployment, so a rollout's old and new
 * pods share one load.
 */
import { longRunningContainers, podLimitList, podRequestList } from '../../cluster/podResources.js';
import type { Micros } from '../../engine/time.js';
import { hashNormal } from '../../engine/hashNoise.js';
import type { Pod } from '../../cluster/types.js';
import { CPU, EPHEMERAL_STORAGE, MEMORY } from '../../cluster/resources.js';
import type { ApiServer, WatchEvent } from '../apiserver/apiServer.js';
import { parseUsage, signalAt, USAGE_ANNOTATIONS, type UsageSpec } from '../../cluster/usage.js';
import { isReady } from '../controllers/podControl.js';

/** metrics-server `--metric-resolution` default: 15 s. */
export const METRIC_RESOLUTION_US = 15_000_000;

interface Tracked {
  pod: Pod;
  workload: string;
  ready: boolean;
  running: boolean;
  /** Per resource: the parsed annotation (null: none, the pod uses its requests). */
  specs: Map<string, UsageSpec | null>;
  /** Per resource: the pod's summed requests and limit (0: some container has none), from its immutable spec. */
  bounds: Map<string, { request: number; limit: number }>;
  /** Without usage annotations for CPU and memory: [milli-CPU, bytes], its requests at all times. */
  fixed: [number, number] | undefined;
}

/** The usage model of all pods. */
export class UsageModel {
  private readonly pods = new Map<string, Tracked>();
  private readonly readyCount = new Map<string, number>();
  private readonly loadFactors = new Map<string, number>();
  private readonly served = new Map<string, number>();
  /** Running pods without usage annotations, summed per node: [milli-CPU, bytes, pods] (their usage never varies). */
  private readonly fixedByNode = new Map<string, [number, number, number]>();
  /** Running pods whose usage varies (annotated), by uid. */
  private readonly varying = new Map<string, Tracked>();
  /** Running pods per node, kept only once `indexByNode` was called (for pods' disk use per node). */
  private runningOn: Map<string, Set<Tracked>> | undefined;

  constructor(
    private readonly api: ApiServer,
    private readonly seed: string,
  ) {}

  /** Starts the pod watch. */
  start(): void {
    this.api.watch('Pod', {}, (ev) => this.onPod(ev));
  }

  /** The workload key of a pod: `namespace/Kind/name` of its top controller, or `namespace/Pod/name`. */
  workloadOf(pod: Pod): string {
    const ns = pod.metadata.namespace ?? 'default';
    const ref = pod.metadata.ownerReferences?.find((r) => r.controller);
    if (ref === undefined) return `${ns}/Pod/${pod.metadata.name}`;
    if (ref.kind === 'ReplicaSet') {
      const rs = this.api.store.get('ReplicaSet', `${ns}/${ref.name}`);
      const up = rs?.metadata.ownerReferences?.find((r) => r.controller);
      if (up !== undefined) return `${ns}/${up.kind}/${up.name}`;
    }
    return `${ns}/${ref.kind}/${ref.name}`;
  }

  /**
   * CPU a workload spends serving traffic (milli-CPU, summed over its pods), set by the traffic model for the pods
   * behind an ingress controller or CoreDNS: shared evenly by its Ready pods, in place of their requests when they
   * declare no CPU usage, on top of the declared usage otherwise.
   */
  setServedLoad(workload: string, milliCpu: number): void {
    if (!this.served.has(workload)) {
      // Its pods' usage varies from now on: out of the fixed per-node sums.
      for (const [uid, t] of this.pods) {
        if (t.workload !== workload || t.fixed === undefined) continue;
        this.count(uid, t, -1);
        t.fixed = undefined;
        this.count(uid, t, 1);
      }
    }
    this.served.set(workload, milliCpu);
  }

  /** Multiplies the shared load of a workload (`namespace/Kind/name`) by `factor` (the scenario's `load` event). */
  setLoadFactor(workload: string, factor: number): void {
    this.loadFactors.set(workload, factor);
  }

  /** The load factor of a workload (1 unless changed). */
  loadFactor(workload: string): number {
    return this.loadFactors.get(workload) ?? 1;
  }

  private onPod(ev: WatchEvent<Pod>): void {
    const pod = ev.object;
    const uid = pod.metadata.uid!;
    const prev = this.pods.get(uid);
    if (prev?.ready) this.readyCount.set(prev.workload, this.readyCount.get(prev.workload)! - 1);
    if (prev !== undefined) this.count(uid, prev, -1);
    if (ev.type === 'DELETED') {
      this.pods.delete(uid);
      return;
    }
    const running = pod.status.phase === 'Running' && pod.metadata.deletionTimestamp === undefined;
    const ready = running && isReady(pod);
    let t = prev;
    if (t === undefined) {
      const specs = this.specsOf(pod);
      const bounds = this.boundsOf(pod);
      const workload = this.workloadOf(pod);
      const fixed: [number, number] | undefined = specs.get(CPU) === null && specs.get(MEMORY) === null && !this.served.has(workload) ? [bounds.get(CPU)!.request, bounds.get(MEMORY)!.request] : undefined;
      t = { pod, workload, ready, running, specs, bounds, fixed };
    }
    t.pod = pod;
    t.ready = ready;
    t.running = running;
    this.pods.set(uid, t);
    this.count(uid, t, 1);
    if (ready) this.readyCount.set(t.workload, (this.readyCount.get(t.workload) ?? 0) + 1);
  }

  /** Adds or removes a running pod from the per-node usage. */
  private count(uid: string, t: Tracked, sign: 1 | -1): void {
    const node = t.pod.spec.nodeName;
    if (!t.running || !node) return;
    if (this.runningOn !== undefined) {
      let on = this.runningOn.get(node);
      if (on === undefined) this.runningOn.set(node, (on = new Set()));
      if (sign > 0) on.add(t);
      else {
        on.delete(t);
        if (on.size === 0) this.runningOn.delete(node);
      }
    }
    if (t.fixed === undefined) {
      if (sign > 0) this.varying.set(uid, t);
      else this.varying.delete(uid);
      return;
    }
    let acc = this.fixedByNode.get(node);
    if (acc === undefined) this.fixedByNode.set(node, (acc = [0, 0, 0]));
    acc[0] += sign * t.fixed[0];
    acc[1] += sign * t.fixed[1];
    acc[2] += sign;
    if (acc[2] === 0) this.fixedByNode.delete(node);
  }

  private specsOf(pod: Pod): Map<string, UsageSpec | null> {
    const m = new Map<string, UsageSpec | null>();
    for (const [resource, annotation] of Object.entries(USAGE_ANNOTATIONS)) {
      const text = pod.metadata.annotations?.[annotation];
      m.set(resource, text === undefined ? null : parseUsage(resource, text));
    }
    return m;
  }

  private boundsOf(pod: Pod): Map<string, { request: number; limit: number }> {
    const m = new Map<string, { request: number; limit: number }>();
    for (const resource of Object.keys(USAGE_ANNOTATIONS)) {
      // The pod's requests and limits as PodRequests / PodLimits give them (sidecars included); no limit unless
      // every running container sets one.
      const request = podRequestList(pod.spec)[resource] ?? 0;
      const unlimited = longRunningContainers(pod.spec).some((c) => c.resources?.limits?.[resource] === undefined);
      m.set(resource, { request, limit: unlimited ? 0 : (podLimitList(pod.spec)[resource] ?? 0) });
    }
    return m;
  }

  /** Number of Ready pods of a workload. */
  readyPods(workload: string): number {
    return this.readyCount.get(workload) ?? 0;
  }

  /** Usage of `resource` by the pod with this uid at time t (0 when not running or unknown). */
  usageOf(uid: string, resource: string, t: Micros): number {
    const p = this.pods.get(uid);
    return p === undefined || !p.running ? 0 : this.compute(p, resource, t);
  }

  /** Keeps the running pods per node from now on (call before the pod watch starts), for `nodeUsageOf`. */
  indexByNode(): void {
    this.runningOn ??= new Map();
  }

  /** Usage of `resource` summed over the pods running on a node at time t (needs `indexByNode`). */
  nodeUsageOf(node: string, resource: string, t: Micros): number {
    if (this.runningOn === undefined) throw new Error('UsageModel.nodeUsageOf needs indexByNode()');
    let sum = 0;
    for (const p of this.runningOn.get(node) ?? []) sum += this.compute(p, resource, t);
    return sum;
  }

  /** Calls `fn(pod, usage)` with the usage of `resource` for every running pod, in watch order. */
  forEachRunningOf(resource: string, t: Micros, fn: (pod: Pod, usage: number) => void): void {
    for (const p of this.pods.values()) if (p.running) fn(p.pod, this.compute(p, resource, t));
  }

  private compute(p: Tracked, resource: string, t: Micros): number {
    const spec = p.specs.get(resource);
    const pod = p.pod;
    const { request, limit } = p.bounds.get(resource)!;
    const served = resource === CPU ? this.served.get(p.workload) : undefined;
    if ((spec === null || spec === undefined) && served === undefined) return request;
    let v = 0;
    if (served !== undefined && p.ready) v += served / Math.max(1, this.readyPods(p.workload));
    if (spec === null || spec === undefined) return Math.round(limit > 0 ? Math.min(v, limit) : v);
    if (spec.perPod !== undefined) v += signalAt(spec.perPod, spec.perPod.kind === 'diurnal' ? t : t - (pod.status.startTime ?? t));
    if (spec.shared !== undefined && p.ready) v += (this.loadFactor(p.workload) * signalAt(spec.shared, t)) / Math.max(1, this.readyPods(p.workload));
    if (spec.noise > 0) v *= 1 + spec.noise * hashNormal(this.seed, `${pod.metadata.uid}/${resource}`, Math.floor(t / METRIC_RESOLUTION_US));
    v = Math.max(0, v);
    if (limit > 0 && resource !== EPHEMERAL_STORAGE) v = Math.min(v, limit);
    return Math.round(v);
  }

  /** Usage per node at time t: node name → [milli-CPU, bytes] summed over its running pods. */
  byNode(t: Micros): Map<string, [number, number]> {
    const out = new Map<string, [number, number]>();
    for (const [node, acc] of this.fixedByNode) out.set(node, [acc[0], acc[1]]);
    for (const p of this.varying.values()) {
      const node = p.pod.spec.nodeName!;
      let acc = out.get(node);
      if (acc === undefined) out.set(node, (acc = [0, 0]));
      acc[0] += this.compute(p, CPU, t);
      acc[1] += this.compute(p, MEMORY, t);
    }
    return out;
  }

  /** Total usage of `resource` by the running pods of a workload at time t. */
  workloadUsage(workload: string, resource: string, t: Micros): number {
    let sum = 0;
    for (const p of this.pods.values()) if (p.running && p.workload === workload) sum += this.compute(p, resource, t);
    return sum;
  }

  /** The pods known to the model (for the metrics server's listing), by uid. */
  get all(): ReadonlyMap<string, { pod: Pod; running: boolean }> {
    return this.pods;
  }
}
