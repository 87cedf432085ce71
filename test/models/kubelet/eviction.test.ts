/**
 * Node-pressure eviction (pkg/kubelet/eviction): rankMemoryPressure's and rankDiskPressureFunc's order, a run where
 * pods' memory use passes the node's memory (MemoryPressure with its NoSchedule taint, evictions one per 10 s round
 * in rank order until memory.available is back above 100Mi, the evicted pods Failed with reason Evicted), and runs
 * where pods fill the node's filesystem (local storage limits, DiskPressure at imagefs.available < 15 %, unused
 * images reclaimed before any pod is evicted).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ephemeralStorageLimit, rankDiskPressure, rankMemoryPressure } from '../../../src/models/kubelet/evictionManager.js';
import { makePod } from '../../helpers/objects.js';
import { runInline } from '../../helpers/inlineScenario.js';

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
    const read = await runInline(
      dir,
      'pressure',
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
    const pods = new Map(read('pods.csv').map((r) => [r.name, r]));
    // Use jumps to 4.75 Gi at about 20 s: 3 Gi + 100 Mi of capacity leaves −1.65 Gi. b goes first, d next round;
    // then 2.5 Gi leaves 600 Mi available and the pressure ends.
    expect([...pods.values()].filter((r) => r.reason === 'Evicted' && r.phase === 'Failed').map((r) => r.name).sort()).toEqual(['b', 'd']);
    expect(Number(pods.get('d')!.finished_s) - Number(pods.get('b')!.finished_s)).toBeCloseTo(10, 1);
    expect(pods.get('a')!.phase).toBe('Running');
    expect(pods.get('c')!.phase).toBe('Running');
    const evicted = read('events.csv').filter((e) => e.reason === 'Evicted');
    expect(evicted.map((e) => e.name)).toEqual(['b', 'd']);
    expect(evicted[0]!.message).toMatch(/^The node was low on resource: memory\. Threshold quantity: 100Mi, available: -\d+Ki\./);
    expect(read('summary.csv')[0]!.evictions).toBe('2');
  });
});

describe('rankDiskPressureFunc (helpers.go)', () => {
  it('orders by ephemeral-storage use above the request, then priority, then the larger excess', () => {
    const Gi = 1024 * Mi;
    const pod = (name: string, request: number, priority: number) => makePod(name, { 'ephemeral-storage': request * Gi }, { priority });
    const ranked = rankDiskPressure([
      { pod: pod('fits', 4, 0), usage: 3 * Gi },
      { pod: pod('over-high', 1, 100), usage: 5 * Gi },
      { pod: pod('over-small', 1, 0), usage: 2 * Gi },
      { pod: pod('over-big', 1, 0), usage: 6 * Gi },
    ]);
    expect(ranked.map((c) => c.pod.metadata.name)).toEqual(['over-big', 'over-small', 'over-high', 'fits']);
  });

  it('takes the pod limit as the sum of the containers that set one', () => {
    const p = makePod('p', {});
    expect(ephemeralStorageLimit(p)).toBeUndefined();
    const limited = { ...p, spec: { ...p.spec, containers: [{ name: 'a', image: 'x', resources: { limits: { 'ephemeral-storage': 100 } } }, { name: 'b', image: 'x' }, { name: 'c', image: 'x', resources: { limits: { 'ephemeral-storage': 50 } } }] } };
    expect(ephemeralStorageLimit(limited)).toBe(150);
  });
});

describe('disk pressure in a run', () => {
  /** Runs one node with a 20 Gi filesystem and a 1 Gi image; returns the CSV reader. */
  const diskRun = (name: string, pods: string, extra = '', events = '') =>
    runInline(
      dir,
      name,
      `apiVersion: kubesim.dev/v1
kind: Scenario
metadata: {name: ${name}}
spec:
  seed: 1
  duration: 4m
  cluster:
    nodePools: [{name: n, count: 1, capacity: {cpu: "8", memory: 16Gi, pods: 110, ephemeral-storage: 20Gi}${extra}}]
  images: {app:1: 1Gi}
  manifests:
    - {apiVersion: scheduling.k8s.io/v1, kind: PriorityClass, metadata: {name: low}, value: 0}
    - {apiVersion: scheduling.k8s.io/v1, kind: PriorityClass, metadata: {name: high}, value: 100}${pods}
  metrics: {interval: 10s}
${events}`,
    );
  const pod = (name: string, usage: string, cls: string, resources: string) => `
    - apiVersion: v1
      kind: Pod
      metadata: {name: ${name}, annotations: {kubesim.dev/ephemeral-storage-usage: "${usage}"}}
      spec:
        priorityClassName: ${cls}
        containers: [{name: c, image: app:1, resources: {${resources}}}]`;

  it('evicts a pod past its ephemeral-storage limit whatever the node has free', async () => {
    const read = await diskRun('limit', pod('writer', '{perPod: {ramp: {to: 3Gi, over: 60s}}}', 'low', 'limits: {ephemeral-storage: 2Gi}') + pod('quiet', '100Mi', 'low', 'requests: {cpu: 100m}'));
    const events = read('events.csv').filter((e) => e.reason === 'Evicted');
    expect(events.map((e) => e.name)).toEqual(['writer']);
    expect(events[0]!.message).toBe('Pod ephemeral local storage usage exceeds the total limit of containers 2097152Ki.');
    // 2 Gi of the 3 Gi ramp is written 40 s after the start; the next 10 s round sees it.
    const writer = read('pods.csv').find((r) => r.name === 'writer')!;
    expect(writer.phase).toBe('Failed');
    expect(Number(writer.finished_s)).toBeGreaterThan(40);
    expect(Number(writer.finished_s)).toBeLessThanOrEqual(60);
    expect(read('pods.csv').find((r) => r.name === 'quiet')!.phase).toBe('Running');
  });

  it('turns DiskPressure on at imagefs.available < 15 % and evicts the pod most above its request', async () => {
    // 20 Gi filesystem, 1 Gi image: the pods reach 2 + 9 + 7 = 18 Gi after 2 min, 1 Gi available.
    const read = await diskRun(
      'pressure',
      pod('steady', '2Gi', 'low', 'requests: {ephemeral-storage: 4Gi}') + pod('logger', '{perPod: {ramp: {to: 9Gi, over: 2m}}}', 'low', 'requests: {ephemeral-storage: 1Gi}') + pod('cache', '{perPod: {ramp: {to: 7Gi, over: 2m}}}', 'high', 'requests: {ephemeral-storage: 1Gi}'),
    );
    const evicted = read('events.csv').filter((e) => e.reason === 'Evicted');
    // logger (low priority, 8 Gi over) goes first; with 10 Gi used the node is below 85 % again.
    expect(evicted.map((e) => e.name)).toEqual(['logger']);
    expect(evicted[0]!.message).toMatch(/^The node was low on resource: ephemeral-storage\. Threshold quantity: 3221225472, available: \d+Ki\. Container c was using \d+Ki, request is 1048576Ki, has larger consumption of ephemeral-storage\.$/);
    const logger = read('pods.csv').find((r) => r.name === 'logger')!;
    // 17 Gi used (over 85 %) once 9x/120 + 7x/120 + 2 + 1 ≥ 17, x ≥ 105 s: evicted at the next round.
    expect(Number(logger.finished_s)).toBeGreaterThanOrEqual(105);
    expect(Number(logger.finished_s)).toBeLessThanOrEqual(120);
    expect(read('pods.csv').filter((r) => r.phase === 'Running').map((r) => r.name).sort()).toEqual(['cache', 'steady']);
    expect(read('summary.csv')[0]!.evictions).toBe('1');
  });

  it('the DiskPressure taint keeps new pods off the node while the condition holds', async () => {
    const late = `
    - apiVersion: apps/v1
      kind: Deployment
      metadata: {name: late}
      spec:
        replicas: 0
        selector: {matchLabels: {app: late}}
        template:
          metadata: {labels: {app: late}}
          spec: {containers: [{name: c, image: app:1, resources: {requests: {cpu: 100m}}}]}`;
    const read = await diskRun('tainted', pod('logger', '{perPod: {ramp: {to: 18Gi, over: 1m}}}', 'low', 'requests: {ephemeral-storage: 1Gi}') + late, '', '  events:\n    - {at: 2m, scale: {deployment: late, replicas: 1}}\n');
    // The logger is evicted within a minute; the condition stays True 5 min after the last pressure, past the run's end.
    expect(read('events.csv').filter((e) => e.reason === 'Evicted').map((e) => e.name)).toEqual(['logger']);
    const latePod = read('pods.csv').find((r) => r.name!.startsWith('late-'))!;
    expect(latePod.node).toBe('');
    const failed = read('events.csv').find((e) => e.reason === 'FailedScheduling' && e.name === latePod.name)!;
    expect(failed.message).toContain('untolerated taint {node.kubernetes.io/disk-pressure: }');
  });

  it('reclaims unused images before evicting pods', async () => {
    // A 4 Gi image is on the node from the start; the logger's 13 Gi pass 85 % of the 20 Gi (with 1 + 4 Gi of images)
    // after about 166 s. Nobody runs the old image: deleting it brings the node back under 85 %, nobody is evicted.
    // When a pod runs it, it cannot be deleted and the logger is evicted.
    const logger = pod('logger', '{perPod: {ramp: {to: 13Gi, over: 3m}}}', 'low', 'requests: {ephemeral-storage: 1Gi}');
    const user = `
    - apiVersion: v1
      kind: Pod
      metadata: {name: user}
      spec: {priorityClassName: high, containers: [{name: c, image: "old:1", resources: {requests: {cpu: 100m}}}]}`;
    const preloaded = ', images: [{name: "old:1", size: 4Gi}]';
    const runs: Record<string, string[]> = {};
    for (const [name, pods] of [['reclaim', logger], ['in-use', logger + user]] as const) {
      const read = await diskRun(name, pods, preloaded);
      runs[name] = read('events.csv').filter((e) => e.reason === 'Evicted').map((e) => e.name!);
    }
    expect(runs).toEqual({ reclaim: [], 'in-use': ['logger'] });
  });
});
