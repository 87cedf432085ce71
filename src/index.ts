/**
 * kubesim as a library (docs/api.md): load a scenario from a file or an object, run it (with a seed and overrides,
 * into a results folder or into memory), sweep its matrix, explain a pod's scheduling attempt, and write scheduler
 * plugins against the framework's interfaces and Status codes.
 */
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { loadScenario } from './workload/loadScenario.js';
import type { Scenario } from './workload/scenario.js';
import { runScenario, type RunResult } from './sim/simulation.js';
import { explainPod, type Explanation } from './sim/explain.js';
import { planSweep } from './experiment/plan.js';
import { runSweep, type SweepResult } from './experiment/sweep.js';
import type { Cell } from './metrics/csvFile.js';
import { parseDuration } from './cluster/duration.js';
import { InputError } from './workload/errors.js';

export { KUBESIM_VERSION } from './sim/version.js';
export { KUBERNETES_VERSION } from './cluster/kubernetesVersion.js';
export { InputError } from './workload/errors.js';
export { importCluster, CLUSTER_DUMP_COMMAND, type ImportClusterOptions, type ImportClusterResult } from './workload/clusterImport/importCluster.js';
export type { Scenario, InertObject, KindCount } from './workload/scenario.js';
export type { Explanation } from './sim/explain.js';
export type { SweepResult } from './experiment/sweep.js';
export type * from './cluster/types.js';
// The scheduler plugin API (docs/scheduler.md, "Plugins").
export { Code, CODE_NAMES, SKIP, status, isSuccess, isRejected, type Status, type StatusOrSuccess } from './models/scheduler/framework/status.js';
export { MAX_NODE_SCORE, MIN_NODE_SCORE } from './models/scheduler/framework/interfaces.js';
export type { BindPlugin, CycleState, FilterPlugin, PermitPlugin, Plugin, PluginHandle, PostBindPlugin, PostFilterPlugin, PreBindPlugin, PreEnqueuePlugin, PreFilterPlugin, PreScorePlugin, QueueSortPlugin, ReservePlugin, ScorePlugin } from './models/scheduler/framework/interfaces.js';
export type { NodeInfo } from './models/scheduler/nodeInfo.js';
export type { PodInfo } from './models/scheduler/podInfo.js';

/** How to load a scenario. */
export interface LoadOptions {
  /** `--set` overrides, paths relative to `spec` (e.g. `cluster.nodePools[0].count=200`). */
  overrides?: readonly string[];
  /** Overrides `spec.seed`. */
  seed?: number | string;
  /** Refuse custom resources instead of skipping them. */
  strict?: boolean;
  /** For a scenario given as an object: the folder its relative paths (manifests, traces) start from (default: cwd). */
  baseDir?: string;
}

/** Loads and validates a scenario from a file path or a scenario object (`{apiVersion: kubesim.dev/v1, kind: Scenario, …}`). */
export function load(source: string | Record<string, unknown>, opts: LoadOptions = {}): Scenario {
  const overrides = [...(opts.overrides ?? []), ...(opts.seed !== undefined ? [`seed=${JSON.stringify(opts.seed)}`] : [])];
  if (typeof source === 'string') return loadScenario(source, { overrides, strict: opts.strict === true });
  if (source === null || typeof source !== 'object' || Array.isArray(source)) throw new InputError('expected a scenario path or a scenario object');
  return loadScenario(join(resolve(opts.baseDir ?? '.'), '<scenario object>'), { overrides, strict: opts.strict === true, text: stringify(source) });
}

/** One output's rows, each an object keyed by the CSV columns (numbers as numbers, empty cells as undefined). */
export type Row = Record<string, string | number | undefined>;

/** What a run returns. */
export interface RunOutput {
  /** The results folder, when one was written. */
  outDir: string | undefined;
  /** summary.csv's one row. */
  summary: Row;
  /** Each output (pods, nodes, cluster, events, workloads, autoscaling, proxy, services, summary…) as rows. */
  outputs: Record<string, Row[]>;
  eventsProcessed: number;
  simulatedSeconds: number;
}

