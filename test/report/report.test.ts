import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cdfPoints, failedConnectionsChart, MAX_TIMELINE_DEPLOYMENTS, pendingPodsChart, proxyVsServicesChart, rolloutTimelineChart, schedulingLatencyCdfChart, latencyCdfChart } from '../../src/report/charts.js';
import { sumByTime } from '../../src/report/readCsv.js';
import { escapeHtml, reportHtml } from '../../src/report/html.js';
import { renderSvg } from '../../src/report/render.js';
import { writeReport } from '../../src/report/writeReport.js';

const cluster = [
  { time_s: '0.000000', pods_unscheduled: '0', pods_scheduled_pending: '2', cpu_requested_ratio: '0.1', memory_requested_ratio: '0.2' },
  { time_s: '10.000000', pods_unscheduled: '5', pods_scheduled_pending: '1', cpu_requested_ratio: '0.5', memory_requested_ratio: '0.4' },
];

describe('chart specs', () => {
  it('pending pods: a step line per series over simulated time, data inline', () => {
    const spec = pendingPodsChart(cluster) as unknown as { mark: { type: string }; data: { values: { series: string; pods: number }[] }; encoding: Record<string, { field: string }> };
    expect(spec.mark.type).toBe('line');
    expect(spec.encoding.x!.field).toBe('time_s');
    expect(spec.encoding.y!.field).toBe('pods');
    expect(spec.encoding.color!.field).toBe('series');
    expect(spec.data.values).toHaveLength(4);
    expect(spec.data.values[2]).toEqual({ time_s: 10, series: 'unscheduled', pods: 5 });
  });

  it('CDF points are the empirical distribution, thinned to quantiles for large samples', () => {
    expect(cdfPoints([3, 1, 2])).toEqual([
      { value: 1, fraction: 1 / 3 },
      { value: 2, fraction: 2 / 3 },
      { value: 3, fraction: 1 },
    ]);
    const big = cdfPoints(Array.from({ length: 100_000 }, (_, i) => i));
    expect(big.length).toBeLessThanOrEqual(501);
    expect(big[big.length - 1]).toEqual({ value: 99_999, fraction: 1 });
    expect(cdfPoints([])).toEqual([]);
  });

  it('skips pods never bound in the scheduling-latency CDF', () => {
    const spec = schedulingLatencyCdfChart([{ scheduling_latency_s: '0.5' }, { scheduling_latency_s: '' }, { scheduling_latency_s: '1.5' }]) as unknown as { layer: { data: { values: unknown[] } }[] };
    expect(spec.layer[0]!.data.values).toHaveLength(2);
  });

  it('latency CDFs: a log axis (values under 1 ms at 1 ms), p50/p90/p99 marked, the fraction named for what it counts', () => {
    const data = [...Array.from({ length: 85 }, () => 0), ...Array.from({ length: 15 }, (_, i) => 10 + i * 60)];
    const spec = latencyCdfChart('Sync duration, CDF', [{ label: 'iptables', data }], 'syncs') as unknown as { layer: { data: { values: { value: number; quantile?: string }[] }; encoding: { x: { scale: { type: string } }; y: { title?: string } } }[] };
    expect(spec.layer[0]!.encoding.x.scale.type).toBe('log');
    expect(spec.layer[0]!.encoding.y.title).toBe('fraction of syncs');
    expect(Math.min(...spec.layer[0]!.data.values.map((v) => v.value))).toBe(0.001);
    expect(spec.layer[1]!.data.values.map((v) => [v.quantile, v.value])).toEqual([['p50', 0.001], ['p90', 250], ['p99', 790]]);
  });

  it('kube-proxy figures against Services: x Services, y value (log when asked), colour per mode, dash per statistic', () => {
    const spec = proxyVsServicesChart('First packet', 'µs', [
      { services: 1000, mode: 'iptables', statistic: 'p50', value: 40 },
      { services: 10000, mode: 'iptables', statistic: 'p50', value: 330 },
      { services: 10000, mode: 'ipvs', statistic: 'p50', value: 63 },
    ], true) as unknown as { data: { values: unknown[] }; encoding: Record<string, { field: string; scale?: { type: string } }> };
    expect(spec.encoding.x!.field).toBe('services');
    expect(spec.encoding.y!.scale).toEqual({ type: 'log' });
    expect(spec.encoding.color!.field).toBe('mode');
    expect(spec.encoding.strokeDash!.field).toBe('statistic');
    expect(spec.data.values).toHaveLength(3);
  });

  it('failed connections: services.csv summed per interval without reading rows, averaged over seeds', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubesim-failed-'));
    const f = join(dir, 'services.csv');
    writeFileSync(f, 'time_s,namespace,service,connections,requests,failed\n10.000000,default,a,5,5,1.500\n10.000000,default,b,5,5,2.000\n20.000000,default,a,5,5,0.000\n');
    const m = sumByTime(f, 'failed');
    expect([...m]).toEqual([[10, 3.5], [20, 0]]);
    const spec = failedConnectionsChart([{ label: 'iptables', data: [m, new Map([[10, 0.5], [20, 1]])] }]) as unknown as { data: { values: unknown[] } };
    expect(spec.data.values).toEqual([{ time_s: 10, series: 'iptables', failed: 2 }, { time_s: 20, series: 'iptables', failed: 0.5 }]);
  });

  it('rollout timeline: a line per Deployment and column for a few, one summed line per column for a fleet', () => {
    const rows = (n: number) => Array.from({ length: n * 2 }, (_, i) => ({ time_s: String(10 * Math.floor(i / n)), name: `d${i % n}`, desired: '10', updated: '4', ready: '3', available: String(i % 2) }));
    const few = rolloutTimelineChart(rows(2)) as unknown as { data: { values: { series: string }[] } };
    expect(new Set(few.data.values.map((v) => v.series)).size).toBe(8);
    const fleet = rolloutTimelineChart(rows(MAX_TIMELINE_DEPLOYMENTS + 2)) as unknown as { data: { values: { time_s: number; series: string; replicas: number }[] } };
    expect(fleet.data.values).toHaveLength(8); // 2 times × 4 columns
    expect(fleet.data.values[0]).toEqual({ time_s: 0, series: `all ${MAX_TIMELINE_DEPLOYMENTS + 2} Deployments desired`, replicas: 10 * (MAX_TIMELINE_DEPLOYMENTS + 2) });
  });

  it('renders to SVG with one line mark per series', async () => {
    const svg = await renderSvg(pendingPodsChart(cluster));
    expect(svg.startsWith('<svg')).toBe(true);
    expect((svg.match(/aria-roledescription="line mark"/g) ?? []).length).toBe(2);
  });
});

