/**
 * Reliability of the built CLI: output folders holding other files are refused (and --force keeps them), runs over
 * their memory budget fail in one line while a sweep finishes its other runs, scenarios estimated above the budget
 * are refused before running, sweeps survive SIGKILL and --resume to the same bytes, and unwritable output folders
 * are clear errors before anything runs.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(new URL('../..', import.meta.url).pathname);
const cli = join(root, 'dist/cli/main.js');
const tmp = mkdtempSync(join(tmpdir(), 'kubesim-reliability-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function kubesim(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every file under a folder (relative path → bytes), leaving out manifest.json and timing.json (wall times). */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const f of readdirSync(d).sort()) {
      const p = join(d, f);
      const st = lstatSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isSymbolicLink()) out[relative(dir, p)] = `→ ${readlinkSync(p)}`;
      else if (f !== 'manifest.json' && f !== 'timing.json') out[relative(dir, p)] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

/** Every entry (files and folders, hidden ones too) under a folder. */
function entries(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const f of readdirSync(d).sort()) {
      const p = join(d, f);
      out.push(relative(dir, p));
      if (statSync(p).isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}

const SMALL = `apiVersion: kubesim.dev/v1
kind: Scenario
metadata: {name: small}
spec:
  seed: 1
  duration: 2m
  cluster:
    nodePools:
      - {name: p, count: 4, capacity: {cpu: "8", memory: 32Gi, pods: 110}}
  workloads:
    - kind: Pods
      name: batch
      count: 20
      template: {apiVersion: v1, kind: Pod, metadata: {name: x}, spec: {containers: [{name: c, image: nginx, resources: {requests: {cpu: 100m}}}]}}
  metrics: {interval: 30s}
`;

describe('--out on a folder kubesim did not make', () => {
  const scenario = join(tmp, 'small.yaml');
  beforeAll(() => writeFileSync(scenario, SMALL));

  it('run refuses with exit 2 and leaves every file in place', () => {
    const project = join(tmp, 'project');
    mkdirSync(join(project, 'src'), { recursive: true });
    writeFileSync(join(project, 'src', 'main.c'), 'int main(void) { return 0; }\n');
    writeFileSync(join(project, 'notes.txt'), 'mine\n');
    const r = kubesim('run', scenario, '--out', project, '--no-report', '--quiet');
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/holds files kubesim did not write \(e\.g\. notes\.txt\).*--force/);
    expect(entries(project)).toEqual(['notes.txt', 'src', 'src/main.c']);
    expect(readFileSync(join(project, 'src', 'main.c'), 'utf8')).toBe('int main(void) { return 0; }\n');
  });

  it('run replaces a folder an earlier run wrote, report included', () => {
    const out = join(tmp, 'replaced');
    expect(kubesim('run', scenario, '--out', out, '--quiet').code).toBe(0);
    expect(existsSync(join(out, 'report.html'))).toBe(true);
    const again = kubesim('run', scenario, '--out', out, '--quiet', '--no-report', '--seed', '2');
    expect(again.code).toBe(0);
    expect(existsSync(join(out, 'report.html'))).toBe(false);
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).seed).toBe(2);
  });

  it('run --force writes beside the other files, keeps them, and replaces only what an earlier run wrote', () => {
    const project = join(tmp, 'forced');
    mkdirSync(join(project, 'src'), { recursive: true });
    writeFileSync(join(project, 'src', 'main.c'), 'int main(void) { return 0; }\n');
    expect(kubesim('run', scenario, '--out', project, '--no-report', '--quiet', '--force').code).toBe(0);
    const first = JSON.parse(readFileSync(join(project, 'manifest.json'), 'utf8'));
    expect(first.files).toContain('pods.csv');
    expect(existsSync(join(project, 'pods.csv'))).toBe(true);
    // The second forced run writes no nodes.csv: the first run's copy goes, the user's file stays.
    expect(kubesim('run', scenario, '--out', project, '--no-report', '--quiet', '--force', '--set', 'metrics.nodes=false').code).toBe(0);
    expect(existsSync(join(project, 'nodes.csv'))).toBe(false);
    expect(readFileSync(join(project, 'src', 'main.c'), 'utf8')).toBe('int main(void) { return 0; }\n');
    expect(kubesim('run', scenario, '--out', project, '--no-report', '--quiet').code).toBe(2);
    // A file of the user's where the run writes one of its own is refused even with --force, and kept.
    const mine = join(tmp, 'clash');
    mkdirSync(mine, { recursive: true });
    writeFileSync(join(mine, 'summary.csv'), 'my,own\n');
    const clash = kubesim('run', scenario, '--out', mine, '--no-report', '--quiet', '--force');
    expect(clash.code).toBe(2);
    expect(clash.stderr).toBe(`kubesim: ${mine}: summary.csv is a file kubesim did not write and would write over; --force keeps such files, so move it or choose another --out\n`);
    expect(entries(mine)).toEqual(['summary.csv']);
  });

  it('sweep refuses with exit 2 and leaves every file in place; --force keeps them', () => {
    const sweepScenario = join(tmp, 'sweep.yaml');
    writeFileSync(sweepScenario, SMALL.replace('  metrics: {interval: 30s}\n', '  metrics: {interval: 30s}\n  matrix:\n    workloads[0].count: [10, 20]\n    seeds: 1\n'));
    const dir = join(tmp, 'sweep-project');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'data.csv'), 'a,b\n1,2\n');
    const r = kubesim('sweep', sweepScenario, '--out', dir, '--workers', '1', '--no-report', '--quiet');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/holds files kubesim did not write \(e\.g\. data\.csv\)/);
    expect(entries(dir)).toEqual(['data.csv']);
    const forced = kubesim('sweep', sweepScenario, '--out', dir, '--workers', '1', '--no-report', '--quiet', '--force');
    expect(forced.code).toBe(0);
    expect(readFileSync(join(dir, 'data.csv'), 'utf8')).toBe('a,b\n1,2\n');
    expect(existsSync(join(dir, 'summary.csv'))).toBe(true);
    // A sweep folder kubesim wrote is accepted again without --force, as long as nothing else was added to it.
    const data = readFileSync(join(dir, 'data.csv'));
    rmSync(join(dir, 'data.csv'));
    expect(kubesim('sweep', sweepScenario, '--out', dir, '--workers', '1', '--no-report', '--quiet').code).toBe(0);
    writeFileSync(join(dir, 'workloads_0_.count=10', 'seed-1', 'extra.txt'), data);
    expect(kubesim('sweep', sweepScenario, '--out', dir, '--workers', '1', '--no-report', '--quiet').code).toBe(2);
  });
});

