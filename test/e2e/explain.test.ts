/**
 * `kubesim explain` on the shipped example and `run --trace-scheduling`, through the built CLI (dist/).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { SCHEDULING_COLUMNS } from '../../src/metrics/columns.js';

const root = resolve(new URL('../..', import.meta.url).pathname);
const cli = join(root, 'dist/cli/main.js');
const tmp = mkdtempSync(join(tmpdir(), 'kubesim-explain-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function kubesim(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const EXAMPLE = 'workloads/examples/explain.yaml';

describe('kubesim explain', () => {
  it('--json gives {pod, profile, nodes: [{name, filters, scores, total}], selected, message} for a scheduled pod', () => {
    const r = kubesim('explain', EXAMPLE, '--pod', 'default/api-1', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const e = JSON.parse(r.stdout);
    expect(Object.keys(e)).toEqual(expect.arrayContaining(['pod', 'profile', 'nodes', 'selected', 'message']));
    expect(e.pod).toBe('default/api-1');
    expect(e.profile).toBe('default-scheduler');
    expect(e.nodes).toHaveLength(6);
    for (const n of e.nodes) {
      expect(Object.keys(n)).toEqual(['name', 'filters', 'scores', 'total']);
      for (const f of Object.values(n.filters) as { code: string; reasons: string[] }[]) {
        expect(['Success', 'Skip', 'Unschedulable', 'UnschedulableAndUnresolvable']).toContain(f.code);
        expect(Array.isArray(f.reasons)).toBe(true);
      }
    }
    // The tainted GPU node and the small node are rejected, with the reasons upstream gives.
    const gpu = e.nodes.find((n: { name: string }) => n.name === 'gpu-0');
    expect(gpu.filters.TaintToleration).toEqual({ code: 'UnschedulableAndUnresolvable', reasons: ['node(s) had untolerated taint {nvidia.com/gpu: present}'] });
    expect(gpu.total).toBeNull();
    // NodeName has no PreFilter upstream: its Filter runs and passes a pod without spec.nodeName (not Skip).
    for (const n of e.nodes) expect(n.filters.NodeName).toEqual({ code: 'Success', reasons: [] });
    const small = e.nodes.find((n: { name: string }) => n.name === 'small-0');
    expect(small.filters.NodeResourcesFit.reasons).toEqual(['Insufficient cpu', 'Insufficient memory']);
    // The selected node has the highest total, and each total is the sum of the weighted scores.
    const scored = e.nodes.filter((n: { total: number | null }) => n.total !== null);
    expect(scored.length).toBeGreaterThan(1);
    for (const n of scored) {
      const sum = (Object.values(n.scores) as { raw: number; normalized: number; weighted: number }[]).reduce((a, s) => a + s.weighted, 0);
      expect(n.total).toBe(sum);
      expect(n.scores.TaintToleration.weighted).toBe(3 * n.scores.TaintToleration.normalized);
    }
    const best = Math.max(...scored.map((n: { total: number }) => n.total));
    expect(e.nodes.find((n: { name: string }) => n.name === e.selected).total).toBe(best);
    // The zone-b preference (weight 50) wins: NodeAffinity's normalised score is 100 on zone-b nodes.
    expect(e.nodes.find((n: { name: string }) => n.name === e.selected).scores.NodeAffinity.normalized).toBe(100);
    expect(e.message).toBe(`Successfully assigned default/api-1 to ${e.selected}`);
  });

  it('explains an unschedulable pod with the FailedScheduling message, text output by default', () => {
    const r = kubesim('explain', EXAMPLE, '--pod', 'default/huge-1');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Pod default\/huge-1, profile default-scheduler, attempt 1 at [\d.]+ s\nSelected node: none \(unschedulable\)\nMessage: 0\/6 nodes are available: /);
    expect(r.stdout).toContain('filter NodeResourcesFit: UnschedulableAndUnresolvable: Insufficient cpu; Insufficient memory');
    expect(r.stdout).toContain('preemption: 0/6 nodes are available: 6 Preemption is not helpful for scheduling.');
  });

  it('--at picks a later attempt; a pod with no attempt is a clear error with exit code 2', () => {
    // The unschedulable pod is retried when it has waited 5 min (flushUnschedulablePodsLeftover).
    const later = JSON.parse(kubesim('explain', EXAMPLE, '--pod', 'default/huge-1', '--at', '41s', '--set', 'duration=10m', '--json').stdout);
    expect(later.attempt).toBe(2);
    expect(Number(later.time_s)).toBeGreaterThanOrEqual(340);
    const bound = kubesim('explain', EXAMPLE, '--pod', 'default/api-1', '--at', '31s');
    expect(bound.code).toBe(2);
    expect(bound.stderr).toMatch(/pod default\/api-1 had no scheduling attempt at or after 31s/);
    const none = kubesim('explain', EXAMPLE, '--pod', 'default/nobody');
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^kubesim: workloads\/examples\/explain.yaml: pod default\/nobody had no scheduling attempt in the 120s simulated/);
  });
});

describe('kubesim run --trace-scheduling', () => {
  it('writes scheduling.csv with a filter row per node and plugin and a result per attempt', () => {
    const out = join(tmp, 'trace');
    const r = kubesim('run', EXAMPLE, '--trace-scheduling', '--out', out, '--no-report', '--quiet');
    expect(r.code).toBe(0);
    const text = readFileSync(join(out, 'scheduling.csv'), 'utf8');
    expect(text.split('\n')[0]).toBe(SCHEDULING_COLUMNS.join(','));
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    const api = rows.filter((x) => x.name === 'api-1');
    const result = api.find((x) => x.point === 'result')!;
    expect(result.code).toBe('Success');
    expect(result.message).toBe(`Successfully assigned default/api-1 to ${result.node}`);
    expect(api.find((x) => x.point === 'total' && x.selected === '1')?.node).toBe(result.node);
    expect(api.filter((x) => x.point === 'filter' && x.node === 'gpu-0' && x.plugin === 'TaintToleration')[0]?.code).toBe('UnschedulableAndUnresolvable');
    // Every pod's attempts are there: the Deployment's six and the two pods.
    expect(new Set(rows.filter((x) => x.point === 'result').map((x) => x.name)).size).toBe(8);
    // In cycle order: each attempt's rows are written as its cycle ends, so times never go back, retried pods included.
    const times = rows.filter((x) => x.point === 'result').map((x) => Number(x.time_s));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const long = join(tmp, 'trace-long');
    expect(kubesim('run', EXAMPLE, '--trace-scheduling', '--out', long, '--no-report', '--quiet', '--set', 'duration=10m').code).toBe(0);
    const results = (parse(readFileSync(join(long, 'scheduling.csv'), 'utf8'), { columns: true }) as Record<string, string>[]).filter((x) => x.point === 'result');
    expect(results.filter((x) => x.name === 'huge-1').length).toBeGreaterThan(1);
    const longTimes = results.map((x) => Number(x.time_s));
    expect(longTimes).toEqual([...longTimes].sort((a, b) => a - b));
  });
});
