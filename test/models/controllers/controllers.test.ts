import { describe, expect, it } from 'vitest';
import type { Deployment, Job, Pod } from '../../../src/cluster/types.js';
import { ReplicaSetController } from '../../../src/models/controllers/replicaSet.js';
import { DeploymentController, computeHash } from '../../../src/models/controllers/deployment.js';
import { JobController } from '../../../src/models/controllers/job.js';
import { deletionOrder } from '../../../src/models/controllers/podControl.js';
import { WorkQueue } from '../../../src/models/controllers/workQueue.js';
import { Engine } from '../../../src/engine/engine.js';
import { defaultPodSpec } from '../../../src/cluster/podDefaults.js';
import { makePod } from '../../helpers/objects.js';
import { s, world } from '../../helpers/world.js';

function controllers(w: ReturnType<typeof world>, limits = { qps: 1e9, burst: 1e9 }) {
  new ReplicaSetController(w.engine, w.api, w.api.client('rs', limits), w.recorder).start();
  new DeploymentController(w.engine, w.api, w.api.client('deploy', limits), w.recorder).start();
  new JobController(w.engine, w.api, w.api.client('job', limits), w.recorder).start();
}

const template = (annotations?: Record<string, string>, restartPolicy: 'Always' | 'Never' = 'Always') => ({
  metadata: { labels: { app: 'web' }, ...(annotations ? { annotations } : {}) },
  spec: defaultPodSpec({ containers: [{ name: 'c', image: 'nginx:1.27', resources: { requests: { cpu: 100 } } }], restartPolicy }),
});

const deployment = (replicas: number): Deployment => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default' },
  spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: template() },
  status: {},
});

const job = (completions: number | undefined, parallelism: number, extra: Partial<Job['spec']> = {}): Job => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'work', namespace: 'default' },
  spec: { ...(completions !== undefined ? { completions } : {}), parallelism, backoffLimit: 6, template: template(undefined, 'Never'), ...extra },
  status: {},
});

const pods = (w: ReturnType<typeof world>) => [...w.store.list('Pod')];

/** Marks pods as the kubelet would: phase (and Ready for Running). */
function setPhase(w: ReturnType<typeof world>, p: Pod, phase: Pod['status']['phase']) {
  w.admin.update('Pod', `${p.metadata.namespace}/${p.metadata.name}`, (cur) => ({ ...cur, status: { ...cur.status, phase } }));
}

