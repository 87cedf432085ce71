/**
 * A sweep, in phases:
 *   1. plan the runs (matrix cells × seeds) and write `sweep.json` (the plan and each run's status);
 *   2. skip runs already complete (`--resume`: their folder has a manifest.json) and runs of other partitions
 *      (`--parts N --index i` runs the runs whose index ≡ i mod N, for an Indexed Job);
 *   3. run the rest on the worker pool; on stop (SIGINT) finished runs are kept and interrupted ones are marked;
 *   4. when every run is complete, write the aggregates (summary.csv, differences.csv).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KUBESIM_VERSION } from '../sim/version.js';
import { InputError } from '../workload/errors.js';
import { baselineCell, writeAggregates } from './aggregate.js';
import { type Run, type SweepPlan } from './plan.js';
import { runPool, type RunOutcome } from './pool.js';

/** Status of one run in sweep.json. */
export type RunStatus = 'pending' | 'done' | 'interrupted' | 'failed';

/** The sweep.json document. */
export interface SweepState {
  kubesim: string;
  plan: SweepPlan;
  baseline: string | undefined;
  status: RunStatus[];
}

/** Options of a sweep. */
export interface SweepOptions {
  workers: number;
  resume?: boolean;
  baseline?: string;
  /** Partitioning for distributed runs: run only indexes ≡ index (mod parts). */
  parts?: number;
  index?: number;
  /** Called as runs finish. */
  onRun?: (run: Run, outcome: RunOutcome, finished: number, total: number) => void;
  /** Installs a stop hook (the CLI wires SIGINT to it). */
  onStopHook?: (stop: () => void) => void;
}

/** What a sweep reports. */
export interface SweepResult {
  state: SweepState;
  ran: number;
  complete: boolean;
  interrupted: boolean;
  failures: { run: Run; message: string; input: boolean }[];
}

/** The path of sweep.json. */
export const SWEEP_STATE = 'sweep.json';

/** Whether a run's folder holds a complete result. */
export function runComplete(sweepDir: string, run: Run): boolean {
  return existsSync(join(sweepDir, run.dir, 'manifest.json'));
}

/** Writes sweep.json atomically. */
export function writeState(sweepDir: string, state: SweepState): void {
  const file = join(sweepDir, SWEEP_STATE);
  writeFileSync(`${file}.tmp`, JSON.stringify(state, null, 2) + '\n');
  renameSync(`${file}.tmp`, file);
}

/** Reads sweep.json. */
export function readState(sweepDir: string): SweepState {
  const file = join(sweepDir, SWEEP_STATE);
  if (!existsSync(file)) throw new InputError(`${file}: not found (is this a kubesim sweep folder?)`);
  return JSON.parse(readFileSync(file, 'utf8')) as SweepState;
}

/** Runs a planned sweep into `sweepDir`. */
export async function runSweep(plan: SweepPlan, sweepDir: string, opts: SweepOptions): Promise<SweepResult> {
  mkdirSync(sweepDir, { recursive: true });
  const baseline = opts.baseline === undefined ? undefined : baselineCell(plan, opts.baseline);
  if (opts.resume && existsSync(join(sweepDir, SWEEP_STATE))) {
    const prev = readState(sweepDir);
    if (prev.plan.scenarioSha256 !== plan.scenarioSha256 || JSON.stringify(prev.plan.runs) !== JSON.stringify(plan.runs)) {
      throw new InputError(`${join(sweepDir, SWEEP_STATE)}: --resume: the scenario or its matrix changed since this sweep started; run without --resume to start over`);
    }
  }
  const mine = plan.runs.filter((r) => opts.parts === undefined || r.index % opts.parts === (opts.index ?? 0));
  const status: RunStatus[] = plan.runs.map((r) => (runComplete(sweepDir, r) && (opts.resume || opts.parts !== undefined) ? 'done' : 'pending'));
  const todo = mine.filter((r) => status[r.index] !== 'done');
  const state: SweepState = { kubesim: KUBESIM_VERSION, plan, baseline, status };
  writeState(sweepDir, state);
  const failures: SweepResult['failures'] = [];
  let finished = 0;
  let interrupted = false;
  const pool = runPool(plan, todo, sweepDir, opts.workers, (run, o) => {
    if (run.index < 0) {
      failures.push({ run, message: o.status === 'failed' ? o.message : 'worker failed', input: false });
      return;
    }
    finished++;
    status[run.index] = o.status === 'done' ? 'done' : o.status === 'interrupted' ? 'interrupted' : 'failed';
    if (o.status === 'interrupted') interrupted = true;
    if (o.status === 'failed') failures.push({ run, message: o.message, input: o.input });
    writeState(sweepDir, state);
    opts.onRun?.(run, o, finished, todo.length);
  });
  opts.onStopHook?.(() => {
    interrupted = true;
    pool.stop();
  });
  await pool.done;
  for (const r of todo) if (status[r.index] === 'pending' && interrupted) status[r.index] = 'interrupted';
  writeState(sweepDir, state);
  const complete = status.every((s) => s === 'done');
  if (complete && opts.parts === undefined) writeAggregates(plan, sweepDir, baseline);
  return { state, ran: finished, complete, interrupted, failures };
}
