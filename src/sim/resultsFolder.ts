/**
 * A run's results folder: outputs are written into a temporary folder next to the final one, then manifest.json is
 * written and the folder renamed into place, so an interrupted run never leaves a result that looks complete.
 */
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Scenario } from '../workload/scenario.js';
import { KUBESIM_VERSION } from './version.js';

/** Creates (empty) the temporary folder of `outDir` and returns its path. */
export function tempFolder(outDir: string): string {
  const tmp = join(dirname(outDir), `.${basename(outDir)}.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  return tmp;
}

/** A wall-clock reading (the CLI's; simulation code never reads the clock). */
export type WallReading = { ms: number; iso: string } | undefined;

/**
 * Writes manifest.json (what reproduces the run: versions, scenario hash, seed, overrides, then `fields`, then the
 * wall time when known) and moves the folder into place, replacing an earlier result.
 */
export function publish(tmp: string, outDir: string, scenario: Scenario, fields: Record<string, unknown>, started: WallReading, ended: WallReading): void {
  const manifest = {
    kubesim: KUBESIM_VERSION,
    node: process.version,
    scenario: scenario.name,
    scenarioFile: scenario.file,
    scenarioSha256: scenario.hash,
    seed: scenario.seed,
    overrides: scenario.overrides,
    ...fields,
    ...(started !== undefined && ended !== undefined ? { startedAt: started.iso, wallSeconds: (ended.ms - started.ms) / 1000 } : {}),
  };
  writeFileSync(join(tmp, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  if (existsSync(outDir)) rmSync(outDir, { recursive: true, force: true });
  mkdirSync(dirname(outDir), { recursive: true });
  renameSync(tmp, outDir);
}
