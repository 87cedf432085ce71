/**
 * Requests, limits and QoS: API defaulting (requests default to limits), the QoS class table of qos.go, CPU
 * throttling stretching a CPU-limited job by usage / limit, and OOMKilled → CrashLoopBackOff when memory use passes
 * the limit.
 */
import { describe, expect, it } from 'vitest';
import { constant } from '../../../src/engine/distribution.js';
import { Kubelet } from '../../../src/models/kubelet/kubelet.js';
import type { Container, Pod } from '../../../src/cluster/types.js';
import { podQos } from '../../../src/cluster/qos.js';
import { defaultPodSpec } from '../../../src/cluster/podDefaults.js';
import { oomAfterUs, throttledDurationUs } from '../../../src/models/kubelet/limits.js';
import { makeNode, makePod } from '../../helpers/objects.js';
import { ms, s, world } from '../../helpers/world.js';

const GiB = 1024 ** 3;
const ctr = (requests: Record<string, number> | undefined, limits: Record<string, number> | undefined): Container => ({ name: 'c', image: 'app:1', resources: { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) } });
const qos = (...containers: Container[]) => podQos(defaultPodSpec({ containers }));

describe('QoS classes (qos.go ComputePodQOS, with API defaulting)', () => {
  it.each([
    ['no requests or limits', 'BestEffort', [ctr(undefined, undefined)]],
    ['only a GPU limit (not a QoS resource)', 'BestEffort', [ctr(undefined, { 'nvidia.com/gpu': 1 })]],
    ['requests = limits for cpu and memory', 'Guaranteed', [ctr({ cpu: 500, memory: GiB }, { cpu: 500, memory: GiB })]],
    ['limits only (requests default to them)', 'Guaranteed', [ctr(undefined, { cpu: 500, memory: GiB })]],
    ['requests below limits', 'Burstable', [ctr({ cpu: 250, memory: GiB }, { cpu: 500, memory: GiB })]],
    ['a cpu limit but no memory limit', 'Burstable', [ctr({ cpu: 500 }, { cpu: 500 })]],
    ['requests only', 'Burstable', [ctr({ cpu: 100 }, undefined)]],
    ['one guaranteed and one best-effort container', 'Burstable', [ctr({ cpu: 500, memory: GiB }, { cpu: 500, memory: GiB }), { ...ctr(undefined, undefined), name: 'd' }]],
  ] as const)('%s → %s', (_name, want, containers) => {
    expect(qos(...(containers as unknown as Container[]))).toBe(want);
  });

  it('requests default to limits at admission (SetDefaults_Pod), for every limited resource without a request', () => {
    const spec = defaultPodSpec({ containers: [ctr({ cpu: 100 }, { cpu: 500, memory: GiB })] });
    expect(spec.containers[0]!.resources).toEqual({ requests: { cpu: 100, memory: GiB }, limits: { cpu: 500, memory: GiB } });
  });
});

function kubeletWorld() {
  const w = world();
  const node = { ...makeNode('n1', { cpu: 8000, memory: 16 * GiB }), status: { ...makeNode('n1', { cpu: 8000, memory: 16 * GiB }).status, images: [{ names: ['job:1'], sizeBytes: 1 }] } };
  const k = new Kubelet(w.engine, w.api, w.api.client('kubelet', { qps: 1e9, burst: 1e9 }), node, w.streams.stream('k'), { sandboxLatency: constant(100 * ms), containerStartLatency: constant(200 * ms), containerStopLatency: constant(2 * s) }, { serializeImagePulls: true, registryPullQPS: 5, registryBurst: 10, bandwidth: 1e9, overhead: constant(0), sizeOf: () => 1 }, w.recorder);
  k.start();
  return w;
}

const job = (name: string, resources: Container['resources'], annotations: Record<string, string>, restartPolicy: Pod['spec']['restartPolicy'] = 'Never') =>
  makePod(name, {}, { nodeName: 'n1', restartPolicy, containers: [{ name: 'c', image: 'job:1', imagePullPolicy: 'IfNotPresent', resources }] }, { annotations });

describe('CPU throttling (CFS quota, work-conserving)', () => {
  it('a job using 2 cores under a 1-core limit runs twice its duration', () => {
    const w = kubeletWorld();
    w.admin.create(job('limited', { requests: { cpu: 1000 }, limits: { cpu: 1000 } }, { 'kubesim.dev/duration': '60s', 'kubesim.dev/cpu-usage': '2' }));
    w.admin.create(job('free', { requests: { cpu: 1000 } }, { 'kubesim.dev/duration': '60s', 'kubesim.dev/cpu-usage': '2' }));
    w.engine.run(300 * s);
    const ran = (n: string) => {
      const p = w.store.get('Pod', `default/${n}`)!;
      const started = w.events.find((e) => e.reason === 'Started' && e.name === n)!.timeUs;
      return p.status.conditions!.find((c) => c.type === 'Ready')!.lastTransitionTime! - started;
    };
    expect(w.store.get('Pod', 'default/limited')!.status.phase).toBe('Succeeded');
    // Started → exited: 120 s throttled at 1 of 2 cores, 60 s without a limit.
    expect(ran('limited')).toBe(120 * s);
    expect(ran('free')).toBe(60 * s);
  });

  it('no stretch at or under the limit, nor for varying or shared usage', () => {
    const pod = (usage: string) => job('p', { limits: { cpu: 1000 } }, { 'kubesim.dev/cpu-usage': usage });
    expect(throttledDurationUs(pod('500m'), 60 * s)).toBe(60 * s);
    expect(throttledDurationUs(pod('1500m'), 60 * s)).toBe(90 * s);
    expect(throttledDurationUs(pod('{shared: 4}'), 60 * s)).toBe(60 * s);
  });
});

