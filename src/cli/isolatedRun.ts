/** `kubesim run` in a worker thread with a heap budget (cli/runWorker.ts); resolves with the run's figures. */
import { Worker } from 'node:worker_threads';
import { YOUNG_GENERATION_MB } from '../experiment/heap.js';
import { isOutOfMemory, outOfMemoryMessage } from '../experiment/memory.js';
import { InputError } from '../workload/errors.js';
import type { FromRunWorker, RunRequest } from './runWorker.js';

/** A run that failed for a reason the user can act on, reported in one line without a stack (exit 1). */
export class RunFailure extends Error {
  override readonly name = 'RunFailure';
}

/** The run's figures. */
export type IsolatedResult = Extract<FromRunWorker, { type: 'done' }>['result'];

/** Runs `req` in a worker whose heap is limited to `heapMb`; `stop()` asks it to interrupt (nothing is written). */
export function runIsolated(req: RunRequest, heapMb: number, onProgress: (simUs: number, events: number) => void): { stop: () => void; done: Promise<IsolatedResult> } {
  const worker = new Worker(new URL('./runWorker.js', import.meta.url), {
    workerData: req,
    resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB, maxOldGenerationSizeMb: heapMb },
  });
  const done = new Promise<IsolatedResult>((resolve, reject) => {
    let settled = false;
    worker.on('message', (m: FromRunWorker) => {
      if (m.type === 'progress') onProgress(m.simUs, m.events);
      else if (m.type === 'done') {
        settled = true;
        resolve(m.result);
      } else {
        settled = true;
        const e = m.input ? new InputError(m.message) : new Error(m.message);
        if (m.stack !== undefined) e.stack = m.stack;
        reject(e);
      }
    });
    worker.on('error', (e) => {
      settled = true;
      reject(isOutOfMemory(e) ? new RunFailure(outOfMemoryMessage(heapMb, false)) : e);
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`the simulation thread exited with code ${code}`));
    });
  });
  return { stop: () => worker.postMessage({ type: 'stop' }), done };
}
