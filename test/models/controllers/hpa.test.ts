import { describe, expect, it } from 'vitest';
import type { Deployment, HorizontalPodAutoscaler, Pod } from '../../../src/cluster/types.js';
import { constant } from '../../../src/engine/distribution.js';
import { ReplicaSetController } from '../../../src/models/controllers/replicaSet.js';
import { DeploymentController } from '../../../src/models/controllers/deployment.js';
import { Kubelet } from '../../../src/models/kubelet/kubelet.js';
import { UsageModel } from '../../../src/models/metrics/usageModel.js';
import { MetricsServer, type PodMetric } from '../../../src/models/metrics/metricsServer.js';
import { HorizontalController } from '../../../src/models/controllers/hpa/horizontal.js';
import { resourceReplicas } from '../../../src/models/controllers/hpa/replicaCalculator.js';
import { normalizeWithBehavior, normalizeWithoutBehavior, type Recommendation, type ScaleEvent, scaleDownLimit, scaleUpLimit } from '../../../src/models/controllers/hpa/normalize.js';
import { defaultPodSpec } from '../../../src/cluster/podDefaults.js';
import { parseUsage, signalAt } from '../../../src/cluster/usage.js';
import { makeNode } from '../../helpers/objects.js';
import { ms, s, withScheduler, world } from '../../helpers/world.js';

const unlimited = { qps: 1e9, burst: 1e9 };
const advance = (w: ReturnType<typeof world>, dt: number) => w.engine.run(w.engine.now + dt);

function cluster() {
  const w = world();
  withScheduler(w);
  new ReplicaSetController(w.engine, w.api, w.api.client('rs', unlimited), w.recorder).start();
  new DeploymentController(w.engine, w.api, w.api.client('deploy', unlimited), w.recorder).start();
  for (let i = 0; i < 4; i++) {
    const node = makeNode(`n${i}`, { cpu: 64_000, memory: 256e9 });
    new Kubelet(w.engine, w.api, w.api.client(`kubelet-${i}`, unlimited), node, w.streams.stream(`k${i}`), { sandboxLatency: constant(100 * ms), containerStartLatency: constant(300 * ms), containerStopLatency: constant(1 * s) }, { serializeImagePulls: true, registryPullQPS: 5, registryBurst: 10, bandwidth: 1e9, overhead: constant(0), sizeOf: () => 1e6 }, w.recorder).start();
  }
  const usage = new UsageModel(w.api, w.streams.seed);
  usage.start();
  const metrics = new MetricsServer(w.engine, usage);
  const hpa = new HorizontalController(w.engine, w.api, w.api.client('hpa', unlimited), metrics, w.recorder);
  hpa.start();
  return { ...w, usage, metrics, hpa };
}

function deployment(replicas: number, cpuUsage: string): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' }, annotations: { 'kubesim.dev/cpu-usage': cpuUsage } }, spec: defaultPodSpec({ containers: [{ name: 'c', image: 'web:v1', resources: { requests: { cpu: 1000 } } }] }) },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    },
    status: {},
  };
}

function hpa(spec: Partial<HorizontalPodAutoscaler['spec']> = {}): HorizontalPodAutoscaler {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web', namespace: 'default' },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 20, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }], ...spec },
    status: {},
  };
}

/** Spec replicas of the Deployment at the end of each whole second from now for `secs` seconds. */
function trace(w: ReturnType<typeof cluster>, secs: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < secs; i++) {
    advance(w, 1 * s);
    out.push(w.store.get('Deployment', 'default/web')!.spec.replicas!);
  }
  return out;
}

const rescales = (w: ReturnType<typeof cluster>) => w.events.filter((e) => e.reason === 'SuccessfulRescale').map((e) => ({ t: e.timeUs / s, message: e.message }));

