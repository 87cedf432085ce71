/**
 * Sweeps: the same bytes with 1 or 2 workers, after an interrupt and --resume, and after a partitioned run merged;
 * the Indexed Job manifest; statistics.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planSweep } from '../../src/experiment/plan.js';
import { runSweep } from '../../src/experiment/sweep.js';
import { mergeSweeps } from '../../src/experiment/merge.js';
import { estimate } from '../../src/experiment/statistics.js';
import { baselineCell } from '../../src/experiment/aggregate.js';
import { emitJob } from '../../src/experiment/emitJob.js';
import { loadScenario } from '../../src/workload/loadScenario.js';
import { readCsv } from '../../src/report/readCsv.js';

const root = resolve(new URL('../..', import.meta.url).pathname);
const tmp = mkdtempSync(join(tmpdir(), 'kubesim-sweep-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const SCENARIO = join(root, 'workloads/policies-basic.yaml');
// A shorter version of the shipped matrix scenario: 3 policies × 3 seeds, 15 simulated minutes.
const OVERRIDES = ['duration=15m', 'matrix.seeds=3'];

/** Every CSV and sweep.json under a folder, by relative path (manifest.json holds wall times, so it is left out). */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const f of readdirSync(d).sort()) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (f.endsWith('.csv') || f === 'sweep.json') out[relative(dir, p)] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

describe('kubesim sweep', () => {
  const plan = planSweep(SCENARIO, OVERRIDES);
  const one = join(tmp, 'workers-1');
  const two = join(tmp, 'workers-2');

  beforeAll(async () => {
    await runSweep(plan, one, { workers: 1, baseline: 'scheduler.profile=default' });
    await runSweep(plan, two, { workers: 2, baseline: 'scheduler.profile=default' });
  }, 120_000);

  it('expands the matrix into cells × seeds with the CLI overrides applied', () => {
    expect(plan.dimensions).toEqual(['scheduler.profile']);
    expect(plan.cells.map((c) => c.id)).toEqual(['scheduler.profile=default', 'scheduler.profile=most-allocated', 'scheduler.profile=balanced-allocation']);
    expect(plan.seeds).toEqual([1, 2, 3]);
    expect(plan.runs.map((r) => r.dir)).toContain('scheduler.profile=most-allocated/seed-2');
    expect(plan.runs).toHaveLength(9);
  });

  it('gives identical bytes with 1 and 2 workers', () => {
    const a = snapshot(one);
    expect(Object.keys(a)).toContain('summary.csv');
    expect(Object.keys(a)).toContain('differences.csv');
    expect(Object.keys(a).filter((k) => k.endsWith('pods.csv'))).toHaveLength(9);
    expect(snapshot(two)).toEqual(a);
  });

  it('uses common random numbers: every policy sees the same arrivals for a seed', () => {
    const rows = readCsv(join(one, 'summary.csv')).filter((r) => r.kind === 'run');
    for (const seed of ['1', '2', '3']) {
      const created = rows.filter((r) => r.seed === seed).map((r) => r.jobs_created);
      expect(new Set(created).size).toBe(1);
    }
  });

  it('aggregates each cell: mean, sd and a t-based 95% CI across seeds', () => {
    const rows = readCsv(join(one, 'summary.csv'));
    const runs = rows.filter((r) => r.kind === 'run' && r.cell === 'scheduler.profile=most-allocated');
    const mean = rows.find((r) => r.kind === 'mean' && r.cell === 'scheduler.profile=most-allocated')!;
    const e = estimate(runs.map((r) => Number(r.pods_bound)))!;
    expect(mean.n).toBe('3');
    expect(Number(mean.pods_bound)).toBeCloseTo(e.mean, 5);
    expect(Number(mean.pods_bound_sd)).toBeCloseTo(e.sd!, 5);
    expect(Number(mean.pods_bound_ci95_low)).toBeCloseTo(e.ciLow!, 5);
    expect(mean['scheduler.profile']).toBe('most-allocated');
  });

  it('writes paired differences against the baseline', () => {
    const diffs = readCsv(join(one, 'differences.csv'));
    const d = diffs.find((r) => r.cell === 'scheduler.profile=most-allocated' && r.metric === 'pods_bound')!;
    const rows = readCsv(join(one, 'summary.csv')).filter((r) => r.kind === 'run');
    const pairs = ['1', '2', '3'].map((seed) => Number(rows.find((r) => r.seed === seed && r.cell === 'scheduler.profile=most-allocated')!.pods_bound) - Number(rows.find((r) => r.seed === seed && r.cell === 'scheduler.profile=default')!.pods_bound));
    expect(Number(d.mean_difference)).toBeCloseTo(pairs.reduce((a, b) => a + b, 0) / 3, 5);
    expect(d.baseline).toBe('scheduler.profile=default');
    expect(diffs.some((r) => r.cell === 'scheduler.profile=default')).toBe(false);
  });

  it('interrupt then --resume gives the same final bytes as an uninterrupted sweep', async () => {
    const dir = join(tmp, 'resumed');
    let stop: (() => void) | undefined;
    const first = await runSweep(plan, dir, {
      workers: 1,
      baseline: 'scheduler.profile=default',
      onStopHook: (s) => (stop = s),
      onRun: (_r, _o, finished) => {
        if (finished === 2) stop!();
      },
    });
    expect(first.interrupted).toBe(true);
    expect(first.complete).toBe(false);
    const state = JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8'));
    expect(state.status.filter((s: string) => s === 'done')).toHaveLength(2);
    expect(state.status.filter((s: string) => s === 'interrupted').length).toBeGreaterThan(0);
    expect(existsSync(join(dir, 'summary.csv'))).toBe(false);
    const second = await runSweep(plan, dir, { workers: 2, resume: true, baseline: 'scheduler.profile=default' });
    expect(second.ran).toBe(7);
    expect(second.complete).toBe(true);
    expect(snapshot(dir)).toEqual(snapshot(one));
  }, 120_000);

  it('index-partitioned runs (an Indexed Job) merged equal the local sweep', async () => {
    const parts = [0, 1, 2].map((i) => join(tmp, `part-${i}`));
    for (let i = 0; i < 3; i++) await runSweep(plan, parts[i]!, { workers: 1, parts: 3, index: i, baseline: 'scheduler.profile=default' });
    expect(readdirSync(join(parts[1]!, 'scheduler.profile=default'))).toEqual(['seed-2']);
    const merged = join(tmp, 'merged');
    mergeSweeps(parts, merged);
    expect(snapshot(merged)).toEqual(snapshot(one));
  }, 120_000);

  it('refuses a baseline that is not one cell', () => {
    expect(() => baselineCell(plan, 'scheduler.profile=nope')).toThrow(/matches 0 cells/);
    expect(() => baselineCell(plan, 'cluster.x=1')).toThrow(/not a matrix dimension/);
    expect(baselineCell(plan, 'scheduler.profile=most-allocated')).toBe('scheduler.profile=most-allocated');
  });
});

