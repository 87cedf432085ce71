/**
 * What a report opens with: figures in human units, the scheduler's most frequent reasons, a sweep's changes against
 * its baseline, the scenario's events as chart marks, and time axes in h:mm.
 */
import { describe, expect, it } from 'vitest';
import { humanDuration, humanPercent, timeAxis } from '../../src/report/humanUnits.js';
import { changesTable, failedSchedulingReasons, runFigures, topFailedScheduling } from '../../src/report/headline.js';
import { eventMarks, pendingPodsChart, withEventMarks } from '../../src/report/charts.js';
import { reportHtml } from '../../src/report/html.js';

describe('human units', () => {
  it('durations read in the largest units that matter', () => {
    expect([7200, 982.03458, 3900, 12.345, 0.35, 0.00042, 0, 172800].map(humanDuration)).toEqual(['2 h', '16 min 22 s', '1 h 5 min', '12.3 s', '350 ms', '0.42 ms', '0 s', '2 d']);
  });

  it('shares read as percentages, with a decimal below 10 %', () => {
    expect([0.653, 0.025, 1, 0].map(humanPercent)).toEqual(['65 %', '2.5 %', '100 %', '0 %']);
  });

  it('time axes tick at round times: m:ss under an hour, h:mm above', () => {
    const short = timeAxis(3000);
    expect(short.title).toBe('simulated time (m:ss)');
    expect(short.values).toEqual([0, 600, 1200, 1800, 2400, 3000]);
    const long = timeAxis(7200);
    expect(long.title).toBe('simulated time (h:mm)');
    expect(long.values).toEqual([0, 900, 1800, 2700, 3600, 4500, 5400, 6300, 7200]);
  });
});

describe('the headline of a run', () => {
  const summary = { duration_s: '7200.000000', nodes: '100', pods_created: '1200', pods_running_end: '800', scheduling_latency_p50_s: '0.008', scheduling_latency_p99_s: '982.03458', cpu_requested_ratio_mean: '0.653', memory_requested_ratio_mean: '0.41', pods_unscheduled_end: '3', pods_unscheduled_peak: '40', availability_min: '', evictions: '0', recovery_s: '' };

  it('gives the figures it has in human units and leaves out the empty and the zero ones', () => {
    expect(Object.fromEntries(runFigures(summary).map((f) => [f.label, f.value]))).toEqual({
      simulated: '2 h',
      nodes: '100',
      'pods created': '1,200 (800 running at the end)',
      'scheduling latency': 'p50 8 ms · p99 16 min 22 s',
      'requested (mean)': '65 % CPU · 41 % memory',
      'unscheduled at the end': '3 (peak 40)',
    });
  });

  it("reads the scheduler's reasons out of FailedScheduling messages", () => {
    expect(failedSchedulingReasons('0/12 nodes are available: 3 node(s) had untolerated taint {CriticalAddonsOnly: true}, 9 Insufficient cpu. preemption: 0/12 nodes are available: 3 Preemption is not helpful for scheduling.')).toEqual(['node(s) had untolerated taint {CriticalAddonsOnly: true}', 'Insufficient cpu']);
    expect(failedSchedulingReasons('0/3 nodes are available: 1 Insufficient cpu, 2 Insufficient memory.')).toEqual(['Insufficient cpu', 'Insufficient memory']);
    expect(failedSchedulingReasons('pod has unbound immediate PersistentVolumeClaims. not found')).toEqual(['pod has unbound immediate PersistentVolumeClaims']);
  });

  it('ranks the reasons by events, counting the pods they held back', () => {
    const ev = (name: string, message: string) => ({ reason: 'FailedScheduling', namespace: 'default', name, message });
    const events = [ev('a', '0/2 nodes are available: 2 Insufficient cpu.'), ev('a', '0/2 nodes are available: 2 Insufficient cpu.'), ev('b', '0/2 nodes are available: 1 Insufficient cpu, 1 Insufficient memory.'), { reason: 'Scheduled', namespace: 'default', name: 'c', message: 'x' }];
    expect(topFailedScheduling(events)).toEqual([
      { reason: 'Insufficient cpu', events: 3, pods: 2 },
      { reason: 'Insufficient memory', events: 1, pods: 1 },
    ]);
  });

  it('the page opens with the figures and the reasons, and folds the summary without its empty values', () => {
    const html = reportHtml({ scenario: 's', version: '1', seed: '1', wallTime: '1 s', figures: runFigures(summary), reasons: [{ reason: 'Insufficient cpu', events: 3, pods: 2 }], summary, charts: [] });
    expect(html.indexOf('id="headline"')).toBeLessThan(html.indexOf('id="full-summary"'));
    expect(html).toContain('<td>Insufficient cpu</td><td>3</td><td>2</td>');
    expect(html).toMatch(/<details id="full-summary">\n<summary>Full summary \(11 values; the empty ones left out\)<\/summary>/);
    expect(html).not.toContain('<th>recovery_s</th>');
  });
});

