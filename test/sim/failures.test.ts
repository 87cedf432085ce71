/**
 * Scripted container failures (kubesim.dev/exit-code, kubesim.dev/failure-probability) through the kubelet and the
 * Job controller: a Job with backoffLimit 2 fails after its third failed pod, replacements waiting the pod-failure
 * backoff (10 s, 20 s: job_controller.go); OnFailure restarts count against backoffLimit
 * (`pastBackoffLimitOnFailure`); restartPolicy Always gives CrashLoopBackOff restarts.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/workload/loadScenario.js';
import { runScenario } from '../../src/sim/simulation.js';
import { InputError } from '../../src/workload/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'kubesim-failures-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const scenario = (name: string, restartPolicy: string, annotations: string, kind = 'Job') => {
  const file = join(dir, `${name}.yaml`);
  const workload =
    kind === 'Job'
      ? `    - apiVersion: batch/v1
      kind: Job
      metadata: {name: work}
      spec:
        backoffLimit: 2
        template:
          metadata: {annotations: {${annotations}}}
          spec:
            restartPolicy: ${restartPolicy}
            containers: [{name: c, image: "busybox:1.36", resources: {requests: {cpu: 100m}}}]`
      : `    - apiVersion: v1
      kind: Pod
      metadata: {name: crashy, annotations: {${annotations}}}
      spec:
        containers: [{name: c, image: "busybox:1.36"}]`;
  writeFileSync(
    file,
    `apiVersion: kubesim.dev/v1
kind: Scenario
metadata: {name: ${name}}
spec:
  duration: 20m
  cluster:
    nodePools:
      - {name: a, count: 1, capacity: {cpu: "4", memory: 8Gi, pods: 110}, images: [{name: "busybox:1.36", size: 1Mi}]}
  manifests:
${workload}
`,
  );
  return file;
};

async function run(file: string) {
  const out = join(dir, `out-${file.split('/').pop()}`);
  await runScenario(loadScenario(file, { overrides: [] }), { outDir: out });
  const read = (f: string) => parse(readFileSync(join(out, f), 'utf8'), { columns: true }) as Record<string, string>[];
  return { pods: read('pods.csv'), events: read('events.csv') };
}

describe('scripted container failures', () => {
  it('a Job whose pods exit 1 (restartPolicy Never) fails after backoffLimit + 1 pods, with 10 s and 20 s backoff between them', async () => {
    const { pods, events } = await run(scenario('never', 'Never', '"kubesim.dev/duration": 30s, "kubesim.dev/exit-code": "1"'));
    expect(pods.map((p) => p.phase)).toEqual(['Failed', 'Failed', 'Failed']);
    const created = pods.map((p) => Number(p.created_s));
    const finished = pods.map((p) => Number(p.finished_s));
    // Each replacement comes after the previous failure plus the backoff (plus the 1 s sync batching and latencies).
    expect(created[1]! - finished[0]!).toBeGreaterThanOrEqual(10);
    expect(created[1]! - finished[0]!).toBeLessThan(12.5);
    expect(created[2]! - finished[1]!).toBeGreaterThanOrEqual(20);
    expect(created[2]! - finished[1]!).toBeLessThan(22.5);
    expect(events.find((e) => e.reason === 'BackoffLimitExceeded')).toBeDefined();
  });

  it('with restartPolicy OnFailure the pod restarts in place and the restarts count against backoffLimit', async () => {
    const { pods, events } = await run(scenario('onfailure', 'OnFailure', '"kubesim.dev/duration": 30s, "kubesim.dev/exit-code": "2"'));
    expect(pods).toHaveLength(1);
    expect(Number(pods[0]!.restarts)).toBe(2);
    expect(events.filter((e) => e.reason === 'BackOff')).toHaveLength(2);
    expect(events.find((e) => e.reason === 'BackoffLimitExceeded')).toBeDefined();
  });

  it('a pod under restartPolicy Always restarts after 10, 20, 40, 80… s of CrashLoopBackOff', async () => {
    const { events } = await run(scenario('always', 'Always', '"kubesim.dev/duration": 1s, "kubesim.dev/exit-code": "1"', 'Pod'));
    const backOff = events.filter((e) => e.reason === 'BackOff').map((e) => Number(e.time_s));
    const started = events.filter((e) => e.reason === 'Started').map((e) => Number(e.time_s));
    // Restart k starts backoff_k after the exit: 10, 20, 40, 80, 160, 300, 300 s (plus the 1 s run and start latency).
    const gaps = backOff.slice(0, 7).map((t, i) => Math.round(started[i + 1]! - t));
    expect(gaps.map((g) => Math.round(g / 10) * 10)).toEqual([10, 20, 40, 80, 160, 300, 300]);
  });

  it('refuses a bad exit code or probability at load', () => {
    expect(() => loadScenario(scenario('bad1', 'Never', '"kubesim.dev/exit-code": "300"'), { overrides: [] })).toThrow(InputError);
    expect(() => loadScenario(scenario('bad2', 'Never', '"kubesim.dev/failure-probability": "1.5"'), { overrides: [] })).toThrow(/expected a probability between 0 and 1/);
  });
});
