/**
 * Charts of placement experiments (placement.csv): a measure against the arrived GPU demand, one line per cell, the
 * median across seeds with the inter-quartile range as a band (as the FGD paper draws its Fig. 9).
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Row } from './readCsv.js';
import type { Series } from './charts.js';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** The q-quantile of sorted values (linear interpolation). */
function quantile(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** Per cell and arrived-demand bin: median, first and third quartile of `column` across the seeds' placement.csv. */
export function curvePoints(series: readonly Series<readonly Row[][]>[], column: string): { series: string; x: number; median: number; q1: number; q3: number; seeds: number }[] {
  const out: { series: string; x: number; median: number; q1: number; q3: number; seeds: number }[] = [];
  for (const s of series) {
    const byX = new Map<number, number[]>();
    for (const run of s.data) {
      for (const r of run) {
        const v = r[column];
        if (v === undefined || v === '') continue;
        const x = Number(r.arrived_gpu_pct);
        let list = byX.get(x);
        if (list === undefined) byX.set(x, (list = []));
        list.push(Number(v));
      }
    }
    for (const [x, vals] of [...byX].sort((a, b) => a[0] - b[0])) {
      const sorted = [...vals].sort((a, b) => a - b);
      const r4 = (v: number) => Number(v.toFixed(4));
      out.push({ series: s.label, x, median: r4(quantile(sorted, 0.5)), q1: r4(quantile(sorted, 0.25)), q3: r4(quantile(sorted, 0.75)), seeds: vals.length });
    }
  }
  return out;
}

/** A placement measure (%) against arrived GPU demand (% of capacity), median line and IQR band per series. */
export function placementCurveChart(title: string, yTitle: string, series: readonly Series<readonly Row[][]>[], column: string, fromX = 0): TopLevelSpec {
  const values = curvePoints(series, column).filter((p) => p.x >= fromX);
  const x = { field: 'x', type: 'quantitative', title: 'arrived GPU demand (% of GPU capacity)', scale: { zero: fromX === 0 } } as const;
  const color = { field: 'series', type: 'nominal', title: null, legend: { labelLimit: 400 } } as const;
  return {
    $schema: SCHEMA,
    title,
    width: 640,
    height: 260,
    data: { values },
    layer: [
      { mark: { type: 'area', opacity: 0.2 }, encoding: { x, y: { field: 'q1', type: 'quantitative', title: yTitle, scale: { zero: fromX === 0 } }, y2: { field: 'q3' }, color } },
      {
        mark: { type: 'line' },
        encoding: {
          x,
          y: { field: 'median', type: 'quantitative', title: yTitle, scale: { zero: fromX === 0 } },
          color,
          tooltip: [{ field: 'series' }, { field: 'x', title: 'arrived GPU demand %' }, { field: 'median', title: `${yTitle} (median)`, format: '.2f' }, { field: 'q1', title: 'Q1', format: '.2f' }, { field: 'q3', title: 'Q3', format: '.2f' }, { field: 'seeds' }],
        },
      },
    ],
  } as TopLevelSpec;
}