/** A cluster that creates `count` pods at start: at 250,000 pods the heap passes 256 MiB within seconds. */
const HEAVY = (count: string) => `apiVersion: kubesim.dev/v1
kind: Scenario
metadata: {name: heavy}
spec:
  seed: 1
  duration: 10m
  cluster:
    nodePools:
      - {name: p, count: 50, capacity: {cpu: "64", memory: 256Gi, pods: 110}, kubelet: false}
  workloads:
    - kind: Pods
      name: many
      count: ${count}
      template: {apiVersion: v1, kind: Pod, metadata: {name: x, labels: {app: many}}, spec: {containers: [{name: c, image: nginx, resources: {requests: {cpu: 10m}}}]}}
  metrics: {interval: 60s, nodes: false}
`;

describe('memory budgets', () => {
  it('a run over its heap budget exits 1 with one line and no stack, and leaves nothing behind', () => {
    const file = join(tmp, 'heavy.yaml');
    writeFileSync(file, HEAVY('250000'));
    const out = join(tmp, 'heavy-out');
    const r = kubesim('run', file, '--out', out, '--max-memory', '256Mi', '--no-memory-check', '--quiet');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("kubesim: run heavy: ran out of memory: the run's heap reached its budget of 256 MiB (--max-memory raises it)\n");
    expect(r.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(tmp).filter((f) => f.startsWith('.heavy-out'))).toEqual([]);
  });

  it('a scenario estimated above the budget is refused with exit 2, the estimate and the budget', () => {
    const file = join(tmp, 'huge.yaml');
    writeFileSync(file, HEAVY('1000000'));
    const r = kubesim('run', file, '--out', join(tmp, 'huge-out'), '--max-memory', '1Gi', '--quiet');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^kubesim: .*huge\.yaml: the run would need about [\d,]+ MiB of memory \(50 nodes, 1000000 pods, 0 Services\); its budget is 1,024 MiB \(--max-memory sets it; --no-memory-check tries anyway\)\n$/);
  });

  it('a sweep with one run over budget finishes the others, marks it failed, and --resume retries only it', () => {
    const file = join(tmp, 'heavy-sweep.yaml');
    writeFileSync(file, HEAVY('10').replace('  metrics: {interval: 60s, nodes: false}\n', "  metrics: {interval: 60s, nodes: false}\n  matrix:\n    workloads[0].count: [10, 250000, 20]\n    seeds: 1\n"));
    const dir = join(tmp, 'heavy-sweep');
    const r = kubesim('sweep', file, '--out', dir, '--workers', '1', '--max-memory', '256Mi', '--no-memory-check', '--no-report', '--quiet');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^kubesim: run workloads_0_\.count=250000\/seed-1: ran out of memory: the run's heap reached its budget of 256 MiB .*1 failed, 2\/3 done/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    const state = JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8'));
    expect(state.status).toEqual(['done', 'failed', 'done']);
    expect(existsSync(join(dir, 'workloads_0_.count=20', 'seed-1', 'summary.csv'))).toBe(true);
    const before = readFileSync(join(dir, 'workloads_0_.count=10', 'seed-1', 'manifest.json'), 'utf8');
    // With the heavy cell made light, --resume runs only the failed run (the finished ones keep their manifests).
    const resumed = kubesim('sweep', file, '--out', dir, '--workers', '1', '--resume', '--no-report', '--max-memory', '4Gi');
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/1 runs now, 3\/3 done/);
    expect(readFileSync(join(dir, 'workloads_0_.count=10', 'seed-1', 'manifest.json'), 'utf8')).toBe(before);
    expect(JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8')).status).toEqual(['done', 'done', 'done']);
  }, 180_000);
});

