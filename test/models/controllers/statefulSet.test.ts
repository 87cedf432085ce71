import { describe, expect, it } from 'vitest';
import type { Pod, StatefulSet } from '../../../src/cluster/types.js';
import { constant } from '../../../src/engine/distribution.js';
import { Kubelet } from '../../../src/models/kubelet/kubelet.js';
import { GarbageCollector } from '../../../src/models/controllers/garbageCollector.js';
import { ordinalOf, POD_INDEX_LABEL, REVISION_LABEL, StatefulSetController } from '../../../src/models/controllers/statefulSet.js';
import { defaultPodSpec } from '../../../src/cluster/podDefaults.js';
import { makeNode } from '../../helpers/objects.js';
import { ms, s, withScheduler, world } from '../../helpers/world.js';

const unlimited = { qps: 1e9, burst: 1e9 };
const advance = (w: ReturnType<typeof world>, dt: number) => w.engine.run(w.engine.now + dt);

function cluster(nodes = 3) {
  const w = world();
  withScheduler(w);
  new StatefulSetController(w.engine, w.api, w.api.client('sts', unlimited), w.recorder).start();
  new GarbageCollector(w.api, w.api.client('gc', unlimited)).start();
  for (let i = 0; i < nodes; i++) {
    const node = makeNode(`n${i}`, { cpu: 16_000, memory: 64e9 });
    // Readiness probe every 5 s: a pod is Ready 5 s after its containers start.
    new Kubelet(w.engine, w.api, w.api.client(`kubelet-${i}`, unlimited), node, w.streams.stream(`k${i}`), { sandboxLatency: constant(100 * ms), containerStartLatency: constant(400 * ms), containerStopLatency: constant(1 * s) }, { serializeImagePulls: true, registryPullQPS: 5, registryBurst: 10, bandwidth: 1e9, overhead: constant(0), sizeOf: () => 1e6 }, w.recorder).start();
  }
  return w;
}

function sts(replicas: number, extra: Partial<StatefulSet['spec']> = {}): StatefulSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db', namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'db' } },
      serviceName: 'db',
      template: { metadata: { labels: { app: 'db' } }, spec: defaultPodSpec({ containers: [{ name: 'c', image: 'db:1', resources: { requests: { cpu: 100 } }, readinessProbe: { initialDelaySeconds: 5, periodSeconds: 5 } }] }) },
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      ...extra,
    },
    status: {},
  };
}

const pods = (w: ReturnType<typeof world>): Pod[] => [...w.store.list('Pod')].filter((p) => p.metadata.deletionTimestamp === undefined).sort((a, b) => ordinalOf('db', a) - ordinalOf('db', b));
const created = (w: ReturnType<typeof world>) => w.events.filter((e) => e.reason === 'SuccessfulCreate').map((e) => ({ t: e.timeUs / s, msg: e.message }));

describe('StatefulSet controller (stateful_set_control.go)', () => {
  it('OrderedReady creates db-0, db-1, db-2 one at a time, each after the previous is Ready', () => {
    const w = cluster();
    w.admin.create(sts(3));
    advance(w, 60 * s);
    expect(pods(w).map((p) => p.metadata.name)).toEqual(['db-0', 'db-1', 'db-2']);
    expect(pods(w).map((p) => p.metadata.labels?.[POD_INDEX_LABEL])).toEqual(['0', '1', '2']);
    const c = created(w);
    expect(c.map((x) => x.msg)).toEqual(['create Pod db-0 in StatefulSet db successful', 'create Pod db-1 in StatefulSet db successful', 'create Pod db-2 in StatefulSet db successful']);
    // Each waits for the previous pod's readiness (≈ 0.5 s start + 5 s probe delay).
    expect(c[1]!.t - c[0]!.t).toBeGreaterThan(5);
    expect(c[2]!.t - c[1]!.t).toBeGreaterThan(5);
    expect(w.store.get('StatefulSet', 'default/db')!.status).toMatchObject({ replicas: 3, readyReplicas: 3, updatedReplicas: 3 });
  });

  it('Parallel creates every pod at once', () => {
    const w = cluster();
    w.admin.create(sts(3, { podManagementPolicy: 'Parallel' }));
    advance(w, 2 * s);
    const c = created(w);
    expect(c).toHaveLength(3);
    expect(c[2]!.t - c[0]!.t).toBeLessThan(0.1);
  });

  it('scales down from the highest ordinal, one at a time', () => {
    const w = cluster();
    w.admin.create(sts(4));
    advance(w, 60 * s);
    w.admin.update('StatefulSet', 'default/db', (x) => ({ ...x, spec: { ...x.spec, replicas: 1 } }));
    advance(w, 1 * s);
    expect(pods(w).map((p) => p.metadata.name)).toEqual(['db-0', 'db-1', 'db-2']);
    advance(w, 30 * s);
    expect(pods(w).map((p) => p.metadata.name)).toEqual(['db-0']);
    const deleted = w.events.filter((e) => e.reason === 'SuccessfulDelete').map((e) => e.message);
    expect(deleted).toEqual(['delete Pod db-3 in StatefulSet db successful', 'delete Pod db-2 in StatefulSet db successful', 'delete Pod db-1 in StatefulSet db successful']);
  });

  it('recreates a deleted pod under the same name (stable identity)', () => {
    const w = cluster();
    w.admin.create(sts(2));
    advance(w, 60 * s);
    const uid = w.store.get('Pod', 'default/db-1')!.metadata.uid;
    w.admin.delete('Pod', 'default/db-1');
    advance(w, 30 * s);
    const again = w.store.get('Pod', 'default/db-1')!;
    expect(again.metadata.uid).not.toBe(uid);
    expect(again.status.phase).toBe('Running');
  });

  it('rolls out from the highest ordinal down to the partition, one pod at a time', () => {
    const w = cluster();
    w.admin.create(sts(4, { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } } }));
    advance(w, 60 * s);
    const oldRev = w.store.get('StatefulSet', 'default/db')!.status.updateRevision;
    w.admin.update('StatefulSet', 'default/db', (x) => ({ ...x, spec: { ...x.spec, template: { ...x.spec.template, spec: { ...x.spec.template.spec, containers: [{ ...x.spec.template.spec.containers[0]!, image: 'db:2' }] } } } }));
    advance(w, 120 * s);
    const ps = pods(w);
    expect(ps.map((p) => p.spec.containers[0]!.image)).toEqual(['db:1', 'db:2', 'db:2', 'db:2']);
    expect(ps[0]!.metadata.labels?.[REVISION_LABEL]).toBe(oldRev);
    const deleted = w.events.filter((e) => e.reason === 'SuccessfulDelete').map((e) => e.message.split(' ')[2]);
    expect(deleted).toEqual(['db-3', 'db-2', 'db-1']);
    const st = w.store.get('StatefulSet', 'default/db')!.status;
    expect(st).toMatchObject({ updatedReplicas: 3, replicas: 4, readyReplicas: 4 });
    expect(st.currentRevision).toBe(oldRev);
  });
});
