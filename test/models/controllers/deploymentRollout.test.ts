import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Deployment, Pod } from '../../../src/cluster/types.js';
import { constant, type Distribution } from '../../../src/engine/distribution.js';
import { ReplicaSetController } from '../../../src/models/controllers/replicaSet.js';
import { DeploymentController, POD_TEMPLATE_HASH } from '../../../src/models/controllers/deployment.js';
import { GarbageCollector } from '../../../src/models/controllers/garbageCollector.js';
import { Kubelet } from '../../../src/models/kubelet/kubelet.js';
import { maxSurge, maxUnavailable, newRSNewReplicas, proportionalSizes, resolveFenceposts, REVISION_ANNOTATION } from '../../../src/models/controllers/deploymentUtil.js';
import { isActive, isReady } from '../../../src/models/controllers/podControl.js';
import { defaultPodSpec } from '../../../src/cluster/podDefaults.js';
import { makeNode } from '../../helpers/objects.js';
import { ms, s, withScheduler, world } from '../../helpers/world.js';

const unlimited = { qps: 1e9, burst: 1e9 };

function cluster(nodes = 4, startLatency: Distribution = constant(300 * ms)) {
  const w = world();
  withScheduler(w);
  new ReplicaSetController(w.engine, w.api, w.api.client('rs', unlimited), w.recorder).start();
  new DeploymentController(w.engine, w.api, w.api.client('deploy', unlimited), w.recorder).start();
  new GarbageCollector(w.api, w.api.client('gc', unlimited)).start();
  for (let i = 0; i < nodes; i++) {
    const node = makeNode(`n${i}`, { cpu: 64_000, memory: 256e9 });
    new Kubelet(w.engine, w.api, w.api.client(`kubelet-${i}`, unlimited), node, w.streams.stream(`k${i}`), { sandboxLatency: constant(100 * ms), containerStartLatency: startLatency, containerStopLatency: constant(1 * s) }, { serializeImagePulls: true, registryPullQPS: 5, registryBurst: 10, bandwidth: 1e9, overhead: constant(0), sizeOf: () => 1e8 }, w.recorder).start();
  }
  return w;
}

function deployment(replicas: number, strategy: Deployment['spec']['strategy'] = {}, extra: Partial<Deployment['spec']> = {}): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: defaultPodSpec({ containers: [{ name: 'c', image: 'web:v1', resources: { requests: { cpu: 100 } } }] }) },
      strategy,
      ...extra,
    },
    status: {},
  };
}

function setImage(w: ReturnType<typeof world>, image: string) {
  w.admin.update('Deployment', 'default/web', (d) => ({ ...d, spec: { ...d.spec, template: { ...d.spec.template, spec: { ...d.spec.template.spec, containers: [{ ...d.spec.template.spec.containers[0]!, image }] } } } }));
}

/** Runs the world for `dt` more µs (engine.run takes an absolute time). */
const advance = (w: ReturnType<typeof world>, dt: number) => w.engine.run(w.engine.now + dt);

const image = (p: Pod) => p.spec.containers[0]!.image;

