/**
 * `kubesim report <dir>`: reads a results folder (one run, or a sweep with sweep.json), builds the charts that fit
 * the data present (vega-lite specs → SVG) and writes, next to the CSVs, `report.html` (self-contained, offline)
 * and `charts/<name>.vl.json` and `.svg` (and `.png` with `png: true`).
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { eventMarks, withEventMarks, type AvailabilitySums, availabilityChart, cellCiChart, dnsChart, failedConnectionsChart, ingressChart, proxyVsServicesChart, type ProxyPoint, clusterMetricChart, hpaChart, nodeGroupChart, rolloutTimelineChart, latencyCdfChart, nodeHeatmapChart, pendingPodsChart, availabilitySums, requestedRatioChart, schedulingLatencyCdfChart, startupLatencyCdfChart } from './charts.js';
import { type ChartSection, reportHtml, type ReportPage } from './html.js';
import { numbers, readCsv, readNumberColumns, sumByTime, type Row } from './readCsv.js';
import { renderPng, renderSvg } from './render.js';
import type { SweepPlan } from '../experiment/plan.js';
import { isPlacement, placementRunPage, placementSweepPage, readManifest } from './placementReport.js';
import { headlineTable } from './headlineTable.js';
import { changesTable, runFigures, topFailedScheduling } from './headline.js';

const valueText = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/** Options of writeReport. */
export interface ReportOptions {
  png?: boolean;
}

/** Wall-clock timing of a sweep, written by the CLI next to sweep.json (not compared between runs). */
const SWEEP_TIMING = 'timing.json';

/** Writes the report of a results folder; returns the path of report.html. */
export async function writeReport(dir: string, opts: ReportOptions = {}): Promise<string> {
  const page = existsSync(join(dir, 'sweep.json')) ? sweepPage(dir) : runPage(dir);
  const chartsDir = join(dir, 'charts');
  mkdirSync(chartsDir, { recursive: true });
  const charts: ChartSection[] = [];
  for (const [id, title, spec] of page.specs) {
    const svg = await renderSvg(spec);
    writeFileSync(join(chartsDir, `${id}.vl.json`), JSON.stringify(spec, null, 2) + '\n');
    writeFileSync(join(chartsDir, `${id}.svg`), svg);
    if (opts.png) writeFileSync(join(chartsDir, `${id}.png`), await renderPng(svg));
    charts.push({ id, title, svg, spec });
  }
  // Charts an earlier build wrote and this one does not (a chart left out now) go, so charts/ is this report's.
  const written = new Set(charts.map((c) => c.id));
  for (const f of readdirSync(chartsDir)) {
    const m = /^(.*)\.(vl\.json|svg|png)$/.exec(f);
    if (m !== null && (!written.has(m[1]!) || (m[2] === 'png' && !opts.png))) rmSync(join(chartsDir, f));
  }
  const html = reportHtml({ ...page.page, charts });
  const file = join(dir, 'report.html');
  writeFileSync(`${file}.tmp`, html);
  renameSync(`${file}.tmp`, file);
  return file;
}

type Spec = [string, string, TopLevelSpec];

