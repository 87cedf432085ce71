/**
 * `kubesim report <dir>`: reads a run's CSVs, builds the charts (vega-lite specs → SVG) and writes, next to the
 * CSVs, `report.html` (self-contained: opens from file:// offline) and `charts/<name>.vl.json` and `.svg`.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { pendingPodsChart, requestedRatioChart, schedulingLatencyCdfChart, startupLatencyCdfChart } from './charts.js';
import { reportHtml } from './html.js';
import { readCsv } from './readCsv.js';
import { renderSvg } from './render.js';

/** Writes the report of a results folder; returns the path of report.html. */
export async function writeReport(dir: string): Promise<string> {
  const cluster = readCsv(join(dir, 'cluster.csv'));
  const pods = readCsv(join(dir, 'pods.csv'));
  const summary = readCsv(join(dir, 'summary.csv'))[0] ?? {};
  const manifestPath = join(dir, 'manifest.json');
  const manifest = existsSync(manifestPath) ? (JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>) : {};
  const specs: [string, string, TopLevelSpec][] = [
    ['pending-pods', 'Pending pods over time', pendingPodsChart(cluster)],
    ['scheduling-latency-cdf', 'Scheduling latency CDF', schedulingLatencyCdfChart(pods)],
    ['startup-latency-cdf', 'Startup latency CDF', startupLatencyCdfChart(pods)],
    ['requested-ratio', 'Requested resources over time', requestedRatioChart(cluster)],
  ];
  const chartsDir = join(dir, 'charts');
  mkdirSync(chartsDir, { recursive: true });
  const charts = [];
  for (const [id, title, spec] of specs) {
    const svg = await renderSvg(spec);
    writeFileSync(join(chartsDir, `${id}.vl.json`), JSON.stringify(spec, null, 2) + '\n');
    writeFileSync(join(chartsDir, `${id}.svg`), svg);
    charts.push({ id, title, svg });
  }
  const html = reportHtml({
    scenario: String(summary.scenario ?? manifest.scenario ?? ''),
    version: String(manifest.kubesim ?? ''),
    seed: String(summary.seed ?? manifest.seed ?? ''),
    wallSeconds: manifest.wallSeconds === undefined ? 'n/a' : Number(manifest.wallSeconds).toFixed(2),
    summary,
    charts,
  });
  const file = join(dir, 'report.html');
  writeFileSync(`${file}.tmp`, html);
  renameSync(`${file}.tmp`, file);
  return file;
}