describe('Deployment rollout arithmetic (deployment_util.go)', () => {
  it('resolves fenceposts: surge rounds up, unavailable rounds down, both zero gives one unavailable', () => {
    expect(resolveFenceposts('25%', '25%', 10)).toEqual([3, 2]);
    expect(resolveFenceposts(0, 0, 10)).toEqual([0, 1]);
    expect(resolveFenceposts('0%', '1%', 10)).toEqual([0, 1]);
    expect(resolveFenceposts(2, '50%', 5)).toEqual([2, 2]);
  });

  it('caps maxUnavailable at the replicas and gives Recreate neither surge nor unavailability', () => {
    expect(maxUnavailable(deployment(3, { rollingUpdate: { maxUnavailable: 10 } }))).toBe(3);
    expect(maxSurge(deployment(3, { type: 'Recreate' }))).toBe(0);
    expect(maxUnavailable(deployment(3, { type: 'Recreate' }))).toBe(0);
  });

  it('grows the new ReplicaSet only within maxSurge (NewRSNewReplicas)', () => {
    const d = deployment(10, { rollingUpdate: { maxSurge: 3 } });
    const rs = (replicas: number) => ({ spec: { replicas } }) as never;
    expect(newRSNewReplicas(d, [rs(10), rs(0)], 0)).toBe(3);
    expect(newRSNewReplicas(d, [rs(8), rs(5)], 5)).toBe(5);
    expect(newRSNewReplicas(d, [rs(2), rs(9)], 9)).toBe(10);
  });

  it('scales ReplicaSets proportionally when the Deployment is resized mid-rollout (upstream TestScale case)', () => {
    // pkg/controller/deployment/sync_test.go "proportional scaling: 5 -> 10": rs 2 (new) and 3 (old), max-replicas 5.
    const d = deployment(10, { rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } });
    d.status = { replicas: 5 };
    const mk = (name: string, replicas: number, t: number) => ({ metadata: { name, creationTimestamp: t, annotations: { 'deployment.kubernetes.io/max-replicas': '5' } }, spec: { replicas } }) as never;
    const sizes = proportionalSizes(d, [mk('new', 2, 2), mk('old', 3, 1)]);
    expect(sizes.get('new')).toBe(4);
    expect(sizes.get('old')).toBe(6);
  });
});

