import { describe, expect, it } from 'vitest';
import { constant } from '../../../src/engine/distribution.js';
import { Kubelet } from '../../../src/models/kubelet/kubelet.js';
import type { PullConfig } from '../../../src/models/kubelet/imageManager.js';
import type { Pod } from '../../../src/cluster/types.js';
import { makeNode, makePod } from '../../helpers/objects.js';
import { ms, s, world } from '../../helpers/world.js';

const MiB = 1024 * 1024;

function kubeletWorld(pull: Partial<PullConfig> = {}) {
  const w = world();
  const node = makeNode('n1', { cpu: 4000, memory: 8e9 });
  const cfg: PullConfig = { serializeImagePulls: true, registryPullQPS: 5, registryBurst: 10, bandwidth: 100 * MiB, overhead: constant(0), sizeOf: () => 100 * MiB, ...pull };
  const k = new Kubelet(w.engine, w.api, w.api.client('kubelet', { qps: 1e9, burst: 1e9 }), node, w.streams.stream('k'), { sandboxLatency: constant(100 * ms), containerStartLatency: constant(200 * ms), containerStopLatency: constant(2 * s) }, cfg, w.recorder);
  k.start();
  return { ...w, kubelet: k };
}

const bound = (name: string, image: string, extra: Partial<Pod['spec']> = {}, annotations?: Record<string, string>, container: Partial<Pod['spec']['containers'][0]> = {}) =>
  makePod(name, { cpu: 100 }, { nodeName: 'n1', containers: [{ name: 'c', image, imagePullPolicy: 'IfNotPresent', resources: { requests: { cpu: 100 } }, ...container }], ...extra }, annotations ? { annotations } : {});
const get = (w: ReturnType<typeof world>, name: string) => w.store.get('Pod', `default/${name}`)!;
const times = (w: ReturnType<typeof world>, reason: string, message?: string) => w.events.filter((e) => e.reason === reason && (message === undefined || e.message === message)).map((e) => e.timeUs / s);

describe('Kubelet: image pull failures (ErrImagePull, ImagePullBackOff)', () => {
  it('retries a failing pull after 10, 20, 40, 80, 160, 300, 300 s, reporting ErrImagePull and ImagePullBackOff', () => {
    const w = kubeletWorld({ failureProbability: (i) => (i === 'missing:1' ? 1 : 0) });
    w.admin.create(bound('p', 'missing:1'));
    w.engine.run(1200 * s);
    const pulls = times(w, 'Pulling');
    const gaps = pulls.slice(1).map((t, i) => Math.round(t - pulls[i]!));
    expect(gaps.slice(0, 7)).toEqual([10, 20, 40, 80, 160, 300, 300]);
    expect(times(w, 'Failed', 'Error: ErrImagePull').length).toBe(pulls.length);
    expect(times(w, 'Failed', 'Error: ImagePullBackOff').length).toBeGreaterThanOrEqual(pulls.length - 1);
    const p = get(w, 'p');
    expect(p.status.phase).toBe('Pending');
    expect(p.status.containerStatuses?.[0]?.waitingReason).toMatch(/ErrImagePull|ImagePullBackOff/);
  });

  it('a flaky registry eventually delivers the image and the pod runs', () => {
    const w = kubeletWorld({ failureProbability: () => 0.5 });
    for (let i = 0; i < 6; i++) w.admin.create(bound(`p${i}`, `img:${i}`));
    w.engine.run(3000 * s);
    for (let i = 0; i < 6; i++) expect(get(w, `p${i}`).status.phase).toBe('Running');
    expect(times(w, 'Failed', 'Error: ErrImagePull').length).toBeGreaterThan(0);
  });
});

describe('Kubelet: liveness probes', () => {
  it('kills a hung container at the failureThreshold-th failing probe and restarts it with CrashLoopBackOff', () => {
    const w = kubeletWorld();
    // Hangs 60 s after each start; liveness every 10 s, 3 failures; readiness every 5 s, 1 failure.
    w.admin.create(bound('p', 'app:1', {}, { 'kubesim.dev/unhealthy-after': '60s' }, { livenessProbe: { periodSeconds: 10, failureThreshold: 3 }, readinessProbe: { periodSeconds: 5, failureThreshold: 1 } }));
    w.engine.run(400 * s);
    const kills = times(w, 'Killing');
    const started = times(w, 'Started');
    // Container start ≈ 1.3 s; probe ticks at start + 60, 70, 80 s fail: killed at start + 80 s.
    expect(kills[0]! - started[0]!).toBeCloseTo(80, 0);
    // Unready at the first failing readiness tick (start + 60 s).
    const unhealthy = w.events.filter((e) => e.reason === 'Unhealthy').map((e) => e.message);
    expect(unhealthy).toContain('Readiness probe failed: the container does not answer');
    expect(unhealthy).toContain('Liveness probe failed: the container does not answer');
    // Stopped 2 s after the kill, restarted after the 10 s back-off, then killed again 80 s after that start.
    expect(started[1]! - kills[0]!).toBeCloseTo(12.2, 0);
    expect(kills[1]! - started[1]!).toBeCloseTo(80, 0);
    expect(get(w, 'p').status.containerStatuses?.[0]?.restartCount).toBeGreaterThanOrEqual(2);
  });
});

