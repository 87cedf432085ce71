/**
 * Vega-lite chart specs, each built by a small function from typed rows. Specs carry their data inline so every
 * `.vl.json` file renders on its own. A chart with several series (one per sweep cell) colours them by `series`.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Row } from './readCsv.js';
import { timeAxis } from './humanUnits.js';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const WIDTH = 640;
const HEIGHT = 240;

/** A labelled sample (one sweep cell, or the single run). */
export interface Series<T> {
  label: string;
  data: T;
}

/** Pending pods over time: unscheduled, and scheduled but not yet running (one run). */
export function pendingPodsChart(cluster: readonly Row[]): TopLevelSpec {
  const values = cluster.flatMap((r) => [
    { time_s: Number(r.time_s), series: 'unscheduled', pods: Number(r.pods_unscheduled) },
    { time_s: Number(r.time_s), series: 'scheduled, not running', pods: Number(r.pods_scheduled_pending) },
  ]);
  return timeSeries('Pending pods over time', values, 'pods', 'pods');
}

/** A column of cluster.csv over time, one line per series (sweep cells: the mean across seeds at each sample). */
export function clusterMetricChart(title: string, column: string, yTitle: string, series: readonly Series<readonly Row[][]>[], percent = false): TopLevelSpec {
  const values: { time_s: number; series: string; value: number }[] = [];
  for (const s of series) {
    const runs = s.data;
    const n = Math.min(...runs.map((r) => r.length));
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (const r of runs) sum += Number(r[i]![column]);
      values.push({ time_s: Number(runs[0]![i]!.time_s), series: s.label, value: sum / runs.length });
    }
  }
  const spec = timeSeries(title, values, 'value', yTitle);
  if (percent) (spec as { encoding: { y: Record<string, unknown> } }).encoding.y.axis = { format: '%' };
  return spec;
}

/** The frame shared by the step-line charts (time series, CDFs). */
function stepLines(title: string, values: object[]) {
  return { $schema: SCHEMA, title, width: WIDTH, height: HEIGHT, data: { values }, mark: { type: 'line', interpolate: 'step-after' } } as const;
}

/** The largest `time_s` of chart values (the span a time axis covers). */
function spanOf(values: readonly object[]): number {
  let max = 0;
  for (const v of values) max = Math.max(max, (v as { time_s?: number }).time_s ?? 0);
  return max;
}

/** A quantitative time encoding with h:mm (or m:ss) ticks at round times. */
function timeX(span: number) {
  const a = timeAxis(span);
  return { field: 'time_s', type: 'quantitative' as const, title: a.title, scale: { domain: [0, Math.max(span, 1)], nice: false }, axis: { values: a.values, labelExpr: a.labelExpr } };
}

function timeSeries(title: string, values: object[], field: string, yTitle: string): TopLevelSpec {
  return {
    ...stepLines(title, values),
    encoding: {
      x: timeX(spanOf(values)),
      y: { field, type: 'quantitative', title: yTitle },
      color: { field: 'series', type: 'nominal', title: null, legend: { labelLimit: 400 } },
      tooltip: [{ field: 'series', title: 'series' }, { field: 'time_s', type: 'quantitative', title: 'time (s)' }, { field, type: 'quantitative', title: yTitle, format: '.3~f' }],
    },
  };
}

/** Requested share of allocatable CPU and memory over time (one run). */
export function requestedRatioChart(cluster: readonly Row[]): TopLevelSpec {
  const values = cluster.flatMap((r) => [
    { time_s: Number(r.time_s), series: 'cpu', value: Number(r.cpu_requested_ratio) },
    { time_s: Number(r.time_s), series: 'memory', value: Number(r.memory_requested_ratio) },
  ]);
  const spec = timeSeries('Requested / allocatable', values, 'value', 'share of allocatable');
  (spec as { encoding: { y: Record<string, unknown> } }).encoding.y.axis = { format: '%' };
  (spec as { encoding: { y: Record<string, unknown> } }).encoding.y.scale = { domain: [0, 1] };
  return spec;
}