describe('report page', () => {
  it('escapes names from scenarios', () => {
    expect(escapeHtml(`<script>alert("x")</script>&'`)).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;');
    const html = reportHtml({ scenario: '<b>evil</b>', version: '1', seed: '1', wallTime: '1 s', summary: { '<k>': '<v>' }, charts: [] });
    expect(html).not.toContain('<b>evil</b>');
    expect(html).toContain('wall time 1 s</p>');
    expect(reportHtml({ scenario: 's', version: '1', seed: '1', wallTime: '14.29 s on 2 workers', summary: {}, charts: [] })).toContain('wall time 14.29 s on 2 workers</p>');
    expect(html).toContain('&lt;b&gt;evil&lt;/b&gt;');
    expect(html).toContain('<th>&lt;k&gt;</th><td>&lt;v&gt;</td>');
  });

  it('writeReport builds report.html and each chart as .vl.json and .svg from a results folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubesim-report-'));
    writeFileSync(
      join(dir, 'cluster.csv'),
      'time_s,pods_unscheduled,pods_scheduled_pending,cpu_requested_ratio,memory_requested_ratio,sched_unschedulable,bind_rate_per_s,cpu_fragmentation_ratio\n0.000000,0,1,0.1,0.1,0,0,0\n10.000000,3,0,0.5,0.6,2,1.5,0.25\n',
    );
    writeFileSync(join(dir, 'pods.csv'), 'name,scheduling_latency_s,startup_latency_s\na,0.010000,1.000000\nb,2.000000,\n');
    writeFileSync(join(dir, 'summary.csv'), 'scenario,seed,pods_created\ndemo,7,2\n');
    const file = await writeReport(dir);
    const html = readFileSync(file, 'utf8');
    expect(html).toContain('kubesim report: demo');
    expect(html).toContain('<th>pods_created</th><td>2</td>');
    expect((html.match(/<div class="static"><svg/g) ?? []).length).toBe(7);
    for (const id of ['pending-pods', 'scheduling-latency-cdf', 'startup-latency-cdf', 'requested-ratio', 'scheduler-queues', 'scheduling-throughput', 'cpu-fragmentation']) {
      expect(existsSync(join(dir, 'charts', `${id}.svg`))).toBe(true);
      expect(JSON.parse(readFileSync(join(dir, 'charts', `${id}.vl.json`), 'utf8')).$schema).toMatch(/vega-lite/);
    }
  });
});

describe('static chart SVGs', () => {
  it('scope their element ids, so the live chart\'s url(#gradient_0) resolves to its own gradient', async () => {
    const { scopeSvgIds } = await import('../../src/report/html.js');
    const svg = '<svg><defs><linearGradient id="gradient_0"/><clipPath id="clip1"/></defs><rect fill="url(#gradient_0)" clip-path="url(#clip1)"/><use href="#clip1"/></svg>';
    expect(scopeSvgIds(svg, 'static-heat-')).toBe('<svg><defs><linearGradient id="static-heat-gradient_0"/><clipPath id="static-heat-clip1"/></defs><rect fill="url(#static-heat-gradient_0)" clip-path="url(#static-heat-clip1)"/><use href="#static-heat-clip1"/></svg>');
  });
});