describe('Kubelet: graceful termination with preStop', () => {
  const deleteAt = (w: ReturnType<typeof world>, name: string) => {
    w.engine.run(20 * s);
    w.admin.delete('Pod', `default/${name}`);
    w.engine.run(200 * s);
    return w.store.get('Pod', `default/${name}`);
  };

  it('runs the preStop sleep before SIGTERM, within the grace period', () => {
    const w = kubeletWorld();
    w.admin.create(bound('p', 'app:1', {}, undefined, { lifecycle: { preStop: { sleep: { seconds: 10 } } } }));
    let gone: number | undefined;
    w.store.onCommit((c) => {
      if (c.type === 'DELETED' && c.object.kind === 'Pod') gone = w.engine.now;
    });
    expect(deleteAt(w, 'p')).toBeUndefined();
    // deleted at 20 s (+1 ms write, +1 ms watch), preStop 10 s, stop 2 s, final delete 1 ms.
    expect(gone! / s).toBeCloseTo(32.003, 3);
  });

  it('gives a preStop hook that outlives the grace period 2 more seconds, then kills', () => {
    const w = kubeletWorld();
    w.admin.create(bound('p', 'app:1', { terminationGracePeriodSeconds: 5 }, { 'kubesim.dev/prestop-duration': '1m' }, { lifecycle: { preStop: { exec: { command: ['drain'] } } } }));
    let gone: number | undefined;
    w.store.onCommit((c) => {
      if (c.type === 'DELETED' && c.object.kind === 'Pod') gone = w.engine.now;
    });
    deleteAt(w, 'p');
    expect(gone! / s).toBeCloseTo(20 + 5 + 2 + 0.003, 3);
  });
});

describe('Kubelet: image garbage collection', () => {
  it('frees unused images, least recently used first, down to 80 % once usage passes 85 %', () => {
    // A 1000 MiB image filesystem and 100 MiB images: the 9th image takes it to 90 %.
    const w = kubeletWorld({ imageFsBytes: 1000 * MiB });
    for (let i = 0; i < 9; i++) {
      w.admin.create(bound(`p${i}`, `img:${i}`, { restartPolicy: 'Never' }, { 'kubesim.dev/duration': '10s' }));
    }
    // Pods run 10 s and then exit; their images are unused after that.
    w.engine.run(200 * s);
    for (let i = 0; i < 9; i++) w.admin.delete('Pod', `default/p${i}`);
    w.engine.run(240 * s);
    expect(w.kubelet.images.usageBytes()).toBe(900 * MiB);
    // The first GC pass after the high threshold was crossed runs at 300 s: the images are older than 2 min.
    w.engine.run(301 * s);
    expect(w.kubelet.images.usageBytes()).toBe(800 * MiB);
    expect(w.kubelet.images.has('img:0')).toBe(false);
    expect(w.kubelet.images.has('img:8')).toBe(true);
  });

  it('reports FreeDiskSpaceFailed when the images in use cannot be freed', () => {
    const w = kubeletWorld({ imageFsBytes: 1000 * MiB });
    for (let i = 0; i < 9; i++) w.admin.create(bound(`p${i}`, `img:${i}`));
    w.engine.run(301 * s);
    expect(w.kubelet.images.usageBytes()).toBe(900 * MiB);
    expect(w.events.some((e) => e.reason === 'FreeDiskSpaceFailed')).toBe(true);
  });
});

describe('Kubelet: image size from the pod', () => {
  it('kubesim.dev/image-size sets the pull time of images the scenario table does not list', () => {
    const w = kubeletWorld({ listed: (i) => i === 'listed:1' });
    w.admin.create(bound('big', 'big:1', {}, { 'kubesim.dev/image-size': '500Mi' }));
    w.admin.create(bound('listed', 'listed:1', {}, { 'kubesim.dev/image-size': '500Mi' }));
    w.engine.run(30 * s);
    const pulled = w.events.filter((e) => e.reason === 'Pulled').map((e) => [e.name, e.message]);
    // 500 MiB at 100 MiB/s: 5 s; the listed image keeps its table size (100 MiB: 1 s, after the first pull).
    expect(pulled).toEqual([
      ['big', 'Successfully pulled image "big:1" in 5.000s'],
      ['listed', 'Successfully pulled image "listed:1" in 6.000s'],
    ]);
  });
});
