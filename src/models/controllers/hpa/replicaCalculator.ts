/**
 * The HPA's replica calculator (pkg/controller/podautoscaler/replica_calculator.go and metrics/utilization.go):
 * from the pods of the target and their metrics, the replica count a metric asks for.
 *
 * `groupPods`: pods being deleted or Failed are ignored; Pending pods are unready; pods without metrics are
 * missing; for CPU, a pod is also unready when it has no Ready condition or start time, or, within the CPU
 * initialization period (5 min) after its start, when it is not Ready or its metric window began before its last
 * readiness change, or, after that period, when it is not Ready and has never been Ready (its readiness changed
 * within the initial readiness delay, 30 s, after start).
 * The usage ratio is Σ usage / Σ requests × 100 (truncated to a whole percent) / target for Utilization targets and
 * (Σ usage / n) / target for AverageValue targets. Within the tolerance (0.1) nothing changes. With unready pods on
 * a scale-up, they count as using 0; missing pods count as 100 % of their request on a scale-down and 0 on a
 * scale-up; the ratio is recomputed and the decision dropped if it changes direction or falls within tolerance.
 */
import { longRunningContainers } from '../../../cluster/podResources.js';
import type { Micros } from '../../../engine/time.js';
import type { Pod } from '../../../cluster/types.js';
import type { PodMetric } from '../../metrics/metricsServer.js';

/** --horizontal-pod-autoscaler-tolerance. */
export const HPA_TOLERANCE = 0.1;
/** --horizontal-pod-autoscaler-cpu-initialization-period. */
export const CPU_INITIALIZATION_PERIOD_US = 300_000_000;
/** --horizontal-pod-autoscaler-initial-readiness-delay. */
export const INITIAL_READINESS_DELAY_US = 30_000_000;

/** A resource metric's target. */
export type ResourceTarget = { utilization: number } | { averageValue: number };

/** What a metric asks for. */
export interface Proposal {
  replicas: number;
  /** Current average utilisation (percent) for Utilization targets. */
  utilization?: number;
  /** Current average value (resource units). */
  averageValue: number;
}

/** The error a calculation can end with (upstream's error strings). */
export class MetricsError extends Error {}

interface Groups {
  readyPodCount: number;
  unready: Set<string>;
  missing: Set<string>;
  ignored: Set<string>;
}

function groupPods(pods: readonly Pod[], metrics: Map<string, PodMetric>, resource: string, now: Micros): Groups {
  const g: Groups = { readyPodCount: 0, unready: new Set(), missing: new Set(), ignored: new Set() };
  for (const pod of pods) {
    const name = pod.metadata.name;
    if (pod.metadata.deletionTimestamp !== undefined || pod.status.phase === 'Failed') {
      g.ignored.add(name);
      continue;
    }
    if (pod.status.phase === 'Pending') {
      g.unready.add(name);
      continue;
    }
    const metric = metrics.get(name);
    if (metric === undefined) {
      g.missing.add(name);
      continue;
    }
    if (resource === 'cpu') {
      const cond = pod.status.conditions?.find((c) => c.type === 'Ready');
      const start = pod.status.startTime;
      let unready: boolean;
      if (cond === undefined || start === undefined) unready = true;
      else if (start + CPU_INITIALIZATION_PERIOD_US > now) unready = cond.status === 'False' || metric.timestamp < (cond.lastTransitionTime ?? 0) + metric.windowUs;
      else unready = cond.status === 'False' && start + INITIAL_READINESS_DELAY_US > (cond.lastTransitionTime ?? 0);
      if (unready) {
        g.unready.add(name);
        continue;
      }
    }
    g.readyPodCount++;
  }
  return g;
}

/** Sum of the pods' requests of `resource` (`calculatePodRequests`): the app containers and sidecars, each needs one. */
function podRequests(pods: readonly Pod[], resource: string, container: string | undefined): Map<string, number> {
  const out = new Map<string, number>();
  for (const pod of pods) {
    let sum = 0;
    for (const c of longRunningContainers(pod.spec)) {
      if (container !== undefined && c.name !== container) continue;
      const r = c.resources?.requests?.[resource];
      if (r === undefined) throw new MetricsError(`missing request for ${resource} in container ${c.name} of Pod ${pod.metadata.name}`);
      sum += r;
    }
    out.set(pod.metadata.name, sum);
  }
  return out;
}

