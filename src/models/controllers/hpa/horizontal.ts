/**
 * The horizontal pod autoscaler controller (pkg/controller/podautoscaler/horizontal.go `reconcileAutoscaler`).
 *
 * Every HPA is reconciled each sync period (15 s, --horizontal-pod-autoscaler-sync-period; upstream's queue uses a
 * fixed-interval rate limiter, so a new HPA is first reconciled one period after it appears). A reconcile reads the
 * target's scale (Deployment, ReplicaSet or StatefulSet: spec.replicas and the selector), then:
 * - spec.replicas 0 with minReplicas ≠ 0: autoscaling is disabled (ScalingActive False, ScalingDisabled);
 * - above maxReplicas or below minReplicas: brought into range;
 * - otherwise each metric proposes a count (replicaCalculator.ts) and the highest wins (`computeReplicasForMetrics`:
 *   when every metric fails, or some fail and the rest would scale down, nothing changes); the proposal is
 *   normalised (normalize.ts) with or without `behavior`.
 * A change is written to the target's spec.replicas (the scale subresource) with a SuccessfulRescale event
 * "New size: N; reason: …", and the status (current/desired replicas, current metrics, conditions AbleToScale,
 * ScalingActive, ScalingLimited, lastScaleTime) is updated.
 * Resource and ContainerResource metrics come from the metrics server over the usage model; Pods, Object and
 * External metrics need a custom-metrics adapter kubesim does not have, so they fail as they would in a cluster
 * without one (FailedGetPodsMetric and so on).
 */
import type { Engine } from '../../../engine/engine.js';
import type { Micros } from '../../../engine/time.js';
import type { HPACondition, HorizontalPodAutoscaler, LabelSelector, MetricSpec, Pod } from '../../../cluster/types.js';
import { objectKey } from '../../../cluster/types.js';
import { compileLabelSelector } from '../../../cluster/selector.js';
import { NamespacedPods } from '../namespacedPods.js';
import type { ApiClient, ApiServer } from '../../apiserver/apiServer.js';
import type { EventRecorder } from '../../eventRecorder.js';
import type { MetricsServer } from '../../metrics/metricsServer.js';
import { MetricsError, resourceReplicas, type Proposal } from './replicaCalculator.js';
import { normalizeWithBehavior, normalizeWithoutBehavior, storeScaleEvent, type Normalized, type Recommendation, type ScaleEvent } from './normalize.js';
import { extend } from '../../../cluster/extend.js';

export const HPA_CONTROLLER = 'horizontal-pod-autoscaler';
/** --horizontal-pod-autoscaler-sync-period. */
export const HPA_SYNC_PERIOD_US = 15_000_000;

type ScaleKind = 'Deployment' | 'ReplicaSet' | 'StatefulSet';

interface State {
  recommendations: Recommendation[];
  up: ScaleEvent[];
  down: ScaleEvent[];
  timer: boolean;
}

/** The HPA controller. */
export class HorizontalController {
  private readonly states = new Map<string, State>();
  private readonly pods = new NamespacedPods();
  /** Rescales made (for the summary). */
  rescales = 0;

  constructor(
    private readonly engine: Engine,
    private readonly api: ApiServer,
    private readonly client: ApiClient,
    private readonly metrics: MetricsServer,
    private readonly recorder: EventRecorder,
    private readonly syncPeriodUs: Micros = HPA_SYNC_PERIOD_US,
  ) {}

  /** Starts the informers. */
  start(): void {
    this.api.watch('HorizontalPodAutoscaler', {}, (ev) => {
      const key = objectKey(ev.object.metadata);
      if (ev.type === 'DELETED') {
        this.states.delete(key);
        return;
      }
      if (!this.states.has(key)) {
        const s: State = { recommendations: [], up: [], down: [], timer: false };
        this.states.set(key, s);
        this.schedule(key, s);
      }
    });
    this.api.watch('Pod', {}, (ev) => {
      this.pods.apply(ev);
    });
  }

  private schedule(key: string, s: State): void {
    if (s.timer) return;
    s.timer = true;
    this.engine.schedule(this.syncPeriodUs, () => {
      s.timer = false;
      if (this.states.get(key) !== s) return;
      this.reconcile(key, s);
      this.schedule(key, s);
    });
  }

  private selected(namespace: string, selector: LabelSelector): Pod[] {
    const match = compileLabelSelector(selector);
    const out: Pod[] = [];
    for (const p of this.pods.list(namespace)) if (match(p.metadata.labels)) out.push(p);
    return out;
  }

