/**
 * Vega-lite chart specs, each built by a small function from typed rows. Specs carry their data inline so every
 * `.vl.json` file renders on its own.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Row } from './readCsv.js';

const WIDTH = 640;
const HEIGHT = 240;

/** Pending pods over time: unscheduled, and scheduled but not yet running. */
export function pendingPodsChart(cluster: readonly Row[]): TopLevelSpec {
  const values = cluster.flatMap((r) => [
    { time_s: Number(r.time_s), series: 'unscheduled', pods: Number(r.pods_unscheduled) },
    { time_s: Number(r.time_s), series: 'scheduled, not running', pods: Number(r.pods_scheduled_pending) },
  ]);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Pending pods over time',
    width: WIDTH,
    height: HEIGHT,
    data: { values },
    mark: { type: 'line', interpolate: 'step-after' },
    encoding: {
      x: { field: 'time_s', type: 'quantitative', title: 'simulated time (s)' },
      y: { field: 'pods', type: 'quantitative', title: 'pods' },
      color: { field: 'series', type: 'nominal', title: null },
      tooltip: [{ field: 'time_s', type: 'quantitative' }, { field: 'series' }, { field: 'pods', type: 'quantitative' }],
    },
  };
}

/** Requested share of allocatable CPU and memory over time. */
export function requestedRatioChart(cluster: readonly Row[]): TopLevelSpec {
  const values = cluster.flatMap((r) => [
    { time_s: Number(r.time_s), resource: 'cpu', ratio: Number(r.cpu_requested_ratio) },
    { time_s: Number(r.time_s), resource: 'memory', ratio: Number(r.memory_requested_ratio) },
  ]);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Requested / allocatable',
    width: WIDTH,
    height: HEIGHT,
    data: { values },
    mark: 'line',
    encoding: {
      x: { field: 'time_s', type: 'quantitative', title: 'simulated time (s)' },
      y: { field: 'ratio', type: 'quantitative', title: 'share of allocatable', axis: { format: '%' }, scale: { domain: [0, 1] } },
      color: { field: 'resource', type: 'nominal', title: null },
    },
  };
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

/** CDF of scheduling latency (pod created → bound). */
export function schedulingLatencyCdfChart(pods: readonly Row[]): TopLevelSpec {
  const latencies = pods.map((r) => r.scheduling_latency_s).filter((v): v is string => v !== undefined && v !== '').map(Number);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Scheduling latency (created → bound), CDF',
    width: WIDTH,
    height: HEIGHT,
    data: { values: cdfPoints(latencies) },
    mark: { type: 'line', interpolate: 'step-after' },
    encoding: {
      x: { field: 'value', type: 'quantitative', title: 'seconds', scale: { type: 'symlog' } },
      y: { field: 'fraction', type: 'quantitative', title: 'fraction of pods', axis: { format: '%' } },
      tooltip: [{ field: 'value', type: 'quantitative', title: 'latency (s)' }, { field: 'fraction', type: 'quantitative', format: '.1%' }],
    },
  };
}

/** CDF of startup latency (pod created → Ready). */
export function startupLatencyCdfChart(pods: readonly Row[]): TopLevelSpec {
  const latencies = pods.map((r) => r.startup_latency_s).filter((v): v is string => v !== undefined && v !== '').map(Number);
  return {
    ...schedulingLatencyCdfChart([]),
    title: 'Startup latency (created → Ready), CDF',
    data: { values: cdfPoints(latencies) },
  };
}
