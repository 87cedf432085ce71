import { describe, expect, it } from 'vitest';
import { constant } from '../../../src/engine/distribution.js';
import { Kubelet } from '../../../src/models/kubelet/kubelet.js';
import { readyDelayUs } from '../../../src/models/kubelet/probes.js';
import type { PullConfig } from '../../../src/models/kubelet/imageManager.js';
import type { Container, Node, Pod } from '../../../src/cluster/types.js';
import { makeNode, makePod } from '../../helpers/objects.js';
import { ms, s, world } from '../../helpers/world.js';

const MiB = 1024 * 1024;

function kubeletWorld(opts: { pull?: Partial<PullConfig>; node?: Node } = {}) {
  const w = world();
  const node = opts.node ?? makeNode('n1', { cpu: 4000, memory: 8e9 });
  const pull: PullConfig = { serializeImagePulls: true, registryPullQPS: 5, registryBurst: 10, bandwidth: 100 * MiB, overhead: constant(0), sizeOf: () => 100 * MiB, ...opts.pull };
  const k = new Kubelet(w.engine, w.api, w.api.client('kubelet', { qps: 1e9, burst: 1e9 }), node, w.streams.stream('k'), { sandboxLatency: constant(100 * ms), containerStartLatency: constant(200 * ms), containerStopLatency: constant(2 * s) }, pull, w.recorder);
  k.start(); // registers the Node
  return { ...w, kubelet: k };
}

const bound = (name: string, image: string, extra: Partial<Pod['spec']> = {}, annotations?: Record<string, string>) =>
  makePod(name, { cpu: 100 }, { nodeName: 'n1', containers: [{ name: 'c', image, imagePullPolicy: 'IfNotPresent', resources: { requests: { cpu: 100 } } }], ...extra }, annotations ? { annotations } : {});

const get = (w: ReturnType<typeof world>, name: string) => w.store.get('Pod', `default/${name}`)!;

