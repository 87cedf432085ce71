// Simulated scheduling throughput of upstream's scheduler_perf affinity workloads replayed by kubesim
// (bench/affinity.yaml), next to upstream's thresholds: measured pods / (last binding − first creation).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** name, template, initial pods, measured pods, upstream threshold (pods/s). */
export const AFFINITY_WORKLOADS = [
  ['SchedulingPodAntiAffinity/5000Nodes_2000Pods', 'anti-affinity', 1000, 2000, 60],
  ['SchedulingPodAffinity/5000Nodes_5000Pods', 'affinity', 5000, 5000, 35],
  ['SchedulingPreferredPodAntiAffinity/5000Nodes_5000Pods', 'preferred-anti-affinity', 5000, 5000, 90],
];

function simulatedRate(dir, template, init, measured) {
  const out = join(dir, template);
  execFileSync('node', [
    'dist/cli/main.js', 'run', 'bench/affinity.yaml', '--out', out, '--no-report', '--quiet',
    '--set', `spec.workloads[0].count=${init}`, '--set', `spec.workloads[1].count=${measured}`,
    '--set', `spec.workloads[0].template=./affinity/${template}-sched-0.yaml`, '--set', `spec.workloads[1].template=./affinity/${template}-sched-1.yaml`,
  ]);
  const lines = readFileSync(join(out, 'pods.csv'), 'utf8').trim().split('\n');
  const head = lines[0].split(',');
  const [iName, iCreated, iBound] = ['name', 'created_s', 'bound_s'].map((c) => head.indexOf(c));
  let first = Infinity;
  let last = 0;
  let bound = 0;
  for (const l of lines.slice(1)) {
    const f = l.split(',');
    if (!f[iName].startsWith('measured-')) continue;
    first = Math.min(first, Number(f[iCreated]));
    if (f[iBound] !== '') {
      bound++;
      last = Math.max(last, Number(f[iBound]));
    }
  }
  return { bound, podsPerSimulatedSecond: Math.round((bound / (last - first)) * 10) / 10 };
}

export function runAffinityBench() {
  const dir = mkdtempSync(join(tmpdir(), 'kubesim-affinity-'));
  try {
    const rows = AFFINITY_WORKLOADS.map(([name, template, init, measured, threshold]) => {
      const t0 = process.hrtime.bigint();
      const r = simulatedRate(dir, template, init, measured);
      const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
      return { name, threshold, ...r, ratio: Math.round((r.podsPerSimulatedSecond / threshold) * 100) / 100, wallS: Math.round(wallS * 10) / 10 };
    });
    return { suite: 'scheduler-affinity-calibration', node: process.version, rows };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
