/** The one-row `summary.csv` of a cell: the headline metrics. */
import { formatSeconds } from '../engine/time.js';
import type { Scenario } from '../workload/scenario.js';
import type { ClusterSampler } from './clusterSampler.js';
import { type Cell, ratio } from './csvFile.js';
import type { PodTracker } from './podTracker.js';
import type { Availability } from './workloadSampler.js';
import type { AutoscalingSummary } from './autoscalingSampler.js';
import type { TrafficSummary } from '../models/traffic/trafficModel.js';
import { mean, percentile } from './stats.js';

const sec = (us: number | undefined): Cell => (us === undefined ? undefined : formatSeconds(Math.round(us)));

/** What kube-proxy contributes to the summary. */
export interface ProxySummary {
  mode: string;
  /** Proxied Services and their ready endpoints at the end. */
  services: number;
  endpoints: number;
  durationsUs: readonly number[];
  latenciesUs: readonly number[];
  /** Table sizes at the end. */
  natRules: number;
  virtualServers: number;
}

/** Builds the summary row (columns: SUMMARY_COLUMNS). */
export function summaryRow(
  scenario: Scenario,
  nodes: number,
  pods: PodTracker,
  sampler: ClusterSampler,
  events: number,
  sched: { attempts: number; preemptions: number; preemptionVictims: number },
  lifecycle: { evictions: number; availability: Availability },
  autoscaling: AutoscalingSummary & { hpaRescales: number; caNodesAdded: number; caNodesRemoved: number },
  proxy: ProxySummary,
  traffic: TrafficSummary,
  gpu: { policy: string; trace: string; gpus: number; allocatedRatio: number | undefined },
): Cell[] {
  const syncs = [...proxy.durationsUs].sort((a, b) => a - b);
  const latencies = [...proxy.latenciesUs].sort((a, b) => a - b);
  const waits = [...pods.queueWaits].sort((a, b) => a - b);
  const lat = [...pods.schedulingLatencies].sort((a, b) => a - b);
  const startup = [...pods.startupLatencies].sort((a, b) => a - b);
  let runningEnd = 0;
  let unscheduledEnd = 0;
  for (const p of pods.livePods()) {
    if (p.status.phase === 'Running') runningEnd++;
    if (!p.spec.nodeName && p.status.phase === 'Pending') unscheduledEnd++;
  }
  return [
    scenario.name,
    String(scenario.seed),
    formatSeconds(scenario.durationUs),
    nodes,
    pods.created,
    pods.bound,
    runningEnd,
    pods.succeeded,
    pods.failed,
    unscheduledEnd,
    pods.failedSchedulingEvents,
    sec(mean(lat)),
    sec(percentile(lat, 50)),
    sec(percentile(lat, 90)),
    sec(percentile(lat, 99)),
    sec(lat[lat.length - 1]),
    sec(percentile(startup, 50)),
    sec(percentile(startup, 99)),
    ratio(mean(sampler.cpuRatios) ?? 0),
    ratio(mean(sampler.memRatios) ?? 0),
    ratio(mean(sampler.cpuUsedRatios) ?? 0),
    ratio(mean(sampler.memUsedRatios) ?? 0),
    sampler.peakUnscheduled,
    sampler.jobsCreated,
    sampler.jobsCompleted,
    sched.attempts,
    sec(percentile(waits, 50)),
    sec(percentile(waits, 99)),
    sched.preemptions,
    sched.preemptionVictims,
    ratio(mean(sampler.cpuFragmentation) ?? 0),
    ratio(mean(sampler.memFragmentation) ?? 0),
    lifecycle.evictions,
    pods.restarts,
    ratio(lifecycle.availability.min),
    ratio(lifecycle.availability.mean),
    sec(lifecycle.availability.recoveryUs),
    sec(lifecycle.availability.rolloutUs),
    ratio(autoscaling.nodeHours),
    autoscaling.nodesPeak,
    autoscaling.hpaRescales,
    autoscaling.caNodesAdded,
    autoscaling.caNodesRemoved,
    proxy.mode,
    proxy.services,
    proxy.endpoints,
    sec(percentile(syncs, 50)),
    sec(percentile(syncs, 99)),
    sec(percentile(latencies, 50)),
    sec(percentile(latencies, 90)),
    sec(percentile(latencies, 99)),
    proxy.natRules,
    proxy.virtualServers,
    traffic.firstPacketUs === undefined ? undefined : traffic.firstPacketUs.p50.toFixed(3),
    traffic.firstPacketUs === undefined ? undefined : traffic.firstPacketUs.p90.toFixed(3),
    traffic.firstPacketUs === undefined ? undefined : traffic.firstPacketUs.p99.toFixed(3),
    traffic.cpuCoresPerNode === undefined ? undefined : ratio(traffic.cpuCoresPerNode),
    Math.round(traffic.connections),
    Math.round(traffic.failed),
    traffic.dns === undefined ? undefined : Math.round(traffic.dns.queries),
    traffic.dns === undefined ? undefined : Math.round(traffic.dns.failedLookups),
    traffic.dns?.cacheHitRatio === undefined ? undefined : traffic.dns.cacheHitRatio.toFixed(4),
    traffic.ingress === undefined ? undefined : Math.round(traffic.ingress.requests),
    traffic.ingress === undefined ? undefined : Math.round(traffic.ingress.failed),
    traffic.ingress?.latencyMsMean === undefined ? undefined : traffic.ingress.latencyMsMean.toFixed(3),
    events,
    gpu.policy,
    gpu.trace,
    gpu.gpus,
    gpu.allocatedRatio === undefined ? undefined : ratio(gpu.allocatedRatio),
    // The placement experiment's binned measures (sim/placement.ts).
    undefined,
    undefined,
    undefined,
    undefined,
  ];
}
