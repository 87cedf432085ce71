/** Runs a scenario written inline by a test and reads its CSVs back. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { loadScenario } from '../../src/workload/loadScenario.js';
import { runScenario } from '../../src/sim/simulation.js';

export type Row = Record<string, string>;

/** Writes `yaml` as `<dir>/<name>.yaml`, runs it into `<dir>/<name>-out`, and returns a reader of its CSV files. */
export async function runInline(dir: string, name: string, yaml: string): Promise<(csv: string) => Row[]> {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, yaml);
  const out = join(dir, `${name}-out`);
  await runScenario(loadScenario(file), { outDir: out });
  return (csv) => parse(readFileSync(join(out, csv), 'utf8'), { columns: true }) as Row[];
}
