/**
 * Capacity planning: objectives parsed with units, confidence-aware verdicts, and a search whose answer is known by
 * construction: 40 pods of 1 cpu that never end need exactly 10 nodes of 4 cpu (4 pods each), or 5 of 8 cpu, which
 * at 1.5× the price per node is the cheaper cluster.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { meetsWithConfidence, parseObjective } from '../../src/experiment/objective.js';
import { planCapacity, rankShapes } from '../../src/experiment/capacity.js';
import { InputError } from '../../src/workload/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'kubesim-capacity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('objectives', () => {
  it('reads friendly names and summary columns, converting units to the column\'s', () => {
    expect(parseObjective('p99 scheduling latency < 30s')).toEqual({ text: 'p99 scheduling latency < 30s', column: 'scheduling_latency_p99_s', op: '<', value: 30 });
    expect(parseObjective('p99 scheduling latency <= 2m').value).toBe(120);
    expect(parseObjective('P99 first-packet latency < 100us')).toMatchObject({ column: 'first_packet_us_p99', value: 100 });
    expect(parseObjective('p99 first-packet latency < 0.1ms').value).toBeCloseTo(100, 9);
    expect(parseObjective('unschedulable == 0')).toMatchObject({ column: 'pods_unscheduled_end', op: '==', value: 0 });
    expect(parseObjective('availability_min >= 99%')).toMatchObject({ column: 'availability_min', op: '>=', value: 0.99 });
  });

  it('refuses what it cannot read, saying what it expects', () => {
    expect(() => parseObjective('latency is low')).toThrow(InputError);
    expect(() => parseObjective('latency is low')).toThrow(/expected "<metric> <op> <value>"/);
    expect(() => parseObjective('p42 happiness < 3')).toThrow(/unknown metric "p42 happiness"/);
    expect(() => parseObjective('unschedulable < 3s')).toThrow(/the unit "s" does not fit pods_unscheduled_end/);
  });

  it('an upper bound must hold at the CI\'s upper end, == on every seed', () => {
    const o = parseObjective('p99 scheduling latency < 30s');
    expect(meetsWithConfidence(o, [20, 25, 28], 18, 31)).toBe(false);
    expect(meetsWithConfidence(o, [20, 25, 28], 18, 29)).toBe(true);
    expect(meetsWithConfidence(o, [29], undefined, undefined)).toBe(true);
    expect(meetsWithConfidence(parseObjective('unschedulable == 0'), [0, 0, 1], 0, 1)).toBe(false);
  });
});

describe('kubesim capacity', () => {
  it('finds the smallest passing pool (known by construction) and ranks shapes by cost', async () => {
    const file = join(dir, 'cap.yaml');
    writeFileSync(
      file,
      `apiVersion: kubesim.dev/v1
kind: Scenario
metadata: {name: cap}
spec:
  seed: 1
  duration: 2m
  cluster:
    nodePools:
      - name: workers
        count: 3
        capacity: {cpu: "4", memory: 16Gi, pods: 110}
        price: 1
        shapes: [{name: big, capacity: {cpu: "8", memory: 32Gi, pods: 110}, price: 1.5}]
  workloads:
    - kind: Pods
      name: steady
      count: 40
      template: {apiVersion: v1, kind: Pod, metadata: {name: steady}, spec: {containers: [{name: c, image: app:1, resources: {requests: {cpu: "1", memory: 1Gi}}}]}}
`,
    );
    const results = await planCapacity({ file, overrides: [], pool: 'workers', objectives: [parseObjective('unschedulable == 0')], min: 1, max: 16, seeds: [1, 2], workers: 2, out: join(dir, 'out'), compareShapes: true });
    expect(results.map((r) => [r.shape, r.nodes, r.cost])).toEqual([['workers', 10, 10], ['big', 5, 7.5]]);
    // Bisection: 9 nodes miss (4 pods left over), 10 meet.
    const workers = results[0]!.points;
    expect(workers.find((p) => p.nodes === 9)?.pass).toBe(false);
    expect(workers.find((p) => p.nodes === 9)?.metrics[0]!.values).toEqual([4, 4]);
    expect(workers.find((p) => p.nodes === 10)?.pass).toBe(true);
    expect(rankShapes(results).map((r) => r.shape)).toEqual(['big', 'workers']);
    // The runs are ordinary results folders.
    expect(readFileSync(join(dir, 'out', 'workers', 'nodes-10', 'seed-1', 'summary.csv'), 'utf8')).toMatch(/^scenario,/);
  });

  it('refuses an unknown pool and shapes that are not listed', async () => {
    const file = join(dir, 'cap.yaml');
    await expect(planCapacity({ file, overrides: [], pool: 'gpu', objectives: [parseObjective('unschedulable == 0')], min: 1, max: 4, seeds: [1], workers: 1, out: join(dir, 'x'), compareShapes: false })).rejects.toThrow(/--pool gpu: the scenario has no such node pool; expected one of workers/);
    await expect(planCapacity({ file, overrides: ['cluster.nodePools[0].shapes=[]'], pool: 'workers', objectives: [parseObjective('unschedulable == 0')], min: 1, max: 4, seeds: [1], workers: 1, out: join(dir, 'y'), compareShapes: true })).rejects.toThrow(/lists no shapes/);
  });
});
