// Sweep benchmark: the same sweep on 1 and on 2 worker threads; parallel efficiency = T1 / (2 · T2).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function timeSweep(scenario, workers, extra) {
  const out = mkdtempSync(join(tmpdir(), 'kubesim-bench-sweep-'));
  try {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, ['--max-semi-space-size=64', 'dist/cli/main.js', 'sweep', scenario, '--workers', String(workers), '--out', join(out, 's'), '--no-report', '--quiet', ...extra], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    return Number(process.hrtime.bigint() - t0) / 1e9;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Runs the sweep benchmark: 1- and 2-worker sweeps alternated `repeats` times (this machine is noisy); medians. */
export async function runSweepBench(scenario = 'workloads/policies-basic.yaml', extra = [], repeats = 3) {
  const t1s = [];
  const t2s = [];
  for (let i = 0; i < repeats; i++) {
    t1s.push(timeSweep(scenario, 1, extra));
    t2s.push(timeSweep(scenario, 2, extra));
  }
  const t1 = median(t1s);
  const t2 = median(t2s);
  return {
    suite: 'sweep-parallel-efficiency',
    scenario,
    node: process.version,
    runs: 15,
    repeats,
    wallSeconds1Worker: t1s.map((t) => Number(t.toFixed(2))),
    wallSeconds2Workers: t2s.map((t) => Number(t.toFixed(2))),
    medianSpeedup: Number((t1 / t2).toFixed(3)),
    medianEfficiency: Number((t1 / (2 * t2)).toFixed(3)),
    target: 0.85,
  };
}