describe('--emit-job', () => {
  it('writes a ConfigMap with every scenario file and an Indexed Job running one part per completion index', () => {
    const text = emitJob(loadScenario(SCENARIO), { parts: 4, workersPerPod: 2, image: 'registry.example.com/kubesim:0.1.0', namespace: 'sims', pvc: 'results', overrides: ['duration=30m'] });
    const [cm, job] = parseAllDocuments(text).map((d) => d.toJS());
    expect(cm.kind).toBe('ConfigMap');
    expect(Object.keys(cm.data)).toHaveLength(4);
    expect(cm.data.f0).toBe(readFileSync(SCENARIO, 'utf8'));
    expect(job).toMatchObject({ apiVersion: 'batch/v1', kind: 'Job', metadata: { namespace: 'sims' }, spec: { completionMode: 'Indexed', completions: 4, parallelism: 4 } });
    const pod = job.spec.template.spec;
    expect(pod.restartPolicy).toBe('Never');
    const c = pod.containers[0];
    expect(c.image).toBe('registry.example.com/kubesim:0.1.0');
    expect(c.args).toEqual(['sweep', '/scenario/policies-basic.yaml', '--parts', '4', '--out', '/results/part-$(JOB_COMPLETION_INDEX)', '--workers', '2', '--no-report', '--quiet', '--set', 'duration=30m']);
    const items = pod.volumes.find((v: { name: string }) => v.name === 'scenario').configMap.items;
    expect(items.map((i: { path: string }) => i.path)).toEqual(['policies-basic.yaml', 'policies-basic/services.yaml', 'policies-basic/small-job.yaml', 'policies-basic/large-job.yaml']);
    expect(pod.volumes.find((v: { name: string }) => v.name === 'results').persistentVolumeClaim.claimName).toBe('results');
  });

  it('the part a pod runs comes from JOB_COMPLETION_INDEX', () => {
    const out = join(tmp, 'env-part');
    const r = spawnSync(process.execPath, [join(root, 'dist/cli/main.js'), 'sweep', SCENARIO, '--parts', '5', '--out', out, '--quiet', '--set', 'duration=5m', '--set', 'matrix.seeds=2'], {
      env: { ...process.env, JOB_COMPLETION_INDEX: '3' },
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    const state = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8'));
    const done = state.plan.runs.filter((_: unknown, i: number) => state.status[i] === 'done').map((x: { index: number }) => x.index);
    expect(done).toEqual([3]);
  });
});

describe('statistics', () => {
  it('mean, sample sd and Student-t 95% CI', () => {
    const e = estimate([2, 4, 4, 4, 5, 5, 7, 9])!;
    expect(e.mean).toBe(5);
    expect(e.sd).toBeCloseTo(2.13809, 4);
    // t(0.975, 7) = 2.364624
    expect(e.ciHigh! - e.mean).toBeCloseTo((2.364624 * 2.13809) / Math.sqrt(8), 4);
    expect(estimate([3])).toMatchObject({ n: 1, mean: 3, sd: undefined });
    expect(estimate([])).toBeUndefined();
  });
});