describe('WorkQueue (client-go workqueue semantics)', () => {
  it('deduplicates waiting keys and never syncs one key on two workers at once', () => {
    const engine = new Engine();
    const log: string[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const q = new WorkQueue(
      engine,
      (key, done) => {
        log.push(key);
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        engine.schedule(10, () => {
          inFlight--;
          done();
        });
      },
      5,
    );
    q.add('a');
    q.add('a');
    q.add('b');
    engine.run(1);
    q.add('a'); // while a is processing: queued again after it is done
    q.add('a');
    engine.run();
    expect(log).toEqual(['a', 'b', 'a']);
    expect(maxInFlight).toBe(2);
  });
});

describe('Deployment and ReplicaSet controllers', () => {
  it('create a ReplicaSet named after the pod-template-hash and keep the replica count', () => {
    const w = world();
    controllers(w);
    w.admin.create(deployment(5));
    w.engine.run(5 * s);
    const hash = computeHash(deployment(5).spec.template);
    const rs = w.store.get('ReplicaSet', `default/web-${hash}`);
    expect(rs?.spec.replicas).toBe(5);
    expect(rs?.spec.selector.matchLabels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(pods(w)).toHaveLength(5);
    expect(pods(w).every((p) => p.metadata.name.startsWith(`web-${hash}-`) && p.metadata.labels?.['pod-template-hash'] === hash)).toBe(true);
    expect(w.events.filter((e) => e.reason === 'SuccessfulCreate')).toHaveLength(5);
    expect(w.events.find((e) => e.reason === 'ScalingReplicaSet')?.message).toBe(`Scaled up replica set web-${hash} from 0 to 5`);
    // A deleted pod is replaced.
    w.admin.delete('Pod', `default/${pods(w)[0]!.metadata.name}`, { gracePeriodSeconds: 0 });
    w.engine.run(10 * s);
    expect(pods(w)).toHaveLength(5);
    expect(w.store.get('Deployment', 'default/web')?.status.replicas).toBe(5);
  });

  it('scale down deletes unscheduled and not-ready pods first', () => {
    const w = world();
    controllers(w);
    w.admin.create(deployment(4));
    w.engine.run(5 * s);
    const [a, b, c] = pods(w);
    // a: Running+Ready on a node; b: bound, Pending; c: bound, Running not ready; the 4th stays unscheduled.
    for (const [p, node] of [[a!, 'n1'], [b!, 'n1'], [c!, 'n2']] as const) w.admin.update('Pod', `default/${p.metadata.name}`, (cur) => ({ ...cur, spec: { ...cur.spec, nodeName: node } }));
    w.admin.update('Pod', `default/${a!.metadata.name}`, (cur) => ({ ...cur, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: 0 }] } }));
    setPhase(w, c!, 'Running');
    w.engine.run(6 * s);
    w.admin.update('Deployment', 'default/web', (d) => ({ ...d, spec: { ...d.spec, replicas: 1 } }));
    w.engine.run(8 * s);
    const left = pods(w).filter((p) => p.metadata.deletionTimestamp === undefined);
    expect(left.map((p) => p.metadata.name)).toEqual([a!.metadata.name]);
  });

  it('orders deletion candidates like ActivePods', () => {
    const unassigned = makePod('u');
    const pending = makePod('p', {}, { nodeName: 'n' });
    const running = { ...makePod('r', {}, { nodeName: 'n' }), status: { phase: 'Running' as const } };
    const ready = { ...makePod('ready', {}, { nodeName: 'n' }), status: { phase: 'Running' as const, conditions: [{ type: 'Ready' as const, status: 'True' as const, lastTransitionTime: 5 }] } };
    const sorted = [ready, running, pending, unassigned].sort(deletionOrder).map((p) => p.metadata.name);
    expect(sorted).toEqual(['u', 'p', 'r', 'ready']);
  });

  it('creates pods in slow-start batches bounded by the controller QPS', () => {
    const w = world();
    controllers(w, { qps: 20, burst: 30 });
    w.admin.create(deployment(100));
    w.engine.run(2 * s);
    const early = pods(w).length;
    w.engine.run(10 * s);
    // 30 at once (burst), then 20/s: about 30 + 20 × 2 s by t = 2 s, never all 100.
    expect(early).toBeLessThan(75);
    expect(pods(w)).toHaveLength(100);
  });
});

describe('Rate-limited retries (workqueue.DefaultControllerRateLimiter)', () => {
  it('a ReplicaSet whose creates are refused retries with a doubling back-off', () => {
    const w = world();
    controllers(w);
    const rs = {
      apiVersion: 'apps/v1' as const,
      kind: 'ReplicaSet' as const,
      metadata: { name: 'web', namespace: 'default' },
      spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { ...template(), spec: { ...template().spec, priorityClassName: 'no-such-class' } } },
      status: { replicas: 0 },
    };
    w.admin.create(rs);
    w.engine.run(20 * s);
    const t = w.events.filter((e) => e.reason === 'FailedCreate').map((e) => e.timeUs);
    expect(pods(w)).toHaveLength(0);
    // 5 ms, 10 ms, 20 ms … : about log2(20 s / 5 ms) ≈ 12 retries, each gap about twice the one before.
    expect(t.length).toBeGreaterThanOrEqual(10);
    expect(t.length).toBeLessThanOrEqual(14);
    const gaps = t.slice(1).map((x, i) => x - t[i]!);
    const last = gaps.slice(-3);
    expect(last[1]! / last[0]!).toBeGreaterThan(1.7);
    expect(last[2]! / last[1]!).toBeGreaterThan(1.7);
  });
});

