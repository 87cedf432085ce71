/**
 * The shipped lifecycle scenarios end to end, and timed events: a zone of a 3-zone cluster failing for 20 minutes
 * (workloads/zone-failure.yaml) and a 500-replica rollout (workloads/rollout.yaml), through loadScenario and
 * runScenario, checked on their CSVs.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/workload/loadScenario.js';
import { runScenario } from '../../src/sim/simulation.js';
import { InputError } from '../../src/workload/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'kubesim-events-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Row = Record<string, string>;
const csv = (out: string, file: string): Row[] => parse(readFileSync(join(out, file), 'utf8'), { columns: true }) as Row[];

describe('workloads/zone-failure.yaml', () => {
  it('fails zone-b at 10 min: NotReady after the grace period, taints at 0.1 nodes/s, evictions 300 s later, recovery', async () => {
    const out = join(dir, 'zf');
    await runScenario(loadScenario('workloads/zone-failure.yaml'), { outDir: out });
    const events = csv(out, 'events.csv');
    const notReady = events.filter((e) => e.reason === 'NodeNotReady').map((e) => Number(e.time_s));
    expect(notReady).toHaveLength(30);
    // The nodes' last Lease renewals were ≤ 10 s before the failure at 600 s; 50 s grace; 5 s monitor ticks.
    expect(Math.min(...notReady)).toBeGreaterThan(640);
    expect(Math.max(...notReady)).toBeLessThanOrEqual(655);
    const evictions = events.filter((e) => e.reason === 'TaintManagerEviction').map((e) => Number(e.time_s));
    // 30 nodes tainted one per 10 s from ≈650 s, each node's pods evicted 300 s after its taint. The first taint
    // write waits a few seconds in the node controller's client (20 qps, burst 30) behind the ≈150 pod status
    // writes of MarkPodsNotReady, as upstream's shared rate limiter makes it.
    expect(Math.min(...evictions)).toBeGreaterThan(notReady[0]! + 300);
    expect(Math.min(...evictions)).toBeLessThan(notReady[0]! + 312);
    expect(Math.max(...evictions) - Math.min(...evictions)).toBeGreaterThan(260);
    expect(Math.max(...evictions) - Math.min(...evictions)).toBeLessThan(300);
    const summary = csv(out, 'summary.csv')[0]!;
    expect(Number(summary.evictions)).toBe(evictions.length);
    expect(Number(summary.availability_min)).toBeCloseTo(2 / 3, 2);
    expect(Number(summary.recovery_s)).toBeGreaterThan(600);
    const cluster = csv(out, 'cluster.csv');
    expect(cluster.find((r) => r.time_s === '1200.000000')!.nodes_ready).toBe('60');
    expect(cluster.at(-1)!.nodes_ready).toBe('90');
    // Every replica is back and Ready at the end.
    const last = csv(out, 'workloads.csv').slice(-2);
    for (const r of last) expect(r.available).toBe(r.desired);
  });
});

describe('workloads/rollout.yaml', () => {
  it('rolls 500 replicas to the new image without going below 75 % available or above 125 % pods', async () => {
    const out = join(dir, 'ro');
    await runScenario(loadScenario('workloads/rollout.yaml'), { outDir: out });
    const rows = csv(out, 'workloads.csv').filter((r) => Number(r.time_s) >= 300);
    for (const r of rows) {
      expect(Number(r.replicas)).toBeLessThanOrEqual(625);
      expect(Number(r.available)).toBeGreaterThanOrEqual(375);
    }
    expect(rows.at(-1)).toMatchObject({ updated: '500', available: '500', replicas: '500' });
    const summary = csv(out, 'summary.csv')[0]!;
    expect(Number(summary.rollout_s)).toBeGreaterThan(0);
    expect(Number(summary.rollout_s)).toBeLessThan(300);
    expect(csv(out, 'events.csv').some((e) => e.reason === 'Rollout' && e.source === 'scenario')).toBe(true);
  });
});

describe('timed events at load', () => {
  const write = (name: string, events: string) => {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(
      file,
      `apiVersion: kubesim.dev/v1
kind: Scenario
metadata: {name: ${name}}
spec:
  duration: 10m
  cluster:
    nodePools: [{name: general, count: 2, capacity: {cpu: "4", memory: 8Gi, pods: 110}}]
  manifests:
    - apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web}
      spec:
        replicas: 2
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec: {containers: [{name: c, image: "nginx:1.27"}]}
  events:
${events}
`,
    );
    return file;
  };

  it('refuses an event naming a Deployment that does not exist, with file, line and path', () => {
    const file = write('bad-ref', '    - {at: 1m, rollout: {deployment: api, image: "x:2"}}');
    expect(() => loadScenario(file)).toThrow(InputError);
    expect(() => loadScenario(file)).toThrow(/bad-ref\.yaml:\d+:\d+: spec\.events\[0\]\.rollout\.deployment: no Deployment "default\/api" among the manifests/);
  });

  it('refuses an event with two actions or none', () => {
    expect(() => loadScenario(write('two', '    - {at: 1m, pause: {deployment: web}, resume: {deployment: web}}'))).toThrow(/expected exactly one action/);
    expect(() => loadScenario(write('none', '    - {at: 1m}'))).toThrow(/expected exactly one action/);
  });

  it('drains a node: cordoned, its pods evicted and recreated elsewhere; scales and rolls back', async () => {
    const file = write(
      'drain',
      `    - {at: 1m, drainNodes: {names: [general-0]}}
    - {at: 2m, scale: {deployment: web, replicas: 3}}
    - {at: 3m, rollout: {deployment: web, image: "nginx:1.28"}}
    - {at: 5m, rollback: {deployment: web}}`,
    );
    const out = join(dir, 'drain');
    await runScenario(loadScenario(file), { outDir: out });
    const pods = csv(out, 'pods.csv').filter((p) => p.deleted_s === '');
    expect(pods).toHaveLength(3);
    expect(pods.every((p) => p.node === 'general-1')).toBe(true);
    const reasons = csv(out, 'events.csv').filter((e) => e.source === 'scenario').map((e) => e.reason);
    expect(reasons).toEqual(['Cordon', 'Drained', 'Scale', 'Rollout', 'RollbackDone']);
    const last = csv(out, 'workloads.csv').at(-1)!;
    expect(last).toMatchObject({ desired: '3', updated: '3', available: '3' });
  });
});
