/**
 * workloads/statefulset-zone-failure.yaml: zone-b's machines are lost for 30 minutes. The StatefulSet pod whose
 * volume was provisioned in zone-b is recreated with the same claim and stays Pending ("volume node affinity
 * conflict") until zone-b's new machines register; the stateless Deployment's pod moves to a healthy zone at once.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/workload/loadScenario.js';
import { runScenario } from '../../src/sim/simulation.js';

const dir = mkdtempSync(join(tmpdir(), 'kubesim-sts-zone-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
type Row = Record<string, string>;
const zone = (node: string) => ['zone-a', 'zone-b', 'zone-c'][Number(node.split('-').pop()) % 3];

describe('workloads/statefulset-zone-failure.yaml', () => {
  it('the StatefulSet pod with its volume in the lost zone stays Pending until the zone is back', async () => {
    const out = join(dir, 'out');
    await runScenario(loadScenario('workloads/statefulset-zone-failure.yaml'), { outDir: out });
    const read = (f: string) => parse(readFileSync(join(out, f), 'utf8'), { columns: true }) as Row[];
    const pods = read('pods.csv');
    const events = read('events.csv');
    // One db replica per zone; the one in zone-b is replaced after its node is deleted.
    const first = pods.filter((p) => p.owner_kind === 'StatefulSet' && Number(p.created_s) < 1);
    expect(first.map((p) => zone(p.node!)).sort()).toEqual(['zone-a', 'zone-b', 'zone-c']);
    const lost = first.find((p) => zone(p.node!) === 'zone-b')!;
    const replacement = pods.find((p) => p.name === lost.name && Number(p.created_s) > 600)!;
    // Recreated after the node's deletion and the pod GC; bound only once zone-b is back (10 + 30 min), in zone-b.
    expect(Number(replacement.created_s)).toBeLessThan(700);
    expect(Number(replacement.bound_s)).toBeGreaterThanOrEqual(2400);
    expect(zone(replacement.node!)).toBe('zone-b');
    const waits = events.filter((e) => e.reason === 'FailedScheduling' && e.name === lost.name);
    expect(waits.length).toBeGreaterThan(2);
    expect(waits.every((e) => e.message!.startsWith('0/6 nodes are available: 6 node(s) had volume node affinity conflict.'))).toBe(true);
    // The stateless replica from zone-b runs elsewhere within a minute of its replacement's creation.
    const moved = pods.find((p) => p.owner_kind === 'ReplicaSet' && Number(p.created_s) > 600)!;
    expect(Number(moved.bound_s) - Number(moved.created_s)).toBeLessThan(1);
    expect(zone(moved.node!)).not.toBe('zone-b');
  });
});
