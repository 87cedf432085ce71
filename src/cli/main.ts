#!/usr/bin/env -S node --max-semi-space-size=64
/**
 * The kubesim command line (commander). Commands parse flags and call the layers below; they hold no logic.
 * Exit codes: 0 ok, 1 the run failed, 2 bad input or usage. Errors are one paragraph on stderr; `--debug` adds the
 * stack trace.
 */
import { Command, CommanderError, Option } from 'commander';
import { join, resolve } from 'node:path';
import { InputError } from '../workload/errors.js';
import { loadScenario } from '../workload/loadScenario.js';
import type { KindCount } from '../workload/scenario.js';
import { KUBESIM_VERSION } from '../sim/version.js';
import { KUBERNETES_VERSION, versionName } from '../cluster/kubernetesVersion.js';
import type { ReportOptions } from '../report/writeReport.js';
import { Progress, SweepProgress } from './progress.js';
import { type IsolatedResult, RunFailure, runIsolated } from './isolatedRun.js';
import { checkMemory, heapBudgetMb } from '../experiment/memory.js';
import { checkRunOutput, removeStaleTemp } from '../sim/resultsFolder.js';
import { availableParallelism } from 'node:os';
import { planSweep } from '../experiment/plan.js';
import { runSweep } from '../experiment/sweep.js';
import { mergeSweeps } from '../experiment/merge.js';
import { emitJob } from '../experiment/emitJob.js';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { readCsv } from '../report/readCsv.js';
import { explainPod, formatExplanation } from '../sim/explain.js';
import { parseDuration } from '../cluster/duration.js';
import { importTrace } from '../workload/traces/importTrace.js';
import { CLUSTER_DUMP_COMMAND, importCluster } from '../workload/clusterImport/importCluster.js';
import { planCapacity, rankShapes } from '../experiment/capacity.js';
import { parseObjective } from '../experiment/objective.js';
import { NODE_FORMATS, TRACE_FORMATS } from '../workload/schema/scenario.js';

/** Wall-clock timing of a sweep, next to sweep.json (report/writeReport.ts reads it). */
const SWEEP_TIMING = 'timing.json';

/** The report writer, loaded when first needed (vega and the renderer take a while to load). */
async function writeReport(dir: string, opts?: ReportOptions): Promise<string> {
  const m = await import('../report/writeReport.js');
  return m.writeReport(dir, opts);
}

const debug = process.argv.includes('--debug');

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function parsePositiveInt(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new InputError(`expected a positive integer, found "${v}"`);
  return Number(v);
}

function parseNonNegativeInt(v: string): number {
  if (!/^\d+$/.test(v)) throw new InputError(`expected an integer ≥ 0, found "${v}"`);
  return Number(v);
}

function parseSeed(v: string): string {
  if (v.trim() === '') throw new InputError('--seed: expected an integer or a word');
  return v;
}

const program = new Command();
/** Warnings of a loaded scenario, one line each on stderr. */
/** Columns whose values are names, kept as text in JSON even when they look like numbers. */
const TEXT_COLUMNS = new Set(['scenario', 'policy', 'trace', 'proxy_mode', 'cell', 'baseline', 'kind', 'metric']);

/** A CSV row for --json: numbers as numbers, empty cells as null. */
function jsonRow(row: Record<string, string | undefined>): Record<string, string | number | null> {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v === undefined || v === '' ? null : !TEXT_COLUMNS.has(k) && /^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(v) ? Number(v) : v]));
}

function printWarnings(warnings: readonly string[]): void {
  for (const w of warnings) process.stderr.write(`kubesim: warning: ${w}\n`);
}