/** At most this many points per CDF: quantiles of the data, so the chart stays small for 10^5 pods. */
const CDF_POINTS = 500;

/** Empirical CDF points (value, fraction ≤ value) of a sample, thinned to quantiles. */
export function cdfPoints(samples: readonly number[]): { value: number; fraction: number }[] {
  const xs = [...samples].sort((a, b) => a - b);
  const n = xs.length;
  if (n === 0) return [];
  const step = Math.max(1, Math.floor(n / CDF_POINTS));
  const out: { value: number; fraction: number }[] = [];
  for (let i = step - 1; i < n; i += step) out.push({ value: xs[i]!, fraction: (i + 1) / n });
  if (out[out.length - 1]!.fraction < 1) out.push({ value: xs[n - 1]!, fraction: 1 });
  return out;
}

/** The non-empty values of a pods.csv column. */
export function podColumn(pods: readonly Row[], column: string): number[] {
  return pods.map((r) => r[column]).filter((v): v is string => v !== undefined && v !== '').map(Number);
}

/** Latencies below this show at it on the log axis of the CDFs (a log axis has no 0). */
export const CDF_FLOOR_S = 0.001;

/** The p-th quantile (nearest rank) of sorted values. */
function nearestRank(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

/**
 * CDF of a latency, one line per series, on a log axis (latencies below 1 ms at 1 ms: most pods of a run sit near 0
 * and a linear or symlog axis leaves the rest unreadable), with the p50, p90 and p99 of each series marked.
 * `of` names what the fraction counts (pods, syncs).
 */
export function latencyCdfChart(title: string, series: readonly Series<readonly number[]>[], of = 'pods'): TopLevelSpec {
  const floor = (v: number) => Math.max(v, CDF_FLOOR_S);
  const values = series.flatMap((s) => cdfPoints(s.data).map((p) => ({ value: floor(p.value), fraction: p.fraction, series: s.label })));
  const marks = series.flatMap((s) => {
    const sorted = [...s.data].sort((a, b) => a - b);
    if (sorted.length === 0) return [];
    return ([['p50', 0.5], ['p90', 0.9], ['p99', 0.99]] as const).map(([label, p]) => ({ series: s.label, quantile: label, value: floor(nearestRank(sorted, p)), fraction: p }));
  });
  const color = { field: 'series', type: 'nominal', title: null, legend: { labelLimit: 400 } } as const;
  const x = { field: 'value', type: 'quantitative', title: 'seconds (log scale)', scale: { type: 'log' } } as const;
  return {
    $schema: SCHEMA,
    title,
    width: WIDTH,
    height: HEIGHT,
    layer: [
      {
        data: { values },
        mark: { type: 'line', interpolate: 'step-after' },
        encoding: {
          x,
          y: { field: 'fraction', type: 'quantitative', title: `fraction of ${of}`, axis: { format: '%' } },
          color,
          tooltip: [{ field: 'series' }, { field: 'value', type: 'quantitative', title: 'latency (s)', format: '.3~f' }, { field: 'fraction', type: 'quantitative', format: '.1%' }],
        },
      },
      {
        data: { values: marks },
        mark: { type: 'point', shape: 'diamond', filled: true, size: 60 },
        encoding: { x, y: { field: 'fraction', type: 'quantitative' }, color, tooltip: [{ field: 'series' }, { field: 'quantile' }, { field: 'value', type: 'quantitative', title: 'latency (s)', format: '.3~f' }] },
      },
      {
        data: { values: marks },
        mark: { type: 'text', align: 'left', dx: 6, dy: -6, fontSize: 10 },
        encoding: { x, y: { field: 'fraction', type: 'quantitative' }, text: { field: 'quantile' }, color },
      },
    ],
  } as TopLevelSpec;
}

/** CDF of scheduling latency (pod created → bound) of one run. */
export function schedulingLatencyCdfChart(pods: readonly Row[]): TopLevelSpec {
  return latencyCdfChart('Scheduling latency (created → bound), CDF', [{ label: 'pods', data: podColumn(pods, 'scheduling_latency_s') }]);
}

/** CDF of startup latency (pod created → Ready) of one run. */
export function startupLatencyCdfChart(pods: readonly Row[]): TopLevelSpec {
  return latencyCdfChart('Startup latency (created → Ready), CDF', [{ label: 'pods', data: podColumn(pods, 'startup_latency_s') }]);
}

/** Most time bins and nodes drawn in the utilisation heatmap (an SVG of a few thousand cells). */
const HEAT_BINS = 60;
const HEAT_NODES = 100;

/** Node × time heatmap of requested CPU share (nodes evenly sampled, time binned by mean). */
export function nodeHeatmapChart(nodes: readonly Row[]): TopLevelSpec {
  const names = [...new Set(nodes.map((r) => r.node!))];
  const keep = new Set(names.filter((_, i) => names.length <= HEAT_NODES || i % Math.ceil(names.length / HEAT_NODES) === 0));
  const times = [...new Set(nodes.map((r) => Number(r.time_s)))];
  const tMax = Math.max(...times, 1);
  const binWidth = tMax / Math.min(HEAT_BINS, Math.max(1, times.length));
  const acc = new Map<string, { node: string; bin: number; sum: number; n: number }>();
  for (const r of nodes) {
    if (!keep.has(r.node!)) continue;
    const bin = Math.min(Math.floor(Number(r.time_s) / binWidth), HEAT_BINS - 1);
    const alloc = Number(r.cpu_allocatable_m);
    const share = alloc > 0 ? Number(r.cpu_requested_m) / alloc : 0;
    const key = `${r.node}\u0000${bin}`;
    const a = acc.get(key) ?? { node: r.node!, bin, sum: 0, n: 0 };
    a.sum += share;
    a.n++;
    acc.set(key, a);
  }
  const values = [...acc.values()].map((a) => ({ node: a.node, time_s: Number((a.bin * binWidth).toFixed(3)), end_s: Number(((a.bin + 1) * binWidth).toFixed(3)), cpu: Number((a.sum / a.n).toFixed(4)) }));
  return {
    $schema: SCHEMA,
    title: `Node CPU requested / allocatable${keep.size < names.length ? ` (${keep.size} of ${names.length} nodes)` : ''}`,
    width: WIDTH,
    height: Math.min(400, Math.max(120, keep.size * 4)),
    data: { values },
    mark: 'rect',
    encoding: {
      x: timeX(tMax),
      x2: { field: 'end_s' },
      // Every node is a row; with many, the axis names as many as fit without overlapping.
      y: { field: 'node', type: 'nominal', title: `node (${keep.size})`, axis: { labelOverlap: true, labelLimit: 180, labelFontSize: keep.size > 40 ? 8 : 10 }, sort: [...keep] },
      color: { field: 'cpu', type: 'quantitative', title: 'cpu', scale: { domain: [0, 1], scheme: 'viridis' }, legend: { format: '%' } },
      tooltip: [{ field: 'node' }, { field: 'time_s', title: 'from (s)' }, { field: 'end_s', title: 'to (s)' }, { field: 'cpu', format: '.0%' }],
    },
  };
}

/** Per-cell mean with its 95 % CI as error bars (a sweep's headline metric). */
export function cellCiChart(title: string, rows: readonly { cell: string; mean: number; low: number | undefined; high: number | undefined }[]): TopLevelSpec {
  const values = rows.map((r) => ({ cell: r.cell, mean: r.mean, low: r.low ?? r.mean, high: r.high ?? r.mean }));
  return {
    $schema: SCHEMA,
    title,
    width: WIDTH,
    data: { values },
    layer: [
      { mark: 'bar', encoding: { y: { field: 'cell', type: 'nominal', title: null, sort: null }, x: { field: 'mean', type: 'quantitative', title: 'mean across seeds (95% CI)' }, tooltip: [{ field: 'cell' }, { field: 'mean', format: '.4~f' }, { field: 'low', title: 'CI low', format: '.4~f' }, { field: 'high', title: 'CI high', format: '.4~f' }] } },
      { mark: { type: 'rule', color: 'black' }, encoding: { y: { field: 'cell', type: 'nominal', sort: null }, x: { field: 'low', type: 'quantitative' }, x2: { field: 'high' } } },
    ],
  } as TopLevelSpec;
}

/** workloads.csv rows of one Deployment: desired, updated, ready and available replicas over time (one run). */
export function rolloutTimelineChart(workloads: readonly Row[]): TopLevelSpec {
  const columns = ['desired', 'updated', 'ready', 'available'] as const;
  const names = new Set(workloads.map((r) => r.name));
  if (names.size <= MAX_TIMELINE_DEPLOYMENTS) {
    const values = workloads.flatMap((r) => columns.map((m) => ({ time_s: Number(r.time_s), series: `${r.name} ${m}`, replicas: Number(r[m]) })));
    return timeSeries('Rollout timeline: replicas per Deployment', values, 'replicas', 'replicas');
  }
  // A fleet (e.g. thousands of Services' Deployments): one line per column, summed over every Deployment.
  const sums = new Map<number, number[]>();
  for (const r of workloads) {
    const t = Number(r.time_s);
    let v = sums.get(t);
    if (v === undefined) sums.set(t, (v = columns.map(() => 0)));
    columns.forEach((m, i) => (v![i]! += Number(r[m])));
  }
  const values = [...sums].sort((a, b) => a[0] - b[0]).flatMap(([time_s, v]) => columns.map((m, i) => ({ time_s, series: `all ${names.size} Deployments ${m}`, replicas: v[i]! })));
  return timeSeries(`Rollout timeline: replicas summed over ${names.size} Deployments`, values, 'replicas', 'replicas');
}

/** Above this many Deployments the rollout timeline sums them (a line per Deployment would not be readable). */
export const MAX_TIMELINE_DEPLOYMENTS = 12;

/** Per time: the desired replicas of every Deployment and how many of them are available (workloads.csv of one run). */
export type AvailabilitySums = Map<number, { want: number; have: number }>;

/** Sums workloads.csv's `time_s`, `desired` and `available` columns (as read by readNumberColumns) per time. */
export function availabilitySums([time, desired, available]: readonly (readonly number[])[]): AvailabilitySums {
  const out: AvailabilitySums = new Map();
  for (let i = 0; i < time!.length; i++) {
    let sums = out.get(time![i]!);
    if (sums === undefined) out.set(time![i]!, (sums = { want: 0, have: 0 }));
    sums.want += desired![i]!;
    sums.have += Math.min(desired![i]!, available![i]!);
  }
  return out;
}

/** The available share of desired replicas, summed over Deployments, per series (sweep cells: mean across seeds). */
export function availabilityChart(series: readonly Series<readonly AvailabilitySums[]>[]): TopLevelSpec {
  const values: { time_s: number; series: string; value: number }[] = [];
  for (const s of series) {
    const perTime = new Map<number, { want: number; have: number }[]>();
    s.data.forEach((run, k) => {
      for (const [t, sums] of run) {
        let slots = perTime.get(t);
        if (slots === undefined) perTime.set(t, (slots = []));
        slots[k] = sums;
      }
    });
    for (const [t, slots] of [...perTime].sort((a, b) => a[0] - b[0])) {
      const shares = slots.filter((x) => x !== undefined).map((x) => (x.want > 0 ? x.have / x.want : 1));
      values.push({ time_s: t, series: s.label, value: shares.reduce((a, b) => a + b, 0) / shares.length });
    }
  }
  const spec = timeSeries('Available share of desired replicas', values, 'value', 'available / desired');
  (spec as { encoding: { y: Record<string, unknown> } }).encoding.y.axis = { format: '%' };
  return spec;
}

/**
 * autoscaling.csv rows of the HPAs: the target's replicas and the HPA's desired replicas (left axis) against the
 * load, the CPU the workload's pods use in cores (right axis), one run.
 */
export function hpaChart(rows: readonly Row[]): TopLevelSpec {
  const hpas = rows.filter((r) => r.kind === 'HorizontalPodAutoscaler');
  const replicas = hpas.flatMap((r) => [
    { time_s: Number(r.time_s), series: `${r.name} replicas`, value: Number(r.current) },
    { time_s: Number(r.time_s), series: `${r.name} desired`, value: Number(r.desired) },
  ]);
  const load = hpas.map((r) => ({ time_s: Number(r.time_s), series: `${r.name} ${r.metric} usage`, value: r.metric === 'cpu' ? Number(r.usage) / 1000 : Number(r.usage) }));
  const x = { field: 'time_s', type: 'quantitative', title: 'simulated time (s)' };
  const color = { field: 'series', type: 'nominal', title: null, legend: { labelLimit: 400 } };
  const tooltip = [{ field: 'series' }, { field: 'time_s', title: 'time (s)' }, { field: 'value', format: '.3~f' }];
  return {
    $schema: SCHEMA,
    title: 'HPA replicas vs load',
    width: WIDTH,
    height: HEIGHT,
    layer: [
      { data: { values: replicas }, mark: { type: 'line', interpolate: 'step-after' }, encoding: { x, y: { field: 'value', type: 'quantitative', title: 'replicas' }, color, tooltip } },
      { data: { values: load }, mark: { type: 'line', strokeDash: [4, 2] }, encoding: { x, y: { field: 'value', type: 'quantitative', title: 'usage (cores for cpu)' }, color, tooltip } },
    ],
    resolve: { scale: { y: 'independent' } },
  } as TopLevelSpec;
}

/** autoscaling.csv rows of the node groups: registered nodes and target size per group over time (one run). */
export function nodeGroupChart(rows: readonly Row[]): TopLevelSpec {
  const values = rows
    .filter((r) => r.kind === 'NodeGroup')
    .flatMap((r) => [
      { time_s: Number(r.time_s), series: `${r.name} nodes`, nodes: Number(r.current) },
      { time_s: Number(r.time_s), series: `${r.name} target size`, nodes: Number(r.desired) },
    ]);
  return timeSeries('Cluster autoscaler: node group size', values, 'nodes', 'nodes');
}

/** One point of a kube-proxy figure against the number of Services. */
export interface ProxyPoint {
  services: number;
  mode: string;
  /** The statistic (p50, p99, …) when the chart shows several. */
  statistic: string;
  value: number;
}

/** A kube-proxy figure against the number of Services: one colour per mode, one dash per statistic. */
export function proxyVsServicesChart(title: string, yTitle: string, points: readonly ProxyPoint[], logY = false): TopLevelSpec {
  return {
    $schema: SCHEMA,
    title,
    width: WIDTH,
    height: HEIGHT,
    data: { values: points as object[] },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'services', type: 'quantitative', title: 'Services' },
      y: { field: 'value', type: 'quantitative', title: yTitle, ...(logY ? { scale: { type: 'log' } } : {}) },
      color: { field: 'mode', type: 'nominal', title: 'mode' },
      strokeDash: { field: 'statistic', type: 'nominal', title: null },
      detail: [{ field: 'mode' }, { field: 'statistic' }],
      tooltip: [{ field: 'mode' }, { field: 'statistic' }, { field: 'services', type: 'quantitative', title: 'Services' }, { field: 'value', type: 'quantitative', title: yTitle, format: '.4~g' }],
    },
  };
}

