/**
 * DaemonSet controller (pkg/controller/daemon/daemon_controller_test.go: TestSimpleDaemonSetLaunchesPods,
 * TestNodeAffinityDaemonLaunchesPods, TestTaintedNodeDaemonDoesNotLaunchIntolerantPod, TestDeleteNoDaemonPod…):
 * exactly one pod per eligible node, following nodes as they join and leave, placed by the default scheduler
 * through node affinity on metadata.name.
 */
import { describe, expect, it } from 'vitest';
import type { DaemonSet, Node } from '../../../src/cluster/types.js';
import { DaemonSetController, daemonPod, nodeShouldRunDaemonPod } from '../../../src/models/controllers/daemonSet.js';
import { Kubelet } from '../../../src/models/kubelet/kubelet.js';
import { constant } from '../../../src/engine/distribution.js';
import { makeNode, makePod } from '../../helpers/objects.js';
import { ms, s, withScheduler, world } from '../../helpers/world.js';

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

describe('DaemonSet rolling update (update.go)', () => {
  const unlimited = { qps: 1e9, burst: 1e9 };
  function rig(strategy: DaemonSet['spec']['updateStrategy']) {
    const w = world();
    withScheduler(w);
    new DaemonSetController(w.engine, w.api, w.api.client('dsc', unlimited), w.recorder).start();
    const kubelets: Kubelet[] = [];
    for (let i = 0; i < 5; i++) {
      const n = node(`n${i}`);
      const k = new Kubelet(w.engine, w.api, w.api.client(`k${i}`, unlimited), n, w.streams.stream(`k${i}`), { sandboxLatency: constant(100 * ms), containerStartLatency: constant(400 * ms), containerStopLatency: constant(1 * s) }, { serializeImagePulls: true, registryPullQPS: 5, registryBurst: 10, bandwidth: 1e9, overhead: constant(0), sizeOf: () => 1e6 }, w.recorder);
      k.start();
      kubelets.push(k);
    }
    const ds = daemonSet();
    ds.spec.template.spec.containers[0]!.readinessProbe = { initialDelaySeconds: 5, periodSeconds: 5 };
    ds.spec.updateStrategy = strategy;
    w.admin.create(ds);
    w.engine.run(30 * s);
    return w;
  }
  const live = (w: ReturnType<typeof world>) => [...w.store.list('Pod')].filter((p) => p.metadata.deletionTimestamp === undefined);
  const setImage = (w: ReturnType<typeof world>) =>
    w.admin.update('DaemonSet', 'kube-system/agent', (d) => ({ ...d, spec: { ...d.spec, template: { ...d.spec.template, spec: { ...d.spec.template.spec, containers: [{ ...d.spec.template.spec.containers[0]!, image: 'agent:2' }] } } } }));

  it('maxUnavailable 1: replaces one node at a time, never more than one node without an available pod', () => {
    const w = rig({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
    expect(live(w)).toHaveLength(5);
    setImage(w);
    let worst = 5;
    for (let t = 0; t < 120; t++) {
      w.engine.run(w.engine.now + 1 * s);
      const ready = live(w).filter((p) => p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
      worst = Math.min(worst, ready);
    }
    expect(worst).toBe(4);
    const pods = live(w);
    expect(pods).toHaveLength(5);
    expect(pods.every((p) => p.spec.containers[0]!.image === 'agent:2')).toBe(true);
    expect(w.store.get('DaemonSet', 'kube-system/agent')!.status).toMatchObject({ updatedNumberScheduled: 5, numberAvailable: 5, numberUnavailable: 0 });
  });

  it('maxSurge 1: starts the new pod next to the old one and deletes the old one once the new is available', () => {
    const w = rig({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
    setImage(w);
    let worst = 5;
    let most = 0;
    for (let t = 0; t < 150; t++) {
      w.engine.run(w.engine.now + 1 * s);
      const ps = live(w);
      most = Math.max(most, ps.length);
      worst = Math.min(worst, ps.filter((p) => p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length);
    }
    expect(worst).toBe(5);
    expect(most).toBe(6);
    expect(live(w).every((p) => p.spec.containers[0]!.image === 'agent:2')).toBe(true);
  });

  it('OnDelete keeps the old pods until they are deleted', () => {
    const w = rig({ type: 'OnDelete' });
    setImage(w);
    w.engine.run(w.engine.now + 60 * s);
    expect(live(w).every((p) => p.spec.containers[0]!.image !== 'agent:2')).toBe(true);
    const victim = live(w)[0]!;
    w.admin.delete('Pod', `kube-system/${victim.metadata.name}`);
    w.engine.run(w.engine.now + 30 * s);
    expect(live(w).filter((p) => p.spec.containers[0]!.image === 'agent:2')).toHaveLength(1);
  });
});