function runPage(dir: string): { page: Omit<ReportPage, 'charts'>; specs: Spec[] } {
  if (isPlacement(dir)) return placementRunPage(dir, readManifest(dir));
  const cluster = readCsv(join(dir, 'cluster.csv'));
  const pods = readCsv(join(dir, 'pods.csv'));
  const summary = readCsv(join(dir, 'summary.csv'))[0] ?? {};
  const manifest = readManifest(dir);
  const events = existsSync(join(dir, 'events.csv')) ? readCsv(join(dir, 'events.csv')) : [];
  // The scenario's events (rollouts, failures, drains…) are marked on every chart over time.
  const marks = eventMarks(events);
  const timed = (spec: TopLevelSpec) => withEventMarks(spec, marks);
  const any = (column: string) => cluster.some((r) => Number(r[column]) > 0);
  // Charts that would have nothing to show are left out (no pending pod, no rollout, no HPA…).
  const specs: Spec[] = [];
  if (any('pods_unscheduled') || any('pods_scheduled_pending')) specs.push(['pending-pods', 'Pending pods over time', timed(pendingPodsChart(cluster))]);
  if (pods.some((p) => p.scheduling_latency_s !== undefined && p.scheduling_latency_s !== '')) specs.push(['scheduling-latency-cdf', 'Scheduling latency CDF', schedulingLatencyCdfChart(pods)]);
  if (pods.some((p) => p.startup_latency_s !== undefined && p.startup_latency_s !== '')) specs.push(['startup-latency-cdf', 'Startup latency CDF', startupLatencyCdfChart(pods)]);
  specs.push(['requested-ratio', 'Requested resources over time', timed(requestedRatioChart(cluster))]);
  if (any('sched_unschedulable')) specs.push(['scheduler-queues', 'Scheduler queues over time', timed(clusterMetricChart('Scheduler queues', 'sched_unschedulable', 'pods in unschedulablePods', [{ label: 'unschedulablePods', data: [cluster] }]))]);
  if (any('bind_rate_per_s')) specs.push(['scheduling-throughput', 'Scheduling throughput over time', timed(clusterMetricChart('Bindings per second', 'bind_rate_per_s', 'pods bound per second', [{ label: 'bindings', data: [cluster] }]))]);
  if (any('cpu_fragmentation_ratio')) specs.push(['cpu-fragmentation', 'Fragmentation of free CPU over time', timed(clusterMetricChart('Free CPU no pending or typical pod fits', 'cpu_fragmentation_ratio', 'share of free CPU', [{ label: 'cpu', data: [cluster] }], true))]);
  if (existsSync(join(dir, 'nodes.csv'))) specs.push(['node-heatmap', 'Node utilisation', nodeHeatmapChart(readCsv(join(dir, 'nodes.csv')))]);
  const workloads = existsSync(join(dir, 'workloads.csv')) ? readCsv(join(dir, 'workloads.csv')) : [];
  if (workloads.length > 0 && workloadsChanged(workloads, events)) specs.push(['rollout-timeline', 'Rollout timeline (replicas per Deployment)', timed(rolloutTimelineChart(workloads))]);
  if (workloads.length > 0 && summary.availability_min !== undefined && summary.availability_min !== '') {
    specs.push(['availability', 'Availability during rollouts and failures', timed(availabilityChart([{ label: 'all Deployments', data: [availabilitySums(AVAILABILITY_COLUMNS.map((c) => numbers(workloads, c)))] }]))]);
  }
  const autoscaling = existsSync(join(dir, 'autoscaling.csv')) ? readCsv(join(dir, 'autoscaling.csv')) : [];
  if (autoscaling.some((r) => r.kind === 'HorizontalPodAutoscaler')) specs.push(['hpa', 'HPA replicas vs load', timed(hpaChart(autoscaling))]);
  if (autoscaling.some((r) => r.kind === 'NodeGroup')) specs.push(['node-groups', 'Cluster autoscaler node count', timed(nodeGroupChart(autoscaling))]);
  const proxyRows = existsSync(join(dir, 'proxy.csv')) ? readCsv(join(dir, 'proxy.csv')) : [];
  if (proxyRows.length > 0 && Number(summary.services) > 0) {
    const mode = String(summary.proxy_mode ?? proxyRows[0]!.mode);
    specs.push(['programming-latency-cdf', 'kube-proxy network programming latency CDF', latencyCdfChart("Programming latency of each sync's oldest change, CDF", [{ label: mode, data: numbers(proxyRows, 'programming_latency_max_s') }], 'syncs')]);
    specs.push(['sync-duration-cdf', 'kube-proxy sync duration CDF', latencyCdfChart('Sync duration, CDF', [{ label: mode, data: numbers(proxyRows, 'duration_s') }], 'syncs')]);
  }
  if (existsSync(join(dir, 'services.csv'))) {
    const failed = sumByTime(join(dir, 'services.csv'), 'failed');
    if ([...failed.values()].some((v) => v > 0)) specs.push(['failed-connections', 'Failed connections over time', failedConnectionsChart([{ label: 'all Services', data: [failed] }])]);
    // Results written before the DNS columns existed have none: no chart then.
    const servicesHeader = readFileSync(join(dir, 'services.csv'), 'utf8').split('\n', 1)[0]!.split(',');
    const dnsQueries = servicesHeader.includes('dns_queries') ? sumByTime(join(dir, 'services.csv'), 'dns_queries') : new Map<number, number>();
    if ([...dnsQueries.values()].some((v) => v > 0)) {
      specs.push(['dns', 'DNS queries and failed lookups over time', dnsChart([{ label: 'all Services', data: [dnsQueries] }], [{ label: 'all Services', data: [sumByTime(join(dir, 'services.csv'), 'dns_failed_lookups')] }])]);
    }
    const ingressRequests = servicesHeader.includes('ingress_requests') ? sumByTime(join(dir, 'services.csv'), 'ingress_requests') : new Map<number, number>();
    if ([...ingressRequests.values()].some((v) => v > 0)) {
      specs.push(['ingress', 'Requests through Ingresses and failed requests over time', ingressChart([{ label: 'all backends', data: [ingressRequests] }], [{ label: 'all backends', data: [sumByTime(join(dir, 'services.csv'), 'ingress_failed')] }])]);
    }
  }
  if (cluster.some((r) => r.nodes_ready !== r.nodes && Number(r.nodes) > 0)) {
    specs.push(['nodes-ready', 'Ready nodes over time', timed(clusterMetricChart('Ready nodes', 'nodes_ready', 'nodes Ready', [{ label: 'Ready', data: [cluster] }]))]);
  }
  return {
    page: {
      scenario: String(summary.scenario ?? manifest.scenario ?? ''),
      version: String(manifest.kubesim ?? ''),
      seed: String(summary.seed ?? manifest.seed ?? ''),
      wallTime: manifest.wallSeconds === undefined ? 'n/a' : `${Number(manifest.wallSeconds).toFixed(2)} s`,
      figures: runFigures(summary),
      reasons: topFailedScheduling(events),
      summary,
    },
    specs,
  };
}

