/** A pool worker thread: runs the runs it is sent, one at a time, and stops a run when asked. */
import { parentPort } from 'node:worker_threads';
import type { Run, SweepPlan } from './plan.js';
import { runOne } from './runOne.js';

/** Messages from the pool. */
export type ToWorker = { type: 'run'; plan: SweepPlan; run: Run; sweepDir: string; force: boolean } | { type: 'stop' };
/** Messages to the pool. */
export type FromWorker = { type: 'done'; index: number; interrupted: boolean; events: number } | { type: 'error'; index: number; message: string; input: boolean };

let stop = false;
const port = parentPort!;
port.on('message', (msg: ToWorker) => {
  if (msg.type === 'stop') {
    stop = true;
    return;
  }
  runOne(msg.plan, msg.run, msg.sweepDir, () => stop, msg.force).then(
    (r) => port.postMessage({ type: 'done', index: msg.run.index, interrupted: r.interrupted, events: r.eventsProcessed } satisfies FromWorker),
    (e: Error) => port.postMessage({ type: 'error', index: msg.run.index, message: e.message, input: e.name === 'InputError' } satisfies FromWorker),
  );
});