describe('Job controller', () => {
  it('runs completions with at most `parallelism` pods at a time and completes', () => {
    const w = world();
    controllers(w);
    w.admin.create(job(5, 2));
    let maxActive = 0;
    for (let round = 0; round < 5; round++) {
      w.engine.run(w.engine.now + 3 * s);
      const active = pods(w).filter((p) => p.status.phase === 'Pending');
      maxActive = Math.max(maxActive, active.length);
      for (const p of active) setPhase(w, p, 'Succeeded');
    }
    w.engine.run(w.engine.now + 5 * s);
    expect(maxActive).toBe(2);
    const j = w.store.get('Job', 'default/work')!;
    expect(j.status.succeeded).toBe(5);
    expect(j.status.conditions?.[0]).toMatchObject({ type: 'Complete', status: 'True' });
    expect(pods(w)).toHaveLength(5);
    expect(pods(w).every((p) => p.metadata.labels?.['batch.kubernetes.io/job-name'] === 'work')).toBe(true);
  });

  it('fails after backoffLimit failures, waiting the pod-failure backoff between replacements', () => {
    const w = world();
    controllers(w);
    w.admin.create(job(1, 1, { backoffLimit: 2 }));
    const createdAt: number[] = [];
    for (let round = 0; round < 6; round++) {
      w.engine.run(w.engine.now + 60 * s);
      for (const p of pods(w).filter((x) => x.status.phase === 'Pending')) {
        createdAt.push(p.metadata.creationTimestamp!);
        setPhase(w, p, 'Failed');
      }
    }
    const j = w.store.get('Job', 'default/work')!;
    expect(j.status.failed).toBe(3);
    expect(j.status.conditions?.[0]).toMatchObject({ type: 'Failed', reason: 'BackoffLimitExceeded' });
    expect(createdAt).toHaveLength(3);
    expect(w.events.some((e) => e.reason === 'BackoffLimitExceeded')).toBe(true);
  });

  it('podFailurePolicy: FailJob on a matching exit code fails the Job at once; Ignore keeps failures out of backoffLimit', () => {
    const fail = (w: ReturnType<typeof world>, p: Pod, code: number) =>
      w.admin.update('Pod', `${p.metadata.namespace}/${p.metadata.name}`, (cur) => ({ ...cur, status: { ...cur.status, phase: 'Failed', containerStatuses: [{ name: 'c', restartCount: 0, ready: false, exitCode: code }] } }));
    const w = world();
    controllers(w);
    w.admin.create(job(1, 1, { backoffLimit: 6, podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { containerName: 'c', operator: 'In', values: [42] } }] } }));
    w.engine.run(5 * s);
    fail(w, pods(w)[0]!, 42);
    w.engine.run(w.engine.now + 5 * s);
    const j = w.store.get('Job', 'default/work')!;
    expect(j.status.conditions?.[0]).toMatchObject({ type: 'Failed', reason: 'PodFailurePolicy' });
    expect(j.status.conditions?.[0]?.message).toMatch(/^Container c for pod default\/work-\w+ failed with exit code 42 matching FailJob rule at index 0$/);

    const w2 = world();
    controllers(w2);
    w2.admin.create(job(1, 1, { backoffLimit: 0, podFailurePolicy: { rules: [{ action: 'Ignore', onExitCodes: { operator: 'In', values: [137] } }] } }));
    for (let round = 0; round < 3; round++) {
      w2.engine.run(w2.engine.now + 30 * s);
      for (const p of pods(w2).filter((x) => x.status.phase === 'Pending')) fail(w2, p, 137);
    }
    w2.engine.run(w2.engine.now + 30 * s);
    const j2 = w2.store.get('Job', 'default/work')!;
    // Three ignored failures with backoffLimit 0: still running, with a fourth pod.
    expect(j2.status.conditions ?? []).toEqual([]);
    expect(pods(w2).filter((p) => p.status.phase === 'Pending')).toHaveLength(1);
    // A failure no rule matches counts: backoffLimit 0 is exceeded.
    fail(w2, pods(w2).find((p) => p.status.phase === 'Pending')!, 1);
    w2.engine.run(w2.engine.now + 5 * s);
    expect(w2.store.get('Job', 'default/work')!.status.conditions?.[0]).toMatchObject({ type: 'Failed', reason: 'BackoffLimitExceeded' });
  });

  it('gives Indexed Jobs one pod per completion index', () => {
    const w = world();
    controllers(w);
    w.admin.create(job(3, 3, { completionMode: 'Indexed' }));
    w.engine.run(5 * s);
    const idx = pods(w).map((p) => p.metadata.annotations?.['batch.kubernetes.io/job-completion-index']).sort();
    expect(idx).toEqual(['0', '1', '2']);
    expect(pods(w).every((p) => /^work-\d-/.test(p.metadata.name))).toBe(true);
  });

  it('treats a Job without completions as a work queue: complete once a pod succeeded and none is active', () => {
    const w = world();
    controllers(w);
    w.admin.create(job(undefined, 3));
    w.engine.run(5 * s);
    expect(pods(w)).toHaveLength(3);
    for (const p of pods(w)) setPhase(w, p, 'Succeeded');
    w.engine.run(10 * s);
    expect(w.store.get('Job', 'default/work')?.status.conditions?.[0]?.type).toBe('Complete');
  });
});
