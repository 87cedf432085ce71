/**
 * Calibration of the cycle cost's work units against upstream's scheduler_perf affinity workloads
 * (test/integration/scheduler_perf/affinity/performance-config.yaml), replayed by bench/affinity.yaml: the measured
 * pods must be scheduled at a simulated rate within ±15% of each workload's threshold.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/workload/loadScenario.js';
import { runScenario } from '../../src/sim/simulation.js';

const dir = mkdtempSync(join(tmpdir(), 'kubesim-calibration-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Measured pods per second of simulated time: count / (last bind − first creation). */
function throughput(csvText: string): { pods: number; rate: number } {
  const rows = (parse(csvText, { columns: true }) as Record<string, string>[]).filter((r) => r.name!.startsWith('measured-'));
  const created = Math.min(...rows.map((r) => Number(r.created_s)));
  const bound = Math.max(...rows.map((r) => (r.bound_s === '' ? Infinity : Number(r.bound_s))));
  return { pods: rows.length, rate: rows.length / (bound - created) };
}

describe('cycle cost calibration (scheduler_perf affinity workloads, 5,000 nodes)', () => {
  it.each([
    ['SchedulingPodAntiAffinity/5000Nodes_2000Pods', 60, 'anti-affinity', 1000, 2000],
    ['SchedulingPodAffinity/5000Nodes_5000Pods', 35, 'affinity', 5000, 5000],
    ['SchedulingPreferredPodAntiAffinity/5000Nodes_5000Pods', 90, 'preferred-anti-affinity', 5000, 5000],
  ] as const)('%s: within 15 percent of %i pods/s', async (_name, threshold, template, init, measured) => {
    const scenario = loadScenario('bench/affinity.yaml', {
      overrides: [
        `spec.workloads[0].count=${init}`,
        `spec.workloads[1].count=${measured}`,
        `spec.workloads[0].template=./affinity/${template}-sched-0.yaml`,
        `spec.workloads[1].template=./affinity/${template}-sched-1.yaml`,
      ],
    });
    await runScenario(scenario, { outDir: join(dir, template) });
    const { pods, rate } = throughput(readFileSync(join(dir, template, 'pods.csv'), 'utf8'));
    expect(pods).toBe(measured);
    expect(rate).toBeGreaterThanOrEqual(threshold * 0.85);
    expect(rate).toBeLessThanOrEqual(threshold * 1.15);
  }, 120_000);
});