/** The manifests' kinds as validate prints them: loaded and modelled, loaded and inert, skipped. */
function kindTable(kinds: readonly KindCount[]): string {
  const label = { modelled: 'loaded, modelled', inert: 'loaded, inert', skipped: 'skipped' } as const;
  const rows = kinds.map((k) => [k.kind, k.apiVersion, String(k.count), label[k.status]]);
  const head = ['kind', 'apiVersion', 'objects', 'taken as'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd() + '\n';
  return [head, ...rows].map(line).join('');
}

program
  .name('kubesim')
  .description('Deterministic discrete-event simulator of Kubernetes clusters.')
  .version(`kubesim ${KUBESIM_VERSION} (follows Kubernetes ${KUBERNETES_VERSION})`)
  .option('--debug', 'print stack traces of errors')
  .showHelpAfterError('(add --help to see the options)')
  .exitOverride();

program
  .command('run')
  .description('simulate a scenario and write CSVs, manifest.json and report.html')
  .argument('<scenario>', 'scenario file (YAML or JSON)')
  .option('--seed <n>', 'override spec.seed', parseSeed)
  .option('--out <dir>', 'output folder (default: results/<scenario name>)')
  .option('--set <path=value>', 'override a scenario field, e.g. --set cluster.nodePools[0].count=200 (repeatable)', collect, [])
  .option('--no-report', 'skip report.html')
  .option('--quiet', 'no progress bar and no summary line')
  .option('--json', 'print the run summary (summary.csv as JSON, plus the results folder) on stdout')
  .option('--trace-scheduling', 'write every scheduling attempt (filter statuses and scores per node) to scheduling.csv')
  .option('--force', 'write into an --out folder that holds other files (files kubesim did not write are kept)')
  .option('--max-memory <size>', "the run's heap budget, e.g. 8Gi (default: three quarters of the machine's memory)")
  .option('--no-memory-check', "run even when the scenario's estimated memory exceeds the budget")
  .option('--strict', 'refuse manifests of kinds that are not built into Kubernetes (custom resources) instead of skipping them')
  .addHelpText(
    'after',
    `
Examples:
  kubesim run workloads/quickstart.yaml
  kubesim run workloads/quickstart.yaml --seed 7 --out results/qs-seed7
  kubesim run workloads/quickstart.yaml --set cluster.nodePools[0].count=60 --set duration=30m`,
  )
  .action(async (file: string, opts: { seed?: string; out?: string; set: string[]; report: boolean; quiet?: boolean; json?: boolean; traceScheduling?: boolean; force?: boolean; maxMemory?: string; memoryCheck: boolean; strict?: boolean }) => {
    // Installed first, so a Ctrl-C while the scenario loads also stops cleanly.
    const running: { stop?: () => void } = {};
    let stopRequested = false;
    const onSigint = () => {
      stopRequested = true;
      running.stop?.();
    };
    process.on('SIGINT', onSigint);
    const overrides = [...opts.set];
    if (opts.seed !== undefined) overrides.push(`seed=${/^-?\d+$/.test(opts.seed) ? opts.seed : JSON.stringify(opts.seed)}`);
    const scenario = loadScenario(file, { overrides, strict: opts.strict === true });
    printWarnings(scenario.warnings);
    const outDir = resolve(opts.out ?? `results/${scenario.name}`);
    checkRunOutput(outDir, opts.force === true);
    const heapMb = heapBudgetMb(1, opts.maxMemory);
    if (opts.memoryCheck) checkMemory(scenario, heapMb, file);
    const progress = new Progress(scenario.name, scenario.durationUs, opts.quiet === true);
    const t0 = Date.now();
    const run = runIsolated({ file, overrides, outDir, force: opts.force === true, traceScheduling: opts.traceScheduling === true }, heapMb, (t, ev) => progress.update(t, ev));
    running.stop = run.stop;
    if (stopRequested) run.stop();
    let result: IsolatedResult;
    try {
      result = await run.done;
    } catch (e) {
      removeStaleTemp(outDir);
      progress.done();
      throw e instanceof RunFailure ? new RunFailure(`run ${scenario.name}: ${e.message}`) : e;
    }
    process.off('SIGINT', onSigint);
    progress.done();
    if (result.interrupted) {
      process.stderr.write(`kubesim: interrupted at simulated ${(result.simulatedUs / 1e6).toFixed(0)}s; nothing was written to ${outDir}\n`);
      process.exitCode = 130;
      return;
    }
    if (opts.report) await writeReport(outDir);
    const wall = (Date.now() - t0) / 1000;
    if (opts.json) {
      process.stdout.write(JSON.stringify({ results: outDir, wallSeconds: wall, summary: jsonRow(readCsv(join(outDir, 'summary.csv'))[0] ?? {}) }, null, 2) + '\n');
    } else if (!opts.quiet) {
      process.stdout.write(
        `${scenario.name}: simulated ${(result.simulatedUs / 1e6).toFixed(0)}s in ${wall.toFixed(2)}s wall ` +
          `(${result.eventsProcessed} events, ${Math.round(result.eventsProcessed / Math.max(wall, 1e-3))} events/s), ` +
          `${result.podsCreated} pods created, ${result.podsBound} bound\nresults: ${outDir}\n`,
      );
    }
  });

program
  .command('sweep')
  .description("run a scenario's matrix (cells × seeds) on a worker pool and aggregate with confidence intervals")
  .argument('<scenario>', 'scenario file with spec.matrix')
  .addOption(new Option('--workers <n>', 'worker threads').argParser(parsePositiveInt).default(availableParallelism(), 'number of cores'))
  .option('--out <dir>', 'sweep folder (default: results/<scenario name>)')
  .option('--set <path=value>', 'override a field in every cell (repeatable)', collect, [])
  .option('--baseline <path=value>', 'cell to compare every other cell with (paired differences → differences.csv)')
  .option('--resume', 'keep finished runs of an earlier, interrupted sweep and run the rest (failed ones again)')
  .option('--force', 'write into an --out folder that holds other files (files kubesim did not write are kept)')
  .option('--max-memory <size>', "each run's heap budget, e.g. 8Gi (default: three quarters of the machine's memory over the workers)")
  .option('--no-memory-check', "run cells even when their estimated memory exceeds the budget")
  .option('--parts <n>', 'split the runs into n parts and run one of them (for an Indexed Job)', parsePositiveInt)
  .option('--index <i>', 'the part to run (default: $JOB_COMPLETION_INDEX)', parseNonNegativeInt)
  .option('--emit-job [file]', 'instead of running: write a ConfigMap + Indexed Job that runs the sweep on a cluster (to file or stdout)')
  .option('--image <image>', 'with --emit-job: container image with kubesim installed', `kubesim:${KUBESIM_VERSION}`)
  .option('--namespace <ns>', 'with --emit-job: namespace', 'default')
  .option('--pvc <name>', 'with --emit-job: PersistentVolumeClaim for /results (ReadWriteMany)', 'kubesim-results')
  .option('--no-report', 'skip report.html')
  .option('--quiet', 'no progress and no summary line')
  .option('--json', 'print the per-cell means and CIs (summary.csv mean rows) and paired differences as JSON on stdout')
  .addHelpText(
    'after',
    `
Examples:
  kubesim sweep workloads/policies-basic.yaml
  kubesim sweep workloads/policies-basic.yaml --workers 2 --baseline scheduler.profile=default
  kubesim sweep workloads/policies-basic.yaml --resume            # after an interrupted sweep
  kubesim sweep workloads/policies-basic.yaml --parts 4 --index 1 --out /results/part-1
  kubesim sweep workloads/policies-basic.yaml --emit-job job.yaml --parts 4 --image registry.example.com/kubesim:${KUBESIM_VERSION}`,
  )
  .action(async (file: string, opts: { workers: number; out?: string; set: string[]; baseline?: string; resume?: boolean; force?: boolean; maxMemory?: string; memoryCheck: boolean; parts?: number; index?: number; report: boolean; quiet?: boolean; json?: boolean; emitJob?: string | boolean; image: string; namespace: string; pvc: string }) => {
    // Installed first, so a Ctrl-C while the sweep is planned also stops cleanly; handed to the pool once it runs.
    let stopPool: (() => void) | undefined;
    let stopRequested = false;
    process.on('SIGINT', () => {
      stopRequested = true;
      stopPool?.();
    });
    const heapMb = heapBudgetMb(opts.workers, opts.maxMemory);
    const plan = planSweep(file, opts.set, opts.memoryCheck && opts.emitJob === undefined ? heapMb : undefined);
    if (opts.emitJob !== undefined) {
      const text = emitJob(loadScenario(file, { overrides: opts.set }), { parts: opts.parts ?? Math.min(plan.runs.length, 4), workersPerPod: Math.min(opts.workers, 4), image: opts.image, namespace: opts.namespace, pvc: opts.pvc, overrides: opts.set });
      if (typeof opts.emitJob === 'string') writeFileSync(opts.emitJob, text);
      else process.stdout.write(text);
      return;
    }
    const dir = resolve(opts.out ?? `results/${plan.scenario}`);
    let index = opts.index;
    if (opts.parts !== undefined && index === undefined) {
      const env = process.env.JOB_COMPLETION_INDEX;
      if (env === undefined || !/^\d+$/.test(env)) throw new InputError('--parts needs --index or the JOB_COMPLETION_INDEX environment variable');
      index = Number(env);
    }
    if (opts.parts !== undefined && index! >= opts.parts) throw new InputError(`--index ${index}: expected a value below --parts ${opts.parts}`);
    const t0 = Date.now();
    const progress = new SweepProgress(plan.scenario, opts.quiet === true);
    const result = await runSweep(plan, dir, {
      workers: opts.workers,
      heapMb,
      ...(opts.force ? { force: true } : {}),
      ...(opts.resume ? { resume: true } : {}),
      ...(opts.baseline !== undefined ? { baseline: opts.baseline } : {}),
      ...(opts.parts !== undefined ? { parts: opts.parts, index: index! } : {}),
      onRun: (_run, _o, finished, total) => progress.update(finished, total),
      onStopHook: (stop) => {
        stopPool = stop;
        if (stopRequested) stop();
      },
    });
    progress.done();
    const failed = result.failures[0];
    if (failed !== undefined) {
      const input = result.failures.find((f) => f.input);
      if (input !== undefined) throw new InputError(`run ${input.run.dir}: ${input.message}`);
      for (const f of result.failures.slice(1)) process.stderr.write(`kubesim: run ${f.run.dir}: ${f.message}\n`);
      const done = result.state.status.filter((st) => st === 'done').length;
      throw new RunFailure(`run ${failed.run.dir}: ${failed.message} (${result.failures.length} failed, ${done}/${plan.runs.length} done in ${dir}; --resume runs the failed ones again)`);
    }
    if (result.interrupted) {
      process.stderr.write(`kubesim: sweep interrupted; finished runs are kept in ${dir} (see sweep.json); continue with --resume\n`);
      process.exitCode = 130;
      return;
    }
    if (result.complete && opts.parts === undefined) writeFileSync(join(dir, SWEEP_TIMING), JSON.stringify({ wallSeconds: (Date.now() - t0) / 1000, workers: opts.workers, finishedAt: new Date().toISOString() }, null, 2) + '\n');
    if (result.complete && opts.parts === undefined && opts.report) await writeReport(dir);
    if (opts.json && result.complete && opts.parts === undefined) {
      const cells = readCsv(join(dir, 'summary.csv')).filter((r) => r.kind === 'mean');
      const differences = existsSync(join(dir, 'differences.csv')) ? readCsv(join(dir, 'differences.csv')) : [];
      process.stdout.write(JSON.stringify({ results: dir, cells: cells.map(jsonRow), differences: differences.map(jsonRow) }, null, 2) + '\n');
    } else if (!opts.quiet) {
      const done = result.state.status.filter((st) => st === 'done').length;
      process.stdout.write(`${plan.scenario}: ${plan.cells.length} cells × ${plan.seeds.length} seeds; ${result.ran} runs now, ${done}/${plan.runs.length} done in ${((Date.now() - t0) / 1000).toFixed(2)}s wall on ${opts.workers} workers\nresults: ${dir}\n`);
    }
  });

program
  .command('merge')
  .description('combine the parts of a partitioned sweep (kubesim sweep --parts) into one result')
  .argument('<dirs...>', 'part folders, each written by kubesim sweep --parts N --index i')
  .requiredOption('--out <dir>', 'the merged sweep folder')
  .option('--no-report', 'skip report.html')
  .option('--json', 'print {out, runs, report} as JSON')
  .addHelpText('after', '\nExample:\n  kubesim merge /results/part-0 /results/part-1 --out results/policies-basic')
  .action(async (dirs: string[], opts: { out: string; report: boolean; json?: boolean }) => {
    const out = resolve(opts.out);
    mergeSweeps(dirs.map((d) => resolve(d)), out);
    const report = opts.report ? await writeReport(out) : null;
    if (opts.json === true) {
      const state = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')) as { plan: { runs: unknown[] } };
      process.stdout.write(JSON.stringify({ out, runs: state.plan.runs.length, report }, null, 2) + '\n');
      return;
    }
    process.stdout.write(`${out}\n`);
  });

program
  .command('validate')
  .description('check a scenario and its manifests without running it')
  .argument('<scenario>', 'scenario file (YAML or JSON)')
  .option('--set <path=value>', 'override a scenario field (repeatable)', collect, [])
  .option('--strict', 'refuse manifests of kinds that are not built into Kubernetes (custom resources)')
  .option('--json', 'print the result as JSON')
  .addHelpText('after', '\nExample:\n  kubesim validate workloads/quickstart.yaml')
  .action((file: string, opts: { set: string[]; strict?: boolean; json?: boolean }) => {
    const s = loadScenario(file, { overrides: opts.set, strict: opts.strict === true });
    printWarnings(s.warnings);
    // Every cell of a matrix is a scenario of its own: each is checked as a sweep would load it.
    const cells = s.matrix !== undefined ? planSweep(file, opts.set).runs.length : undefined;
    const pools = s.nodePools.reduce((n, p) => n + p.count, 0);
    if (opts.json === true) {
      const result = { file, scenario: s.name, valid: true, poolNodes: pools, objects: s.objects.length, snapshotObjects: s.snapshotObjects, inert: s.inert.length, workloads: s.workloads.length, durationSeconds: s.durationUs / 1e6, kubernetesVersion: versionName(s.kubernetesMinor), runs: cells ?? null, kinds: s.kinds, warnings: s.warnings };
      process.stdout.write(JSON.stringify(result, null, 2) + '\n');
      return;
    }
    process.stdout.write(`${file}: valid scenario "${s.name}": ${pools} pool nodes, ${s.objects.length} manifest objects${s.snapshotObjects > 0 ? ` (${s.snapshotObjects} of them the cluster snapshot's)` : ''}, ${s.inert.length} inert, ${s.workloads.length} workload generators, ${s.durationUs / 1e6}s\n`);
    if (s.kinds.length > 0) process.stdout.write(kindTable(s.kinds));
  });

program
  .command('capacity')
  .description('find the smallest node count of a pool meeting objectives (bisection, several seeds per count, confidence-aware)')
  .argument('<scenario>', 'scenario file (YAML or JSON)')
  .requiredOption('--pool <name>', 'the node pool to size')
  .requiredOption('--objective <text>', 'e.g. "p99 scheduling latency < 30s", "unschedulable == 0", "p99 first-packet latency < 100us" (repeatable)', collect, [])
  .option('--min <n>', 'fewest nodes to try', parseNonNegativeInt, 0)
  .option('--max <n>', 'most nodes to try (must meet the objectives)', parsePositiveInt)
  .option('--seeds <n>', 'seeds per node count (the same at every count)', parsePositiveInt, 3)
  .addOption(new Option('--workers <n>', 'worker threads').argParser(parsePositiveInt).default(availableParallelism(), 'number of cores'))
  .option('--compare-shapes', "also search the pool's alternative shapes and rank them by the cost of their smallest passing cluster")
  .option('--set <path=value>', 'override a scenario field (repeatable)', collect, [])
  .option('--out <dir>', 'output folder (default: results/<scenario name>-capacity)')
  .option('--json', 'print the result as JSON')
  .addHelpText(
    'after',
    `
Examples:
  kubesim capacity workloads/capacity.yaml --pool workers --objective "unschedulable == 0" --objective "p99 scheduling latency < 30s"
  kubesim capacity workloads/capacity.yaml --pool workers --objective "unschedulable == 0" --compare-shapes`,
  )
  .action(async (file: string, opts: { pool: string; objective: string[]; min: number; max?: number; seeds: number; workers: number; compareShapes?: boolean; set: string[]; out?: string; json?: boolean }) => {
    const objectives = opts.objective.map(parseObjective);
    const base = loadScenario(file, { overrides: opts.set });
    const pool = base.nodePools.find((p) => p.name === opts.pool);
    const max = opts.max ?? Math.max(1, (pool?.count ?? 1) * 2);
    const seed0 = typeof base.seed === 'number' ? base.seed : 1;
    const seeds = Array.from({ length: opts.seeds }, (_, i) => seed0 + i);
    const out = resolve(opts.out ?? `results/${base.name}-capacity`);
    const t0 = Date.now();
    const results = await planCapacity({
      file,
      overrides: opts.set,
      pool: opts.pool,
      objectives,
      min: opts.min,
      max,
      seeds,
      workers: opts.workers,
      out,
      compareShapes: opts.compareShapes === true,
      onPoint: (p) => {
        if (!opts.json) process.stderr.write(`  ${p.shape} × ${p.nodes}: ${p.pass ? 'meets' : 'misses'} (${p.metrics.map((m) => `${m.objective.column} ${m.mean === undefined ? 'n/a' : Number(m.mean.toPrecision(4))}`).join(', ')})\n`);
      },
    });
    const { writeCapacityOutputs } = await import('../report/capacityReport.js');
    await writeCapacityOutputs(out, base.name, KUBESIM_VERSION, seeds, results, (Date.now() - t0) / 1000);
    const ranked = rankShapes(results);
    if (opts.json) {
      process.stdout.write(JSON.stringify({ results: out, shapes: ranked.map((r) => ({ shape: r.shape, nodes: r.nodes ?? null, price: r.price ?? null, cost: r.cost ?? null })) }, null, 2) + '\n');
    } else {
      const rows = ranked.map((r) => `${r.shape.padEnd(20)} ${String(r.nodes ?? `none ≤ ${max}`).padStart(10)} ${r.cost === undefined ? '' : r.cost.toFixed(2).padStart(12)}`);
      const costs = ranked.some((r) => r.cost !== undefined);
      process.stdout.write(`${`${'shape'.padEnd(20)} ${'nodes'.padStart(10)} ${costs ? 'cost/hour'.padStart(12) : ''}`.trimEnd()}\n${rows.map((r) => r.trimEnd()).join('\n')}\nresults: ${out}\n`);
    }
    if (ranked.every((r) => r.nodes === undefined)) process.exitCode = 1;
  });

program
  .command('import-cluster')
  .description("write a scenario that starts in a live cluster's state, from a kubectl dump of its objects")
  .argument('<dump>', `what \`${CLUSTER_DUMP_COMMAND}\` prints (YAML or JSON), or - to read it from standard input`)
  .option('--out <dir>', 'folder for scenario.yaml and cluster/ (default: imported-<dump name> next to the dump)')
  .option('--anonymize', 'replace names, namespaces, label values and images by stable hashes, to share the scenario')
  .option('--name <name>', 'scenario name (default: imported-<dump name>)')
  .option('--duration <d>', 'simulated duration written into the scenario', '1h')
  .option('--force', 'replace an earlier import in --out')
  .option('--json', 'print the result as JSON')
  .addHelpText(
    'after',
    `
The dump:
  ${CLUSTER_DUMP_COMMAND} > cluster.yaml

Examples:
  kubesim import-cluster workloads/imported-cluster/dump.yaml --out my-cluster
  kubesim import-cluster cluster.yaml --anonymize --out shared-cluster
  kubectl get … -A -o yaml | kubesim import-cluster - --out my-cluster
  kubesim run my-cluster/scenario.yaml`,
  )
  .action((dump: string, opts: { out?: string; anonymize?: boolean; name?: string; duration: string; force?: boolean; json?: boolean }) => {
    if (parseDuration(opts.duration) === undefined) throw new InputError(`--duration: expected a duration such as 30m or 2h, found "${opts.duration}"`);
    const r = importCluster({ dump, ...opts });
    if (opts.json === true) {
      process.stdout.write(JSON.stringify(r, null, 2) + '\n');
      return;
    }
    const list = (m: Record<string, number>) => Object.entries(m).map(([k, n]) => `${n} ${k}`).join(', ');
    process.stdout.write(`${r.scenario}: ${r.nodes} nodes, ${r.pods.running} running pods, ${r.pods.pending} pending, ${r.pods.finished} finished${r.anonymized ? ' (anonymized)' : ''}\n`);
    if (Object.keys(r.dropped).length > 0) process.stdout.write(`  left out: ${list(r.dropped)}\n`);
    if (Object.keys(r.standIns).length > 0) process.stdout.write(`  stand-ins for what the dump does not hold: ${list(r.standIns)}\n`);
  });

program
  .command('import-trace')
  .description('read a cluster trace (every row checked) and write a scenario replaying it, with the trace files copied next to it')
  .requiredOption('--format <format>', `pod trace format: ${TRACE_FORMATS.join(', ')}`)
  .requiredOption('--pods <file>', 'the pod (instance, task) file of the trace')
  .option('--nodes <file>', "the trace's node list (replaces the scenario's node pools)")
  .option('--node-format <format>', `node list format: ${NODE_FORMATS.join(', ')} (default: the pod format's own)`)
  .option('--out <dir>', 'folder for <name>.yaml and traces/', 'scenarios')
  .option('--name <name>', 'scenario and workload name (default: from the pod file)')
  .option('--time-scale <x>', 'compress time: 0.01 replays 100x faster', Number)
  .option('--placement', "write a placement experiment (the FGD paper's protocol) instead of a replay in time")
  .option('--force', 'replace an existing scenario file')
  .option('--json', 'print the result as JSON')
  .addHelpText(
    'after',
    `
Examples:
  kubesim import-trace --format openb --pods openb_pod_list_default.csv --nodes openb_node_list_gpu_node.csv --placement
  kubesim import-trace --format alibaba-dlrm --pods disaggregated_DLRM_trace.csv --time-scale 0.001 --out scenarios/dlrm`,
  )
  .action((opts: { format: string; pods: string; nodes?: string; nodeFormat?: string; out: string; name?: string; timeScale?: number; placement?: boolean; force?: boolean; json?: boolean }) => {
    if (!(TRACE_FORMATS as readonly string[]).includes(opts.format)) throw new InputError(`--format ${opts.format}: expected one of ${TRACE_FORMATS.join(', ')}`);
    if (opts.nodeFormat !== undefined && !(NODE_FORMATS as readonly string[]).includes(opts.nodeFormat)) throw new InputError(`--node-format ${opts.nodeFormat}: expected one of ${NODE_FORMATS.join(', ')}`);
    if (opts.timeScale !== undefined && !(opts.timeScale > 0)) throw new InputError('--time-scale: expected a number > 0');
    const r = importTrace({ ...opts, format: opts.format as (typeof TRACE_FORMATS)[number], nodeFormat: opts.nodeFormat as (typeof NODE_FORMATS)[number] | undefined });
    if (opts.json === true) {
      process.stdout.write(JSON.stringify({ scenario: r.scenario, pods: r.pods, gpuPods: r.gpuPods, nodes: r.nodes ?? null, gpus: r.gpus ?? null, spanSeconds: r.spanSeconds ?? null }, null, 2) + '\n');
      return;
    }
    process.stdout.write(
      `${r.scenario}: ${r.pods} pods (${r.gpuPods} with GPUs)` +
        `${r.nodes !== undefined ? `, ${r.nodes} nodes with ${r.gpus} GPUs` : ', no node list (size the pool in the scenario)'}` +
        `${r.spanSeconds !== undefined ? `, spanning ${r.spanSeconds.toFixed(0)} s of trace time` : ''}\n`,
    );
  });

program
  .command('explain')
  .description("run a scenario up to one pod's scheduling attempt and show every node's filter and score results")
  .argument('<scenario>', 'scenario file (YAML or JSON)')
  .requiredOption('--pod <namespace/name>', 'the pod to explain')
  .option('--at <time>', 'explain the first attempt at or after this simulated time (e.g. 90s, 10m)')
  .option('--set <path=value>', 'override a scenario field (repeatable)', collect, [])
  .option('--json', 'print {pod, profile, nodes: [{name, filters, scores, total}], selected, message} as JSON')
  .addHelpText('after', '\nExamples:\n  kubesim explain workloads/examples/explain.yaml --pod default/api-1\n  kubesim explain workloads/examples/explain.yaml --pod default/huge-1 --json')
  .action(async (file: string, opts: { pod: string; at?: string; set: string[]; json?: boolean }) => {
    const scenario = loadScenario(file, { overrides: opts.set });
    let atUs = 0;
    if (opts.at !== undefined) {
      const d = parseDuration(opts.at);
      if (d === undefined) throw new InputError(`--at: expected a duration such as 90s or 10m, found "${opts.at}"`);
      atUs = d;
    }
    if (!/^([a-z0-9]([-a-z0-9]*[a-z0-9])?\/)?[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(opts.pod)) throw new InputError(`--pod: expected namespace/name, found "${opts.pod}"`);
    const e = await explainPod(scenario, opts.pod, atUs);
    if (e === undefined) {
      throw new InputError(`${file}: pod ${opts.pod.includes('/') ? opts.pod : `default/${opts.pod}`} had no scheduling attempt${atUs > 0 ? ` at or after ${opts.at}` : ''} in the ${scenario.durationUs / 1e6}s simulated (see pods.csv of a run for the pods' names)`);
    }
    process.stdout.write(opts.json ? JSON.stringify(e, null, 2) + '\n' : formatExplanation(e));
  });

program
  .command('report')
  .description('(re)build report.html and the chart files (.vl.json, .svg) from a run or sweep folder')
  .argument('<dir>', 'a results folder written by kubesim run or kubesim sweep')
  .option('--png', 'also write each chart as .png')
  .option('--json', 'print {report, charts} as JSON (the chart ids, each written as charts/<id>.vl.json and .svg)')
  .addHelpText('after', '\nExamples:\n  kubesim report results/quickstart\n  kubesim report results/policies-basic --png')
  .action(async (dir: string, opts: { png?: boolean; json?: boolean }) => {
    const file = await writeReport(resolve(dir), { png: opts.png === true });
    if (opts.json === true) {
      const charts = readdirSync(join(resolve(dir), 'charts')).filter((f) => f.endsWith('.vl.json')).map((f) => f.slice(0, -'.vl.json'.length)).sort();
      process.stdout.write(JSON.stringify({ report: file, charts }, null, 2) + '\n');
      return;
    }
    process.stdout.write(`${file}\n`);
  });

// Whatever escapes a command (a write error in a callback included) ends in the same one-line report.
process.on('uncaughtException', handle);
process.on('unhandledRejection', handle);
program.parseAsync().catch(handle);

function handle(e: unknown): never {
  if (e instanceof CommanderError) {
    // commander already printed its message (or the help/version text).
    process.exit(e.exitCode === 0 ? 0 : 2);
  }
  if (e instanceof RunFailure) {
    process.stderr.write(`kubesim: ${e.message}\n`);
    process.exit(1);
  }
  if (e instanceof InputError) {
    process.stderr.write(`kubesim: ${e.message}\n`);
    if (debug) process.stderr.write(`${e.stack}\n`);
    process.exit(2);
  }
  process.stderr.write(`kubesim: the run failed: ${(e as Error).message ?? String(e)}\n`);
  if (debug) process.stderr.write(`${(e as Error).stack}\n`);
  else process.stderr.write('(run again with --debug for the stack trace)\n');
  process.exit(1);
}