describe('Usage model (kubesim.dev/cpu-usage)', () => {
  it('parses constants, phases and diurnal signals and evaluates them over time', () => {
    expect(parseUsage('cpu', '250m')).toEqual({ perPod: { kind: 'constant', value: 250 }, shared: undefined, noise: 0 });
    const p = parseUsage('cpu', '{perPod: {phases: [{value: 2, for: 1m}, {value: 100m}]}, noise: 0.1}');
    expect(signalAt(p.perPod!, 30 * s)).toBe(2000);
    expect(signalAt(p.perPod!, 90 * s)).toBe(100);
    const d = parseUsage('cpu', '{shared: {diurnal: {min: 1, max: 3, peakAt: 12h}}}');
    expect(signalAt(d.shared!, 12 * 3600 * s)).toBeCloseTo(3000);
    expect(signalAt(d.shared!, 0)).toBeCloseTo(1000);
    expect(signalAt(d.shared!, 6 * 3600 * s)).toBeCloseTo(2000);
  });

  it('rejects malformed usage with the reason', () => {
    expect(() => parseUsage('cpu', '{perPod: {diurnal: {min: 3, max: 1}}}')).toThrow(/min must be ≤ max/);
    expect(() => parseUsage('cpu', '{phases: [{value: 1}, {value: 2}]}')).toThrow();
    expect(() => parseUsage('memory', 'lots')).toThrow();
  });

  it('splits a shared load evenly among the Ready pods of a Deployment', () => {
    const w = cluster();
    w.admin.create(deployment(4, '{perPod: 100m, shared: 2}'));
    advance(w, 30 * s);
    const pods = [...w.store.list('Pod')];
    expect(pods).toHaveLength(4);
    for (const p of pods) expect(w.usage.usageOf(p.metadata.uid!, 'cpu', w.engine.now)).toBe(600);
    w.usage.setLoadFactor('default/Deployment/web', 3);
    expect(w.usage.usageOf(pods[0]!.metadata.uid!, 'cpu', w.engine.now)).toBe(1600);
  });
});

describe('HPA replica calculator (replica_calculator.go)', () => {
  const pod = (name: string, ready: boolean, startUs = 0, readySince = 0): Pod => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: name },
    spec: { containers: [{ name: 'c', image: 'x', resources: { requests: { cpu: 1000 } } }] },
    status: { phase: 'Running', startTime: startUs, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: readySince }] },
  });
  const metric = (value: number, t = 1000 * s): PodMetric => ({ value, timestamp: t, windowUs: 15 * s });
  const now = 1000 * s;

  it('asks for ceil(ratio × ready pods) and holds within the 10 % tolerance', () => {
    const pods = [pod('a', true), pod('b', true), pod('c', true)];
    expect(resourceReplicas(3, { utilization: 50 }, 'cpu', pods, new Map([['a', metric(900)], ['b', metric(900)], ['c', metric(900)]]), now)).toMatchObject({ replicas: 6, utilization: 90 });
    expect(resourceReplicas(3, { utilization: 50 }, 'cpu', pods, new Map([['a', metric(540)], ['b', metric(540)], ['c', metric(540)]]), now)).toMatchObject({ replicas: 3, utilization: 54 });
    expect(resourceReplicas(3, { utilization: 50 }, 'cpu', pods, new Map([['a', metric(100)], ['b', metric(100)], ['c', metric(100)]]), now)).toMatchObject({ replicas: 1 });
  });

  it('counts unready pods as idle on a scale-up and missing pods as at their request on a scale-down', () => {
    // Two ready at 100 %, one pod not Ready yet (within the CPU initialization period): 2 × 100 % + 0 over 3 pods.
    const pods = [pod('a', true), pod('b', true), pod('c', false, now - 60 * s, now - 60 * s)];
    const m = new Map([['a', metric(1000)], ['b', metric(1000)], ['c', metric(0)]]);
    expect(resourceReplicas(3, { utilization: 50 }, 'cpu', pods, m, now).replicas).toBe(4); // ceil(66/50 × 3)
    // Scale-down with a missing pod: it counts as 100 % of its request, damping the scale-down.
    const pods2 = [pod('a', true), pod('b', true), pod('c', true)];
    expect(resourceReplicas(3, { utilization: 50 }, 'cpu', pods2, new Map([['a', metric(100)], ['b', metric(100)]]), now).replicas).toBe(3); // (100+100+1000)/3000 = 40 % → ratio 0.8 → ceil(2.4)=3
  });

  it('counts a sidecar\'s request in the pod\'s, and refuses a sidecar without one (calculatePodRequests)', () => {
    const withSidecar = (name: string, sidecarCpu: number | undefined): Pod => {
      const p = pod(name, true);
      p.spec.initContainers = [{ name: 'proxy', image: 'envoy', restartPolicy: 'Always', resources: sidecarCpu === undefined ? {} : { requests: { cpu: sidecarCpu } } }, { name: 'setup', image: 'x' }];
      return p;
    };
    // 1000 m app + 1000 m sidecar per pod; 1500 m used = 75 % against a 50 % target → ceil(1.5 × 2) = 3.
    const pods = [withSidecar('a', 1000), withSidecar('b', 1000)];
    expect(resourceReplicas(2, { utilization: 50 }, 'cpu', pods, new Map([['a', metric(1500)], ['b', metric(1500)]]), now)).toMatchObject({ replicas: 3, utilization: 75 });
    expect(() => resourceReplicas(1, { utilization: 50 }, 'cpu', [withSidecar('c', undefined)], new Map([['c', metric(500)]]), now)).toThrow('missing request for cpu in container proxy of Pod c');
  });

  it('uses the average value for AverageValue targets', () => {
    const pods = [pod('a', true), pod('b', true)];
    expect(resourceReplicas(2, { averageValue: 500 }, 'cpu', pods, new Map([['a', metric(1000)], ['b', metric(1000)]]), now)).toMatchObject({ replicas: 4, averageValue: 1000 });
  });
});