/** Whether a Deployment's replicas changed in a way the rollout timeline shows: a rollout, rollback or scale event, or desired replicas that moved (an HPA). */
function workloadsChanged(workloads: readonly Row[], events: readonly Row[]): boolean {
  if (events.some((e) => e.source === 'scenario' && (e.reason === 'Rollout' || e.reason === 'RollbackDone' || e.reason === 'Scale'))) return true;
  const desired = new Map<string, string>();
  for (const r of workloads) {
    const k = `${r.namespace}/${r.name}`;
    const d = desired.get(k);
    if (d === undefined) desired.set(k, String(r.desired));
    else if (d !== String(r.desired)) return true;
  }
  return false;
}

/** Headline metrics of a sweep and whether lower is better. */
export const HEADLINE: [string, 'lower' | 'higher'][] = [
  ['scheduling_latency_mean_s', 'lower'],
  ['scheduling_latency_p99_s', 'lower'],
  ['startup_latency_p50_s', 'lower'],
  ['pods_unscheduled_peak', 'lower'],
  ['pods_unscheduled_end', 'lower'],
  ['failed_scheduling_events', 'lower'],
  ['pods_bound', 'higher'],
  ['pods_succeeded', 'higher'],
  ['cpu_requested_ratio_mean', 'higher'],
  ['cpu_fragmentation_mean', 'lower'],
  ['queue_wait_p99_s', 'lower'],
  ['preemptions', 'lower'],
  ['availability_min', 'higher'],
  ['recovery_s', 'lower'],
  ['rollout_s', 'lower'],
  ['node_hours', 'lower'],
  ['evictions', 'lower'],
  ['pod_restarts', 'lower'],
];

