/**
 * A sweep, in phases:
 *   1. plan the runs (matrix cells × seeds) and write `sweep.json` (the plan and each run's status);
 *   2. skip runs already complete (`--resume`: their folder has a manifest.json) and runs of other partitions
 *      (`--parts N --index i` runs the runs whose index ≡ i mod N, for an Indexed Job);
 *   3. run the rest on the worker pool; on stop (SIGINT) finished runs are kept and interrupted ones are marked;
 *   4. when every run is complete, write the aggregates (summary.csv, differences.csv).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KUBESIM_VERSION } from '../sim/version.js';
import { InputError } from '../workload/errors.js';
import { REPORT_ENTRIES, clashMessage, foreignInRun, isTempFolder, probeWritable, removeStaleTemp, writeError } from '../sim/resultsFolder.js';
import { baselineCell, writeAggregates } from './aggregate.js';
import { type Run, type SweepPlan } from './plan.js';
import { runPool, type RunOutcome } from './pool.js';
import { heapBudgetMb } from './memory.js';

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
  /** Heap budget of each run, MiB (default: the machine's share per worker, experiment/memory.ts). */
  heapMb?: number;
  /** Write beside files kubesim did not write (never deleting them). */
  force?: boolean;
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
  try {
    writeFileSync(`${file}.tmp`, JSON.stringify(state, null, 2) + '\n');
    renameSync(`${file}.tmp`, file);
  } catch (e) {
    throw writeError(e, sweepDir);
  }
}

/** Reads sweep.json. */
export function readState(sweepDir: string): SweepState {
  const file = join(sweepDir, SWEEP_STATE);
  if (!existsSync(file)) throw new InputError(`${file}: not found (is this a kubesim sweep folder?)`);
  let state: SweepState;
  try {
    state = JSON.parse(readFileSync(file, 'utf8')) as SweepState;
  } catch {
    throw new InputError(`${file}: not a sweep.json kubesim wrote (it does not parse)`);
  }
  if (state === null || typeof state !== 'object' || typeof state.kubesim !== 'string' || !Array.isArray(state.plan?.runs)) throw new InputError(`${file}: not a sweep.json kubesim wrote`);
  return state;
}

/** Files kubesim writes at the top of a sweep folder (besides the run folders and the report). */
const SWEEP_FILES = new Set([SWEEP_STATE, `${SWEEP_STATE}.tmp`, 'timing.json', 'summary.csv', 'differences.csv', ...REPORT_ENTRIES]);

/**
 * Checks, before any run starts, that a sweep may write into `sweepDir`: absent, empty, or a kubesim sweep folder
 * whose entries are all kubesim's (its files, its runs' folders, temporary folders of killed runs); with `force`
 * anything (files kubesim did not write are kept). And that the folder can be written at all.
 */
export function checkSweepOutput(sweepDir: string, plan: SweepPlan, force: boolean): void {
  if (existsSync(sweepDir) && !statSync(sweepDir).isDirectory()) throw new InputError(`${sweepDir}: the output folder is a file`);
  if (existsSync(sweepDir) && force && !existsSync(join(sweepDir, SWEEP_STATE))) {
    // --force keeps files kubesim did not write: none may stand where the sweep writes its own.
    const clash = [...SWEEP_FILES, ...plan.cells.map((c) => c.dir)].sort().find((f) => existsSync(join(sweepDir, f)));
    if (clash !== undefined) throw new InputError(clashMessage(sweepDir, clash));
  }
  if (existsSync(sweepDir) && !force) {
    const prev = existsSync(join(sweepDir, SWEEP_STATE)) ? readState(sweepDir) : undefined;
    const runs = [...plan.runs, ...(prev?.plan.runs ?? [])];
    const cells = new Map<string, Set<string>>();
    for (const r of runs) {
      const [cell, ...rest] = r.dir.split('/');
      if (!cells.has(cell!)) cells.set(cell!, new Set());
      cells.get(cell!)!.add(rest.join('/'));
    }
    const refuse = (entry: string) => {
      throw new InputError(`${sweepDir}: the output folder holds files kubesim did not write (e.g. ${entry}); a sweep writes only into an empty folder or an earlier sweep's: choose another --out, or pass --force to write beside those files (they are kept)`);
    };
    for (const e of readdirSync(sweepDir).sort()) {
      if (isTempFolder(e) || (prev !== undefined && SWEEP_FILES.has(e))) continue;
      const seeds = cells.get(e);
      if (prev === undefined || seeds === undefined) refuse(e);
      const cellDir = join(sweepDir, e);
      if (!statSync(cellDir).isDirectory()) refuse(e);
      for (const r of readdirSync(cellDir).sort()) {
        if (isTempFolder(r)) continue;
        if (!seeds!.has(r)) refuse(`${e}/${r}`);
        const runDir = join(cellDir, r);
        if (!statSync(runDir).isDirectory()) refuse(`${e}/${r}`);
        const foreign = foreignInRun(runDir);
        if (foreign !== undefined) refuse(`${e}/${r}/${foreign}`);
      }
    }
  }
  probeWritable(sweepDir);
}

/** Runs a planned sweep into `sweepDir`. */
export async function runSweep(plan: SweepPlan, sweepDir: string, opts: SweepOptions): Promise<SweepResult> {
  checkSweepOutput(sweepDir, plan, opts.force === true);
  mkdirSync(sweepDir, { recursive: true });
  // Temporary folders of runs a killed process left behind: gone, so the folder equals an uninterrupted sweep's.
  for (const r of plan.runs) removeStaleTemp(join(sweepDir, r.dir));
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
  let writeFailure: Error | undefined;
  const pool = runPool(plan, todo, sweepDir, { workers: opts.workers, heapMb: opts.heapMb ?? heapBudgetMb(opts.workers), force: opts.force === true }, (run, o) => {
    finished++;
    status[run.index] = o.status === 'done' ? 'done' : o.status === 'interrupted' ? 'interrupted' : 'failed';
    if (o.status === 'interrupted') interrupted = true;
    if (o.status === 'failed') failures.push({ run, message: o.message, input: o.input });
    try {
      writeState(sweepDir, state);
    } catch (e) {
      // The sweep folder cannot be written any more (disk full, removed): stop handing out runs and report it.
      writeFailure ??= e as Error;
      pool.stop();
    }
    opts.onRun?.(run, o, finished, todo.length);
  });
  opts.onStopHook?.(() => {
    interrupted = true;
    pool.stop();
  });
  await pool.done;
  if (writeFailure !== undefined) throw writeFailure;
  for (const r of todo) if (status[r.index] === 'pending' && interrupted) status[r.index] = 'interrupted';
  writeState(sweepDir, state);
  const complete = status.every((s) => s === 'done');
  if (complete && opts.parts === undefined) writeAggregates(plan, sweepDir, baseline);
  return { state, ran: finished, complete, interrupted, failures };
}