describe('HPA normalisation (horizontal.go)', () => {
  it('without behavior: scale-up at most max(2 × current, 4), scale-down to the highest recommendation of the last 5 min', () => {
    const recs: Recommendation[] = [];
    expect(normalizeWithoutBehavior(recs, 0, 2, 20, 1, 50)).toMatchObject({ replicas: 4, limited: true, limitReason: 'ScaleUpLimit' });
    expect(normalizeWithoutBehavior(recs, 15 * s, 4, 20, 1, 50)).toMatchObject({ replicas: 8 });
    // The recommendations of 20 are still in the window: the highest wins, then the scale-up limit 2 × 8 applies.
    expect(normalizeWithoutBehavior(recs, 30 * s, 8, 3, 1, 50)).toMatchObject({ replicas: 16, ableReason: 'ScaleDownStabilized' });
    expect(normalizeWithoutBehavior(recs, 331 * s, 16, 3, 1, 50)).toMatchObject({ replicas: 3, ableReason: 'ReadyForNewScale' });
  });

  it('with behavior: policies limit the change per period; Min select and Disabled', () => {
    const up: ScaleEvent[] = [{ replicaChange: 4, timestamp: 10 * s, outdated: false }];
    const rules = { policies: [{ type: 'Pods' as const, value: 4, periodSeconds: 60 }, { type: 'Percent' as const, value: 100, periodSeconds: 60 }], selectPolicy: 'Max' as const };
    // 8 now, 4 added in the last minute: period start 4 → max(4 + 4, 4 × 2) = 8: no more room.
    expect(scaleUpLimit(8, up, [], rules, 30 * s)).toBe(8);
    expect(scaleUpLimit(8, up, [], rules, 71 * s)).toBe(16);
    expect(scaleUpLimit(8, up, [], { ...rules, selectPolicy: 'Min' }, 71 * s)).toBe(12);
    expect(scaleUpLimit(8, up, [], { ...rules, selectPolicy: 'Disabled' }, 71 * s)).toBe(8);
    expect(scaleDownLimit(10, [], [], { policies: [{ type: 'Percent', value: 10, periodSeconds: 60 }] }, 0)).toBe(9);
    expect(scaleDownLimit(10, [], [], { policies: [{ type: 'Pods', value: 3, periodSeconds: 60 }, { type: 'Percent', value: 10, periodSeconds: 60 }], selectPolicy: 'Min' }, 0)).toBe(9);
    const recs: Recommendation[] = [{ recommendation: 10, timestamp: 0 }]; // seeded with the current replicas
    const r = normalizeWithBehavior(recs, [], [], { scaleUp: { stabilizationWindowSeconds: 0, ...rules }, scaleDown: { stabilizationWindowSeconds: 60, policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] } }, 0, 10, 4, 1, 20);
    expect(r).toMatchObject({ replicas: 10, ableReason: 'ScaleDownStabilized' }); // the seed is within the 60 s window: held at current
  });
});

