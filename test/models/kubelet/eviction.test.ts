/**
 * Node-pressure eviction (pkg/kubelet/eviction): rankMemoryPressure's order, and a run where pods' memory use
 * passes the node's memory: MemoryPressure with its NoSchedule taint, evictions one per 10 s round in rank order until
 * memory.available is back above 100Mi, the evicted pods Failed with reason Evicted.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { rankMemoryPressure } from '../../../src/models/kubelet/evictionManager.js';
import { loadScenario } from '../../../src/workload/loadScenario.js';
import { runScenario } from '../../../src/sim/simulation.js';
import { makePod } from '../../helpers/objects.js';

const Mi = 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), 'kubesim-eviction-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('rankMemoryPressure (helpers.go)', () => {
  it('exceeding requests first, then lower priority, then larger use above the request', () => {
    const pod = (name: string, request: number, priority: number) => makePod(name, { memory: request * Mi }, { priority });
    const ranked = rankMemoryPressure([
      { pod: pod('a', 1024, 0), usage: 1024 * Mi },
      { pod: pod('c', 512, 100), usage: 1536 * Mi },
      { pod: pod('d', 256, 0), usage: 768 * Mi },
      { pod: pod('b', 512, 0), usage: 1536 * Mi },
    ]);
    expect(ranked.map((c) => c.pod.metadata.name)).toEqual(['b', 'd', 'c', 'a']);
  });
});

describe('memory pressure in a run', () => {
  it('evicts in rank order, one per round, until memory.available is back above the threshold', async () => {
    const pod = (name: string, request: string, usage: string, cls: string) => `
    - apiVersion: v1
      kind: Pod
      metadata: {name: ${name}, annotations: {kubesim.dev/memory-usage: "{perPod: {phases: [{value: 64Mi, for: 20s}, {value: ${usage}}]}}"}}
      spec:
        priorityClassName: ${cls}
        containers: [{name: c, image: app:1, resources: {requests: {cpu: 100m, memory: ${request}}}}]`;
    const file = join(dir, 'pressure.yaml');
    writeFileSync(
      file,
      `apiVersion: kubesim.dev/v1
kind: Scenario
metadata: {name: pressure}
spec:
  seed: 1
  duration: 3m
  cluster:
    nodePools: [{name: n, count: 1, capacity: {cpu: "8", memory: 3Gi, pods: 110}}]
  manifests:
    - {apiVersion: scheduling.k8s.io/v1, kind: PriorityClass, metadata: {name: low}, value: 0}
    - {apiVersion: scheduling.k8s.io/v1, kind: PriorityClass, metadata: {name: high}, value: 100}${pod('a', '1Gi', '1Gi', 'low')}${pod('b', '512Mi', '1536Mi', 'low')}${pod('c', '512Mi', '1536Mi', 'high')}${pod('d', '256Mi', '768Mi', 'low')}
  metrics: {interval: 10s}
`,
    );
    const out = join(dir, 'out');
    await runScenario(loadScenario(file), { outDir: out });
    const pods = new Map((parse(readFileSync(join(out, 'pods.csv'), 'utf8'), { columns: true }) as Record<string, string>[]).map((r) => [r.name, r]));
    // Use jumps to 4.75 Gi at about 20 s: 3 Gi + 100 Mi of capacity leaves −1.65 Gi. b goes first, d next round;
    // then 2.5 Gi leaves 600 Mi available and the pressure ends.
    expect([...pods.values()].filter((r) => r.reason === 'Evicted' && r.phase === 'Failed').map((r) => r.name).sort()).toEqual(['b', 'd']);
    expect(Number(pods.get('d')!.finished_s) - Number(pods.get('b')!.finished_s)).toBeCloseTo(10, 1);
    expect(pods.get('a')!.phase).toBe('Running');
    expect(pods.get('c')!.phase).toBe('Running');
    const events = parse(readFileSync(join(out, 'events.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    const evicted = events.filter((e) => e.reason === 'Evicted');
    expect(evicted.map((e) => e.name)).toEqual(['b', 'd']);
    expect(evicted[0]!.message).toMatch(/^The node was low on resource: memory\. Threshold quantity: 100Mi, available: -\d+Ki\./);
    expect((parse(readFileSync(join(out, 'summary.csv'), 'utf8'), { columns: true }) as Record<string, string>[])[0]!.evictions).toBe('2');
  });
});
