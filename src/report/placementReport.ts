/**
 * Report pages of placement experiments (spec.placement, the FGD paper's protocol): unallocated GPU share, GPU
 * fragmentation (rate and amount) and dropped pods against the arrived GPU demand; for a sweep, one curve per cell
 * with its seed band, and a table of the per-cell measures at 80–130 % arrived demand with 95 % CIs.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import type { SweepPlan } from '../experiment/plan.js';
import type { ReportPage } from './html.js';
import { headlineTable } from './headlineTable.js';
import { placementCurveChart } from './placementCharts.js';
import { readCsv, type Row } from './readCsv.js';

type Spec = [string, string, TopLevelSpec];

/** Headline measures of placement experiments (all lower is better except pods placed). */
export const PLACEMENT_HEADLINE: [string, 'lower' | 'higher'][] = [
  ['unallocated_gpu_pct_at_100', 'lower'],
  ['unallocated_gpu_pct_at_130', 'lower'],
  ['frag_rate_pct_at_80', 'lower'],
  ['frag_amount_pct_at_90', 'lower'],
  ['pods_bound', 'higher'],
];

/** Whether a run folder holds a placement experiment. */
export function isPlacement(runDir: string): boolean {
  return existsSync(join(runDir, 'placement.csv'));
}

function charts(series: { label: string; data: Row[][] }[]): Spec[] {
  return [
    ['unallocated-gpu', 'Unallocated GPU share vs arrived GPU demand', placementCurveChart('Unallocated GPU (% of capacity)', 'unallocated GPU %', series, 'unallocated_gpu_pct')],
    ['unallocated-gpu-high-load', 'Unallocated GPU share from 75 % arrived GPU demand', placementCurveChart('Unallocated GPU (% of capacity), arrived demand ≥ 75 %', 'unallocated GPU %', series, 'unallocated_gpu_pct', 75)],
    ['gpu-frag-rate', 'GPU fragmentation rate vs arrived GPU demand', placementCurveChart('Fragmented share of idle GPU (%)', 'fragmentation rate %', series, 'frag_rate_pct')],
    ['gpu-frag-amount', 'GPU fragmentation amount vs arrived GPU demand', placementCurveChart('Fragmented GPU (% of capacity)', 'fragmentation %', series, 'frag_amount_pct')],
    ['pods-failed', 'Dropped pods vs arrived GPU demand', placementCurveChart('Pods no node fitted (cumulative)', 'pods', series, 'pods_failed')],
  ];
}

/** The page of one placement run. */
export function placementRunPage(dir: string, manifest: Record<string, unknown>): { page: Omit<ReportPage, 'charts'>; specs: Spec[] } {
  const summary = readCsv(join(dir, 'summary.csv'))[0] ?? {};
  const rows = readCsv(join(dir, 'placement.csv'));
  const kept = Object.fromEntries(Object.entries(summary).filter(([, v]) => v !== undefined && v !== ''));
  return {
    page: {
      scenario: String(summary.scenario ?? manifest.scenario ?? ''),
      version: String(manifest.kubesim ?? ''),
      seed: String(summary.seed ?? manifest.seed ?? ''),
      wallTime: manifest.wallSeconds === undefined ? 'n/a' : `${Number(manifest.wallSeconds).toFixed(2)} s`,
      summary: kept,
    },
    specs: charts([{ label: String(summary.policy ?? 'run'), data: [rows] }]),
  };
}

/** The page of a placement sweep. */
export function placementSweepPage(dir: string, plan: SweepPlan, version: string, label: (id: string) => string, wall: string): { page: Omit<ReportPage, 'charts'>; specs: Spec[] } {
  const table = headlineTable(readCsv(join(dir, 'summary.csv')).filter((r) => r.kind === 'mean'), PLACEMENT_HEADLINE);
  const series = plan.cells.map((c) => ({ label: label(c.id), data: plan.runs.filter((r) => r.cell === c.id).map((r) => readCsv(join(dir, r.dir, 'placement.csv'))) }));
  return {
    page: { scenario: plan.scenario, version, seed: plan.seeds.join(', '), wallTime: wall, table, notes: ['Curves: the median across seeds, the band their inter-quartile range.'] },
    specs: charts(series),
  };
}

/** The manifest of a results folder (empty when absent). */
export function readManifest(dir: string): Record<string, unknown> {
  const p = join(dir, 'manifest.json');
  return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as Record<string, unknown>) : {};
}
