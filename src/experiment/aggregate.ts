/**
 * The sweep-level tables (DESIGN §9):
 * - `summary.csv`: every run's summary row (kind `run`), then one row per cell (kind `mean`) with, for every numeric
 *   column, the mean across seeds and its `_sd`, `_ci95_low`, `_ci95_high`;
 * - `differences.csv` (with a baseline cell): per cell and numeric column, the paired difference cell − baseline
 *   across seeds (common random numbers make seed-by-seed pairs comparable), its mean and 95 % CI.
 * Rows follow the plan's order, so the bytes do not depend on which run finished first.
 */
import { join } from 'node:path';
import { readCsv, type Row } from '../report/readCsv.js';
import { CsvFile, type Cell as CsvCell } from '../metrics/csvFile.js';
import { SUMMARY_COLUMNS } from '../metrics/columns.js';
import { InputError } from '../workload/errors.js';
import type { SweepPlan } from './plan.js';
import { valueText } from './plan.js';
import { estimate } from './statistics.js';

/** Summary columns that are not metrics. */
const LABELS = new Set(['scenario', 'seed', 'policy', 'trace']);
/** The numeric metrics aggregated across seeds. */
export const METRICS = SUMMARY_COLUMNS.filter((c) => !LABELS.has(c));

const num = (x: number | undefined): CsvCell => (x === undefined || !Number.isFinite(x) ? undefined : Number(x.toFixed(6)).toString());

/** Reads every run's summary row, in plan order. */
export function runSummaries(plan: SweepPlan, sweepDir: string): Row[] {
  return plan.runs.map((r) => {
    const row = readCsv(join(sweepDir, r.dir, 'summary.csv'))[0];
    if (row === undefined) throw new InputError(`${join(sweepDir, r.dir, 'summary.csv')}: empty`);
    return row;
  });
}

/** Writes summary.csv (and differences.csv when `baseline` names a cell). */
export function writeAggregates(plan: SweepPlan, sweepDir: string, baseline?: string): void {
  const rows = runSummaries(plan, sweepDir);
  const header = ['cell', ...plan.dimensions, 'policy', 'trace', 'seed', 'kind', 'n', ...METRICS.flatMap((m) => [m, `${m}_sd`, `${m}_ci95_low`, `${m}_ci95_high`])];
  const csv = new CsvFile(join(sweepDir, 'summary.csv'), header);
  const labels = (cellId: string) => {
    const cell = plan.cells.find((c) => c.id === cellId)!;
    return [cell.id, ...plan.dimensions.map((d) => valueText(cell.values[d]))];
  };
  plan.runs.forEach((r, i) => {
    const row = rows[i]!;
    csv.row([...labels(r.cell), row.policy, row.trace, String(r.seed), 'run', 1, ...METRICS.flatMap((m) => [row[m], undefined, undefined, undefined])]);
  });
  for (const cell of plan.cells) {
    const cellRows = plan.runs.map((r, i) => [r, rows[i]!] as const).filter(([r]) => r.cell === cell.id).map(([, row]) => row);
    const stats = METRICS.map((m) => estimate(values(cellRows, m)));
    csv.row([...labels(cell.id), cellRows[0]?.policy, cellRows[0]?.trace, '', 'mean', cellRows.length, ...stats.flatMap((e) => [num(e?.mean), num(e?.sd), num(e?.ciLow), num(e?.ciHigh)])]);
  }
  csv.close();
  if (baseline !== undefined) writeDifferences(plan, sweepDir, rows, baseline);
}

function values(rows: readonly Row[], m: string): number[] {
  return rows.map((r) => r[m]).filter((v): v is string => v !== undefined && v !== '').map(Number);
}

/** Resolves `--baseline key=value[,key=value]` to a cell id. */
export function baselineCell(plan: SweepPlan, spec: string): string {
  const want = new Map(spec.split(',').map((kv) => {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new InputError(`--baseline ${spec}: expected path=value, e.g. --baseline scheduler.profile=default`);
    return [kv.slice(0, eq).trim(), kv.slice(eq + 1).trim()] as const;
  }));
  for (const k of want.keys()) if (!plan.dimensions.includes(k)) throw new InputError(`--baseline ${spec}: "${k}" is not a matrix dimension; expected one of ${plan.dimensions.join(', ') || '(none)'}`);
  const matches = plan.cells.filter((c) => [...want].every(([k, v]) => valueText(c.values[k]) === v));
  if (matches.length !== 1) throw new InputError(`--baseline ${spec}: matches ${matches.length} cells; expected exactly one (cells: ${plan.cells.map((c) => c.id).join('; ')})`);
  return matches[0]!.id;
}

function writeDifferences(plan: SweepPlan, sweepDir: string, rows: Row[], baseline: string): void {
  const csv = new CsvFile(join(sweepDir, 'differences.csv'), ['cell', 'baseline', 'metric', 'n', 'mean_difference', 'sd', 'ci95_low', 'ci95_high', 'baseline_mean', 'cell_mean']);
  const bySeed = (cell: string) => new Map(plan.runs.map((r, i) => [r, rows[i]!] as const).filter(([r]) => r.cell === cell).map(([r, row]) => [String(r.seed), row]));
  const base = bySeed(baseline);
  for (const cell of plan.cells) {
    if (cell.id === baseline) continue;
    const mine = bySeed(cell.id);
    for (const m of METRICS) {
      const diffs: number[] = [];
      const a: number[] = [];
      const b: number[] = [];
      for (const [seed, row] of mine) {
        const x = row[m];
        const y = base.get(seed)?.[m];
        if (x === undefined || x === '' || y === undefined || y === '') continue;
        diffs.push(Number(x) - Number(y));
        a.push(Number(x));
        b.push(Number(y));
      }
      const e = estimate(diffs);
      csv.row([cell.id, baseline, m, diffs.length, num(e?.mean), num(e?.sd), num(e?.ciLow), num(e?.ciHigh), num(estimate(b)?.mean), num(estimate(a)?.mean)]);
    }
  }
  csv.close();
}