/** Failed connections per metrics interval, summed over Services (services.csv), one line per series (mean across seeds). */
export function failedConnectionsChart(series: readonly Series<readonly ReadonlyMap<number, number>[]>[]): TopLevelSpec {
  return summedOverTimeChart('Failed connections per interval (rules lagging the endpoints, failed lookups)', 'connections', series);
}

/** DNS queries and failed lookups per interval (traffic with a dnsName), one line each per series. */
export function dnsChart(queries: readonly Series<readonly ReadonlyMap<number, number>[]>[], failed: readonly Series<readonly ReadonlyMap<number, number>[]>[]): TopLevelSpec {
  return summedOverTimeChart('DNS queries and failed lookups per interval', 'per interval', [...queries.map((s) => ({ ...s, label: `${s.label}: queries` })), ...failed.map((s) => ({ ...s, label: `${s.label}: failed lookups` }))]);
}

/** Requests through Ingresses and those that failed there (dropped by a saturated controller, 503) per interval. */
export function ingressChart(requests: readonly Series<readonly ReadonlyMap<number, number>[]>[], failed: readonly Series<readonly ReadonlyMap<number, number>[]>[]): TopLevelSpec {
  return summedOverTimeChart('Requests through Ingresses and failed requests per interval', 'requests per interval', [...requests.map((s) => ({ ...s, label: `${s.label}: requests` })), ...failed.map((s) => ({ ...s, label: `${s.label}: failed` }))]);
}

