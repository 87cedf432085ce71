/**
 * Autoscaling end to end: the shipped workloads/autoscaling.yaml (a diurnal day driving the HPA and the cluster
 * autoscaler) and small scenarios pinning the cluster autoscaler's behaviour, checked on their CSVs.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/workload/loadScenario.js';
import { runScenario } from '../../src/sim/simulation.js';
import { InputError } from '../../src/workload/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'kubesim-autoscaling-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Row = Record<string, string>;
const csv = (out: string, file: string): Row[] => parse(readFileSync(join(out, file), 'utf8'), { columns: true }) as Row[];

function scenario(name: string, body: string): string {
  const f = join(dir, `${name}.yaml`);
  writeFileSync(f, `apiVersion: kubesim.dev/v1\nkind: Scenario\nmetadata: {name: ${name}}\nspec:\n  seed: 3\n${body}`);
  return f;
}

const deployment = (replicas: number, cpu: string, extra = '') => `
    - apiVersion: apps/v1
      kind: Deployment
      metadata: {name: app}
      spec:
        replicas: ${replicas}
        selector: {matchLabels: {app: app}}
        template:
          metadata: {labels: {app: app}}
          spec:
            nodeSelector: {kubesim.dev/pool: workers}
            containers: [{name: c, image: app:1, resources: {requests: {cpu: ${cpu}, memory: 1Gi}}}]${extra}`;

describe('workloads/autoscaling.yaml', () => {
  it('follows the diurnal load with the HPA and the node group with the cluster autoscaler, and back', async () => {
    const out = join(dir, 'day');
    await runScenario(loadScenario('workloads/autoscaling.yaml'), { outDir: out });
    const rows = csv(out, 'autoscaling.csv');
    const hpa = rows.filter((r) => r.kind === 'HorizontalPodAutoscaler');
    const group = rows.filter((r) => r.kind === 'NodeGroup');
    const at = (list: Row[], h: number) => list.find((r) => Number(r.time_s) === Math.round(h * 3600))!;
    // Night: few replicas on the minimum two workers; afternoon peak: many more of both.
    expect(Number(at(hpa, 3).current)).toBeLessThan(15);
    expect(Number(at(group, 3).current)).toBe(2);
    expect(Number(at(hpa, 14).current)).toBeGreaterThan(70);
    expect(Number(at(group, 14).current)).toBeGreaterThan(10);
    // Near the target: at the peak, utilisation is within a band around 60 %.
    expect(Number(at(hpa, 14).current_value)).toBeGreaterThan(45);
    expect(Number(at(hpa, 14).current_value)).toBeLessThan(70);
    // The flash crowd at 18 h hits maxReplicas; the node group grows again.
    expect(Number(at(hpa, 18.5).current)).toBe(120);
    expect(Number(at(group, 18.5).current)).toBeGreaterThan(Number(at(group, 17.5).current));
    // End of the day: back near the minimum.
    expect(Number(hpa.at(-1)!.current)).toBeLessThan(20);
    expect(Number(group.at(-1)!.current)).toBeLessThanOrEqual(3);
    const events = csv(out, 'events.csv');
    expect(events.some((e) => e.reason === 'TriggeredScaleUp')).toBe(true);
    expect(events.some((e) => e.reason === 'ScaleDown' && e.message === 'node removed by cluster autoscaler')).toBe(true);
    expect(events.filter((e) => e.reason === 'HPATargetChanged')).toHaveLength(1);
    const summary = csv(out, 'summary.csv')[0]!;
    expect(Number(summary.ca_nodes_added)).toBeGreaterThan(10);
    expect(Number(summary.ca_nodes_removed)).toBeGreaterThan(10);
    expect(Number(summary.hpa_rescales)).toBeGreaterThan(20);
    expect(Number(summary.nodes_peak)).toBeGreaterThan(15);
    expect(Number(summary.node_hours)).toBeGreaterThan(4 * 24);
  }, 60_000);
});

describe('Cluster autoscaler', () => {
  it('adds nodes for unschedulable pods after the provisioning delay, picking the least-waste group', async () => {
    const f = scenario(
      'ca-up',
      `  duration: 10m
  cluster:
    nodePools:
      - {name: workers, count: 1, capacity: {cpu: "4", memory: 16Gi, pods: 110}, labels: {kubesim.dev/pool: workers}, autoscaling: {min: 1, max: 10}}
      - {name: big, count: 0, capacity: {cpu: "32", memory: 128Gi, pods: 110}, labels: {kubesim.dev/pool: workers}, autoscaling: {min: 0, max: 10}}
  clusterAutoscaler: {provisioningDelay: 60s}
  manifests:${deployment(10, '1500m')}
`,
    );
    const out = join(dir, 'up');
    await runScenario(loadScenario(f), { outDir: out });
    const events = csv(out, 'events.csv');
    const triggered = events.filter((e) => e.reason === 'TriggeredScaleUp');
    // 10 pods of 1.5 CPU: 2 per 4-CPU node (one node holds 2 already) → 4 more workers; one 32-CPU node would waste
    // more (32 − 12 idle) than four 4-CPU nodes (16 − 12): least-waste picks workers.
    expect(triggered[0]!.message).toBe('pod triggered scale-up: [{workers 1->5 (max: 10)}]');
    const t0 = Number(triggered[0]!.time_s);
    expect(t0).toBeLessThanOrEqual(21);
    const cluster = csv(out, 'cluster.csv');
    const nodesAt = (t: number) => Number(cluster.find((r) => Number(r.time_s) >= t)!.nodes);
    expect(nodesAt(t0 + 50)).toBe(1);
    expect(nodesAt(t0 + 80)).toBe(5);
    expect(cluster.at(-1)!.pods_running).toBe('10');
    expect(cluster.at(-1)!.pods_unscheduled).toBe('0');
  });

  it('removes a node after it stayed unneeded for 10 minutes, moving its pods, and respects the group minimum', async () => {
    const f = scenario(
      'ca-down',
      `  duration: 40m
  cluster:
    nodePools:
      - {name: workers, count: 4, capacity: {cpu: "4", memory: 16Gi, pods: 110}, labels: {kubesim.dev/pool: workers}, autoscaling: {min: 2, max: 10}}
  manifests:${deployment(4, '500m')}
`,
    );
    const out = join(dir, 'down');
    await runScenario(loadScenario(f), { outDir: out });
    const events = csv(out, 'events.csv');
    const removed = events.filter((e) => e.reason === 'ScaleDown' && e.message === 'node removed by cluster autoscaler');
    // Four nodes at 12.5 % each: two go (the minimum is 2); not before the 10 min unneeded time.
    expect(removed).toHaveLength(2);
    for (const r of removed) expect(Number(r.time_s)).toBeGreaterThanOrEqual(600);
    const cluster = csv(out, 'cluster.csv');
    expect(cluster.at(-1)!.nodes).toBe('2');
    expect(cluster.at(-1)!.pods_running).toBe('4');
    const summary = csv(out, 'summary.csv')[0]!;
    expect(summary.ca_nodes_removed).toBe('2');
  });

  it('does not remove a node whose pods a disruption budget protects', async () => {
    const f = scenario(
      'ca-pdb',
      `  duration: 30m
  cluster:
    nodePools:
      - {name: workers, count: 2, capacity: {cpu: "4", memory: 16Gi, pods: 110}, labels: {kubesim.dev/pool: workers}, autoscaling: {min: 1, max: 10}}
  manifests:${deployment(2, '500m')}
    - {apiVersion: policy/v1, kind: PodDisruptionBudget, metadata: {name: app}, spec: {maxUnavailable: 0, selector: {matchLabels: {app: app}}}}
`,
    );
    const out = join(dir, 'pdb');
    await runScenario(loadScenario(f), { outDir: out });
    expect(csv(out, 'summary.csv')[0]!.ca_nodes_removed).toBe('0');
  });

  it('refuses a pool whose count lies outside its autoscaling bounds', () => {
    const f = scenario('ca-bad', `  duration: 1m\n  cluster:\n    nodePools:\n      - {name: w, count: 5, capacity: {cpu: "4"}, autoscaling: {min: 1, max: 3}}\n`);
    expect(() => loadScenario(f)).toThrow(InputError);
    expect(() => loadScenario(f)).toThrow(/count must lie within autoscaling min and max/);
  });
});