/** `GetResourceUtilizationRatio`: integer percent utilisation and its ratio to the target. */
function utilizationRatio(metrics: Map<string, PodMetric>, requests: Map<string, number>, target: number): { ratio: number; utilization: number; average: number } {
  let used = 0;
  let requested = 0;
  let n = 0;
  for (const [name, m] of metrics) {
    const r = requests.get(name);
    if (r === undefined) continue;
    used += m.value;
    requested += r;
    n++;
  }
  if (requested === 0) throw new MetricsError('no metrics returned matched known pods');
  const utilization = Math.trunc((used * 100) / requested);
  return { ratio: utilization / target, utilization, average: Math.trunc(used / n) };
}

/** `GetMetricUsageRatio`: average value (truncated) and its ratio to the target. */
function usageRatio(metrics: Map<string, PodMetric>, target: number): { ratio: number; average: number } {
  let total = 0;
  for (const m of metrics.values()) total += m.value;
  const average = Math.trunc(total / metrics.size);
  return { ratio: average / target, average };
}

/**
 * `GetResourceReplicas` (Utilization) and `GetRawResourceReplicas` (AverageValue) for the pods of the target.
 * Throws MetricsError as upstream returns errors.
 */
export function resourceReplicas(
  currentReplicas: number,
  target: ResourceTarget,
  resource: string,
  pods: readonly Pod[],
  fetched: Map<string, PodMetric>,
  now: Micros,
  container?: string,
  tolerance = HPA_TOLERANCE,
): Proposal {
  if (pods.length === 0) throw new MetricsError('no pods returned by selector while calculating replica count');
  const metrics = new Map(fetched);
  const g = groupPods(pods, metrics, resource, now);
  for (const name of g.ignored) metrics.delete(name);
  for (const name of g.unready) metrics.delete(name);
  if (metrics.size === 0) throw new MetricsError('did not receive metrics for targeted pods (pods might be unready)');
  const isUtil = 'utilization' in target;
  const requests = isUtil ? podRequests(pods, resource, container) : new Map<string, number>();
  const ratioOf = (m: Map<string, PodMetric>): { ratio: number; average: number; utilization?: number } => (isUtil ? utilizationRatio(m, requests, target.utilization) : usageRatio(m, target.averageValue));
  const first = ratioOf(metrics);
  const result = (replicas: number): Proposal => ({ replicas, averageValue: first.average, ...(first.utilization !== undefined ? { utilization: first.utilization } : {}) });
  const ratio = first.ratio;
  const rebalanceUnready = g.unready.size > 0 && ratio > 1.0;
  if (!rebalanceUnready && g.missing.size === 0) {
    if (Math.abs(1.0 - ratio) <= tolerance) return result(currentReplicas);
    return result(Math.ceil(ratio * g.readyPodCount));
  }
  if (g.missing.size > 0) {
    for (const name of g.missing) {
      const v = ratio < 1.0 ? (isUtil ? requests.get(name)! : (target as { averageValue: number }).averageValue) : 0;
      if (ratio !== 1.0) metrics.set(name, { value: v, timestamp: now, windowUs: 0 });
    }
  }
  if (rebalanceUnready) for (const name of g.unready) metrics.set(name, { value: 0, timestamp: now, windowUs: 0 });
  const next = ratioOf(metrics).ratio;
  if (Math.abs(1.0 - next) <= tolerance || (ratio < 1.0 && next > 1.0) || (ratio > 1.0 && next < 1.0)) return result(currentReplicas);
  const replicas = Math.ceil(next * metrics.size);
  if ((next < 1.0 && replicas > currentReplicas) || (next > 1.0 && replicas < currentReplicas)) return result(currentReplicas);
  return result(replicas);
}
