/**
 * A pool of worker threads running sweep runs. Runs are handed out in plan order; results land in each run's own
 * folder, so the sweep's output does not depend on the number of workers or the order runs finish in.
 * `stop()` asks every busy worker to interrupt its run (nothing of it is written) and hands out no more.
 */
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { Run, SweepPlan } from './plan.js';
import type { FromWorker, ToWorker } from './worker.js';
import { YOUNG_GENERATION_MB } from './heap.js';

/** Outcome of one run. */
export type RunOutcome = { status: 'done'; events: number } | { status: 'interrupted' } | { status: 'failed'; message: string; input: boolean };

function workerUrl(): URL {
  const here = new URL('./worker.js', import.meta.url);
  // Under the test runner this module is TypeScript source; the worker runs from the build.
  return existsSync(here) ? here : new URL('../../dist/experiment/worker.js', import.meta.url);
}

/** Runs `runs` on `workers` threads; `onOutcome` is called as each run ends. */
export function runPool(plan: SweepPlan, runs: readonly Run[], sweepDir: string, workers: number, onOutcome: (run: Run, o: RunOutcome) => void): { stop: () => void; done: Promise<void> } {
  const queue = [...runs];
  const threads: Worker[] = [];
  let stopping = false;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  let active = 0;
  const url = workerUrl();
  const byIndex = new Map(runs.map((r) => [r.index, r]));
  const next = (w: Worker) => {
    const run = stopping ? undefined : queue.shift();
    if (run === undefined) {
      void w.terminate();
      if (--active === 0) resolveDone();
      return;
    }
    w.postMessage({ type: 'run', plan, run, sweepDir } satisfies ToWorker);
  };
  const n = Math.max(1, Math.min(workers, runs.length));
  if (runs.length === 0) resolveDone();
  for (let i = 0; i < n; i++) {
    const w = new Worker(url, { resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
    threads.push(w);
    active++;
    w.on('message', (m: FromWorker) => {
      const run = byIndex.get(m.index)!;
      if (m.type === 'done') onOutcome(run, m.interrupted ? { status: 'interrupted' } : { status: 'done', events: m.events });
      else onOutcome(run, { status: 'failed', message: m.message, input: m.input });
      next(w);
    });
    w.on('error', (e) => {
      stopping = true;
      onOutcome({ index: -1, cell: '', seed: 0, dir: '' }, { status: 'failed', message: e.message, input: false });
      if (--active === 0) resolveDone();
    });
    next(w);
  }
  return {
    stop: () => {
      stopping = true;
      for (const t of threads) t.postMessage({ type: 'stop' } satisfies ToWorker);
    },
    done,
  };
}
