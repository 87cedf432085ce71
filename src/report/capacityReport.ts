/**
 * Outputs of `kubesim capacity`: capacity.csv (every evaluated node count × objective, with the seeds' mean and 95 %
 * CI and the verdict), and report.html with each objective's metric against the node count per shape (mean and CI,
 * the objective's threshold as a rule), plus the ranking of shapes by cost.
 */
import { renameSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { rankShapes, type ShapeResult } from '../experiment/capacity.js';
import { CsvFile } from '../metrics/csvFile.js';
import { reportHtml, type ChartSection } from './html.js';
import { renderSvg } from './render.js';

export const CAPACITY_COLUMNS = ['shape', 'nodes', 'objective', 'column', 'seeds', 'mean', 'ci95_low', 'ci95_high', 'meets', 'point_meets'] as const;

const num = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? undefined : Number(x.toFixed(6)).toString());

/** The metric of one objective against the node count, one line per shape. */
export function capacityChart(results: readonly ShapeResult[], k: number): TopLevelSpec {
  const o = results[0]!.points[0]!.metrics[k]!.objective;
  const values = results.flatMap((r) => r.points.map((p) => ({ shape: r.shape, nodes: p.nodes, mean: p.metrics[k]!.mean, low: p.metrics[k]!.ciLow ?? p.metrics[k]!.mean, high: p.metrics[k]!.ciHigh ?? p.metrics[k]!.mean, meets: p.metrics[k]!.pass ? 'meets' : 'misses' })));
  const x = { field: 'nodes', type: 'quantitative', title: 'nodes in the pool' } as const;
  const color = { field: 'shape', type: 'nominal', title: 'shape' } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `${o.text} (${o.column})`,
    width: 640,
    height: 260,
    layer: [
      { data: { values }, mark: { type: 'errorbar' }, encoding: { x, y: { field: 'low', type: 'quantitative', title: o.column }, y2: { field: 'high' }, color } },
      { data: { values }, mark: { type: 'line', point: true }, encoding: { x, y: { field: 'mean', type: 'quantitative' }, color, tooltip: [{ field: 'shape' }, { field: 'nodes' }, { field: 'mean', format: '.4~f' }, { field: 'low', title: 'CI low', format: '.4~f' }, { field: 'high', title: 'CI high', format: '.4~f' }, { field: 'meets' }] } },
      { data: { values: [{ threshold: o.value }] }, mark: { type: 'rule', strokeDash: [4, 4], color: '#c00' }, encoding: { y: { field: 'threshold', type: 'quantitative' } } },
    ],
  } as TopLevelSpec;
}

/** Writes capacity.csv and report.html into `out`. */
export async function writeCapacityOutputs(out: string, scenario: string, version: string, seeds: readonly (number | string)[], results: readonly ShapeResult[], wallSeconds: number): Promise<void> {
  const csv = new CsvFile(join(out, 'capacity.csv'), CAPACITY_COLUMNS);
  for (const r of results) for (const p of r.points) for (const m of p.metrics) csv.row([r.shape, p.nodes, m.objective.text, m.objective.column, m.values.length, num(m.mean), num(m.ciLow), num(m.ciHigh), m.pass ? 1 : 0, p.pass ? 1 : 0]);
  csv.close();
  const charts: ChartSection[] = [];
  mkdirSync(join(out, 'charts'), { recursive: true });
  const objectives = results[0]?.points[0]?.metrics.length ?? 0;
  for (let k = 0; k < objectives; k++) {
    const spec = capacityChart(results, k);
    const svg = await renderSvg(spec);
    const id = `capacity-${k}`;
    writeFileSync(join(out, 'charts', `${id}.vl.json`), JSON.stringify(spec, null, 2) + '\n');
    writeFileSync(join(out, 'charts', `${id}.svg`), svg);
    charts.push({ id, title: `${results[0]!.points[0]!.metrics[k]!.objective.text} against the node count`, svg, spec });
  }
  const ranked = rankShapes(results);
  const html = reportHtml({
    scenario,
    version,
    seed: seeds.join(', '),
    wallTime: `${wallSeconds.toFixed(2)} s`,
    table: { columns: ['rank', 'shape', 'smallest passing nodes', 'price per node-hour', 'cost per hour'], rows: ranked.map((r, i) => [String(i + 1), r.shape, r.nodes === undefined ? 'none up to --max' : String(r.nodes), r.price === undefined ? '' : String(r.price), r.cost === undefined ? '' : String(Number(r.cost.toFixed(4)))]), best: ranked.length > 1 && ranked[0]!.nodes !== undefined ? [[0, 4]] : [] },
    notes: ['A count passes when every objective holds at the 95 % confidence bound across the seeds (the same seeds at every count).'],
    charts,
  });
  writeFileSync(join(out, 'report.html.tmp'), html);
  renameSync(join(out, 'report.html.tmp'), join(out, 'report.html'));
}
