/**
 * Garbage collection: owner-reference cascades (pkg/controller/garbagecollector, background propagation:
 * TestCascadingDeletion, TestNonBlockingOwnerRefDoesNotBlock…) and the pod GC (pkg/controller/podgc:
 * TestGCTerminated, TestGCOrphaned).
 */
import { describe, expect, it } from 'vitest';
import type { Deployment } from '../../../src/cluster/types.js';
import { DeploymentController } from '../../../src/models/controllers/deployment.js';
import { GarbageCollector } from '../../../src/models/controllers/garbageCollector.js';
import { PodGC } from '../../../src/models/controllers/podGC.js';
import { ReplicaSetController } from '../../../src/models/controllers/replicaSet.js';
import { defaultPodSpec } from '../../../src/cluster/podDefaults.js';
import { makeNode, makePod } from '../../helpers/objects.js';
import { s, world } from '../../helpers/world.js';

const limits = { qps: 1e9, burst: 1e9 };

const deployment: Deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default' },
  spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: defaultPodSpec({ containers: [{ name: 'c', image: 'nginx:1.27' }] }) } },
  status: {},
};

describe('garbage collector', () => {
  it('deleting a Deployment deletes its ReplicaSet and then the pods of that ReplicaSet', () => {
    const w = world();
    new ReplicaSetController(w.engine, w.api, w.api.client('rs', limits), w.recorder).start();
    new DeploymentController(w.engine, w.api, w.api.client('deploy', limits), w.recorder).start();
    new GarbageCollector(w.api, w.api.client('gc', limits)).start();
    w.admin.create(deployment);
    w.engine.run(5 * s);
    expect([...w.store.list('ReplicaSet')]).toHaveLength(1);
    expect([...w.store.list('Pod')]).toHaveLength(3);
    w.admin.delete('Deployment', 'default/web');
    w.engine.run(10 * s);
    expect([...w.store.list('ReplicaSet')]).toHaveLength(0);
    expect([...w.store.list('Pod')]).toHaveLength(0); // unbound pods go at once
  });

  it('a dependent with another live owner only loses the dangling reference', () => {
    const w = world();
    new GarbageCollector(w.api, w.api.client('gc', limits)).start();
    const ref = (name: string, uid: string) => ({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name, uid });
    const rs = (name: string, uid: string) => ({ apiVersion: 'apps/v1' as const, kind: 'ReplicaSet' as const, metadata: { name, namespace: 'default', uid }, spec: { replicas: 0, selector: { matchLabels: { a: name } }, template: { metadata: { labels: { a: name } }, spec: defaultPodSpec({ containers: [{ name: 'c', image: 'x:1' }] }) } }, status: { replicas: 0 } });
    w.admin.create(rs('one', 'uid-one'));
    w.admin.create(rs('two', 'uid-two'));
    w.engine.run(1 * s);
    w.admin.create(makePod('shared', {}, {}, { ownerReferences: [ref('one', 'uid-one'), ref('two', 'uid-two')] }));
    w.engine.run(1 * s);
    w.admin.delete('ReplicaSet', 'default/one');
    w.engine.run(2 * s);
    const p = w.store.get('Pod', 'default/shared');
    expect(p?.metadata.ownerReferences?.map((r) => r.name)).toEqual(['two']);
    w.admin.delete('ReplicaSet', 'default/two');
    w.engine.run(3 * s);
    expect(w.store.get('Pod', 'default/shared')).toBeUndefined();
  });
});

describe('pod GC', () => {
  it('deletes the oldest terminated pods above the threshold, every 20 s', () => {
    const w = world();
    new PodGC(w.engine, w.api, w.api.client('podgc', limits), 2).start();
    for (let i = 0; i < 5; i++) w.admin.create({ ...makePod(`done-${i}`), metadata: { ...makePod(`done-${i}`).metadata, creationTimestamp: i }, status: { phase: 'Succeeded' } });
    w.engine.run(19 * s);
    expect([...w.store.list('Pod')]).toHaveLength(5);
    w.engine.run(21 * s);
    expect([...w.store.list('Pod')].map((p) => p.metadata.name).sort()).toEqual(['done-3', 'done-4']);
  });

  it('fails and force-deletes pods bound to a node that is gone, after the 40 s quarantine', () => {
    const w = world();
    new PodGC(w.engine, w.api, w.api.client('podgc', limits)).start();
    w.admin.create(makeNode('n1', { cpu: 1000, memory: 1e9 }));
    w.admin.create({ ...makePod('orphan', {}, { nodeName: 'n1' }), status: { phase: 'Running' } });
    w.engine.run(1 * s);
    w.admin.delete('Node', 'n1');
    w.engine.run(39 * s);
    expect(w.store.get('Pod', 'default/orphan')).toBeDefined();
    w.engine.run(70 * s);
    expect(w.store.get('Pod', 'default/orphan')).toBeUndefined();
  });
});
