/**
 * End-to-end tests of the built CLI (dist/, built by `npm test`'s pretest step): the quickstart run, determinism,
 * exit codes and error messages on bad input.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(new URL('../..', import.meta.url).pathname);
const cli = join(root, 'dist/cli/main.js');
const tmp = mkdtempSync(join(tmpdir(), 'kubesim-e2e-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function kubesim(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const CSVS = ['pods.csv', 'nodes.csv', 'cluster.csv', 'events.csv', 'summary.csv'];
const read = (dir: string, f: string) => readFileSync(join(dir, f), 'utf8');

describe('kubesim run workloads/quickstart.yaml', () => {
  const a = join(tmp, 'a');
  const b = join(tmp, 'elsewhere', 'b');
  let first: ReturnType<typeof kubesim>;

  beforeAll(() => {
    if (!existsSync(cli)) throw new Error('dist/ is missing: run `npm run build` (npm test does it first)');
    first = kubesim('run', 'workloads/quickstart.yaml', '--out', a);
  });

  it('writes every output file and a report, and prints a one-line summary (no progress bar when piped)', () => {
    expect(first.code).toBe(0);
    expect(first.stderr).toBe('');
    expect(first.stdout).toMatch(/^quickstart: simulated 7200s in [\d.]+s wall \(\d+ events, \d+ events\/s\), \d+ pods created, \d+ bound\nresults: /);
    for (const f of [...CSVS, 'manifest.json', 'report.html']) expect(existsSync(join(a, f)), f).toBe(true);
    const manifest = JSON.parse(read(a, 'manifest.json'));
    expect(manifest).toMatchObject({ scenario: 'quickstart', kubernetesVersion: 'v1.34', seed: 42, simulatedSeconds: 7200, overrides: [] });
    expect(manifest.scenarioSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.eventsProcessed).toBeGreaterThan(10000);
    const html = read(a, 'report.html');
    expect((html.match(/<section class="chart"/g) ?? []).length).toBeGreaterThanOrEqual(2);
    expect((html.match(/<div class="static"><svg/g) ?? []).length).toBeGreaterThanOrEqual(2);
    expect(html).toContain('Pending pods over time');
    expect(html).toContain('Scheduling latency');
    // Self-contained: no external resources (scripts and styles are inline; the inlined vega code is not markup).
    const markup = html.replace(/<script[^>]*>[\s\S]*?<\/script>/g, '');
    expect(markup).not.toMatch(/<(script|link|img)[^>]+(src|href)=/);
    expect(html).toContain('vegaEmbed(');
    // No temporary folder left behind.
    expect(readdirSync(tmp).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('is deterministic: a second run, and a run into another folder, give byte-identical CSVs', () => {
    const again = kubesim('run', 'workloads/quickstart.yaml', '--out', a, '--quiet', '--no-report');
    expect(again.code).toBe(0);
    expect(again.stdout).toBe('');
    const other = kubesim('run', 'workloads/quickstart.yaml', '--out', b, '--quiet', '--no-report');
    expect(other.code).toBe(0);
    for (const f of CSVS) expect(read(b, f), f).toBe(read(a, f));
  });

  it('changes the output when the seed changes', () => {
    const c = join(tmp, 'seed43');
    expect(kubesim('run', 'workloads/quickstart.yaml', '--out', c, '--seed', '43', '--quiet', '--no-report').code).toBe(0);
    expect(read(c, 'pods.csv')).not.toBe(read(a, 'pods.csv'));
    expect(JSON.parse(read(c, 'manifest.json')).seed).toBe(43);
  });
});

describe('bad input exits 2 with one clear message and writes nothing', () => {
  const base = `apiVersion: kubesim.dev/v1
kind: Scenario
metadata: {name: bad}
spec:
  duration: 10m
  cluster:
    nodePools:
      - {name: p, count: 2, capacity: {cpu: "4", memory: 8Gi, pods: 110}}
`;
  const deploy = (replicas: string) =>
    `  manifests:\n    - {apiVersion: apps/v1, kind: Deployment, metadata: {name: w}, spec: {replicas: ${replicas}, selector: {matchLabels: {a: b}}, template: {metadata: {labels: {a: b}}, spec: {containers: [{name: c, image: x}]}}}}\n`;
  const cases: [string, string, RegExp][] = [
    ['malformed YAML', 'spec: {duration: [\n', /:\d+:\d+: malformed YAML/],
    ['a wrong type', base.replace('count: 2', 'count: two'), /:8:26: spec\.cluster\.nodePools\[0\]\.count: expected an integer, found "two"$/],
    ['an unknown field', base.replace('duration: 10m', 'duraton: 10m'), /:5:3: spec\.duraton: unknown field "duraton" in spec \(did you mean "duration"\?\)$/],
    ['a negative replica count', base + deploy('-1'), /spec\.manifests\[0\]\.spec\.replicas: expected an integer ≥ 0, found -1$/],
    ['an unparsable quantity', base.replace('8Gi', '8 gigs'), /spec\.cluster\.nodePools\[0\]\.capacity\.memory: "8 gigs" is not a quantity/],
    ['a missing manifest file', base + '  manifests: [./does-not-exist.yaml]\n', /spec\.manifests\[0\]: manifest path .*does-not-exist\.yaml not found$/],
    ['a 10^12-node pool', base.replace('count: 2', 'count: 1000000000000'), /spec\.cluster\.nodePools\[0\]\.count: expected at most 100000 nodes, found 1000000000000$/],
  ];
  it.each(cases)('%s', (_name, text, message) => {
    const file = join(tmp, `bad-${_name.replace(/\W+/g, '-')}.yaml`);
    writeFileSync(file, text);
    const out = join(tmp, `out-${_name.replace(/\W+/g, '-')}`);
    const r = kubesim('run', file, '--out', out);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]!.startsWith(`kubesim: ${file}`)).toBe(true);
    expect(lines[0]).toMatch(message);
    expect(r.stderr).not.toMatch(/\s+at .*\.js:\d+/); // no stack trace
    expect(existsSync(out)).toBe(false);
  });

  it('a missing scenario file, and bad usage, also exit 2', () => {
    const r = kubesim('run', join(tmp, 'nope.yaml'));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`kubesim: ${join(tmp, 'nope.yaml')}: scenario file not found\n`);
    expect(kubesim('frobnicate').code).toBe(2);
    expect(kubesim('run').code).toBe(2);
  });

  it('a trace with a malformed row, and a capacity objective kubesim cannot read, exit 2 naming the problem', () => {
    const trace = join(tmp, 'bad-trace.yaml');
    writeFileSync(trace, base + `  workloads:\n    - {kind: Trace, format: openb, pods: ${join(root, 'test/workload/traces/samples/openb_pod_list_bad.csv')}}\n`);
    const r = kubesim('run', trace, '--out', join(tmp, 'out-bad-trace'));
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/spec\.workloads\[0\]: .*openb_pod_list_bad\.csv line 3, column cpu_milli: expected an integer ≥ 0, found "-6000"/);
    expect(existsSync(join(tmp, 'out-bad-trace'))).toBe(false);
    const c = kubesim('capacity', trace, '--pool', 'p', '--objective', 'fast enough');
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/--objective "fast enough": expected "<metric> <op> <value>"/);
    const i = kubesim('import-trace', '--format', 'openb', '--pods', join(tmp, 'missing.csv'), '--out', join(tmp, 'imp'));
    expect(i.code).toBe(2);
    expect(i.stderr).toMatch(/missing\.csv: cannot read the trace file \(no such file\)/);
  });
});

describe('other commands', () => {
  it('validate accepts the shipped scenarios', () => {
    for (const f of ['workloads/quickstart.yaml', 'bench/scale-5k.yaml', 'workloads/overcommit.yaml', 'workloads/capacity.yaml', 'workloads/statefulset-zone-failure.yaml']) {
      const r = kubesim('validate', f);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/valid scenario/);
    }
  });

  it('import-cluster writes a scenario from a dump, says what it left out, and runs; a bad dump is one line, exit 2', () => {
    const out = join(tmp, 'imported');
    const r = kubesim('import-cluster', 'workloads/imported-cluster/dump.yaml', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/scenario\.yaml: 12 nodes, 52 running pods, 2 pending, 1 finished\n  left out: 2 built-in PriorityClasses, 7 EndpointSlices of the EndpointSlice controller\n  stand-ins for what the dump does not hold: 5 ServiceAccount, 1 Secret\n$/);
    const j = kubesim('import-cluster', 'workloads/imported-cluster/dump.yaml', '--out', out, '--force', '--anonymize', '--json');
    expect(j.code, j.stderr).toBe(0);
    expect(JSON.parse(j.stdout)).toMatchObject({ nodes: 12, pods: { running: 52, pending: 2, finished: 1 }, anonymized: true });
    const run = kubesim('run', join(out, 'scenario.yaml'), '--out', join(tmp, 'imported-run'), '--set', 'spec.duration=5m');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/0 pods created, 0 bound/);
    // Piped in, as `kubectl get … -o yaml | kubesim import-cluster -` does.
    const piped = spawnSync(process.execPath, [cli, 'import-cluster', '-', '--out', join(tmp, 'piped')], { cwd: root, encoding: 'utf8', input: readFileSync(join(root, 'workloads/imported-cluster/dump.yaml'), 'utf8') });
    expect(piped.status, piped.stderr).toBe(0);
    expect(readFileSync(join(tmp, 'piped', 'scenario.yaml'), 'utf8')).toMatch(/^# Imported by kubesim import-cluster from standard input: 12 nodes/);
    // Manifests piped in (a manifests entry `-`), as kubectl apply -f - takes them.
    const scenario = join(tmp, 'stdin-manifests.yaml');
    writeFileSync(scenario, 'apiVersion: kubesim.dev/v1\nkind: Scenario\nmetadata: {name: stdin}\nspec:\n  duration: 1m\n  manifests: ["-"]\n');
    const fromStdin = spawnSync(process.execPath, [cli, 'validate', scenario], { cwd: root, encoding: 'utf8', input: 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: "x:1"}]}\n' });
    expect(fromStdin.status, fromStdin.stderr).toBe(0);
    expect(fromStdin.stdout).toMatch(/1 manifest objects/);
    writeFileSync(join(tmp, 'not-a-dump.yaml'), '- 1\n- 2\n');
    const bad = kubesim('import-cluster', join(tmp, 'not-a-dump.yaml'), '--out', join(tmp, 'never'));
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(join(tmp, 'never'))).toBe(false);
  });

  it('--version names kubesim\'s version and the Kubernetes minor it follows', () => {
    const r = kubesim('--version');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^kubesim \d+\.\d+\.\d+ \(follows Kubernetes v1\.34\)$/);
  });

  it('validate --json and the kinds table; an unknown option is one line and a hint, not the whole help', () => {
    const v = kubesim('validate', 'workloads/ingress-dns.yaml', '--json');
    expect(v.code).toBe(0);
    const r = JSON.parse(v.stdout);
    expect(r).toMatchObject({ scenario: 'ingress-dns', valid: true, poolNodes: 20, kubernetesVersion: 'v1.34', runs: 9, inert: 3 });
    expect(r.kinds.find((k: { kind: string }) => k.kind === 'Namespace')).toEqual({ apiVersion: 'v1', kind: 'Namespace', status: 'inert', count: 3 });
    expect(kubesim('validate', 'workloads/quickstart.yaml').stdout).toMatch(/\nNamespace +v1 +3 +loaded, inert\n/);
    const bad = kubesim('run', 'workloads/quickstart.yaml', '--bogus');
    expect(bad.code).toBe(2);
    expect(bad.stderr.trimEnd().split('\n')).toEqual(["error: unknown option '--bogus'", '(add --help to see the options)']);
    expect(kubesim('sweep', '--help').stdout).toMatch(/--workers <n> +worker threads \(default: number of cores\)\n/);
  });

  it('the explain examples of --help run', () => {
    const help = kubesim('explain', '--help').stdout;
    for (const m of help.matchAll(/kubesim explain (\S+) --pod (\S+)/g)) expect(kubesim('explain', m[1]!, '--pod', m[2]!).code, m[0]).toBe(0);
  });

  it('--help shows examples', () => {
    const r = kubesim('run', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Examples:');
    expect(r.stdout).toContain('--set');
  });
});

describe('interrupting a run', () => {
  it('SIGINT stops cleanly: exit 130, a message, and no results folder', async () => {
    const { spawn } = await import('node:child_process');
    const out = join(tmp, 'interrupted');
    const child = spawn(process.execPath, [cli, 'run', 'bench/scale-5k.yaml', '--out', out], { cwd: root });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += String(d)));
    await new Promise((r) => setTimeout(r, 2500));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    expect(code).toBe(130);
    expect(stderr).toMatch(/^kubesim: interrupted at simulated \d+s; nothing was written to /);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(tmp).filter((f) => f.startsWith('.interrupted.tmp-'))).toEqual([]);
  });
});

describe('--json for scripting', () => {
  it('run --json prints the summary as JSON', () => {
    const r = kubesim('run', 'test/golden/placement/scenario.yaml', '--out', join(tmp, 'json-run'), '--json', '--no-report');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.results).toBe(join(tmp, 'json-run'));
    // Numbers as numbers, empty values as null, names as text.
    expect(j.summary).toMatchObject({ scenario: 'placement', pods_bound: 3, pods_unscheduled_end: 1, duration_s: 600 });
    expect(Object.values(j.summary).every((v) => v === null || typeof v === 'number' || typeof v === 'string')).toBe(true);
    expect(j.summary.recovery_s).toBeNull();
  });
  it('sweep --json prints per-cell means with CIs and the paired differences', () => {
    const r = kubesim('sweep', 'workloads/policies-basic.yaml', '--set', 'duration=5m', '--set', 'matrix.seeds=2', '--out', join(tmp, 'json-sweep'), '--json', '--no-report', '--workers', '2', '--baseline', 'scheduler.profile=default');
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.cells.map((c: { cell: string }) => c.cell)).toEqual(['scheduler.profile=default', 'scheduler.profile=most-allocated', 'scheduler.profile=balanced-allocation']);
    expect(j.cells[0]).toHaveProperty('pods_bound_ci95_low');
    expect(typeof j.cells[0].pods_bound).toBe('number');
    expect(j.differences.length).toBeGreaterThan(0);
    expect(typeof j.differences[0].mean_difference).toBe('number');
  });
  it('report --json names what it wrote; a rebuilt report drops the charts it no longer draws', () => {
    const dir = join(tmp, 'json-run');
    mkdirSync(join(dir, 'charts'), { recursive: true });
    writeFileSync(join(dir, 'charts', 'stale-chart.svg'), '<svg/>');
    const r = kubesim('report', dir, '--json');
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.report).toBe(join(dir, 'report.html'));
    expect(j.charts.length).toBeGreaterThan(0);
    expect(readdirSync(join(dir, 'charts')).sort()).toEqual(j.charts.flatMap((c: string) => [`${c}.svg`, `${c}.vl.json`]).sort());
  });
});
