/**
 * workloads/ingress-dns.yaml: external traffic through ingress-nginx doubles at 10 minutes; the two controller pods
 * drop requests until the HPA has scaled them to four. In-cluster traffic looks its Services up by name: one CoreDNS
 * pod is saturated (lookups time out and fail), four answer every query.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/workload/loadScenario.js';
import { runScenario } from '../../src/sim/simulation.js';

const dir = mkdtempSync(join(tmpdir(), 'kubesim-ingress-dns-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
type Row = Record<string, string>;

async function run(coreDnsPods: number): Promise<{ summary: Row; services: Row[]; workloads: Row[] }> {
  const out = join(dir, String(coreDnsPods));
  await runScenario(loadScenario('workloads/ingress-dns.yaml', { overrides: [`manifests[0].spec.replicas=${coreDnsPods}`, 'duration=15m'] }), { outDir: out });
  const read = (f: string) => parse(readFileSync(join(out, f), 'utf8'), { columns: true }) as Row[];
  return { summary: read('summary.csv')[0]!, services: read('services.csv'), workloads: read('workloads.csv') };
}

describe('workloads/ingress-dns.yaml', () => {
  it('the ingress controller drops requests at the step until its HPA scales it; one CoreDNS pod fails lookups, four do not', async () => {
    const one = await run(1);
    const four = await run(4);
    for (const r of [one, four]) {
      const failedAt = (lo: number, hi: number) => r.services.filter((s) => s.service === 'frontend' && Number(s.time_s) > lo && Number(s.time_s) <= hi).reduce((a, s) => a + Number(s.ingress_failed), 0);
      expect(failedAt(60, 600)).toBe(0);
      expect(failedAt(600, 660)).toBeGreaterThan(0);
      expect(failedAt(720, 900)).toBe(0);
      const ctl = r.workloads.filter((w) => w.name === 'ingress-nginx-controller' && w.kind === 'Deployment');
      expect(Number(ctl.find((w) => Number(w.time_s) === 600)!.ready)).toBe(2);
      // 12,000 requests/s × 250 µs = 3 cores at 80 % of 1 core per pod: 4 pods.
      expect(Number(ctl.at(-1)!.ready)).toBe(4);
    }
    // Once CoreDNS runs (lookups in the first seconds fail while its pods start).
    const failedLookups = (r: typeof one) => r.services.filter((s) => Number(s.time_s) > 60).reduce((a, s) => a + Number(s.dns_failed_lookups || 0), 0);
    expect(failedLookups(one)).toBeGreaterThan(0);
    expect(failedLookups(four)).toBe(0);
    expect(Number(one.summary.failed_connections)).toBeGreaterThan(Number(four.summary.failed_connections));
    // ndots:5: payments.backend.svc.cluster.local has 4 dots, so the search path is tried first: 4 tries, 8 queries.
    const payments = four.services.find((s) => s.service === 'payments' && Number(s.time_s) === 300)!;
    expect(Number(payments.dns_queries) / Number(payments.connections)).toBeCloseTo(8, 6);
  });
});