/** A per-interval total summed over Services (services.csv), averaged over a series' runs. */
function summedOverTimeChart(title: string, yTitle: string, series: readonly Series<readonly ReadonlyMap<number, number>[]>[]): TopLevelSpec {
  const values: { time_s: number; series: string; failed: number }[] = [];
  for (const s of series) {
    const perTime = new Map<number, number>();
    for (const run of s.data) for (const [time, failed] of run) perTime.set(time, (perTime.get(time) ?? 0) + failed / s.data.length);
    for (const [time_s, failed] of [...perTime].sort((a, b) => a[0] - b[0])) values.push({ time_s, series: s.label, failed });
  }
  return timeSeries(title, values, 'failed', yTitle);
}

/** A scenario event drawn on the time charts: when, and what (e.g. "failNodes ×30"). */
export interface EventMark {
  time_s: number;
  label: string;
}

/** Most event marks drawn (the first ones in time). */
const MAX_MARKS = 12;

/**
 * The scenario's events (events.csv rows of source `scenario`) as marks: one per distinct time and reason, counting
 * the objects it acted on; a drain's end (Drained) and the follow-ups of node replacement are not marked.
 */
export function eventMarks(events: readonly Row[]): EventMark[] {
  const by = new Map<string, { time_s: number; reason: string; n: number }>();
  for (const e of events) {
    if (e.source !== 'scenario' || e.reason === 'Drained' || e.reason === 'DeletingNode') continue;
    const t = Number(e.time_s);
    const key = `${t}\u0000${e.reason}`;
    const a = by.get(key) ?? { time_s: t, reason: String(e.reason), n: 0 };
    a.n++;
    by.set(key, a);
  }
  return [...by.values()]
    .sort((a, b) => a.time_s - b.time_s)
    .slice(0, MAX_MARKS)
    .map((a) => ({ time_s: a.time_s, label: `${a.reason}${a.n > 1 ? ` ×${a.n}` : ''}` }));
}

/** The chart with the events drawn on it: a dashed rule at each, labelled at the top (unchanged without events). */
export function withEventMarks(spec: TopLevelSpec, marks: readonly EventMark[]): TopLevelSpec {
  if (marks.length === 0) return spec;
  const { $schema, title, width, height, ...view } = spec as unknown as Record<string, unknown>;
  const x = { field: 'time_s', type: 'quantitative' } as const;
  return {
    $schema,
    title,
    width,
    height,
    layer: [
      view,
      { data: { values: marks }, mark: { type: 'rule', color: '#888', strokeDash: [4, 3] }, encoding: { x, tooltip: [{ field: 'label', title: 'event' }, { field: 'time_s', title: 'time (s)' }] } },
      { data: { values: marks }, mark: { type: 'text', align: 'left', baseline: 'top', dx: 3, dy: 2, fontSize: 9, color: '#555' }, encoding: { x, y: { value: 0 }, text: { field: 'label' } } },
    ],
  } as unknown as TopLevelSpec;
}

