/** kube-proxy in a run: the sync timeline of each simulated proxy in proxy.csv, per mode. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/workload/loadScenario.js';
import { runScenario } from '../../src/sim/simulation.js';

const dir = mkdtempSync(join(tmpdir(), 'kubesim-proxy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
type Row = Record<string, string>;
const csv = (out: string, file: string): Row[] => parse(readFileSync(join(out, file), 'utf8'), { columns: true }) as Row[];

let lastSummary: Row = {};
let lastServices: Row[] = [];
async function run(mode: string, extra = '', traffic = '{service: web, connectionsPerSecond: 200, requestsPerConnection: 10}'): Promise<Row[]> {
  const f = join(dir, `${mode}.yaml`);
  writeFileSync(
    f,
    `apiVersion: kubesim.dev/v1
kind: Scenario
metadata: {name: proxy-${mode}}
spec:
  seed: 5
  duration: 5m
  cluster:
    nodePools:
      - {name: general, count: 6, capacity: {cpu: "16", memory: 64Gi, pods: 110}}
  kubeProxy: {mode: ${mode}, proxiesPerPool: 2${extra.includes('minSyncPeriod') ? '' : ', minSyncPeriod: 1s'}${extra}}
  manifests:
    - apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web}
      spec:
        replicas: 20
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec:
            containers: [{name: web, image: web:1, ports: [{name: http, containerPort: 8080}], resources: {requests: {cpu: 100m}}}]
    - {apiVersion: v1, kind: Service, metadata: {name: web}, spec: {type: NodePort, selector: {app: web}, ports: [{name: http, port: 80, targetPort: http}]}}
  traffic:
    - ${traffic}
  metrics: {interval: 5s}
  events:
    - {at: 2m, rollout: {deployment: web, image: "web:2"}}
`,
  );
  const out = join(dir, mode);
  await runScenario(loadScenario(f), { outDir: out });
  lastSummary = csv(out, 'summary.csv')[0]!;
  lastServices = csv(out, 'services.csv');
  return csv(out, 'proxy.csv');
}

describe('kube-proxy syncs in a run', () => {
  it('iptables: a full start-up sync, then partial syncs no closer than minSyncPeriod after the burst, programming every endpoint change', async () => {
    const rows = await run('iptables');
    const p0 = rows.filter((r) => r.proxy === '0');
    expect(p0[0]).toMatchObject({ time_s: '0.000000', sync: 'full', node_group: 'general', nodes: '3.000000' });
    expect(p0.slice(1).every((r) => r.sync === 'partial')).toBe(true);
    const t = p0.map((r) => Number(r.time_s));
    // Burst 2: two syncs may come close together; over any three consecutive syncs at least one minSyncPeriod passes.
    for (let i = 2; i < t.length; i++) expect(t[i]! - t[i - 2]!).toBeGreaterThanOrEqual(0.999);
    expect(p0.at(-1)!.endpoints).toBe('20');
    const latencies = rows.filter((r) => r.programming_latency_max_s !== '').map((r) => Number(r.programming_latency_max_s));
    expect(latencies.length).toBeGreaterThan(5);
    expect(Math.max(...latencies)).toBeLessThan(3);
    // Both proxies of the group keep their own timeline.
    expect(rows.filter((r) => r.proxy === '1').length).toBeGreaterThan(5);
    // One NodePort Service with 20 endpoints: 5 fixed + ClusterIP and NodePort rules + masquerade + 20 jumps + 40 SEP
    // rules + the 2 KUBE-EXT rules = 70 nat rules; 2 IPVS virtual servers.
    expect(lastSummary).toMatchObject({ proxy_mode: 'iptables', services: '1', endpoints: '20', iptables_nat_rules: '70', ipvs_virtual_servers: '2' });
    expect(Number(lastSummary.programming_latency_s_p99)).toBeGreaterThan(0);
    expect(Number(lastSummary.sync_duration_s_p50)).toBeGreaterThan(0);
  });

  it('IPVS walks everything on every sync; nftables syncs partially after the start-up', async () => {
    const ipvs = await run('ipvs');
    expect(ipvs.every((r) => r.sync === 'full')).toBe(true);
    const nft = await run('nftables');
    expect(nft.filter((r) => r.sync === 'full')).toHaveLength(2);
    // A partial nftables sync costs about the fixed 141 ms; an iptables partial sync at this size far less.
    const nftPartial = nft.filter((r) => r.sync === 'partial').map((r) => Number(r.duration_s));
    expect(Math.min(...nftPartial)).toBeGreaterThan(0.1);
  });

  it('kubeProxy.costs overrides the cost model', async () => {
    const partialMax = (rows: Row[]) => Math.max(...rows.filter((r) => r.sync === 'partial').map((r) => Number(r.duration_s)));
    const base = partialMax(await run('iptables'));
    const slow = partialMax(await run('iptables', ', costs: {perLineUs: 2200}'));
    // A partial sync writes ≈100 lines: ≈12 ms at 22 µs per line, over 0.2 s at 100× that.
    expect(base).toBeLessThan(0.05);
    expect(slow).toBeGreaterThan(0.1);
  });
});

describe('Traffic through Services', () => {
  it('counts connections per window and the failures of lagging rules during a rollout; slower syncs fail more', async () => {
    await run('iptables');
    const fast = Number(lastSummary.failed_connections);
    expect(Number(lastSummary.connections)).toBeGreaterThan(50_000);
    expect(lastServices.length).toBeGreaterThan(50);
    const steady = lastServices.filter((r) => Number(r.time_s) > 30 && Number(r.time_s) <= 115);
    expect(steady.every((r) => Number(r.failed) === 0)).toBe(true);
    expect(Number(steady[0]!.connections)).toBeCloseTo(1000, 3);
    expect(Number(steady[0]!.requests)).toBeCloseTo(10_000, 3);
    expect(Number(steady[0]!.endpoints_programmed)).toBe(20);
    // Load spread: even while every proxy holds the same 20 endpoints, never below even.
    expect(steady.every((r) => r.endpoint_load_max_ratio === '1.000')).toBe(true);
    expect(lastServices.every((r) => r.endpoint_load_max_ratio === '' || Number(r.endpoint_load_max_ratio) >= 1)).toBe(true);
    await run('iptables', ', minSyncPeriod: 10s');
    const slow = Number(lastSummary.failed_connections);
    expect(slow).toBeGreaterThan(fast);
    expect(slow).toBeGreaterThan(0);
  });

  it('reports the mode-dependent first-packet cost and the proxy CPU per node', async () => {
    await run('iptables');
    const ipt = lastSummary;
    await run('ipvs');
    const ipvs = lastSummary;
    expect(Number(ipt.first_packet_us_p50)).toBeGreaterThan(0);
    expect(Number(ipvs.first_packet_us_p50)).toBeCloseTo(63, 3);
    // One Service: iptables scans a handful of rules; IPVS pays its fixed lookup.
    expect(Number(ipt.first_packet_us_p99)).toBeLessThan(Number(ipvs.first_packet_us_p99));
    expect(Number(ipt.proxy_cpu_cores_per_node)).toBeGreaterThan(0);
  });

  it('keepalive: the same 2,000 requests/s over 10× fewer connections cost the proxy the new-connection share less', async () => {
    // nftables with a 100 µs lookup and 10 µs per request: 110 µs per request without keepalive, 100 / 10 + 10 = 20
    // µs with 10 requests per connection; over 6 nodes, 2,000 req/s × cost / 6 cores per node.
    const costs = ', costs: {nftLookupUs: 100, ruleUs: 0, requestUs: 10}';
    await run('nftables', costs, '{service: web, connectionsPerSecond: 2000, requestsPerConnection: 1}');
    const without = Number(lastSummary.proxy_cpu_cores_per_node);
    await run('nftables', costs, '{service: web, connectionsPerSecond: 200, requestsPerConnection: 10}');
    const withKeepalive = Number(lastSummary.proxy_cpu_cores_per_node);
    expect(without).toBeCloseTo((2000 * 110) / 1e6 / 6, 6);
    expect(withKeepalive).toBeCloseTo((2000 * 20) / 1e6 / 6, 6);
  });
});

describe('Local traffic policies', () => {
  /** 6 nodes, a 2-replica backend with required anti-affinity (2 nodes host it), traffic from every node. */
  async function local(policy: string, traffic: string, placement = 'podAntiAffinity: {requiredDuringSchedulingIgnoredDuringExecution: [{labelSelector: {matchLabels: {app: web}}, topologyKey: kubernetes.io/hostname}]}', replicas = 2): Promise<{ summary: Row; services: Row[] }> {
    const id = `${policy}${traffic}${replicas}`.replace(/\W/g, '');
    const f = join(dir, `local-${id}.yaml`);
    writeFileSync(
      f,
      `apiVersion: kubesim.dev/v1
kind: Scenario
metadata: {name: local}
spec:
  seed: 3
  duration: 3m
  cluster:
    nodePools:
      - {name: general, count: 6, capacity: {cpu: "16", memory: 64Gi, pods: 110}}
  manifests:
    - apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web}
      spec:
        replicas: ${replicas}
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec:
            affinity: {${placement}}
            containers: [{name: web, image: web:1, resources: {requests: {cpu: 100m}}}]
    - {apiVersion: v1, kind: Service, metadata: {name: web}, spec: {type: NodePort, ${policy}, selector: {app: web}, ports: [{port: 80}]}}
  traffic:
    - ${traffic}
  metrics: {interval: 60s}
`,
    );
    const out = join(dir, `local-out-${id}`);
    await runScenario(loadScenario(f), { outDir: out });
    return { summary: csv(out, 'summary.csv')[0]!, services: csv(out, 'services.csv') };
  }

  it('internalTrafficPolicy Local: clients on the 4 nodes without a backend drop, the 2 with one reach it; Cluster reaches every endpoint', async () => {
    const loc = await local('internalTrafficPolicy: Local', '{service: web, connectionsPerSecond: 60}');
    const steady = loc.services.find((r) => r.time_s === '180.000000')!;
    expect(Number(steady.failed) / Number(steady.connections)).toBeCloseTo(4 / 6, 6);
    const cluster = await local('internalTrafficPolicy: Cluster', '{service: web, connectionsPerSecond: 60}');
    expect(Number(cluster.services.find((r) => r.time_s === '180.000000')!.failed)).toBe(0);
  });

  it('load spread: a Local policy with 2 endpoints on one node and 1 on another gives the lone one half the served load (1.5× even)', async () => {
    // 3 replicas pinned to general-0 and general-1, at most 2 per node: one node has 2 endpoints, the other 1.
    const loc = await local(
      'internalTrafficPolicy: Local',
      '{service: web, connectionsPerSecond: 60}',
      "nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: kubernetes.io/hostname, operator: In, values: [general-0, general-1]}]}]}}",
      3,
    );
    const steady = loc.services.find((r) => r.time_s === '180.000000')!;
    expect(steady.endpoint_load_max_ratio).toBe('1.500');
    expect(Number(steady.failed) / Number(steady.connections)).toBeCloseTo(4 / 6, 6);
  });

  it('externalTrafficPolicy applies to external clients only', async () => {
    const ext = await local('externalTrafficPolicy: Local', '{service: web, connectionsPerSecond: 60, external: true}');
    expect(Number(ext.services.find((r) => r.time_s === '180.000000')!.failed) / 3600).toBeCloseTo(4 / 6, 6);
    const internal = await local('externalTrafficPolicy: Local', '{service: web, connectionsPerSecond: 60}');
    expect(Number(internal.services.find((r) => r.time_s === '180.000000')!.failed)).toBe(0);
  });

  it('external clients need a NodePort: a ClusterIP Service is refused at load', () => {
    const f = join(dir, 'ext-clusterip.yaml');
    writeFileSync(
      f,
      `apiVersion: kubesim.dev/v1
kind: Scenario
metadata: {name: ext}
spec:
  duration: 1m
  cluster: {nodePools: [{name: general, count: 1, capacity: {cpu: "4", memory: 8Gi, pods: 110}}]}
  manifests:
    - {apiVersion: v1, kind: Service, metadata: {name: web}, spec: {selector: {app: web}, ports: [{port: 80}]}}
  traffic:
    - {service: web, connectionsPerSecond: 1, external: true}
`,
    );
    expect(() => loadScenario(f)).toThrow(/spec\.traffic\[0\]\.external: Service "default\/web" has no NodePort for external clients/);
  });
});

