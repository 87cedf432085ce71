/**
 * The library API (src/index.ts): a scenario from an object, a run into memory whose rows are exactly what the
 * files would hold, and a run into a folder.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Code, explain, importCluster, KUBERNETES_VERSION, load, run } from '../../src/index.js';
import { runScenario } from '../../src/sim/simulation.js';
import { formatCsv } from '../../src/metrics/csvFile.js';

const dir = mkdtempSync(join(tmpdir(), 'kubesim-api-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SCENARIO = {
  apiVersion: 'kubesim.dev/v1',
  kind: 'Scenario',
  metadata: { name: 'api' },
  spec: {
    seed: 7,
    duration: '10m',
    cluster: { nodePools: [{ name: 'n', count: 3, capacity: { cpu: '4', memory: '8Gi', pods: 110 } }] },
    manifests: [{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 4, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27', resources: { requests: { cpu: '500m' } } }] } } } }],
  },
};

describe('kubesim as a library', () => {
  it('loads a scenario object and runs it into memory: the rows are what the files hold, byte for byte', async () => {
    const s = load(SCENARIO);
    expect(s.name).toBe('api');
    const mem = await runScenario(s, {});
    expect(mem.outDir).toBeUndefined();
    const out = join(dir, 'files');
    await runScenario(load(SCENARIO), { outDir: out });
    for (const name of ['pods', 'nodes', 'cluster', 'events', 'summary']) {
      const o = mem.outputs![name]!;
      expect(formatCsv([o.columns, ...o.rows]), name).toBe(readFileSync(join(out, `${name}.csv`), 'utf8'));
    }
  });

  it('run() gives the summary and each output as typed rows, with a seed and overrides', async () => {
    const r = await run(SCENARIO, { seed: 9, overrides: ['manifests[0].spec.replicas=6'] });
    expect(r.outDir).toBeUndefined();
    expect(r.summary).toMatchObject({ scenario: 'api', seed: 9, pods_created: 6, pods_bound: 6 });
    expect(r.outputs.pods).toHaveLength(6);
    expect(typeof r.outputs.pods![0]!.cpu_request_m).toBe('number');
    expect(r.simulatedSeconds).toBe(600);
    const f = await run(SCENARIO, { outDir: join(dir, 'run') });
    expect(f.outDir).toBe(join(dir, 'run'));
    expect(f.summary.pods_created).toBe(4);
  });

  it('explains a pod and exports the plugin API and the followed version', async () => {
    const withPod = { ...SCENARIO, spec: { ...SCENARIO.spec, manifests: [...SCENARIO.spec.manifests, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'solo' }, spec: { containers: [{ name: 'c', image: 'x:1', resources: { requests: { cpu: '1' } } }] } }] } };
    const e = await explain(withPod, 'solo', { at: '1s' });
    expect(e?.pod).toBe('default/solo');
    expect(e?.nodes.map((n) => n.name).sort()).toEqual(['n-0', 'n-1', 'n-2']);
    expect(e?.selected).toMatch(/^n-[012]$/);
    expect(Code.Unschedulable).toBe(2);
    expect(KUBERNETES_VERSION).toBe('v1.34');
  });

  it('imports a cluster dump and runs the scenario from its state, into memory', async () => {
    const r = importCluster({ dump: join(__dirname, '../../workloads/imported-cluster/dump.yaml'), out: join(dir, 'imported') });
    expect(r.nodes).toBe(12);
    const out = await run(r.scenario, { overrides: ['spec.duration=1m'] });
    expect(out.summary.pods_running_end).toBe(52);
    expect(out.summary.pods_created).toBe(0);
  });
});
