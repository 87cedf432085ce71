/**
 * Calibration of the scheduling cycle cost model against upstream's scheduler_perf: replaying
 * SchedulingBasic/5000Nodes (bench/scheduling-basic.yaml) must schedule the measured pods at a simulated rate within
 * ±15% of the workload's thresholds, 680 pods/s (10,000 pods) and 810 pods/s (50,000 pods)
 * (test/integration/scheduler_perf/misc/performance-config.yaml).
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

/** Measured pods per second of simulated time: count / (last bind − first creation), as scheduler_perf averages. */
function throughput(csvText: string, prefix: string): { pods: number; rate: number } {
  const rows = (parse(csvText, { columns: true }) as Record<string, string>[]).filter((r) => r.name!.startsWith(prefix));
  const created = Math.min(...rows.map((r) => Number(r.created_s)));
  const bound = Math.max(...rows.map((r) => (r.bound_s === '' ? Infinity : Number(r.bound_s))));
  return { pods: rows.length, rate: rows.length / (bound - created) };
}

describe('cycle cost calibration (scheduler_perf SchedulingBasic/5000Nodes)', () => {
  it('schedules 10,000 pods on 5,000 nodes within ±15% of 680 and of 810 pods/s', async () => {
    const scenario = loadScenario('bench/scheduling-basic.yaml');
    await runScenario(scenario, { outDir: join(dir, 'basic') });
    const { pods, rate } = throughput(readFileSync(join(dir, 'basic', 'pods.csv'), 'utf8'), 'measured-');
    expect(pods).toBe(10_000);
    for (const threshold of [680, 810]) {
      expect(rate).toBeGreaterThanOrEqual(threshold * 0.85);
      expect(rate).toBeLessThanOrEqual(threshold * 1.15);
    }
  });
});