describe('Deployment controller: rollouts', () => {
  it('rolls out a new template with the default 25% / 25%, bumping revisions and ending with only new pods', () => {
    const w = cluster();
    w.admin.create(deployment(8));
    advance(w, 30 * s);
    setImage(w, 'web:v2');
    advance(w, 120 * s);
    const pods = [...w.store.list('Pod')].filter(isActive);
    expect(pods).toHaveLength(8);
    expect(pods.every((p) => image(p) === 'web:v2')).toBe(true);
    const rss = [...w.store.list('ReplicaSet')].sort((a, b) => a.metadata.creationTimestamp! - b.metadata.creationTimestamp!);
    expect(rss.map((r) => [r.metadata.annotations?.[REVISION_ANNOTATION], r.spec.replicas])).toEqual([['1', 0], ['2', 8]]);
    const d = w.store.get('Deployment', 'default/web')!;
    expect(d.metadata.annotations?.[REVISION_ANNOTATION]).toBe('2');
    expect(d.status).toMatchObject({ replicas: 8, updatedReplicas: 8, availableReplicas: 8, unavailableReplicas: 0 });
    expect(d.status.conditions?.find((c) => c.type === 'Progressing')).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable' });
    expect(d.status.conditions?.find((c) => c.type === 'Available')).toMatchObject({ status: 'True', reason: 'MinimumReplicasAvailable' });
    // First step of the rollout: new ReplicaSet up to the surge (2 of 8 at 25%), as upstream's events say.
    const scaling = w.events.filter((e) => e.reason === 'ScalingReplicaSet').map((e) => e.message);
    expect(scaling[1]).toMatch(/^Scaled up replica set web-\w+ from 0 to 2$/);
    expect(scaling.some((m) => /^Scaled down replica set web-\w+ from \d+ to 0$/.test(m))).toBe(true);
  });

  it('Recreate stops every old pod before the first new one is created', () => {
    const w = cluster();
    w.admin.create(deployment(6, { type: 'Recreate' }));
    advance(w, 30 * s);
    let lastOldGone = -1;
    let firstNew = -1;
    w.store.onCommit((c) => {
      if (c.object.kind !== 'Pod') return;
      const p = c.object as Pod;
      if (c.type === 'DELETED' && image(p) === 'web:v1') lastOldGone = c.time;
      if (c.type === 'ADDED' && image(p) === 'web:v2' && firstNew < 0) firstNew = w.engine.now;
    });
    setImage(w, 'web:v2');
    advance(w, 120 * s);
    expect(firstNew).toBeGreaterThan(0);
    expect(lastOldGone).toBeGreaterThan(0);
    expect(firstNew).toBeGreaterThan(lastOldGone);
    expect([...w.store.list('Pod')].filter((p) => isReady(p) && image(p) === 'web:v2')).toHaveLength(6);
  });

  it('rolls back to the previous revision by reusing its ReplicaSet, which takes the next revision number', () => {
    const w = cluster();
    w.admin.create(deployment(4));
    advance(w, 30 * s);
    setImage(w, 'web:v2');
    advance(w, 60 * s);
    // kubectl rollout undo: the template of revision 1, without its pod-template-hash label.
    const rs1 = [...w.store.list('ReplicaSet')].find((r) => r.metadata.annotations?.[REVISION_ANNOTATION] === '1')!;
    const labels = { ...rs1.spec.template.metadata!.labels };
    delete labels[POD_TEMPLATE_HASH];
    w.admin.update('Deployment', 'default/web', (d) => ({ ...d, spec: { ...d.spec, template: { ...rs1.spec.template, metadata: { ...rs1.spec.template.metadata, labels } } } }));
    advance(w, 60 * s);
    expect([...w.store.list('ReplicaSet')]).toHaveLength(2);
    expect(w.store.get('ReplicaSet', `default/${rs1.metadata.name}`)!.metadata.annotations?.[REVISION_ANNOTATION]).toBe('3');
    expect([...w.store.list('Pod')].filter(isActive).every((p) => image(p) === 'web:v1')).toBe(true);
  });

  it('does not roll out while paused, but does scale; resuming rolls out', () => {
    const w = cluster();
    w.admin.create(deployment(4));
    advance(w, 30 * s);
    w.admin.update('Deployment', 'default/web', (d) => ({ ...d, spec: { ...d.spec, paused: true } }));
    advance(w, 1 * s);
    setImage(w, 'web:v2');
    w.admin.update('Deployment', 'default/web', (d) => ({ ...d, spec: { ...d.spec, replicas: 6 } }));
    advance(w, 30 * s);
    let active = [...w.store.list('Pod')].filter(isActive);
    expect(active).toHaveLength(6);
    expect(active.every((p) => image(p) === 'web:v1')).toBe(true);
    expect(w.store.get('Deployment', 'default/web')!.status.conditions?.find((c) => c.type === 'Progressing')?.reason).toBe('DeploymentPaused');
    w.admin.update('Deployment', 'default/web', (d) => ({ ...d, spec: { ...d.spec, paused: false } }));
    advance(w, 90 * s);
    active = [...w.store.list('Pod')].filter(isActive);
    expect(active).toHaveLength(6);
    expect(active.every((p) => image(p) === 'web:v2')).toBe(true);
  });

  it('marks a rollout that makes no progress for progressDeadlineSeconds as ProgressDeadlineExceeded', () => {
    const w = cluster(1);
    w.admin.create(deployment(2, {}, { progressDeadlineSeconds: 60 }));
    advance(w, 30 * s);
    // The new pods can never be scheduled: they ask for more CPU than any node has.
    w.admin.update('Deployment', 'default/web', (d) => ({ ...d, spec: { ...d.spec, template: { ...d.spec.template, spec: { ...d.spec.template.spec, containers: [{ name: 'c', image: 'web:v2', resources: { requests: { cpu: 1_000_000 } } }] } } } }));
    advance(w, 60 * s);
    expect(w.store.get('Deployment', 'default/web')!.status.conditions?.find((c) => c.type === 'Progressing')?.reason).toBe('ReplicaSetUpdated');
    advance(w, 60 * s);
    const p = w.store.get('Deployment', 'default/web')!.status.conditions?.find((c) => c.type === 'Progressing');
    expect(p).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded' });
    // It timed out 60 s after the last progress, to within the 1 s requeue slack.
    expect(p!.lastTransitionTime! - p!.lastUpdateTime!).toBe(0);
    expect(w.events.some((e) => e.reason === 'ProgressDeadlineExceeded')).toBe(true);
  });

  it('keeps revisionHistoryLimit old ReplicaSets', () => {
    const w = cluster();
    w.admin.create(deployment(2, {}, { revisionHistoryLimit: 1 }));
    advance(w, 20 * s);
    for (const v of ['v2', 'v3', 'v4']) {
      setImage(w, `web:${v}`);
      advance(w, 40 * s);
    }
    const revisions = [...w.store.list('ReplicaSet')].map((r) => r.metadata.annotations?.[REVISION_ANNOTATION]).sort();
    expect(revisions).toEqual(['3', '4']);
  });
});