/** Headline metrics of the traffic hops, shown when some cell has them. */
const HEADLINE_TRAFFIC: [string, 'lower' | 'higher'][] = [
  ['failed_connections', 'lower'],
  ['dns_failed_lookups', 'lower'],
  ['dns_cache_hit_ratio', 'higher'],
  ['ingress_failed_requests', 'lower'],
  ['ingress_latency_ms_mean', 'lower'],
];

/** The workloads.csv columns of the availability chart. */
const AVAILABILITY_COLUMNS = ['time_s', 'desired', 'available'];

function sweepPage(dir: string): { page: Omit<ReportPage, 'charts'>; specs: Spec[] } {
  const state = JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8')) as { kubesim: string; plan: SweepPlan; baseline?: string };
  const plan = state.plan;
  const timingFile = join(dir, SWEEP_TIMING);
  const timing = existsSync(timingFile) ? (JSON.parse(readFileSync(timingFile, 'utf8')) as { wallSeconds?: number; workers?: number }) : {};
  const wall = timing.wallSeconds === undefined ? 'n/a' : `${timing.wallSeconds.toFixed(2)} s on ${timing.workers} worker${timing.workers === 1 ? '' : 's'}`;
  // Series are labelled by their matrix values (the dimension names are in the table and the chart titles).
  const label = (id: string) => {
    const c = plan.cells.find((x) => x.id === id)!;
    return plan.dimensions.length === 0 ? 'base' : plan.dimensions.map((d) => valueText(c.values[d])).join(', ');
  };
  if (plan.runs.length > 0 && isPlacement(join(dir, plan.runs[0]!.dir))) return placementSweepPage(dir, plan, state.kubesim, label, wall);
  const means = readCsv(join(dir, 'summary.csv')).filter((r) => r.kind === 'mean');
  // Only the metrics some cell has a value of (a run without rollouts has no rollout_s).
  const table = headlineTable(means, [...HEADLINE, ...HEADLINE_TRAFFIC].filter(([m]) => means.some((r) => r[m] !== undefined && r[m] !== '')));
  const runsOf = (cell: string) => plan.runs.filter((r) => r.cell === cell);
  // Only the two latency columns of each run's pods (a sweep's pods.csv files can hold millions of rows together).
  const podsOf = (cell: string): { scheduling: number[]; startup: number[] } => {
    const out = { scheduling: [] as number[], startup: [] as number[] };
    for (const r of runsOf(cell)) {
      const [scheduling, startup] = readNumberColumns(join(dir, r.dir, 'pods.csv'), ['scheduling_latency_s', 'startup_latency_s']);
      for (const v of scheduling!) out.scheduling.push(v);
      for (const v of startup!) out.startup.push(v);
    }
    return out;
  };
  const clusterOf = (cell: string): Row[][] => runsOf(cell).map((r) => readCsv(join(dir, r.dir, 'cluster.csv')));
  const cellPods = plan.cells.map((c) => ({ label: label(c.id), pods: podsOf(c.id) }));
  const cellCluster = plan.cells.map((c) => ({ label: label(c.id), data: clusterOf(c.id) }));
  // Every metric charted is a count, a latency or a share: its CI is cut at zero (a t interval of few seeds can reach below).
  const ci = (m: string) => means.map((r) => ({ cell: label(r.cell!), mean: Number(r[m]), low: r[`${m}_ci95_low`] ? Math.max(0, Number(r[`${m}_ci95_low`])) : undefined, high: r[`${m}_ci95_high`] ? Number(r[`${m}_ci95_high`]) : undefined }));
  const specs: Spec[] = [
    ['scheduling-latency-cdf', 'Scheduling latency CDF per cell (all seeds)', latencyCdfChart('Scheduling latency (created → bound), CDF', cellPods.map((c) => ({ label: c.label, data: c.pods.scheduling })))],
    ['startup-latency-cdf', 'Startup latency CDF per cell (all seeds)', latencyCdfChart('Startup latency (created → Ready), CDF', cellPods.map((c) => ({ label: c.label, data: c.pods.startup })))],
    ['pending-pods', 'Unscheduled pods over time (mean across seeds)', clusterMetricChart('Unscheduled pods over time', 'pods_unscheduled', 'pods', cellCluster)],
    ['requested-cpu', 'Requested CPU over time (mean across seeds)', clusterMetricChart('Requested CPU / allocatable', 'cpu_requested_ratio', 'share of allocatable', cellCluster, true)],
    ['scheduling-latency-mean', 'Mean scheduling latency per cell, 95% CI', cellCiChart('Mean scheduling latency (s)', ci('scheduling_latency_mean_s'))],
    ['unscheduled-peak', 'Peak unscheduled pods per cell, 95% CI', cellCiChart('Peak unscheduled pods', ci('pods_unscheduled_peak'))],
    ['cpu-fragmentation', 'Fragmentation of free CPU over time (mean across seeds)', clusterMetricChart('Free CPU no pending or typical pod fits', 'cpu_fragmentation_ratio', 'share of free CPU', cellCluster, true)],
    ['fragmentation-mean', 'Mean CPU fragmentation per cell, 95% CI', cellCiChart('Mean share of free CPU stranded', ci('cpu_fragmentation_mean'))],
    ['failed-scheduling', 'FailedScheduling events per cell, 95% CI', cellCiChart('FailedScheduling events', ci('failed_scheduling_events'))],
  ];
  if (means.some((r) => Number(r.evictions) > 0)) specs.push(['evictions', 'Evictions per cell (node pressure, taints, drains), 95% CI', cellCiChart('Pods evicted', ci('evictions'))]);
  if (means.some((r) => Number(r.pod_restarts) > 0)) specs.push(['restarts', 'Container restarts per cell (crashes, OOM kills, liveness), 95% CI', cellCiChart('Container restarts', ci('pod_restarts'))]);
  const workloadsOf = (cell: string): AvailabilitySums[] => runsOf(cell).map((r) => (existsSync(join(dir, r.dir, 'workloads.csv')) ? availabilitySums(readNumberColumns(join(dir, r.dir, 'workloads.csv'), AVAILABILITY_COLUMNS)) : new Map()));
  const cellWorkloads = plan.cells.map((c) => ({ label: label(c.id), data: workloadsOf(c.id) }));
  if (cellWorkloads.some((c) => c.data.some((sums) => sums.size > 0))) {
    specs.push(['availability', 'Availability during rollouts and failures (mean across seeds)', availabilityChart(cellWorkloads)]);
    specs.push(['availability-min', 'Lowest availability per cell, 95% CI', cellCiChart('Lowest available share of desired replicas', ci('availability_min'))]);
  }
  // kube-proxy charts when some cell has Services to proxy.
  const hasProxy = means.some((r) => Number(r.services) > 0);
  if (hasProxy) specs.push(...proxySweepCharts(dir, plan, means, runsOf, label));
  const changes = existsSync(join(dir, 'differences.csv')) && state.baseline ? { baseline: label(state.baseline), table: changesTable(readCsv(join(dir, 'differences.csv')), [...HEADLINE, ...HEADLINE_TRAFFIC], label) } : undefined;
  return {
    page: { scenario: plan.scenario, version: state.kubesim, seed: plan.seeds.join(', '), wallTime: wall, table, changes },
    specs,
  };
}