  /** `reconcileAutoscaler`. */
  private reconcile(key: string, s: State): void {
    const hpa = this.client.get('HorizontalPodAutoscaler', key);
    if (hpa === undefined) return;
    const now = this.engine.now;
    const ns = hpa.metadata.namespace ?? 'default';
    const ref = hpa.spec.scaleTargetRef;
    const conditions: HPACondition[] = [...(hpa.status.conditions ?? [])];
    const setCondition = (type: HPACondition['type'], status: HPACondition['status'], reason: string, message: string) => {
      const i = conditions.findIndex((c) => c.type === type);
      const prev = i >= 0 ? conditions[i] : undefined;
      const c: HPACondition = { type, status, reason, message, lastTransitionTime: prev !== undefined && prev.status === status ? prev.lastTransitionTime : now };
      if (i >= 0) conditions[i] = c;
      else conditions.push(c);
    };
    const targetKey = `${ns}/${ref.name}`;
    const target = ref.kind === 'Deployment' || ref.kind === 'ReplicaSet' || ref.kind === 'StatefulSet' ? this.client.get(ref.kind as ScaleKind, targetKey) : undefined;
    if (target === undefined) {
      const message = `the HPA controller was unable to get the target's current scale: ${ref.kind.toLowerCase()}s "${ref.name}" not found`;
      this.recorder.record(hpa, 'Warning', 'FailedGetScale', HPA_CONTROLLER, message);
      setCondition('AbleToScale', 'False', 'FailedGetScale', message);
      this.writeStatus(hpa, hpa.status.currentReplicas ?? 0, hpa.status.desiredReplicas ?? 0, hpa.status.currentMetrics ?? [], conditions, hpa.status.lastScaleTime);
      return;
    }
    setCondition('AbleToScale', 'True', 'SucceededGetScale', 'the HPA controller was able to get the target\'s current scale');
    const currentReplicas = target.spec.replicas ?? 1;
    // The recommendations start with the current replicas when the HPA is first seen, so a new HPA does not scale
    // down before its stabilization window has passed.
    if (s.recommendations.length === 0) s.recommendations.push({ recommendation: currentReplicas, timestamp: now });
    const statusReplicas = target.status.replicas ?? 0;
    const minReplicas = hpa.spec.minReplicas ?? 1;
    const maxReplicas = hpa.spec.maxReplicas;
    let desired = 0;
    let rescale = true;
    let reason = '';
    let currentMetrics = hpa.status.currentMetrics ?? [];
    if (currentReplicas === 0 && minReplicas !== 0) {
      desired = 0;
      rescale = false;
      setCondition('ScalingActive', 'False', 'ScalingDisabled', 'scaling is disabled since the replica count of the target is zero');
    } else if (currentReplicas > maxReplicas) {
      reason = 'Current number of replicas above Spec.MaxReplicas';
      desired = maxReplicas;
    } else if (currentReplicas < minReplicas) {
      reason = 'Current number of replicas below Spec.MinReplicas';
      desired = minReplicas;
    } else {
      const pods = this.selected(ns, target.spec.selector);
      const r = this.computeReplicasForMetrics(hpa, currentReplicas, pods, now, setCondition);
      currentMetrics = r.statuses;
      if (r.replicas === -1) {
        this.recorder.record(hpa, 'Warning', 'FailedComputeMetricsReplicas', HPA_CONTROLLER, `invalid metrics (${r.invalid} invalid out of ${hpa.spec.metrics?.length ?? 0}), first error is: ${r.error}`);
        this.writeStatus(hpa, statusReplicas, hpa.status.desiredReplicas ?? currentReplicas, currentMetrics, conditions, hpa.status.lastScaleTime);
        return;
      }
      desired = r.replicas;
      if (desired > currentReplicas) reason = `${r.metric} above target`;
      if (desired < currentReplicas) reason = 'All metrics below target';
      const behavior = hpa.spec.behavior;
      const n: Normalized =
        behavior === undefined
          ? normalizeWithoutBehavior(s.recommendations, now, currentReplicas, desired, minReplicas, maxReplicas)
          : normalizeWithBehavior(s.recommendations, s.up, s.down, { scaleUp: behavior.scaleUp ?? {}, scaleDown: behavior.scaleDown ?? {} }, now, currentReplicas, desired, minReplicas, maxReplicas);
      setCondition('AbleToScale', 'True', n.ableReason, n.ableMessage);
      setCondition('ScalingLimited', n.limited ? 'True' : 'False', n.limitReason, n.limitMessage);
      desired = n.replicas;
      rescale = desired !== currentReplicas;
    }
    let lastScaleTime = hpa.status.lastScaleTime;
    if (rescale) {
      const kind = ref.kind as ScaleKind;
      this.client.update(kind, targetKey, (t) => extend(t, { spec: extend(t.spec, { replicas: desired }) }) as never);
      setCondition('AbleToScale', 'True', 'SucceededRescale', `the HPA controller was able to update the target scale to ${desired}`);
      const behavior = hpa.spec.behavior;
      if (behavior !== undefined) {
        if (desired > currentReplicas) storeScaleEvent(s.up, behavior.scaleUp ?? {}, desired - currentReplicas, now);
        else storeScaleEvent(s.down, behavior.scaleDown ?? {}, currentReplicas - desired, now);
      }
      this.rescales++;
      this.recorder.record(hpa, 'Normal', 'SuccessfulRescale', HPA_CONTROLLER, `New size: ${desired}; reason: ${reason}`);
      lastScaleTime = now;
    }
    this.writeStatus(hpa, statusReplicas, desired, currentMetrics, conditions, lastScaleTime);
  }