describe('Services fleets', () => {
  it('stamp N Deployment + Service pairs from one template; traffic "prefix*" reaches each of them', async () => {
    const f = join(dir, 'fleet.yaml');
    writeFileSync(
      f,
      `apiVersion: kubesim.dev/v1
kind: Scenario
metadata: {name: fleet}
spec:
  seed: 2
  duration: 3m
  cluster:
    nodePools:
      - {name: general, count: 10, capacity: {cpu: "16", memory: 64Gi, pods: 110}}
  workloads:
    - kind: Services
      name: svc
      count: 30
      nodePortShare: 0.1
      ports: [{name: http, port: 80, targetPort: 8080}]
      template:
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: backend}
        spec:
          replicas: 3
          selector: {matchLabels: {app: backend}}
          template:
            metadata: {labels: {app: backend}}
            spec:
              containers: [{name: c, image: "backend:1", resources: {requests: {cpu: 50m}}}]
  traffic:
    - {service: "svc-*", connectionsPerSecond: 10, pattern: {steps: [{at: 0s, factor: 0}, {at: 1m, factor: 1}]}}
  metrics: {interval: 10s}
`,
    );
    const scenario = loadScenario(f);
    expect(scenario.objects.filter((o) => o.kind === 'Service')).toHaveLength(30);
    expect(scenario.objects.filter((o) => o.kind === 'Service' && o.spec.type === 'NodePort')).toHaveLength(3);
    expect(scenario.traffic).toHaveLength(30);
    const out = join(dir, 'fleet');
    await runScenario(scenario, { outDir: out });
    const summary = csv(out, 'summary.csv')[0]!;
    expect(summary).toMatchObject({ services: '30', endpoints: '90' });
    // Traffic starts at 1 min, when every backend is up: no failures.
    expect(Number(summary.failed_connections)).toBe(0);
    expect(Number(summary.connections)).toBeCloseTo(30 * 10 * 120, -1);
    expect(new Set(csv(out, 'services.csv').map((r) => r.service)).size).toBe(30);
  });
});

describe('workloads/proxy-churn.yaml', () => {
  it('loads: 1,000 Services with 10 replicas each, traffic to every one, a rollout of all of them, a matrix over modes', () => {
    const s = loadScenario('workloads/proxy-churn.yaml');
    expect(s.objects.filter((o) => o.kind === 'Service')).toHaveLength(1000);
    expect(s.objects.filter((o) => o.kind === 'Deployment').every((d) => d.kind === 'Deployment' && d.spec.replicas === 10)).toBe(true);
    expect(s.traffic).toHaveLength(1000);
    expect(s.events[0]!.rollout?.deployment).toBe('svc-*');
    expect(s.matrix?.dimensions.map((a) => a.path)).toContain('kubeProxy.mode');
  });
});
