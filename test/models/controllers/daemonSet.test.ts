/**
 * DaemonSet controller (pkg/controller/daemon/daemon_controller_test.go: TestSimpleDaemonSetLaunchesPods,
 * TestNodeAffinityDaemonLaunchesPods, TestTaintedNodeDaemonDoesNotLaunchIntolerantPod, TestDeleteNoDaemonPod…):
 * exactly one pod per eligible node, following nodes as they join and leave, placed by the default scheduler
 * through node affinity on metadata.name.
 */
import { describe, expect, it } from 'vitest';
import type { DaemonSet, Node } from '../../../src/cluster/types.js';
import { DaemonSetController, daemonPod, nodeShouldRunDaemonPod } from '../../../src/models/controllers/daemonSet.js';
import { makeNode, makePod } from '../../helpers/objects.js';
import { s, withScheduler, world } from '../../helpers/world.js';

function daemonSet(extra: Partial<DaemonSet['spec']['template']['spec']> = {}): DaemonSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: 'kube-system', uid: 'ds-uid' },
    spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { ...makePod('t', { cpu: 100 }).spec, ...extra } } },
    status: { desiredNumberScheduled: 0, currentNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0 },
  };
}

const node = (name: string, opts: Parameters<typeof makeNode>[2] = {}): Node => makeNode(name, { cpu: 4000, memory: 8e9 }, opts);

describe('DaemonSet controller', () => {
  it('NodeShouldRunDaemonPod: node selector, NoSchedule taints (daemon tolerations included), NoExecute keeps running pods', () => {
    const ds = daemonSet({ nodeSelector: { role: 'worker' } });
    expect(nodeShouldRunDaemonPod(node('a', { labels: { role: 'worker' } }), ds)).toEqual([true, true]);
    expect(nodeShouldRunDaemonPod(node('b'), ds)).toEqual([false, false]);
    const plain = daemonSet();
    expect(nodeShouldRunDaemonPod(node('c', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }), plain)).toEqual([false, true]);
    expect(nodeShouldRunDaemonPod(node('d', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoExecute' }] }), plain)).toEqual([false, false]);
    expect(nodeShouldRunDaemonPod(node('e', { unschedulable: true, taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }] }), plain)).toEqual([true, true]);
  });

  it('daemon pods carry node affinity to their node and the daemon tolerations', () => {
    const p = daemonPod(daemonSet(), 'n7');
    expect(p.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms).toEqual([{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n7'] }] }]);
    expect(p.spec.tolerations?.map((t) => t.key)).toContain('node.kubernetes.io/unreachable');
    expect(p.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'DaemonSet', name: 'agent', controller: true });
  });

  it('runs exactly one pod per eligible node, following nodes that join and leave', () => {
    const w = world();
    withScheduler(w);
    new DaemonSetController(w.engine, w.api, w.api.client('dsc', { qps: 1e9, burst: 1e9 }), w.recorder).start();
    w.admin.create(node('n1'));
    w.admin.create(node('n2'));
    w.admin.create(node('gpu', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] }));
    w.admin.create(daemonSet());
    w.engine.run(2 * s);
    const placement = () =>
      [...w.store.list('Pod')]
        .filter((p) => p.metadata.deletionTimestamp === undefined)
        .map((p) => p.spec.nodeName ?? '')
        .sort();
    expect(placement()).toEqual(['n1', 'n2']);
    expect(w.store.get('DaemonSet', 'kube-system/agent')?.status).toMatchObject({ desiredNumberScheduled: 2, currentNumberScheduled: 2, numberMisscheduled: 0 });
    // A node joins: it gets its pod; a node leaves: its pod goes.
    w.admin.create(node('n3'));
    w.engine.run(4 * s);
    expect(placement()).toEqual(['n1', 'n2', 'n3']);
    w.admin.delete('Node', 'n1');
    w.engine.run(6 * s);
    expect(placement()).toEqual(['n2', 'n3']);
    expect(w.store.get('DaemonSet', 'kube-system/agent')?.status).toMatchObject({ desiredNumberScheduled: 2, currentNumberScheduled: 2 });
    // A duplicate pod on a node is removed (the oldest stays).
    const extra = daemonPod(w.store.get('DaemonSet', 'kube-system/agent')!, 'n2');
    w.admin.create({ ...extra, metadata: { ...extra.metadata, name: 'agent-extra', generateName: undefined } });
    w.engine.run(8 * s);
    expect(placement()).toEqual(['n2', 'n3']);
  });
});
