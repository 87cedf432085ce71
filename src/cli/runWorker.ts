/**
 * The thread `kubesim run` simulates in. The run is isolated in a worker so that its heap has a budget
 * (experiment/memory.ts): V8 stops a worker that reaches its limit and the CLI reports it in one line, where an
 * out-of-memory in the main thread would abort the whole process with a native dump.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadScenario } from '../workload/loadScenario.js';
import { runScenario } from '../sim/simulation.js';

/** What the CLI sends at start. */
export interface RunRequest {
  file: string;
  overrides: string[];
  outDir: string;
  force: boolean;
  traceScheduling: boolean;
}

/** Messages to the CLI. */
export type FromRunWorker =
  | { type: 'progress'; simUs: number; events: number }
  | { type: 'done'; result: { interrupted: boolean; simulatedUs: number; eventsProcessed: number; podsCreated: number; podsBound: number } }
  | { type: 'error'; message: string; input: boolean; stack: string | undefined };

const port = parentPort!;
const req = workerData as RunRequest;
let stop = false;
port.on('message', (m: { type: 'stop' }) => {
  if (m.type === 'stop') stop = true;
});

try {
  const scenario = loadScenario(req.file, { overrides: req.overrides });
  const result = await runScenario(scenario, {
    outDir: req.outDir,
    force: req.force,
    onProgress: (simUs, events) => port.postMessage({ type: 'progress', simUs, events } satisfies FromRunWorker),
    shouldStop: () => stop,
    traceScheduling: req.traceScheduling,
    wallClock: () => {
      const ms = Date.now();
      return { ms, iso: new Date(ms).toISOString() };
    },
  });
  port.postMessage({ type: 'done', result: { interrupted: result.interrupted, simulatedUs: result.simulatedUs, eventsProcessed: result.eventsProcessed, podsCreated: result.podsCreated, podsBound: result.podsBound } } satisfies FromRunWorker);
} catch (e) {
  const err = e as Error;
  port.postMessage({ type: 'error', message: err.message ?? String(e), input: err.name === 'InputError', stack: err.stack } satisfies FromRunWorker);
}
port.close();
