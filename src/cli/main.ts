#!/usr/bin/env node
/**
 * The kubesim command line (commander). Commands parse flags and call the layers below; they hold no logic.
 * Exit codes: 0 ok, 1 the run failed, 2 bad input or usage. Errors are one paragraph on stderr; `--debug` adds the
 * stack trace.
 */
import { Command, CommanderError } from 'commander';
import { resolve } from 'node:path';
import { InputError } from '../workload/errors.js';
import { loadScenario } from '../workload/loadScenario.js';
import { runScenario } from '../sim/simulation.js';
import { KUBESIM_VERSION } from '../sim/version.js';
import { writeReport } from '../report/writeReport.js';
import { Progress } from './progress.js';

const debug = process.argv.includes('--debug');

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function parseSeed(v: string): string {
  if (v.trim() === '') throw new InputError('--seed: expected an integer or a word');
  return v;
}

const program = new Command();
program
  .name('kubesim')
  .description('Deterministic discrete-event simulator of Kubernetes clusters.')
  .version(KUBESIM_VERSION)
  .option('--debug', 'print stack traces of errors')
  .showHelpAfterError()
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
  .addHelpText(
    'after',
    `
Examples:
  kubesim run workloads/quickstart.yaml
  kubesim run workloads/quickstart.yaml --seed 7 --out results/qs-seed7
  kubesim run workloads/quickstart.yaml --set cluster.nodePools[0].count=60 --set duration=30m`,
  )
  .action(async (file: string, opts: { seed?: string; out?: string; set: string[]; report: boolean; quiet?: boolean }) => {
    const overrides = [...opts.set];
    if (opts.seed !== undefined) overrides.push(`seed=${/^-?\d+$/.test(opts.seed) ? opts.seed : JSON.stringify(opts.seed)}`);
    const scenario = loadScenario(file, { overrides });
    const outDir = resolve(opts.out ?? `results/${scenario.name}`);
    const progress = new Progress(scenario.name, scenario.durationUs, opts.quiet === true);
    let stop = false;
    const onSigint = () => {
      stop = true;
    };
    process.on('SIGINT', onSigint);
    const t0 = Date.now();
    const result = await runScenario(scenario, {
      outDir,
      onProgress: (t, ev) => progress.update(t, ev),
      shouldStop: () => stop,
      wallClock: () => {
        const ms = Date.now();
        return { ms, iso: new Date(ms).toISOString() };
      },
    });
    process.off('SIGINT', onSigint);
    progress.done();
    if (result.interrupted) {
      process.stderr.write(`kubesim: interrupted at simulated ${(result.simulatedUs / 1e6).toFixed(0)}s; nothing was written to ${outDir}\n`);
      process.exitCode = 130;
      return;
    }
    if (opts.report) await writeReport(outDir);
    const wall = (Date.now() - t0) / 1000;
    if (!opts.quiet) {
      process.stdout.write(
        `${scenario.name}: simulated ${(result.simulatedUs / 1e6).toFixed(0)}s in ${wall.toFixed(2)}s wall ` +
          `(${result.eventsProcessed} events, ${Math.round(result.eventsProcessed / Math.max(wall, 1e-3))} events/s), ` +
          `${result.podsCreated} pods created, ${result.podsBound} bound\nresults: ${outDir}\n`,
      );
    }
  });

program
  .command('validate')
  .description('check a scenario and its manifests without running it')
  .argument('<scenario>', 'scenario file (YAML or JSON)')
  .option('--set <path=value>', 'override a scenario field (repeatable)', collect, [])
  .addHelpText('after', '\nExample:\n  kubesim validate workloads/quickstart.yaml')
  .action((file: string, opts: { set: string[] }) => {
    const s = loadScenario(file, { overrides: opts.set });
    const pools = s.nodePools.reduce((n, p) => n + p.count, 0);
    process.stdout.write(`${file}: valid scenario "${s.name}": ${pools} pool nodes, ${s.objects.length} manifest objects, ${s.workloads.length} workload generators, ${s.durationUs / 1e6}s\n`);
  });

program
  .command('report')
  .description('(re)build report.html and the chart files from a results folder')
  .argument('<dir>', 'a results folder written by kubesim run')
  .addHelpText('after', '\nExample:\n  kubesim report results/quickstart')
  .action(async (dir: string) => {
    const file = await writeReport(resolve(dir));
    process.stdout.write(`${file}\n`);
  });

program.parseAsync().catch(handle);

function handle(e: unknown): never {
  if (e instanceof CommanderError) {
    // commander already printed its message (or the help/version text).
    process.exit(e.exitCode === 0 ? 0 : 2);
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

