/** Runs one run of a sweep plan into its folder (what a pool worker does). */
import { join } from 'node:path';
import { loadScenario } from '../workload/loadScenario.js';
import { runScenario, type RunResult } from '../sim/simulation.js';
import type { Run, SweepPlan } from './plan.js';
import { runOverrides } from './plan.js';

/** Loads the run's scenario (matrix and seed applied) and simulates it into `<sweepDir>/<run.dir>`. */
export async function runOne(plan: SweepPlan, run: Run, sweepDir: string, shouldStop?: () => boolean, force = false): Promise<RunResult> {
  const scenario = loadScenario(plan.file, runOverrides(plan, run));
  return runScenario(scenario, { outDir: join(sweepDir, run.dir), force, ...(shouldStop ? { shouldStop } : {}) });
}