describe('Kubelet', () => {
  it('starts a pod: sandbox, image pull (size / bandwidth), container start, then Running and Ready', () => {
    const w = kubeletWorld();
    w.admin.create(bound('p', 'app:1'));
    w.engine.run(10 * s);
    const p = get(w, 'p');
    expect(p.status.phase).toBe('Running');
    expect(p.status.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    // created at 1 ms, seen by the kubelet at 2 ms; sandbox 100 ms; pull 1 s; start 200 ms; status write 1 ms.
    expect(p.status.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime).toBe(2 * ms + 100 * ms + 1 * s + 200 * ms);
    expect(w.events.map((e) => e.reason)).toEqual(['Pulling', 'Pulled', 'Started']);
  });

  it('uses the image cache with IfNotPresent and serializes pulls of different images', () => {
    const w = kubeletWorld();
    w.admin.create(bound('a', 'app:1'));
    w.admin.create(bound('b', 'other:1'));
    w.engine.run(10 * s);
    w.admin.create(bound('c', 'app:1'));
    w.engine.run(20 * s);
    const readyAt = (n: string) => get(w, n).status.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime ?? -1;
    // b's pull waits for a's: ready one pull (1 s) later.
    expect(readyAt('b') - readyAt('a')).toBe(1 * s);
    const cPulled = w.events.filter((e) => e.name === 'c' && e.reason === 'Pulled');
    expect(cPulled[0]!.message).toBe('Container image "app:1" already present on machine');
  });

  it('fails to start with ErrImageNeverPull when the image is absent and the policy is Never', () => {
    const w = kubeletWorld();
    w.admin.create(makePod('p', {}, { nodeName: 'n1', containers: [{ name: 'c', image: 'missing:1', imagePullPolicy: 'Never' }] }));
    w.engine.run(10 * s);
    expect(get(w, 'p').status.phase).toBe('Pending');
    expect(w.events.map((e) => e.reason)).toContain('ErrImageNeverPull');
  });

  it('completes a run-to-completion pod after its kubesim.dev/duration (restartPolicy Never → Succeeded)', () => {
    const w = kubeletWorld({ node: { ...makeNode('n1', { cpu: 4000, memory: 8e9 }), status: { ...makeNode('n1', { cpu: 4000, memory: 8e9 }).status, images: [{ names: ['job:1'], sizeBytes: 1 }] } } });
    w.admin.create(bound('j', 'job:1', { restartPolicy: 'Never' }, { 'kubesim.dev/duration': '90s' }));
    w.engine.run(200 * s);
    const p = get(w, 'j');
    expect(p.status.phase).toBe('Succeeded');
    expect(p.status.reason).toBe('Completed');
    const ready = p.status.conditions?.find((c) => c.type === 'Ready');
    expect(ready?.status).toBe('False');
    // Ready at 2 + 100 + 200 (cached image) + 1 ms; exits 90 s after the containers started; written 1 ms later.
    expect(ready?.lastTransitionTime).toBe(302 * ms + 90 * s);
  });

  it('restarts an exited container under restartPolicy Always with CrashLoopBackOff (10 s, then 20 s)', () => {
    const w = kubeletWorld();
    w.admin.create(bound('svc', 'app:1', { restartPolicy: 'Always' }, { 'kubesim.dev/duration': '5s' }));
    w.engine.run(60 * s);
    const backoffs = w.events.filter((e) => e.reason === 'BackOff').map((e) => e.timeUs);
    const starts = w.events.filter((e) => e.reason === 'Started').map((e) => e.timeUs);
    expect(backoffs.length).toBeGreaterThanOrEqual(2);
    // restart = backoff + container start (200 ms; image cached after the first pull)
    expect(starts[1]! - backoffs[0]!).toBe(10 * s + 200 * ms);
    expect(starts[2]! - backoffs[1]!).toBe(20 * s + 200 * ms);
  });

  it('stops a deleted pod within its grace period and then removes it from the API', () => {
    const w = kubeletWorld();
    w.admin.create(bound('p', 'app:1', { terminationGracePeriodSeconds: 1 }));
    w.engine.run(5 * s);
    w.admin.delete('Pod', 'default/p');
    w.engine.run(5 * s + 100 * ms);
    expect(get(w, 'p').metadata.deletionTimestamp).toBeDefined();
    w.engine.run(10 * s);
    expect(w.store.get('Pod', 'default/p')).toBeUndefined();
    expect(w.events.some((e) => e.reason === 'Killing')).toBe(true);
  });

  it('rejects a pod that does not fit the node at admission (OutOfcpu)', () => {
    const w = kubeletWorld();
    w.admin.create(makePod('huge', { cpu: 8000 }, { nodeName: 'n1' }));
    w.engine.run(2 * s);
    expect(get(w, 'huge').status).toMatchObject({ phase: 'Failed', reason: 'OutOfcpu' });
  });

  it('fails a pod that outlives activeDeadlineSeconds', () => {
    const w = kubeletWorld();
    w.admin.create(bound('d', 'app:1', { activeDeadlineSeconds: 3 }));
    w.engine.run(10 * s);
    expect(get(w, 'd').status).toMatchObject({ phase: 'Failed', reason: 'DeadlineExceeded' });
  });
});

describe('Kubelet registration', () => {
  it('registers its Node as Ready through its own client', () => {
    const w = kubeletWorld();
    w.engine.run(1 * s);
    const n = w.store.get('Node', 'n1');
    expect(n?.status.conditions).toEqual([{ type: 'Ready', status: 'True', reason: 'KubeletReady', lastTransitionTime: 0 }]);
    expect(w.store.count('Node')).toBe(1);
  });
});

describe('probes (pkg/kubelet/prober/worker.go timing)', () => {
  const c = (extra: Partial<Container>): Container => ({ name: 'c', image: 'app:1', ...extra });
  it('readyDelayUs: readiness at the first period tick after initialDelaySeconds, after the startup probe', () => {
    expect(readyDelayUs([c({})])).toBe(0);
    expect(readyDelayUs([c({ readinessProbe: {} })])).toBe(0); // probes at once, passes
    expect(readyDelayUs([c({ readinessProbe: { initialDelaySeconds: 15 } })])).toBe(20 * s); // ticks 0, 10, 20 s
    expect(readyDelayUs([c({ readinessProbe: { initialDelaySeconds: 15, periodSeconds: 5 } })])).toBe(15 * s);
    expect(readyDelayUs([c({ startupProbe: { initialDelaySeconds: 5 }, readinessProbe: { periodSeconds: 3 } })])).toBe(12 * s); // started at 10, readiness ticks 9, 12
    expect(readyDelayUs([c({}), c({ name: 'd', readinessProbe: { initialDelaySeconds: 30 } })])).toBe(30 * s); // the slowest container
  });

  it('a pod with a readiness probe is Running at once and Ready when the probe passes', () => {
    const w = kubeletWorld();
    w.admin.create(bound('p', 'app:1', { containers: [{ name: 'c', image: 'app:1', imagePullPolicy: 'IfNotPresent', readinessProbe: { initialDelaySeconds: 15, periodSeconds: 10 } }] }));
    w.engine.run(5 * s);
    expect(get(w, 'p').status.phase).toBe('Running');
    expect(get(w, 'p').status.conditions?.find((x) => x.type === 'Ready')?.status).toBe('False');
    w.engine.run(30 * s);
    const ready = get(w, 'p').status.conditions?.find((x) => x.type === 'Ready');
    expect(ready?.status).toBe('True');
    // started at 2 ms + 100 ms sandbox + 1 s pull + 200 ms start; ready 20 s later (ticks 0, 10, 20 s).
    expect(ready?.lastTransitionTime).toBe(2 * ms + 100 * ms + 1 * s + 200 * ms + 20 * s);
  });
});

describe('sidecar containers (KEP-753: init containers with restartPolicy Always)', () => {
  const cached = () => kubeletWorld({ node: { ...makeNode('n1', { cpu: 4000, memory: 8e9 }), status: { ...makeNode('n1', { cpu: 4000, memory: 8e9 }).status, images: [{ names: ['app:1', 'log:1', 'init:1'], sizeBytes: 1 }] } } });
  const app = { name: 'c', image: 'app:1', resources: { requests: { cpu: 100 } } };
  const log = (extra: Partial<Container> = {}): Container => ({ name: 'log', image: 'log:1', restartPolicy: 'Always', ...extra });
  const condition = (w: ReturnType<typeof world>, pod: string, type: string) => get(w, pod).status.conditions?.find((c) => c.type === type);
  const started = (w: ReturnType<typeof world>) => w.events.filter((e) => e.reason === 'Started').map((e) => [e.message.replace('Started container ', ''), e.timeUs]);

  it('starts the sidecars in order before the app containers, each after the previous sidecar\'s startup probe', () => {
    const w = cached();
    const spec = { restartPolicy: 'Always' as const, initContainers: [log({ startupProbe: { initialDelaySeconds: 5, periodSeconds: 5 } }), { name: 'migrate', image: 'init:1' }, log({ name: 'proxy' })], containers: [app] };
    w.admin.create(makePod('p', { cpu: 100 }, { nodeName: 'n1', ...spec }));
    w.engine.run(30 * s);
    // Seen at 2 ms, sandbox 100 ms, each start 200 ms; the next container waits 5 s for log's startup probe.
    expect(started(w)).toEqual([['log', 302 * ms], ['migrate', 302 * ms + 5 * s + 200 * ms], ['proxy', 302 * ms + 5 * s + 400 * ms], ['c', 302 * ms + 5 * s + 600 * ms]]);
    expect(get(w, 'p').status.phase).toBe('Running');
  });

  it('a pod with a sidecar is Ready only once the sidecar is ready too', () => {
    const w = cached();
    w.admin.create(makePod('web', { cpu: 100 }, { nodeName: 'n1', restartPolicy: 'Always', initContainers: [log({ readinessProbe: { initialDelaySeconds: 20, periodSeconds: 10 } })], containers: [app] }));
    w.engine.run(10 * s);
    expect(get(w, 'web').status.phase).toBe('Running');
    expect(condition(w, 'web', 'Ready')?.status).toBe('False');
    w.engine.run(30 * s);
    // The sidecar started at 302 ms: readiness ticks 0, 10, 20 s after its start.
    expect(condition(w, 'web', 'Ready')).toMatchObject({ status: 'True', lastTransitionTime: 302 * ms + 20 * s });
  });

  it('does not hold up a Job pod: it succeeds when the app container exits, the sidecar stopped after it', () => {
    const w = cached();
    let succeededAt: number | undefined;
    w.api.watch('Pod', {}, (ev) => {
      if (ev.object.status.phase === 'Succeeded') succeededAt ??= w.engine.now;
    });
    w.admin.create(makePod('job', { cpu: 100 }, { nodeName: 'n1', restartPolicy: 'Never', initContainers: [log()], containers: [app] }, { annotations: { 'kubesim.dev/duration': '60s' } }));
    w.engine.run(200 * s);
    const p = get(w, 'job');
    expect(p.status).toMatchObject({ phase: 'Succeeded', reason: 'Completed' });
    // The app container starts at 502 ms and exits 60 s later: the pod is unready at once; the sidecar takes its
    // 2 s stop time, then Succeeded is written (the write and the watch take 1 ms each).
    expect(condition(w, 'job', 'Ready')?.lastTransitionTime).toBe(502 * ms + 60 * s);
    expect(succeededAt).toBe(502 * ms + 62 * s + 2 * ms);
    const stopping = w.events.find((e) => e.reason === 'Killing');
    expect(stopping).toMatchObject({ message: 'Stopping container log', timeUs: 502 * ms + 60 * s });
    expect(w.events.filter((e) => e.reason === 'Started')).toHaveLength(2);
  });

  it('restarts a sidecar that fails its liveness probe even under restartPolicy Never, the app container running on', () => {
    const w = cached();
    const probe = { periodSeconds: 10, failureThreshold: 3 };
    w.admin.create(makePod('p', { cpu: 100 }, { nodeName: 'n1', restartPolicy: 'Never', initContainers: [log({ livenessProbe: probe })], containers: [app] }, { annotations: { 'kubesim.dev/unhealthy-after': '30s' } }));
    w.engine.run(100 * s);
    const p = get(w, 'p');
    expect(p.status.phase).toBe('Running');
    expect(p.status.initContainerStatuses).toEqual([{ name: 'log', restartCount: 1, ready: true }]);
    // Killed at 302 ms + 50 s (ticks 30, 40, 50 s fail), stopped 2 s later, back-off 10 s, started 200 ms after.
    expect(started(w)).toEqual([['log', 302 * ms], ['c', 502 * ms], ['log', 302 * ms + 50 * s + 2 * s + 10 * s + 200 * ms]]);
    expect(w.events.find((e) => e.reason === 'BackOff')?.message).toBe('Back-off restarting failed container log');
    expect(condition(w, 'p', 'Ready')?.status).toBe('True');
  });

  it('stops the sidecars after the app containers when the pod is deleted, within the grace period', () => {
    const w = cached();
    w.admin.create(makePod('p', { cpu: 100 }, { nodeName: 'n1', terminationGracePeriodSeconds: 30, initContainers: [log()], containers: [app] }));
    w.engine.run(5 * s);
    w.admin.delete('Pod', 'default/p');
    w.engine.run(8 * s);
    expect(w.store.get('Pod', 'default/p')).toBeDefined(); // app 2 s + sidecar 2 s after ~5 s
    w.engine.run(10 * s);
    expect(w.store.get('Pod', 'default/p')).toBeUndefined();
    expect(w.events.filter((e) => e.reason === 'Killing').map((e) => e.message)).toEqual(['Stopping container c', 'Stopping container log']);
  });
});