describe('memory limits (OOMKilled)', () => {
  it('OOMKilled, then CrashLoopBackOff under Always: restarts after 10 s, 20 s, 40 s', () => {
    const w = kubeletWorld();
    w.admin.create(job('leaky', { limits: { cpu: 500, memory: GiB } }, { 'kubesim.dev/memory-usage': '{perPod: {phases: [{value: 512Mi, for: 30s}, {value: 2Gi}]}}' }, 'Always'));
    w.engine.run(200 * s);
    const starts = w.events.filter((e) => e.reason === 'Started').map((e) => e.timeUs);
    const backoffs = w.events.filter((e) => e.reason === 'BackOff').map((e) => e.timeUs);
    // Killed 30 s after each start (when use reaches 2 Gi > 1 Gi), then backoff 10, 20, 40 s (+200 ms start).
    expect(backoffs[0]! - starts[0]!).toBe(30 * s + 0);
    expect(starts[1]! - backoffs[0]!).toBe(10 * s + 200 * ms);
    expect(starts[2]! - backoffs[1]!).toBe(20 * s + 200 * ms);
    expect(starts[3]! - backoffs[2]!).toBe(40 * s + 200 * ms);
    expect(w.store.get('Pod', 'default/leaky')!.status.containerStatuses?.[0]?.restartCount).toBeGreaterThanOrEqual(3);
  });

  it('under Never the pod fails with OOMKilled and exit code 137; within the limit nothing happens', () => {
    const w = kubeletWorld();
    w.admin.create(job('big', { limits: { cpu: 500, memory: GiB } }, { 'kubesim.dev/duration': '60s', 'kubesim.dev/memory-usage': '3Gi' }));
    w.admin.create(job('fits', { limits: { cpu: 500, memory: GiB } }, { 'kubesim.dev/duration': '60s', 'kubesim.dev/memory-usage': '900Mi' }));
    w.engine.run(100 * s);
    expect(w.store.get('Pod', 'default/big')!.status).toMatchObject({ phase: 'Failed', reason: 'OOMKilled' });
    expect(w.store.get('Pod', 'default/big')!.status.containerStatuses?.[0]?.exitCode).toBe(137);
    expect(w.store.get('Pod', 'default/fits')!.status.phase).toBe('Succeeded');
    expect(oomAfterUs(job('x', { limits: { memory: GiB } }, { 'kubesim.dev/memory-usage': '{diurnal: {min: 1Gi, max: 4Gi}}' }))).toBeUndefined();
  });
});

describe('CPU contention (CFS shares by request, work-conserving)', () => {
  it('fair shares: weighted max–min, no one above its demand, the rest to the others', async () => {
    const { fairShares, cpuShares } = await import('../../../src/models/kubelet/cpuShares.js');
    expect(fairShares(2000, [2000, 2000], [1, 1])).toEqual([1000, 1000]);
    expect(fairShares(2000, [2000, 2000], [3, 1])).toEqual([1500, 500]);
    expect(fairShares(2000, [300, 2000, 2000], [1, 1, 1])).toEqual([300, 850, 850]);
    expect(cpuShares(0)).toBe(2);
    expect(cpuShares(1500)).toBe(1536);
  });

  it('two jobs wanting 2 cores each on a 2-core node share by request, and the survivor speeds up', () => {
    const w = world();
    const node = { ...makeNode('n1', { cpu: 2000, memory: 16 * GiB }), status: { ...makeNode('n1', { cpu: 2000, memory: 16 * GiB }).status, images: [{ names: ['job:1'], sizeBytes: 1 }] } };
    const k = new Kubelet(w.engine, w.api, w.api.client('kubelet', { qps: 1e9, burst: 1e9 }), node, w.streams.stream('k'), { sandboxLatency: constant(0), containerStartLatency: constant(0), containerStopLatency: constant(0) }, { serializeImagePulls: true, registryPullQPS: 5, registryBurst: 10, bandwidth: 1e9, overhead: constant(0), sizeOf: () => 1 }, w.recorder);
    k.start();
    w.admin.create(job('big', { requests: { cpu: 1500 } }, { 'kubesim.dev/duration': '60s', 'kubesim.dev/cpu-usage': '2' }));
    w.admin.create(job('small', { requests: { cpu: 500 } }, { 'kubesim.dev/duration': '60s', 'kubesim.dev/cpu-usage': '2' }));
    w.engine.run(400 * s);
    const ran = (n: string) => {
      const started = w.events.find((e) => e.reason === 'Started' && e.name === n)!.timeUs;
      return w.store.get('Pod', `default/${n}`)!.status.conditions!.find((c) => c.type === 'Ready')!.lastTransitionTime! - started;
    };
    // big: 120 core-seconds at 1.5 cores = 80 s; small: 40 core-seconds done by then at 0.5 cores, 80 left at 2 cores = 40 s more.
    expect(ran('big') / s).toBeCloseTo(80, 1);
    expect(ran('small') / s).toBeCloseTo(120, 1);
  });
});
