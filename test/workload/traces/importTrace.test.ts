/**
 * `kubesim import-trace`: a scenario plus the trace's files, valid and runnable as written; a bad row refuses the
 * import with the row named and nothing written; an existing scenario is kept unless forced.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importTrace } from '../../../src/workload/traces/importTrace.js';
import { loadScenario } from '../../../src/workload/loadScenario.js';
import { runScenario } from '../../../src/sim/simulation.js';
import { InputError } from '../../../src/workload/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'kubesim-import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const samples = join(import.meta.dirname, 'samples');

describe('import-trace', () => {
  it('writes a replay scenario over copied trace files that loads and runs', async () => {
    const out = join(dir, 'replay');
    const r = importTrace({ format: 'openb', pods: join(samples, 'openb_pod_list_sample.csv'), nodes: join(samples, 'openb_node_list_sample.csv'), out, timeScale: 0.01 });
    expect(r).toMatchObject({ scenario: join(out, 'sample.yaml'), pods: 8, gpuPods: 7, nodes: 5, gpus: 14 });
    expect(r.spanSeconds).toBe(1200);
    expect(readdirSync(join(out, 'traces')).sort()).toEqual(['openb_node_list_sample.csv', 'openb_pod_list_sample.csv']);
    const s = loadScenario(r.scenario);
    // The trace's span scaled, plus 10 minutes.
    expect(s.durationUs).toBe(612e6);
    expect(s.nodePools.reduce((a, p) => a + p.count, 0)).toBe(5);
    const res = await runScenario(s, { outDir: join(dir, 'replay-out') });
    expect(res.podsCreated).toBe(8);
  });

  it('writes a placement experiment on request, and a pool to size for a trace without nodes', () => {
    const p = importTrace({ format: 'openb', pods: join(samples, 'openb_pod_list_sample.csv'), nodes: join(samples, 'openb_node_list_sample.csv'), out: join(dir, 'placement'), placement: true });
    const s = loadScenario(p.scenario);
    expect(s.placement).toEqual({ shuffle: true, shuffleNodes: true, inflate: 1.3 });
    expect(s.scheduler).toMatchObject({ profile: 'fgd', percentageOfNodesToScore: 100, tieBreak: 'first' });
    const d = importTrace({ format: 'alibaba-dlrm', pods: join(samples, 'dlrm_sample.csv'), out: join(dir, 'dlrm') });
    expect(d.nodes).toBeUndefined();
    expect(loadScenario(d.scenario).nodePools).toEqual([expect.objectContaining({ name: 'general', count: 100 })]);
  });

  it('refuses a malformed row, naming it, and writes nothing', () => {
    const out = join(dir, 'bad');
    expect(() => importTrace({ format: 'openb', pods: join(samples, 'openb_pod_list_bad.csv'), out })).toThrow(/line 3, column cpu_milli/);
    expect(existsSync(join(out, 'bad.yaml'))).toBe(false);
    expect(existsSync(join(out, 'traces'))).toBe(false);
  });

  it('keeps an existing scenario unless forced', () => {
    const out = join(dir, 'twice');
    const opts = { format: 'openb' as const, pods: join(samples, 'openb_pod_list_sample.csv'), out };
    importTrace(opts);
    expect(() => importTrace(opts)).toThrow(InputError);
    expect(() => importTrace(opts)).toThrow(/exists; pass --force/);
    expect(importTrace({ ...opts, force: true }).pods).toBe(8);
  });
});
