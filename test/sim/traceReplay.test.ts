/**
 * Trace replay in simulated time (a Trace workload in a run): pods arrive at their recorded creation time and leave
 * at their recorded deletion time, scaled by `timeScale`, within a `window`, thinned or inflated by `load`; the
 * trace's node list replaces the node pools, and GPU-sharing pods land only where a GPU has room.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/workload/loadScenario.js';
import { runScenario } from '../../src/sim/simulation.js';
import { InputError } from '../../src/workload/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'kubesim-replay-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const samples = join(import.meta.dirname, '../workload/traces/samples');

type Row = Record<string, string>;
const csv = (out: string, file: string): Row[] => parse(readFileSync(join(out, file), 'utf8'), { columns: true }) as Row[];

function scenario(name: string, extra = ''): string {
  const f = join(dir, `${name}.yaml`);
  writeFileSync(
    f,
    `apiVersion: kubesim.dev/v1
kind: Scenario
metadata: {name: ${name}}
spec:
  seed: 4
  duration: 30s
  cluster:
    nodePools: [{name: ignored, count: 3, capacity: {cpu: "4", memory: 8Gi, pods: 110}}]
  workloads:
    - kind: Trace
      format: openb
      pods: ${join(samples, 'openb_pod_list_sample.csv')}
      nodes: ${join(samples, 'openb_node_list_sample.csv')}
      timeScale: 0.01
${extra}`,
  );
  return f;
}

async function run(file: string, out: string): Promise<string> {
  const o = join(dir, out);
  await runScenario(loadScenario(file), { outDir: o });
  return o;
}

describe('trace replay', () => {
  it('creates each pod at its creation time and deletes it at its deletion time, time-scaled, on the trace\'s nodes', async () => {
    const out = await run(scenario('replay'), 'replay');
    const pods = new Map(csv(out, 'pods.csv').map((r) => [r.name, r]));
    expect(pods.size).toBe(8);
    // Arrival = creation × 0.01 (plus the API server's write latency, well under 0.1 s).
    for (const [name, at] of [['openb-pod-0001', 1], ['openb-pod-0004', 3], ['openb-pod-0006', 5], ['openb-pod-0007', 0]] as const) {
      expect(Number(pods.get(name)!.created_s)).toBeGreaterThanOrEqual(at);
      expect(Number(pods.get(name)!.created_s)).toBeLessThan(at + 0.1);
    }
    // Deleted at 700 s × 0.01 = 7 s: the object is gone once the kubelet has stopped its containers (graceful
    // deletion), a second or so later; a pod deleted at 3.6 s ends before one deleted at 7 s.
    const gone = (n: string) => Number(pods.get(n)!.deleted_s);
    expect(gone('openb-pod-0001')).toBeGreaterThanOrEqual(7);
    expect(gone('openb-pod-0001')).toBeLessThan(10);
    expect(gone('openb-pod-0004')).toBeGreaterThanOrEqual(3.6);
    expect(gone('openb-pod-0004')).toBeLessThan(gone('openb-pod-0001'));
    expect(pods.get('openb-pod-0003')!.deleted_s).toBe('');
    // The node list replaced the pools; GPU pods went to GPU nodes of an accepted model.
    expect(csv(out, 'summary.csv')[0]).toMatchObject({ nodes: '5', gpus: '14', trace: 'sample' });
    // The 8-GPU G2 pod needs the one G2 node whole; earlier GPU pods spread onto it, so it waits.
    expect(pods.get('openb-pod-0006')!.node).toBe('');
    const gpuPodsOnG2 = [...pods.values()].filter((r) => r.node!.startsWith('sample-g2-') && r.name !== 'openb-pod-0006');
    expect(gpuPodsOnG2.length).toBeGreaterThan(0);
    expect(pods.get('openb-pod-0004')!.node).toMatch(/^sample-(p100|t4)-/);
    for (const n of ['openb-pod-0001', 'openb-pod-0005', 'openb-pod-0007']) expect(pods.get(n)!.node).not.toMatch(/-cpu-/);
    // cluster.csv follows the GPUs once the nodes registered: shares and whole GPUs allocated as pods come and go;
    // at the end only the pod without a deletion time (2 GPUs) holds any.
    const cluster = csv(out, 'cluster.csv');
    expect(cluster[cluster.length - 1]).toMatchObject({ gpus: '14', gpu_allocated_ratio: (2 / 14).toFixed(6) });
    const peak = Math.max(...cluster.map((r) => Number(r.gpu_allocated_ratio)));
    expect(peak).toBeGreaterThan(0.2);
    expect(peak).toBeLessThanOrEqual(1);
    expect(cluster.every((r) => r.gpu_fragmentation_ratio === '' || (Number(r.gpu_fragmentation_ratio) >= 0 && Number(r.gpu_fragmentation_ratio) <= 1))).toBe(true);
  });

  it('a window keeps the pods alive in it, those from before arriving at 0', async () => {
    const out = await run(scenario('window', '      window: {start: 250s, end: 450s}\n'), 'window');
    const pods = new Map(csv(out, 'pods.csv').map((r) => [r.name, r]));
    expect([...pods.keys()].sort()).toEqual(['openb-pod-0000', 'openb-pod-0001', 'openb-pod-0002', 'openb-pod-0003', 'openb-pod-0004', 'openb-pod-0005', 'openb-pod-0007']);
    expect(Number(pods.get('openb-pod-0000')!.created_s)).toBeLessThan(0.1);
    expect(Number(pods.get('openb-pod-0005')!.created_s)).toBeGreaterThanOrEqual(1.5);
  });

  it('load scales the pod count on a seeded stream: clones above 1, a sample below', async () => {
    const twice = csv(await run(scenario('load2', '      load: 2\n'), 'load2'), 'pods.csv');
    expect(twice).toHaveLength(16);
    expect(twice.filter((r) => r.name!.includes('-clone'))).toHaveLength(8);
    const half = csv(await run(scenario('load05', '      load: 0.5\n'), 'load05'), 'pods.csv');
    expect(half.length).toBeLessThan(8);
    const again = csv(await run(scenario('load05', '      load: 0.5\n'), 'load05b'), 'pods.csv');
    expect(again.map((r) => r.name)).toEqual(half.map((r) => r.name));
  });

  it('departures: none keeps every pod', async () => {
    const pods = csv(await run(scenario('keep', '      departures: none\n'), 'keep'), 'pods.csv');
    expect(pods.every((r) => r.deleted_s === '')).toBe(true);
  });

  it('refuses a window that ends before it starts, naming the field', () => {
    expect(() => loadScenario(scenario('bad-window', '      window: {start: 10m, end: 5m}\n'))).toThrow(InputError);
    expect(() => loadScenario(scenario('bad-window', '      window: {start: 10m, end: 5m}\n'))).toThrow(/spec\.workloads\[0\]\.window: expected end after start/);
  });
});