  private computeReplicasForMetrics(
    hpa: HorizontalPodAutoscaler,
    currentReplicas: number,
    pods: Pod[],
    now: Micros,
    setCondition: (type: HPACondition['type'], status: HPACondition['status'], reason: string, message: string) => void,
  ): { replicas: number; metric: string; statuses: NonNullable<HorizontalPodAutoscaler['status']['currentMetrics']>; invalid: number; error: string } {
    const specs = hpa.spec.metrics ?? [];
    let replicas = 0;
    let metric = '';
    let invalid = 0;
    let firstError = '';
    let firstReason = '';
    const statuses: NonNullable<HorizontalPodAutoscaler['status']['currentMetrics']> = [];
    for (const ms of specs) {
      const r = this.computeReplicasForMetric(ms, currentReplicas, pods, now);
      if ('error' in r) {
        if (invalid === 0) {
          firstError = r.error;
          firstReason = r.reason;
        }
        invalid++;
        this.recorder.record(hpa, 'Warning', r.reason, HPA_CONTROLLER, r.error);
        statuses.push({ name: r.name });
        continue;
      }
      statuses.push({ name: r.name, ...(r.proposal.utilization !== undefined ? { averageUtilization: r.proposal.utilization } : {}), averageValue: r.proposal.averageValue });
      if (replicas === 0 || r.proposal.replicas > replicas) {
        replicas = r.proposal.replicas;
        metric = r.label;
      }
    }
    if (invalid >= specs.length || (invalid > 0 && replicas < currentReplicas)) {
      setCondition('ScalingActive', 'False', firstReason, `the HPA was unable to compute the replica count: ${firstError}`);
      return { replicas: -1, metric: '', statuses, invalid, error: firstError };
    }
    setCondition('ScalingActive', 'True', 'ValidMetricFound', `the HPA was able to successfully calculate a replica count from ${metric}`);
    return { replicas, metric, statuses, invalid, error: '' };
  }

  private computeReplicasForMetric(ms: MetricSpec, current: number, pods: Pod[], now: Micros): { proposal: Proposal; name: string; label: string } | { error: string; reason: string; name: string } {
    if ((ms.type === 'Resource' && ms.resource) || (ms.type === 'ContainerResource' && ms.containerResource)) {
      const res = (ms.resource ?? ms.containerResource)!;
      const container = ms.containerResource?.container;
      const t = res.target;
      const isUtil = t.type === 'Utilization';
      const label = isUtil ? `${res.name} resource utilization (percentage of request)` : `${res.name} resource`;
      const reason = ms.type === 'Resource' ? 'FailedGetResourceMetric' : 'FailedGetContainerResourceMetric';
      try {
        const metrics = this.metrics.podMetrics(pods, res.name, container);
        if (metrics.size === 0) throw new MetricsError(`unable to get metrics for resource ${res.name}: no metrics returned from resource metrics API`);
        const proposal = resourceReplicas(current, isUtil ? { utilization: t.averageUtilization! } : { averageValue: t.averageValue! }, res.name, pods, metrics, now, container);
        return { proposal, name: res.name, label };
      } catch (e) {
        if (!(e instanceof MetricsError)) throw e;
        return { error: `failed to get ${res.name} utilization: ${e.message}`, reason, name: res.name };
      }
    }
    const kind = ms.type === 'Pods' ? 'Pods' : ms.type === 'Object' ? 'Object' : ms.type === 'External' ? 'External' : ms.type;
    const name = ms.pods?.metric.name ?? ms.object?.metric.name ?? ms.external?.metric.name ?? ms.type;
    return { error: `unable to get metric ${name}: no custom or external metrics API is served in kubesim (resource metrics only)`, reason: `FailedGet${kind}Metric`, name };
  }

  private writeStatus(hpa: HorizontalPodAutoscaler, current: number, desired: number, currentMetrics: NonNullable<HorizontalPodAutoscaler['status']['currentMetrics']>, conditions: HPACondition[], lastScaleTime: Micros | undefined): void {
    const st = hpa.status;
    const same =
      st.currentReplicas === current &&
      st.desiredReplicas === desired &&
      st.lastScaleTime === lastScaleTime &&
      JSON.stringify(st.currentMetrics ?? []) === JSON.stringify(currentMetrics) &&
      JSON.stringify(st.conditions ?? []) === JSON.stringify(conditions);
    if (same) return;
    this.client.update('HorizontalPodAutoscaler', objectKey(hpa.metadata), (h) =>
      extend(h, { status: { currentReplicas: current, desiredReplicas: desired, currentMetrics, conditions, observedGeneration: h.metadata.generation ?? 1, ...(lastScaleTime !== undefined ? { lastScaleTime } : {}) } }),
    );
  }
}
