/**
 * Golden scenarios: tiny clusters with constant latencies (API write 1 ms, watch 1 ms, scheduling cycle 1 ms,
 * sandbox 100 ms, container start 200 ms), whose CSVs are checked in under expected/ and diffed byte for byte.
 * Regenerate with UPDATE_GOLDEN=1 after a deliberate change, and re-check the hand derivations below.
 *
 * placement — nodes big-0 (4 cpu, 8Gi), small-0 (2 cpu, 8Gi), gpu-0 (8 cpu, tainted gpu=true:NoSchedule).
 * Every pod is created at 1 ms and seen by the scheduler at 2 ms; cycles take 1 ms each, binds commit 1 ms later.
 * Default weights: TaintToleration 3 (no PreferNoSchedule taints: every node normalises to 100 → 300),
 * NodeAffinity 2 (no preferences → 0), NodeResourcesFit (LeastAllocated) 1, BalancedAllocation 1.
 *   p1 (1 cpu, 1Gi): big: LA (75 + 87)/2 = 81, BA fractions .25/.125 → 93 → 474; small: LA (50 + 87)/2 = 68,
 *     BA .5/.125 → 81 → 449. → big-0, bound at 4 ms.
 *   p2 (500m, 1Gi): big (with p1): LA (62 + 75)/2 = 68, BA .375/.25 → 93 → 461; small: LA (75 + 87)/2 = 81,
 *     BA .25/.125 → 93 → 474. → small-0, bound at 5 ms.
 *   p3 (1 cpu, no memory request; LA counts the 200Mi default, BA does not): big: LA (50 + 85)/2 = 67,
 *     BA .5/.125 → 81 → 448; small: LA (25 + 85)/2 = 55, BA .75/.125 → 68 → 423. → big-0, bound at 6 ms.
 *   huge (6 cpu): fits nowhere: "0/3 nodes are available: 1 node(s) had untolerated taint {gpu: true},
 *     2 Insufficient cpu." at 6 ms; nothing changes, so it is retried only by flushUnschedulablePodsLeftover at
 *     330 s (the first 30 s tick more than 5 min after its last attempt): 2 attempts.
 *   p1 on big-0: seen by the kubelet at 5 ms, sandbox → 105 ms, pull 50Mi at 100Mi/s → 605 ms, start → 805 ms,
 *     Ready written at 806 ms. p3 joins p1's pull of the same image (pulled at 605 ms) → also Ready at 806 ms.
 *
 * job-lifecycle — Job crunch (3 completions, parallelism 2, 60 s per pod, image pre-pulled) on big-0 and small-0.
 *   The Job commits at 1 ms; the controller syncs at 2 ms and creates pods in slow-start batches of 1 then 1:
 *   created at 3 and 4 ms, bound at 6 and 7 ms. Both go to big-0: second pod big (50 + 50, BA 100 → 450) beats
 *   small (62, 87 → 449). Ready at 308/309 ms, exit 60 s after start: Succeeded at 60.308/60.309 s. The Job
 *   controller batches pod events for 1 s, so the third pod is created at 61.310 s; it succeeds at 121.615 s and
 *   the Job completes at 122.616 s (delivery + 1 s batch).
 *
 * sidecars — one node (4 cpu, 8Gi), images pre-pulled, container stop 1 s.
 *   Job logs: pod with sidecar log (250m, 256Mi) and app container c (1 cpu, 1Gi, 60 s): requests 1250m and 1.25Gi
 *   (PodRequests adds the sidecar). Created 3 ms, bound 6 ms, seen 7 ms; sandbox → 107 ms; log started 307 ms; c
 *   started 507 ms (Running and Ready written 508 ms). c exits at 60.507 s: the sidecar is stopped ("Stopping
 *   container log"), 1 s, then Succeeded at 61.508 s; the Job controller's batched sync at 61.509 s completes the Job.
 *   Deployment web: sidecar proxy (100m, 128Mi, readiness initialDelay 20 s, period 10 s) and web (500m, 512Mi,
 *   readiness at once): requests 600m, 640Mi. proxy started 309 ms, web 509 ms: Running at 510 ms, but Ready only
 *   at proxy's readiness tick 20 s after its start: written 20.309 s, committed 20.310 s.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/workload/loadScenario.js';
import { runScenario } from '../../src/sim/simulation.js';
import { readCsv } from '../../src/report/readCsv.js';

const here = new URL('.', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'kubesim-golden-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.each(['placement', 'job-lifecycle', 'sidecars'])('golden scenario %s', (name) => {
  const out = join(tmp, name);
  beforeAll(async () => {
    await runScenario(loadScenario(join(here, name, 'scenario.yaml')), { outDir: out });
  });
  const expectedDir = join(here, name, 'expected');
  for (const file of readdirSync(expectedDir)) {
    it(`${file} matches the checked-in expectation byte for byte`, () => {
      const actual = readFileSync(join(out, file), 'utf8');
      if (process.env.UPDATE_GOLDEN === '1') writeFileSync(join(expectedDir, file), actual);
      expect(actual).toBe(readFileSync(join(expectedDir, file), 'utf8'));
    });
  }
});

describe('golden values derived by hand', () => {
  it('placement: pods land where the score arithmetic says, at the derived times', () => {
    const pods = readCsv(join(here, 'placement', 'expected', 'pods.csv'));
    const by = Object.fromEntries(pods.map((p) => [p.name, p]));
    expect([by.p1!.node, by.p2!.node, by.p3!.node, by.huge!.node]).toEqual(['big-0', 'small-0', 'big-0', '']);
    expect([by.p1!.bound_s, by.p2!.bound_s, by.p3!.bound_s]).toEqual(['0.004000', '0.005000', '0.006000']);
    expect([by.p1!.ready_s, by.p2!.ready_s, by.p3!.ready_s]).toEqual(['0.806000', '0.807000', '0.806000']);
    // All three arrive at 0.002 (1 ms watch); 1 ms cycles run back to back, so each waits for the ones before it;
    // each binding commits 1 ms after its cycle: latency = watch + queue wait + cycle + binding.
    expect([by.p1!.queue_wait_s, by.p2!.queue_wait_s, by.p3!.queue_wait_s]).toEqual(['0.000000', '0.001000', '0.002000']);
    expect([by.p1!.cycle_s, by.p1!.binding_s]).toEqual(['0.001000', '0.001000']);
    expect(by.huge).toMatchObject({ phase: 'Pending', reason: 'Unschedulable', attempts: '2' });
    const events = readCsv(join(here, 'placement', 'expected', 'events.csv')).filter((e) => e.reason === 'FailedScheduling');
    expect(events.map((e) => e.time_s)).toEqual(['0.006000', '330.001000']);
    // huge asks more cpu than either untainted node's allocatable: NodeResourcesFit says UnschedulableAndUnresolvable
    // there (fit.go), so preemption is not tried on any node.
    expect(events[0]!.message).toBe(
      '0/3 nodes are available: 1 node(s) had untolerated taint {gpu: true}, 2 Insufficient cpu. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
    );
  });

  it('job-lifecycle: parallelism 2, the 1 s sync batch, and completion', () => {
    const pods = readCsv(join(here, 'job-lifecycle', 'expected', 'pods.csv'));
    expect(pods.map((p) => [p.created_s, p.bound_s, p.ready_s, p.finished_s])).toEqual([
      ['0.003000', '0.006000', '0.308000', '60.308000'],
      ['0.004000', '0.007000', '0.309000', '60.309000'],
      ['61.310000', '61.313000', '61.615000', '121.615000'],
    ]);
    const completed = readCsv(join(here, 'job-lifecycle', 'expected', 'events.csv')).find((e) => e.reason === 'Completed');
    expect(completed?.time_s).toBe('122.616000');
    const summary = readCsv(join(here, 'job-lifecycle', 'expected', 'summary.csv'))[0]!;
    expect(summary).toMatchObject({ pods_succeeded: '3', jobs_created: '1', jobs_completed: '1' });
  });

  it('sidecars: the Job completes when its main container exits; the Deployment pod is Ready after its sidecar', () => {
    const pods = readCsv(join(here, 'sidecars', 'expected', 'pods.csv'));
    const job = pods.find((p) => p.owner_kind === 'Job')!;
    const web = pods.find((p) => p.owner_kind === 'ReplicaSet')!;
    expect(job).toMatchObject({ phase: 'Succeeded', cpu_request_m: '1250', memory_request_bytes: String(1.25 * 1024 ** 3), running_s: '0.508000', finished_s: '61.508000', restarts: '0' });
    expect(web).toMatchObject({ phase: 'Running', cpu_request_m: '600', memory_request_bytes: String(640 * 1024 ** 2), running_s: '0.510000', ready_s: '20.310000' });
    const events = readCsv(join(here, 'sidecars', 'expected', 'events.csv'));
    expect(events.filter((e) => e.name === job.name && e.reason === 'Started').map((e) => [e.time_s, e.message])).toEqual([
      ['0.307000', 'Started container log'],
      ['0.507000', 'Started container c'],
    ]);
    expect(events.find((e) => e.reason === 'Killing')).toMatchObject({ time_s: '60.507000', message: 'Stopping container log' });
    expect(events.find((e) => e.reason === 'Completed')?.time_s).toBe('61.509000');
  });
});
