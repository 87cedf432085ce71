/**
 * Placement experiments (spec.placement, the FGD paper's protocol) on the synthetic openb sample: every pod tried
 * once in a seeded order, placed where its filters allow or dropped, inflation to a GPU-demand target, the binned
 * curve, and byte-identical outputs per seed.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/workload/loadScenario.js';
import { runScenario } from '../../src/sim/simulation.js';

const dir = mkdtempSync(join(tmpdir(), 'kubesim-placement-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const samples = join(import.meta.dirname, '../workload/traces/samples');

type Row = Record<string, string>;
const csv = (out: string, file: string): Row[] => parse(readFileSync(join(out, file), 'utf8'), { columns: true }) as Row[];

function scenario(name: string, opts: { profile?: string; placement?: string; seed?: number; pods?: string } = {}): string {
  const f = join(dir, `${name}.yaml`);
  writeFileSync(
    f,
    `apiVersion: kubesim.dev/v1
kind: Scenario
metadata: {name: ${name}}
spec:
  seed: ${opts.seed ?? 1}
  scheduler: {profile: ${opts.profile ?? 'fgd'}, percentageOfNodesToScore: 100, tieBreak: first}
  workloads:
    - kind: Trace
      format: openb
      pods: ${opts.pods ?? join(samples, 'openb_pod_list_sample.csv')}
      nodes: ${join(samples, 'openb_node_list_sample.csv')}
  placement: ${opts.placement ?? '{}'}
`,
  );
  return f;
}

async function run(file: string, out: string): Promise<string> {
  const o = join(dir, out);
  await runScenario(loadScenario(file), { outDir: o });
  return o;
}

describe('placement experiments', () => {
  it('tries every pod once, in order, and honours GPU models, shares and counts', async () => {
    const out = await run(scenario('order', { placement: '{shuffle: false, shuffleNodes: false}' }), 'order');
    const rows = csv(out, 'placements.csv');
    expect(rows.map((r) => r.name)).toEqual(['openb-pod-0000', 'openb-pod-0001', 'openb-pod-0002', 'openb-pod-0003', 'openb-pod-0004', 'openb-pod-0005', 'openb-pod-0006', 'openb-pod-0007']);
    const byName = new Map(rows.map((r) => [r.name, r]));
    // The T4|P100 pod lands on a P100 or the T4 node; the 8-GPU G2 pod needs the G2 node (the only 8-GPU node).
    expect(byName.get('openb-pod-0004')!.node).toMatch(/p100|t4/);
    expect(byName.get('openb-pod-0006')!.node).toMatch(/g2-8g/);
    expect(byName.get('openb-pod-0006')!.gpu_indices).toBe('0 1 2 3 4 5 6 7');
    // GPUs are never over-committed: per node and GPU, the shares placed stay within one GPU.
    const used = new Map<string, number>();
    for (const r of rows) {
      if (r.node === '') continue;
      for (const g of r.gpu_indices!.split(' ').filter((x) => x !== '')) used.set(`${r.node}/${g}`, (used.get(`${r.node}/${g}`) ?? 0) + Number(r.gpu_milli));
    }
    for (const v of used.values()) expect(v).toBeLessThanOrEqual(1000);
    const summary = csv(out, 'summary.csv')[0]!;
    expect(summary).toMatchObject({ policy: 'fgd', trace: 'sample', gpus: '14', nodes: '5', pods_created: '8' });
    expect(Number(summary.pods_bound) + Number(summary.pods_unscheduled_end)).toBe(8);
  });

  it('drops a pod no node fits, with kube-scheduler\'s message, and never retries it', async () => {
    const pods = join(dir, 'big.csv');
    writeFileSync(pods, 'name,cpu_milli,memory_mib,num_gpu,gpu_milli\nhuge,1000,1024,16,1000\nsmall,1000,1024,1,300\nhuge2,1000,1024,16,1000\n');
    const out = await run(scenario('drop', { pods, placement: '{shuffle: false}' }), 'drop');
    const rows = csv(out, 'placements.csv');
    expect(rows.map((r) => r.node === '')).toEqual([true, false, true]);
    expect(rows[0]!.message).toMatch(/^0\/5 nodes are available: .*Insufficient nvidia\.com\/gpu/);
    // The same demand later: dropped without another cycle, the cluster having only filled since.
    expect(rows[2]!.message).toBe('no node fits: an identical pod (index 0) found none, and the cluster has only filled since');
    expect(csv(out, 'summary.csv')[0]).toMatchObject({ pods_bound: '1', pods_unscheduled_end: '2' });
  });

  it('inflates with clones until the next draw would pass the GPU-demand target (its per-GPU share, as the artefact tests)', async () => {
    const out = await run(scenario('inflate', { placement: '{inflate: 1.3}' }), 'inflate');
    const rows = csv(out, 'placements.csv');
    const need = (r: Row) => Number(r.gpu_count) * Number(r.gpu_milli);
    const demand = rows.reduce((a, r) => a + need(r), 0);
    const originals = rows.filter((r) => r.clone === '0');
    expect(originals).toHaveLength(8);
    expect(rows.length).toBeGreaterThan(8);
    // Every clone was admitted by "demand so far + its per-GPU share ≤ 1.3 × capacity".
    let before = originals.reduce((a, r) => a + need(r), 0);
    for (const r of rows.slice(8)) {
      expect(before + Number(r.gpu_count === '0' ? 0 : r.gpu_milli)).toBeLessThanOrEqual(1.3 * 14_000);
      before += need(r);
    }
    // Clones follow the shuffled originals.
    expect(rows.slice(0, 8).every((r) => r.clone === '0')).toBe(true);
    expect(Number(rows[rows.length - 1]!.arrived_gpu_pct)).toBeCloseTo((100 * demand) / 14_000, 2);
  });

  it('thins a workload above the target down to it', async () => {
    const out = await run(scenario('thin', { placement: '{inflate: 0.2}' }), 'thin');
    const rows = csv(out, 'placements.csv');
    expect(rows.reduce((a, r) => a + Number(r.gpu_count) * Number(r.gpu_milli), 0)).toBeLessThanOrEqual(0.2 * 14_000);
    expect(rows.length).toBeLessThan(8);
  });

  it('bins the curve by arrived GPU demand; a bin a multi-GPU pod jumped over takes its neighbour\'s values', async () => {
    const out = await run(scenario('bins', { placement: '{shuffle: false, shuffleNodes: false}' }), 'bins');
    const curve = csv(out, 'placement.csv');
    expect(curve.map((r) => Number(r.arrived_gpu_pct))).toEqual(curve.map((_, i) => i));
    const empty = curve.filter((r) => r.events === '0');
    expect(empty.length).toBeGreaterThan(0);
    for (const r of empty) {
      const x = Number(r.arrived_gpu_pct);
      const from = [curve[x - 1], curve[x + 1]].find((n) => n !== undefined && n.events !== '0');
      // ±1 bin only: further from any pod, the bin stays empty.
      expect(r.unallocated_gpu_pct).toBe(from?.unallocated_gpu_pct ?? '');
    }
    expect(empty.some((r) => r.unallocated_gpu_pct === '')).toBe(true);
    expect(empty.some((r) => r.unallocated_gpu_pct !== '')).toBe(true);
    for (const r of curve.filter((c) => c.gpu_allocated_pct !== '')) expect(Number(r.unallocated_gpu_pct) + Number(r.gpu_allocated_pct)).toBeCloseTo(100, 3);
  });

  it('gives identical bytes for a seed, and another order for another seed', async () => {
    const a = await run(scenario('seed-a', { placement: '{inflate: 1.3}', seed: 5 }), 'seed-a');
    const b = await run(scenario('seed-a', { placement: '{inflate: 1.3}', seed: 5 }), 'seed-b');
    for (const f of ['placement.csv', 'placements.csv', 'summary.csv']) expect(readFileSync(join(b, f), 'utf8')).toBe(readFileSync(join(a, f), 'utf8'));
    const c = await run(scenario('seed-c', { placement: '{inflate: 1.3}', seed: 6 }), 'seed-c');
    expect(csv(c, 'placements.csv').map((r) => r.name)).not.toEqual(csv(a, 'placements.csv').map((r) => r.name));
  });

  it('every policy sees the same pod order for a seed (common random numbers)', async () => {
    const names = async (profile: string) => csv(await run(scenario(`crn-${profile}`, { profile, placement: '{inflate: 1.3}', seed: 9 }), `crn-${profile}`), 'placements.csv').map((r) => r.name);
    const fgd = await names('fgd');
    for (const p of ['gpu-random', 'gpu-packing', 'gpu-bestfit']) expect(await names(p)).toEqual(fgd);
  });
});