describe('Deployment rolling update invariants (property)', () => {
  // rolling.go bounds what the ReplicaSets ask for: Σ spec.replicas ≤ replicas + maxSurge at every instant, and it
  // scales old ReplicaSets down only while their reported availability stays ≥ replicas − maxUnavailable. kubesim
  // checks the pods themselves: never more than replicas + maxSurge, and ready pods below replicas − maxUnavailable
  // only briefly. Brief dips are upstream behaviour: after a scale-down the ReplicaSet controller writes a status
  // computed from its pre-deletion pod list (`calculateStatus(rs, activePods, …)` in syncReplicaSet), that write
  // triggers a Deployment sync, and if a new pod became available meanwhile that sync scales down once more from the
  // stale count; the deficit lasts until the surplus new pods are ready (one container start, at most 3.1 s here).
  it('never has more than replicas + maxSurge pods, and ready pods fall below replicas − maxUnavailable only briefly', () => {
    const intOrPct = fc.oneof(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 100 }).map((p) => `${p}%`));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 24 }), intOrPct, intOrPct, fc.integer({ min: 100, max: 3000 }), (replicas, surge, unavailable, startMs) => {
        const w = cluster(3, { kind: 'uniform', minUs: 100 * ms, maxUs: startMs * ms });
        w.admin.create(deployment(replicas, { rollingUpdate: { maxSurge: surge, maxUnavailable: unavailable } }));
        advance(w, 60 * s);
        const [maxS, maxU] = resolveFenceposts(surge, unavailable, replicas);
        const floor = replicas - Math.min(maxU, replicas);
        let maxRequested = 0;
        let maxPods = 0;
        let below: number | undefined;
        let longestDip = 0;
        w.store.onCommit((c) => {
          let pods = 0;
          let ready = 0;
          for (const p of w.store.list('Pod')) {
            if (!isActive(p)) continue;
            pods++;
            if (isReady(p)) ready++;
          }
          let requested = 0;
          for (const rs of w.store.list('ReplicaSet')) requested += rs.spec.replicas ?? 1;
          maxRequested = Math.max(maxRequested, requested);
          maxPods = Math.max(maxPods, pods);
          if (ready < floor && below === undefined) below = c.time;
          if (ready >= floor && below !== undefined) {
            longestDip = Math.max(longestDip, c.time - below);
            below = undefined;
          }
        });
        setImage(w, 'web:v2');
        advance(w, 600 * s);
        const active = [...w.store.list('Pod')].filter(isActive);
        expect(active.every((p) => image(p) === 'web:v2' && isReady(p))).toBe(true);
        expect(active).toHaveLength(replicas);
        expect(maxRequested).toBeLessThanOrEqual(replicas + maxS);
        expect(maxPods).toBeLessThanOrEqual(replicas + maxS);
        expect(below).toBeUndefined();
        expect(longestDip).toBeLessThan(startMs * ms + 200 * ms);
      }),
      { numRuns: 40, seed: 20261122 },
    );
  });
});