/** How to run. */
export interface RunOptions extends LoadOptions {
  /** Write the results folder here (CSVs, manifest.json; no report); without it nothing is written. */
  outDir?: string;
  /** Also write scheduling.csv (every scheduling attempt). */
  traceScheduling?: boolean;
}

const NUMBER = /^-?(\d+(\.\d+)?|\.\d+)(e[-+]?\d+)?$/i;
function toRows(columns: readonly string[], rows: readonly Cell[][]): Row[] {
  return rows.map((r) => {
    const o: Row = {};
    columns.forEach((c, i) => {
      const v = r[i];
      o[c] = v === undefined || v === '' ? undefined : typeof v === 'number' ? v : NUMBER.test(v) ? Number(v) : v;
    });
    return o;
  });
}

/** Runs a scenario (a loaded one, a path or an object) and returns its outputs as rows. */
export async function run(scenario: Scenario | string | Record<string, unknown>, opts: RunOptions = {}): Promise<RunOutput> {
  const s = isScenario(scenario) ? scenario : load(scenario, opts);
  if (opts.outDir === undefined) {
    const r = await runScenario(s, { traceScheduling: opts.traceScheduling === true });
    return output(r, Object.fromEntries(Object.entries(r.outputs ?? {}).map(([k, v]) => [k, toRows(v.columns, v.rows)])));
  }
  const r = await runScenario(s, { outDir: resolve(opts.outDir), traceScheduling: opts.traceScheduling === true });
  const { readCsv } = await import('./report/readCsv.js');
  const { readdirSync } = await import('node:fs');
  const outputs: Record<string, Row[]> = {};
  for (const f of readdirSync(r.outDir!).filter((x) => x.endsWith('.csv')).sort()) {
    const rows = readCsv(join(r.outDir!, f));
    outputs[f.slice(0, -4)] = rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v === '' ? undefined : NUMBER.test(v) ? Number(v) : v])));
  }
  return output(r, outputs);
}

function output(r: RunResult, outputs: Record<string, Row[]>): RunOutput {
  return { outDir: r.outDir, summary: outputs.summary?.[0] ?? {}, outputs, eventsProcessed: r.eventsProcessed, simulatedSeconds: r.simulatedUs / 1e6 };
}

function isScenario(x: unknown): x is Scenario {
  return typeof x === 'object' && x !== null && 'durationUs' in x && 'nodePools' in x && 'hash' in x;
}

/** Sweeps a scenario file's matrix (cells × seeds) into `outDir`, on `workers` worker threads. */
export async function sweep(file: string, opts: { outDir: string; workers?: number; overrides?: readonly string[]; baseline?: string; resume?: boolean }): Promise<SweepResult> {
  const plan = planSweep(file, opts.overrides ?? []);
  const { availableParallelism } = await import('node:os');
  return runSweep(plan, resolve(opts.outDir), { workers: opts.workers ?? availableParallelism(), ...(opts.baseline !== undefined ? { baseline: opts.baseline } : {}), ...(opts.resume === true ? { resume: true } : {}) });
}

/** Explains a pod's first scheduling attempt (at or after `at`, a duration like `10m`): every node's filters and scores. */
export async function explain(scenario: Scenario | string | Record<string, unknown>, pod: string, opts: LoadOptions & { at?: string } = {}): Promise<Explanation | undefined> {
  const s = isScenario(scenario) ? scenario : load(scenario, opts);
  const atUs = opts.at === undefined ? 0 : parseDuration(opts.at);
  if (atUs === undefined) throw new InputError(`at: expected a duration such as 90s or 10m, found ${JSON.stringify(opts.at)}`);
  return explainPod(s, pod.includes('/') ? pod : `default/${pod}`, atUs);
}
