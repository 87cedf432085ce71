/**
 * workloads/overcommit.yaml: the same memory use with requests at 1.0× and at 1/1.5 of it. Overcommitted, every
 * cache pod is placed and the kubelets evict under memory pressure; at 1.0× the scheduler holds the excess back and
 * nothing is evicted. The throttled batch Jobs take 1.5× their run time and the leaky report is OOMKilled each try.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/workload/loadScenario.js';
import { runScenario } from '../../src/sim/simulation.js';

const dir = mkdtempSync(join(tmpdir(), 'kubesim-overcommit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
type Row = Record<string, string>;

async function run(memory: string): Promise<{ summary: Row; pods: Row[] }> {
  const out = join(dir, memory);
  await runScenario(loadScenario('workloads/overcommit.yaml', { overrides: [`manifests[0].spec.template.spec.containers[0].resources.requests.memory=${memory}`, 'duration=30m'] }), { outDir: out });
  const read = (f: string) => parse(readFileSync(join(out, f), 'utf8'), { columns: true }) as Row[];
  return { summary: read('summary.csv')[0]!, pods: read('pods.csv') };
}

describe('workloads/overcommit.yaml', () => {
  it('overcommitted memory is evicted under pressure; requests at use leave pods Pending instead', async () => {
    const exact = await run('1Gi');
    const over = await run('683Mi');
    expect(Number(exact.summary.evictions)).toBe(0);
    expect(Number(exact.summary.pods_unscheduled_end)).toBeGreaterThan(0);
    expect(Number(over.summary.evictions)).toBeGreaterThan(50);
    expect(over.pods.filter((p) => p.reason === 'Evicted').every((p) => p.owner_kind === 'ReplicaSet' && p.qos_class === 'Burstable')).toBe(true);
    for (const r of [exact, over]) {
      // 3-minute runs at 1.5 cores under a 1-core limit: 270 s.
      const runs = r.pods.filter((p) => p.owner_name!.startsWith('batch') && p.phase === 'Succeeded').map((p) => Number(p.finished_s) - Number(p.running_s));
      expect(runs.length).toBeGreaterThan(5);
      for (const t of runs) expect(t).toBeCloseTo(270, 0);
      // The leaky report: three tries (backoffLimit 2), each OOMKilled.
      expect(r.pods.filter((p) => p.owner_name === 'leaky-report').map((p) => p.reason)).toEqual(['OOMKilled', 'OOMKilled', 'OOMKilled']);
    }
  });
});