describe('HPA controller timeline', () => {
  it('scales up within the rate limits to the target utilisation and scales down only after the 5 min stabilization window', () => {
    const w = cluster();
    // 4 cores of load shared by the ready pods; target 50 % of 1 core: 8 pods at equilibrium.
    w.admin.create(deployment(2, '{shared: 4}'));
    w.admin.create(hpa());
    const ups = trace(w, 180);
    expect(ups[ups.length - 1]).toBe(8);
    const first = rescales(w)[0]!;
    expect(first.message).toBe('New size: 4; reason: cpu resource utilization (percentage of request) above target');
    // At the 15 s sync the pods' first metric window started before they became Ready (CPU initialization): no
    // usable metric yet; the 30 s sync scales.
    expect(first.t).toBeGreaterThanOrEqual(30);
    expect(first.t).toBeLessThan(31);
    // The load drops to a quarter: 1 core over 8 pods = 12 %; the HPA wants 2 but waits for the window.
    const dropAt = w.engine.now;
    w.usage.setLoadFactor('default/Deployment/web', 0.25);
    const downs = trace(w, 330);
    const firstDown = downs.findIndex((r) => r < 8);
    expect(firstDown).toBeGreaterThan(0);
    const at = (dropAt + (firstDown + 1) * s) / s - dropAt / s;
    expect(at).toBeGreaterThanOrEqual(300); // no scale-down within 5 min of the last high recommendation
    expect(at).toBeLessThan(300 + 31);
    expect(downs[downs.length - 1]).toBe(2);
    const h = w.store.get('HorizontalPodAutoscaler', 'default/web')!;
    expect(h.status).toMatchObject({ desiredReplicas: 2 });
    expect(h.status.conditions?.find((c) => c.type === 'ScalingActive')).toMatchObject({ status: 'True', reason: 'ValidMetricFound' });
  });

  it('with a behavior: the scale-down policy limits the pace (1 pod per minute)', () => {
    const w = cluster();
    w.admin.create(deployment(6, '{shared: 600m}'));
    w.admin.create(hpa({ behavior: { scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }] }, scaleDown: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } } }));
    const r = trace(w, 200);
    const changes = rescales(w);
    expect(changes.map((c) => c.message)).toEqual(['New size: 5; reason: All metrics below target', 'New size: 4; reason: All metrics below target', 'New size: 3; reason: All metrics below target']);
    for (let i = 1; i < changes.length; i++) expect(changes[i]!.t - changes[i - 1]!.t).toBeGreaterThanOrEqual(60);
    expect(r[r.length - 1]).toBe(3);
  });

  it('reports a missing target and custom metrics it cannot read', () => {
    const w = cluster();
    w.admin.create(hpa({ scaleTargetRef: { kind: 'Deployment', name: 'nope' } }));
    advance(w, 20 * s);
    expect(w.events.some((e) => e.reason === 'FailedGetScale')).toBe(true);
    const w2 = cluster();
    w2.admin.create(deployment(2, '500m'));
    w2.admin.create(hpa({ metrics: [{ type: 'External', external: { metric: { name: 'queue_depth' } } }] }));
    advance(w2, 40 * s);
    expect(w2.events.some((e) => e.reason === 'FailedGetExternalMetric')).toBe(true);
    const h = w2.store.get('HorizontalPodAutoscaler', 'default/web')!;
    expect(h.status.conditions?.find((c) => c.type === 'ScalingActive')).toMatchObject({ status: 'False', reason: 'FailedGetExternalMetric' });
    expect(w2.store.get('Deployment', 'default/web')!.spec.replicas).toBe(2);
  });
});