/** The kube-proxy charts of a sweep: figures against the number of Services per mode, latency CDFs, failures over time. */
function proxySweepCharts(dir: string, plan: SweepPlan, means: readonly Row[], runsOf: (cell: string) => SweepPlan['runs'], label: (id: string) => string): Spec[] {
  const modeOf = (cell: string) => readCsv(join(dir, runsOf(cell)[0]!.dir, 'summary.csv'))[0]?.proxy_mode ?? '';
  const points = (stats: [string, string][], scale = 1): ProxyPoint[] =>
    means.flatMap((r) => stats.filter(([column]) => r[column] !== undefined && r[column] !== '').map(([column, statistic]) => ({ services: Number(r.services), mode: modeOf(r.cell!), statistic, value: Number(r[column]) * scale })));
  const specs: Spec[] = [
    ['proxy-first-packet', 'First-packet cost vs Services per mode', proxyVsServicesChart('Mode-dependent first-packet cost (µs)', 'µs', points([['first_packet_us_p50', 'p50'], ['first_packet_us_p90', 'p90'], ['first_packet_us_p99', 'p99']]), true)],
    ['proxy-cpu', 'kube-proxy CPU per node vs Services per mode', proxyVsServicesChart('kube-proxy CPU per node (cores)', 'cores', points([['proxy_cpu_cores_per_node', 'mean']]))],
    ['proxy-sync-duration', 'Sync duration vs Services per mode', proxyVsServicesChart('Sync duration (s)', 's', points([['sync_duration_s_p50', 'p50'], ['sync_duration_s_p99', 'p99']]), true)],
  ];
  const cells = plan.cells.map((c) => ({ label: label(c.id), runs: runsOf(c.id) }));
  specs.push([
    'programming-latency-cdf',
    'Network programming latency CDF per cell (all seeds)',
    latencyCdfChart("Programming latency of each sync's oldest change, CDF", cells.map((c) => ({ label: c.label, data: c.runs.flatMap((r) => (existsSync(join(dir, r.dir, 'proxy.csv')) ? readNumberColumns(join(dir, r.dir, 'proxy.csv'), ['programming_latency_max_s'])[0]! : [])) })), 'syncs'),
  ]);
  const failed = cells.map((c) => ({ label: c.label, data: c.runs.filter((r) => existsSync(join(dir, r.dir, 'services.csv'))).map((r) => sumByTime(join(dir, r.dir, 'services.csv'), 'failed')) }));
  if (failed.some((c) => c.data.some((m) => [...m.values()].some((v) => v > 0)))) specs.push(['failed-connections', 'Failed connections over time (mean across seeds)', failedConnectionsChart(failed)]);
  // DNS and Ingress hops, when some cell has them.
  const ci = (m: string) => means.map((r) => ({ cell: label(r.cell!), mean: Number(r[m]), low: r[`${m}_ci95_low`] ? Number(r[`${m}_ci95_low`]) : undefined, high: r[`${m}_ci95_high`] ? Number(r[`${m}_ci95_high`]) : undefined }));
  const column = (c: string) => cells.map((x) => ({ label: x.label, data: x.runs.filter((r) => existsSync(join(dir, r.dir, 'services.csv'))).map((r) => sumByTime(join(dir, r.dir, 'services.csv'), c)) }));
  if (means.some((r) => r.dns_queries !== undefined && r.dns_queries !== '')) {
    specs.push(['dns', 'DNS failed lookups over time (mean across seeds)', dnsChart([], column('dns_failed_lookups'))]);
    specs.push(['dns-failed', 'Failed DNS lookups per cell, 95% CI', cellCiChart('Failed lookups', ci('dns_failed_lookups'))]);
    specs.push(['dns-cache', 'CoreDNS cache hit ratio per cell, 95% CI', cellCiChart('Share of answered queries from cache', ci('dns_cache_hit_ratio'))]);
  }
  if (means.some((r) => r.ingress_requests !== undefined && r.ingress_requests !== '')) {
    specs.push(['ingress', 'Failed requests through Ingresses over time (mean across seeds)', ingressChart([], column('ingress_failed'))]);
    specs.push(['ingress-latency', 'Latency the ingress controller adds per cell, 95% CI', cellCiChart('Mean added latency (ms)', ci('ingress_latency_ms_mean'))]);
  }
  return specs;
}
