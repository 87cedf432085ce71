// Wall-clock scheduling rate at 5,000 nodes with the default profile (pods without affinity): replays
// bench/scheduling-basic.yaml through the CLI with and without its 10,000 measured pods, alternating (this machine's
// speed drifts), and reports 10,000 / (median with − median without) as pods per wall-second. The difference
// includes creating, scheduling and binding the pods and writing their pods.csv rows.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function wall(count, out) {
  const t0 = process.hrtime.bigint();
  execFileSync('node', ['dist/cli/main.js', 'run', 'bench/scheduling-basic.yaml', '--out', out, '--no-report', '--quiet', '--set', `spec.workloads[1].count=${count}`]);
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/** Runs `rounds` alternated pairs. */
export function runSchedulerBench(rounds = 5) {
  const dir = mkdtempSync(join(tmpdir(), 'kubesim-bench-'));
  const withPods = [];
  const without = [];
  try {
    for (let i = 0; i < rounds; i++) {
      withPods.push(wall(10_000, join(dir, 'with')));
      without.push(wall(0, join(dir, 'without')));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const delta = median(withPods) - median(without);
  return { suite: 'scheduler-5k-nodes', node: process.version, pods: 10_000, withPodsS: withPods, withoutPodsS: without, podsPerWallSecond: Math.round(10_000 / delta) };
}