describe('sweeps under faults', () => {
  const file = join(tmp, 'faults.yaml');
  const SWEEP = SMALL.replace('duration: 2m', 'duration: 20m').replace('  metrics: {interval: 30s}\n', '  metrics: {interval: 30s}\n  matrix:\n    workloads[0].count: [20, 40]\n    seeds: 3\n');
  beforeAll(() => writeFileSync(file, SWEEP));

  it('SIGKILL at random points, then --resume, gives the bytes of an uninterrupted sweep and no stale temporary folder', async () => {
    const clean = join(tmp, 'uninterrupted');
    const t0 = process.hrtime.bigint();
    expect(kubesim('sweep', file, '--out', clean, '--workers', '2', '--no-report', '--quiet').code).toBe(0);
    const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const want = snapshot(clean);
    // Kill points spread over the sweep's wall time: while planning, mid-sweep, near the end.
    for (const [i, share] of [0.25, 0.5, 0.75].entries()) {
      const dir = join(tmp, `killed-${i}`);
      const child = spawn(process.execPath, [cli, 'sweep', file, '--out', dir, '--workers', '2', '--no-report', '--quiet'], { cwd: root, stdio: 'ignore' });
      const exited = new Promise((r) => child.once('exit', r));
      await new Promise((r) => setTimeout(r, wallMs * share));
      child.kill('SIGKILL');
      await exited;
      const resumed = kubesim('sweep', file, '--out', dir, '--workers', '2', '--resume', '--no-report', '--quiet');
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(snapshot(dir)).toEqual(want);
      expect(entries(dir).filter((e) => /\.tmp/.test(e))).toEqual([]);
    }
  }, 240_000);

  it('a full disk is one clear error (exit 2) before any run starts, not a stack trace', () => {
    if (!existsSync('/dev/full')) return;
    const dir = join(tmp, 'full');
    expect(kubesim('sweep', file, '--out', dir, '--workers', '1', '--no-report', '--quiet').code).toBe(0);
    // sweep.json is written through sweep.json.tmp: on /dev/full every write fails with ENOSPC, as on a full disk.
    symlinkSync('/dev/full', join(dir, 'sweep.json.tmp'));
    const before = snapshot(dir);
    const r = kubesim('sweep', file, '--out', dir, '--workers', '1', '--no-report', '--quiet');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`kubesim: ${dir}: cannot write the results: no space left on the device\n`);
    expect(snapshot(dir)).toEqual(before);
  });

  it('a read-only output folder is one clear error naming it (exit 2) before any run starts', () => {
    // A read-only bind mount (root with mount rights, as in CI here); elsewhere the mount fails and the case is skipped.
    const src = join(tmp, 'ro-src');
    const ro = join(tmp, 'ro');
    mkdirSync(src, { recursive: true });
    mkdirSync(ro, { recursive: true });
    const mounted = spawnSync('sh', ['-c', `mount --bind ${src} ${ro} && mount -o remount,bind,ro ${ro}`]).status === 0;
    if (!mounted) return;
    try {
      const sweep = kubesim('sweep', file, '--out', join(ro, 'sweep'), '--workers', '1', '--no-report', '--quiet');
      expect(sweep.code).toBe(2);
      expect(sweep.stderr).toBe(`kubesim: ${ro}: cannot write the results: the file system is read-only\n`);
      const run = kubesim('run', file, '--out', join(ro, 'deep', 'run'), '--quiet');
      expect(run.code).toBe(2);
      expect(run.stderr).toBe(`kubesim: ${ro}: cannot write the results: the file system is read-only\n`);
    } finally {
      spawnSync('umount', [ro]);
    }
  });

  it('an output path through a file is one clear error before any run starts', () => {
    const blocker = join(tmp, 'blocker');
    writeFileSync(blocker, 'a file\n');
    const r = kubesim('sweep', file, '--out', join(blocker, 'sweep'), '--workers', '1', '--no-report', '--quiet');
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`kubesim: ${blocker}/sweep: cannot write the results: a part of the path is a file, not a folder\n`);
    const run = kubesim('run', file, '--out', join(blocker, 'run'), '--quiet');
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`kubesim: ${blocker}: cannot write the results: a part of the path is a file, not a folder\n`);
  });
});

