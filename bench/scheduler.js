// Wall-clock scheduling rate at 5,000 nodes: replays bench/scheduling-basic.yaml through the CLI with and without
// its measured pods, alternating (this machine's speed drifts), and reports measured / (median with − median
// without) as pods per wall-second. The difference includes creating, scheduling and binding the pods and writing
// their pods.csv rows. Variants: the default pod (no affinity, 10,000 pods), scheduler_perf's topology-spreading
// pod (zone maxSkew 1 + hostname maxSkew 5, 5,000 pods) and its preferred pod anti-affinity pod (1,000 pods); the
// 1,000 initial pods use the same template. nodes.csv is off (it costs the same with and without pods).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function wall(template, count, out) {
  const t0 = process.hrtime.bigint();
  execFileSync('node', [
    'dist/cli/main.js', 'run', 'bench/scheduling-basic.yaml', '--out', out, '--no-report', '--quiet', '--set', 'metrics.nodes=false',
    '--set', `spec.workloads[1].count=${count}`, '--set', `spec.workloads[0].template=./scheduling-basic/${template}.yaml`, '--set', `spec.workloads[1].template=./scheduling-basic/${template}.yaml`,
  ]);
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

function variant(dir, template, pods, rounds) {
  const withPods = [];
  const without = [];
  for (let i = 0; i < rounds; i++) {
    withPods.push(wall(template, pods, join(dir, 'with')));
    without.push(wall(template, 0, join(dir, 'without')));
  }
  const delta = median(withPods) - median(without);
  return { template, pods, withPodsS: withPods, withoutPodsS: without, podsPerWallSecond: Math.round(pods / delta) };
}

/** Runs the variants with `rounds` alternated pairs each. */
export function runSchedulerBench(rounds = 5) {
  const dir = mkdtempSync(join(tmpdir(), 'kubesim-bench-'));
  try {
    const variants = [variant(dir, 'pod-default', 10_000, rounds), variant(dir, 'pod-spread', 5_000, 3), variant(dir, 'pod-anti-affinity', 1_000, 3)];
    return { suite: 'scheduler-5k-nodes', node: process.version, podsPerWallSecond: variants[0].podsPerWallSecond, variants };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
