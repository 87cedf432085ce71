/**
 * Traffic by name through DNS: each new connection's lookup costs the queries its resolver makes (ClusterFirst,
 * ndots 5), sent to the kube-system/kube-dns pods; a saturated CoreDNS drops queries, lookups time out and fail.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/workload/loadScenario.js';
import { runScenario } from '../../src/sim/simulation.js';

const dir = mkdtempSync(join(tmpdir(), 'kubesim-dns-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
type Row = Record<string, string>;

async function run(name: string, dnsName: string, dnsPods: number, qpsPerPod = 10000, connectionsPerSecond = 1000): Promise<Row[]> {
  const f = join(dir, `${name}.yaml`);
  writeFileSync(
    f,
    `apiVersion: kubesim.dev/v1
kind: Scenario
metadata: {name: ${name}}
spec:
  seed: 5
  duration: 2m
  namespaces: auto
  cluster:
    nodePools: [{name: general, count: 4, capacity: {cpu: "16", memory: 64Gi, pods: 110}}]
  manifests:
    - apiVersion: apps/v1
      kind: Deployment
      metadata: {name: coredns, namespace: kube-system}
      spec:
        replicas: ${dnsPods}
        selector: {matchLabels: {k8s-app: kube-dns}}
        template:
          metadata: {labels: {k8s-app: kube-dns}}
          spec: {containers: [{name: coredns, image: coredns:1.11, ports: [{name: dns, containerPort: 53, protocol: UDP}], resources: {requests: {cpu: 100m}}}]}
    - {apiVersion: v1, kind: Service, metadata: {name: kube-dns, namespace: kube-system, annotations: {kubesim.dev/dns-qps-per-pod: "${qpsPerPod}"}}, spec: {selector: {k8s-app: kube-dns}, ports: [{name: dns, port: 53, targetPort: dns, protocol: UDP}]}}
    - apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web, namespace: shop}
      spec:
        replicas: 4
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec: {containers: [{name: web, image: web:1, ports: [{name: http, containerPort: 8080}], resources: {requests: {cpu: 100m}}}]}
    - {apiVersion: v1, kind: Service, metadata: {name: web, namespace: shop}, spec: {selector: {app: web}, ports: [{name: http, port: 80, targetPort: http}]}}
  traffic:
    - {service: shop/web, connectionsPerSecond: ${connectionsPerSecond}, dnsName: "${dnsName}"}
  metrics: {interval: 10s}
`,
  );
  const out = join(dir, name);
  await runScenario(loadScenario(f), { outDir: out });
  // The last windows, with everything running.
  return (parse(readFileSync(join(out, 'services.csv'), 'utf8'), { columns: true }) as Row[]).filter((r) => Number(r.time_s) >= 60);
}

describe('traffic by name through DNS', () => {
  it('a short name in the same namespace costs 2 queries per connection; a 4-dot FQDN 8 (ndots 5); a trailing dot 2', async () => {
    const per = (rows: Row[]) => rows.reduce((a, r) => a + Number(r.dns_queries), 0) / rows.reduce((a, r) => a + Number(r.connections), 0);
    expect(per(await run('short', 'web', 2))).toBeCloseTo(2, 6);
    expect(per(await run('fqdn', 'web.shop.svc.cluster.local', 2))).toBeCloseTo(8, 6);
    const dotted = await run('dotted', 'web.shop.svc.cluster.local.', 2);
    expect(per(dotted)).toBeCloseTo(2, 6);
    expect(dotted.every((r) => Number(r.dns_failed_lookups) === 0 && Number(r.dns_lookup_ms_mean) === 0.5)).toBe(true);
  });

  it('a saturated CoreDNS drops queries: lookups time out, some fail, and their connections with them', async () => {
    // 1,000 connections/s × 8 queries = 8,000 qps against one pod answering 2,000: 3/4 dropped, a lookup fails when
    // both attempts drop (9/16), the others wait the 5 s timeout in proportion.
    const rows = await run('saturated', 'web.shop.svc.cluster.local', 1, 2000);
    const conns = rows.reduce((a, r) => a + Number(r.connections), 0);
    const failedLookups = rows.reduce((a, r) => a + Number(r.dns_failed_lookups), 0);
    expect(failedLookups / conns).toBeCloseTo(9 / 16, 3);
    expect(rows.reduce((a, r) => a + Number(r.failed), 0) / conns).toBeGreaterThanOrEqual(9 / 16 - 1e-6);
    expect(Number(rows[0]!.dns_lookup_ms_mean)).toBeCloseTo(4 * 0.5 + 0.75 * 5000, 1);
  });

  it('each CoreDNS pod caches for 30 s: more pods, each with its own cache, answer less from cache', async () => {
    // "web" from shop: one name tried (A + AAAA) at λ = 0.2 lookups/s; hit ratio (λT/P) / (1 + λT/P).
    const ratio = (rows: Row[]) => Number(rows.at(-1)!.dns_cache_hit_ratio);
    expect(ratio(await run('cache1', 'web', 1, 10000, 0.2))).toBeCloseTo(6 / 7, 4);
    expect(ratio(await run('cache4', 'web', 4, 10000, 0.2))).toBeCloseTo(1.5 / 2.5, 4);
    // A busy name is almost always answered from the cache.
    expect(ratio(await run('cache-busy', 'web', 2, 10000, 1000))).toBeGreaterThan(0.999);
  });

  it("a name that is not the Service's fails every lookup", async () => {
    const rows = await run('wrong', 'api', 2);
    expect(rows.every((r) => r.dns_failed_lookups === r.connections && r.failed === r.connections)).toBe(true);
  });
});
