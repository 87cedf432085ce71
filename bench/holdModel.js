// Hold-model benchmark of the event queue and the engine (reference/engine-performance.md):
// N events pending; each step pops the minimum and pushes one event at time + Exp(mean 1 s).
// The raw queues (fastpriorityqueue with one object per event, kubesim's typed-key EventHeap) and the full
// Engine (typed slots, lazy cancellation, handler call) run side by side in one process, so ratios are comparable.
import FastPriorityQueue from 'fastpriorityqueue';
import { Bench } from 'tinybench';
import { Engine } from '../dist/engine/engine.js';
import { EventHeap } from '../dist/engine/eventHeap.js';

const STEPS = 200_000;
const MASK = (1 << 20) - 1;

/** Precomputed integer-µs exponential increments (a cheap LCG: the bench is outside simulation code). */
function increments() {
  const a = new Float64Array(MASK + 1);
  let x = 12345;
  for (let i = 0; i <= MASK; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    a[i] = Math.max(1, Math.round(-1e6 * Math.log(1 - x / 2147483648)));
  }
  return a;
}

/** Builds the three hold-model tasks at N pending events; each task performs STEPS steps per call. */
export function holdModelTasks(n) {
  const inc = increments();
  let k = 0;

  const fpq = new FastPriorityQueue((a, b) => a.time < b.time || (a.time === b.time && a.seq < b.seq));
  let fpqSeq = 0;
  for (let i = 0; i < n; i++) fpq.add({ time: inc[k++ & MASK], seq: fpqSeq++ });

  const heap = new EventHeap(n);
  let heapSeq = 0;
  for (let i = 0; i < n; i++) heap.push(inc[k++ & MASK], heapSeq++, i);
  let heapNow = 0;

  const engine = new Engine();
  let count = 0;
  const hold = () => {
    engine.schedule(inc[k++ & MASK], hold);
    if (++count === STEPS) engine.stop();
  };
  for (let i = 0; i < n; i++) engine.schedule(inc[k++ & MASK], hold);

  return {
    fastpriorityqueue: () => {
      for (let i = 0; i < STEPS; i++) {
        const e = fpq.poll();
        fpq.add({ time: e.time + inc[k++ & MASK], seq: fpqSeq++ });
      }
    },
    'typed-key heap': () => {
      for (let i = 0; i < STEPS; i++) {
        heapNow = heap.peekTime();
        const slot = heap.pop();
        heap.push(heapNow + inc[k++ & MASK], heapSeq++, slot);
      }
    },
    engine: () => {
      count = 0;
      engine.run();
    },
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Runs the hold model at each N and returns rows {n, task, eventsPerSecond (median of rounds), rounds}. The tasks
 * are measured in interleaved rounds (one short tinybench run each per round) and the medians compared, because
 * this machine's speed drifts over seconds: one long run per task would compare different moments.
 */
export async function runHoldModel(sizes = [100_000, 1_000_000], rounds = 7, time = 800) {
  const rows = [];
  for (const n of sizes) {
    const tasks = holdModelTasks(n);
    const perTask = Object.fromEntries(Object.keys(tasks).map((k) => [k, []]));
    for (let r = 0; r < rounds; r++) {
      const bench = new Bench({ time, iterations: 5, warmupTime: r === 0 ? 500 : 100, warmupIterations: 2 });
      for (const [name, fn] of Object.entries(tasks)) bench.add(name, fn);
      await bench.run();
      for (const t of bench.tasks) perTask[t.name].push(STEPS / (t.result.latency.mean / 1000));
    }
    for (const [task, xs] of Object.entries(perTask)) rows.push({ n, task, eventsPerSecond: Math.round(median(xs)), rounds });
  }
  return rows;
}