describe('the changes of a sweep against its baseline', () => {
  const diff = (cell: string, metric: string, mean: string, low: string, high: string) => ({ cell, metric, mean_difference: mean, ci95_low: low, ci95_high: high, baseline_mean: '10', cell_mean: String(10 + Number(mean)) });

  it('says better, worse or within noise by the direction of each metric, significant first, empty ones out', () => {
    const t = changesTable(
      [diff('b', 'pods_bound', '5', '-1', '11'), diff('b', 'scheduling_latency_p99_s', '-3', '-4', '-2'), diff('b', 'pods_succeeded', '-2', '-3', '-1'), { cell: 'b', metric: 'recovery_s', mean_difference: '', ci95_low: '', ci95_high: '' }, diff('b', 'not_headline', '1', '0.5', '2')],
      [['pods_bound', 'higher'], ['scheduling_latency_p99_s', 'lower'], ['pods_succeeded', 'higher'], ['recovery_s', 'lower']],
      (c) => `cell ${c}`,
    );
    expect(t.rows.map((r) => [r[0], r[1], r[4], r[5], r[6]])).toEqual([
      ['cell b', 'scheduling_latency_p99_s', '-3', '[-4, -2]', 'better'],
      ['cell b', 'pods_succeeded', '-2', '[-3, -1]', 'worse'],
      ['cell b', 'pods_bound', '+5', '[-1, 11]', 'within noise'],
    ]);
  });
});

describe('scenario events on the charts', () => {
  it('one mark per time and reason of the scenario, counting the objects, drains’ ends left out', () => {
    const e = (time_s: string, reason: string, source = 'scenario') => ({ time_s, reason, source });
    expect(eventMarks([e('600.000000', 'FailNode'), e('600.000000', 'FailNode'), e('600.000000', 'Drained'), e('700.000000', 'Killing', 'kubelet'), e('1800.000000', 'Rollout')])).toEqual([
      { time_s: 600, label: 'FailNode ×2' },
      { time_s: 1800, label: 'Rollout' },
    ]);
  });

  it('a chart with marks layers a dashed rule and a label per event over the series; without marks it is unchanged', () => {
    const cluster = [{ time_s: '0', pods_unscheduled: '0', pods_scheduled_pending: '0' }, { time_s: '3600', pods_unscheduled: '1', pods_scheduled_pending: '0' }];
    const plain = pendingPodsChart(cluster);
    expect(withEventMarks(plain, [])).toBe(plain);
    const marked = withEventMarks(plain, [{ time_s: 600, label: 'FailNode ×2' }]) as unknown as { layer: { mark: { type?: string } | string }[] };
    expect(marked.layer.map((l) => (typeof l.mark === 'string' ? l.mark : l.mark.type))).toEqual(['line', 'rule', 'text']);
    const x = (plain as unknown as { encoding: { x: { title: string; axis: { values: number[] } } } }).encoding.x;
    expect(x.title).toBe('simulated time (h:mm)');
    expect(x.axis.values.at(-1)).toBe(3600);
  });
});
