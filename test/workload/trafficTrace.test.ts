import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { traceSteps } from '../../src/workload/trafficTrace.js';
import { loadScenario } from '../../src/workload/loadScenario.js';
import { runScenario } from '../../src/sim/simulation.js';
import { patternFactor } from '../../src/models/traffic/trafficModel.js';
import { InputError } from '../../src/workload/errors.js';

const opts = { time: 'time_s', column: 'factor', scale: 1, loop: false };
const dir = mkdtempSync(join(tmpdir(), 'kubesim-trace-'));

function scenario(trace: string, pattern = '{trace: {file: load.csv}}'): string {
  writeFileSync(join(dir, 'load.csv'), trace);
  const f = join(dir, 'trace.yaml');
  writeFileSync(
    f,
    `apiVersion: kubesim.dev/v1
kind: Scenario
metadata: {name: trace}
spec:
  seed: 1
  duration: 4m
  cluster:
    nodePools:
      - {name: general, count: 3, capacity: {cpu: "8", memory: 32Gi, pods: 110}}
  manifests:
    - apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web}
      spec:
        replicas: 3
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec: {containers: [{name: web, image: web:1, resources: {requests: {cpu: 100m}}}]}
    - {apiVersion: v1, kind: Service, metadata: {name: web}, spec: {selector: {app: web}, ports: [{port: 80}]}}
  traffic:
    - {service: web, connectionsPerSecond: 10, pattern: ${pattern}}
  metrics: {interval: 60s}
`,
  );
  return f;
}

describe('trace-driven traffic', () => {
  it('reads times and factors into steps, scaled; a looped trace repeats over its last time plus its last interval', () => {
    const csv = 'time_s,factor\n0,2\n60,4\n120,1\n';
    expect(traceSteps(csv, 'a.csv', opts, 'w')).toEqual({ steps: [{ at: 0, factor: 2 }, { at: 60e6, factor: 4 }, { at: 120e6, factor: 1 }] });
    const looped = traceSteps(csv, 'a.csv', { ...opts, scale: 0.5, loop: true }, 'w');
    expect(looped.repeat).toBe(180e6);
    expect(patternFactor(looped, 200e6)).toBe(1); // 200 s mod 180 s = 20 s → the first row, halved
    expect(patternFactor(looped, 130e6)).toBe(0.5);
  });

  it('step patterns hold each factor until the next step, 1 before the first', () => {
    const p = { steps: [{ at: 10e6, factor: 3 }, { at: 20e6, factor: 0 }] };
    expect([5e6, 10e6, 15e6, 20e6, 99e6].map((t) => patternFactor(p, t))).toEqual([1, 3, 3, 0, 0]);
  });

  it('drives a run: connections per window follow the trace', async () => {
    const f = scenario('time_s,factor\n0,0\n60,1\n120,2.5\n');
    const out = join(dir, 'out');
    await runScenario(loadScenario(f), { outDir: out });
    const rows = parse(readFileSync(join(out, 'services.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => Number(r.connections))).toEqual([0, 600, 1500, 1500]);
  });

  it('bad traces are one clear error naming the scenario field and the trace line', () => {
    const err = (trace: string, pattern?: string) => {
      try {
        loadScenario(scenario(trace, pattern));
      } catch (e) {
        expect(e).toBeInstanceOf(InputError);
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(err('time_s,factor\n0,1\n0,2\n')).toMatch(/spec\.traffic\[0\]\.pattern\.trace\.file: load\.csv line 3: expected times in increasing order/);
    expect(err('time_s,factor\n0,-1\n')).toMatch(/load\.csv line 2: expected a number ≥ 0 in "factor"/);
    expect(err('t,rate\n0,1\n')).toMatch(/load\.csv: no column "time_s"; found t, rate/);
    expect(err('time_s,factor\n0,1\n', '{trace: {file: missing.csv}}')).toMatch(/spec\.traffic\[0\]\.pattern\.trace\.file: .*missing\.csv: traffic trace file not found/);
    expect(err('time_s,factor\n0,1\n', '{steps: [{at: 2m, factor: 1}, {at: 1m, factor: 2}]}')).toMatch(/expected steps in time order/);
  });
});
