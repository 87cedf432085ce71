/**
 * The summary table of a sweep page: one row per cell with each headline metric's mean and 95 % CI, the best cell
 * per metric highlighted (lower or higher is better, per metric).
 */
import type { Table } from './html.js';
import type { Row } from './readCsv.js';

/** A number as the table shows it (4 significant digits). */
export const fmtCell = (v: string | undefined) => (v === undefined || v === '' ? '' : String(Number(Number(v).toPrecision(4))));

/** The table of the sweep's mean rows over `headline` metrics. */
export function headlineTable(means: readonly Row[], headline: readonly [string, 'lower' | 'higher'][]): Table {
  const table: Table = { columns: ['cell', 'seeds', ...headline.map(([m]) => m)], rows: [], best: [] };
  for (const r of means) table.rows.push([r.cell!, r.n!, ...headline.map(([m]) => (r[`${m}_ci95_low`] ? `${fmtCell(r[m])} [${fmtCell(r[`${m}_ci95_low`])}, ${fmtCell(r[`${m}_ci95_high`])}]` : fmtCell(r[m])))]);
  headline.forEach(([m, better], k) => {
    const vals = means.map((r) => Number(r[m]));
    if (vals.some((v) => !Number.isFinite(v)) || new Set(vals).size < 2) return;
    const best = better === 'lower' ? Math.min(...vals) : Math.max(...vals);
    vals.forEach((v, i) => v === best && table.best!.push([i, k + 2]));
  });
  return table;
}
