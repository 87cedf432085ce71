/**
 * A pool of worker threads running sweep runs. Runs are handed out in plan order; results land in each run's own
 * folder, so the sweep's output does not depend on the number of workers or the order runs finish in.
 * `stop()` asks every busy worker to interrupt its run (nothing of it is written) and hands out no more.
 *
 * Each worker's heap is limited to the run's budget (experiment/memory.ts): a run that reaches it is stopped by V8,
 * reported as failed, and a fresh worker takes the next run, so one run out of memory does not end the sweep.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { removeStaleTemp } from '../sim/resultsFolder.js';
import { Worker } from 'node:worker_threads';
import type { Run, SweepPlan } from './plan.js';
import type { FromWorker, ToWorker } from './worker.js';
import { YOUNG_GENERATION_MB } from './heap.js';
import { isOutOfMemory, outOfMemoryMessage } from './memory.js';

/** Outcome of one run. */
export type RunOutcome = { status: 'done'; events: number } | { status: 'interrupted' } | { status: 'failed'; message: string; input: boolean };

/** Where the worker script is (under the test runner this module is TypeScript source; the worker runs from the build). */
function workerUrl(): URL {
  const here = new URL('./worker.js', import.meta.url);
  return existsSync(here) ? here : new URL('../../dist/experiment/worker.js', import.meta.url);
}

/** Options of the pool. */
export interface PoolOptions {
  workers: number;
  /** Heap budget of each run, MiB. */
  heapMb: number;
  /** Replace earlier results beside files kubesim did not write (--force). */
  force?: boolean;
}

/** Runs `runs` on `workers` threads; `onOutcome` is called as each run ends. */
export function runPool(plan: SweepPlan, runs: readonly Run[], sweepDir: string, opts: PoolOptions, onOutcome: (run: Run, o: RunOutcome) => void): { stop: () => void; done: Promise<void> } {
  const queue = [...runs];
  const threads = new Set<Worker>();
  let stopping = false;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  let active = 0;
  const url = workerUrl();
  const byIndex = new Map(runs.map((r) => [r.index, r]));
  const finish = (w: Worker) => {
    threads.delete(w);
    if (--active === 0) resolveDone();
  };
  const next = (w: Worker, current: { run: Run | undefined }) => {
    const run = stopping ? undefined : queue.shift();
    current.run = run;
    if (run === undefined) {
      void w.terminate();
      finish(w);
      return;
    }
    w.postMessage({ type: 'run', plan, run, sweepDir, force: opts.force === true } satisfies ToWorker);
  };
  const start = () => {
    const w = new Worker(url, { resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB, maxOldGenerationSizeMb: opts.heapMb } });
    const current: { run: Run | undefined } = { run: undefined };
    threads.add(w);
    active++;
    w.on('message', (m: FromWorker) => {
      const run = byIndex.get(m.index)!;
      current.run = undefined;
      if (m.type === 'done') onOutcome(run, m.interrupted ? { status: 'interrupted' } : { status: 'done', events: m.events });
      else onOutcome(run, { status: 'failed', message: m.message, input: m.input });
      next(w, current);
    });
    w.on('error', (e) => {
      // The worker is gone: its run failed (out of memory, or a crash); a fresh worker takes the rest of the queue.
      const run = current.run;
      current.run = undefined;
      const message = isOutOfMemory(e) ? outOfMemoryMessage(opts.heapMb, true) : `the worker failed: ${e.message}`;
      if (run !== undefined) {
        removeStaleTemp(join(sweepDir, run.dir));
        onOutcome(run, { status: 'failed', message, input: false });
      }
      if (!stopping && queue.length > 0) start();
      finish(w);
    });
    next(w, current);
  };
  const n = Math.max(1, Math.min(opts.workers, runs.length));
  if (runs.length === 0) resolveDone();
  else for (let i = 0; i < n; i++) start();
  return {
    stop: () => {
      stopping = true;
      for (const t of threads) t.postMessage({ type: 'stop' } satisfies ToWorker);
    },
    done,
  };
}
