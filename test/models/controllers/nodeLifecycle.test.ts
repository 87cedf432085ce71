import { describe, expect, it } from 'vitest';
import type { Node, Pod } from '../../../src/cluster/types.js';
import { constant } from '../../../src/engine/distribution.js';
import { Kubelet } from '../../../src/models/kubelet/kubelet.js';
import { NodeLeases } from '../../../src/models/kubelet/nodeLease.js';
import { computeZoneState, NodeLifecycleController } from '../../../src/models/controllers/nodeLifecycle.js';
import { evictionDelayUs, TaintEvictionController } from '../../../src/models/controllers/taintEviction.js';
import { ReplicaSetController } from '../../../src/models/controllers/replicaSet.js';
import { DisruptionController } from '../../../src/models/controllers/disruption.js';
import { TAINT_UNREACHABLE } from '../../../src/models/apiserver/defaultTolerationSeconds.js';
import { makeNode, makePod } from '../../helpers/objects.js';
import { ms, s, withScheduler, world } from '../../helpers/world.js';

const unlimited = { qps: 1e9, burst: 1e9 };
const advance = (w: ReturnType<typeof world>, dt: number) => w.engine.run(w.engine.now + dt);

function cluster(zones: Record<string, number>) {
  const w = world();
  withScheduler(w);
  const leases = new NodeLeases();
  new ReplicaSetController(w.engine, w.api, w.api.client('rs', unlimited), w.recorder).start();
  new DisruptionController(w.engine, w.api, w.api.client('disruption', unlimited)).start();
  const lifecycle = new NodeLifecycleController(w.engine, w.api, w.api.client('node', unlimited), leases, w.recorder);
  lifecycle.start();
  const eviction = new TaintEvictionController(w.engine, w.api, w.api.client('taint', unlimited), w.recorder);
  eviction.start();
  const kubelets = new Map<string, Kubelet>();
  for (const [zone, n] of Object.entries(zones)) {
    for (let i = 0; i < n; i++) {
      const name = `${zone}-${i}`;
      const node = makeNode(name, { cpu: 4000, memory: 16e9 }, { labels: { 'topology.kubernetes.io/zone': zone } });
      delete node.status.conditions;
      const k = new Kubelet(w.engine, w.api, w.api.client(`k-${name}`, unlimited), node, w.streams.stream(name), { sandboxLatency: constant(100 * ms), containerStartLatency: constant(100 * ms), containerStopLatency: constant(1 * s) }, { serializeImagePulls: true, registryPullQPS: 5, registryBurst: 10, bandwidth: 1e9, overhead: constant(0), sizeOf: () => 1e6 }, w.recorder, leases);
      k.start();
      kubelets.set(name, k);
    }
  }
  return { ...w, kubelets, lifecycle, eviction };
}

const node = (w: ReturnType<typeof world>, name: string) => w.store.get('Node', name)!;
const ready = (n: Node) => n.status.conditions?.find((c) => c.type === 'Ready');
const pinned = (name: string, nodeName: string, extra: Partial<Pod['spec']> = {}) => makePod(name, { cpu: 100 }, { nodeName, ...extra }, { uid: undefined });

describe('Node lifecycle: heartbeats, NotReady, NoExecute taints and eviction (timeline)', () => {
  it('marks a silent node Unknown after the 50 s grace period and evicts its default-toleration pods 300 s after the taint', () => {
    const w = cluster({ a: 2 });
    w.admin.create(pinned('p', 'a-0'));
    advance(w, 105 * s);
    expect(w.store.get('Pod', 'default/p')!.status.phase).toBe('Running');
    // Default tolerations from DefaultTolerationSeconds admission.
    expect(w.store.get('Pod', 'default/p')!.spec.tolerations).toEqual(expect.arrayContaining([{ key: TAINT_UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }]));
    w.kubelets.get('a-0')!.fail(); // at 105 s: the last Lease renewal was at 100 s
    advance(w, 49 * s); // 154 s
    expect(ready(node(w, 'a-0'))!.status).toBe('True');
    advance(w, 2 * s); // 156 s: the 155 s monitor tick is the first after 100 + 50 s
    const r = ready(node(w, 'a-0'))!;
    expect(r).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown', lastTransitionTime: 155 * s });
    expect(w.store.get('Pod', 'default/p')!.status.conditions?.find((c) => c.type === 'Ready')?.status).toBe('False');
    const taints = node(w, 'a-0').spec.taints!;
    expect(taints.find((t) => t.effect === 'NoSchedule')).toMatchObject({ key: TAINT_UNREACHABLE, timeAdded: 155 * s });
    // NoExecute at the next 100 ms tainting pass.
    expect(taints.find((t) => t.effect === 'NoExecute')).toMatchObject({ key: TAINT_UNREACHABLE, timeAdded: 155 * s + 100 * ms });
    advance(w, 298 * s); // 454 s
    expect(w.store.get('Pod', 'default/p')!.metadata.deletionTimestamp).toBeUndefined();
    advance(w, 2 * s); // 456 s
    const p = w.store.get('Pod', 'default/p')!;
    // Seen by the taint eviction controller 1 ms after the taint's commit (155.101 s), evicted 300 s later.
    expect(p.metadata.deletionTimestamp).toBe(455 * s + 100 * ms + 2 * ms + 1 * ms);
    expect(p.status.conditions?.find((c) => c.type === 'DisruptionTarget')).toMatchObject({ reason: 'DeletionByTaintManager' });
    expect(w.events.filter((e) => e.reason === 'TaintManagerEviction').map((e) => e.name)).toEqual(['p']);
    expect(w.events.filter((e) => e.reason === 'NodeNotReady').map((e) => e.name)).toEqual(['a-0']);
  });

  it('taints the nodes of a zone at --node-eviction-rate 0.1/s, one every 10 s', () => {
    const w = cluster({ a: 10, b: 1 });
    advance(w, 105 * s);
    for (const n of ['a-0', 'a-1', 'a-2', 'a-3']) w.kubelets.get(n)!.fail();
    advance(w, 200 * s);
    const times = ['a-0', 'a-1', 'a-2', 'a-3'].map((n) => node(w, n).spec.taints?.find((t) => t.effect === 'NoExecute')?.timeAdded);
    expect(times).toEqual([155.1 * s, 165.1 * s, 175.1 * s, 185.1 * s]);
    expect(w.lifecycle.zoneState(`:\x00:a`)).toBe('Normal');
  });

  it('stops evictions when every zone is fully disrupted', () => {
    const w = cluster({ a: 2 });
    w.admin.create(pinned('p', 'a-0'));
    advance(w, 105 * s);
    for (const k of w.kubelets.values()) k.fail();
    advance(w, 600 * s);
    expect(w.lifecycle.zoneState(`:\x00:a`)).toBe('FullDisruption');
    expect(node(w, 'a-0').spec.taints?.some((t) => t.effect === 'NoExecute') ?? false).toBe(false);
    expect(w.store.get('Pod', 'default/p')!.metadata.deletionTimestamp).toBeUndefined();
  });

  it('removes the taints when the node comes back, cancels pending evictions, and restarts its pods', () => {
    const w = cluster({ a: 2 });
    w.admin.create(pinned('p', 'a-0'));
    advance(w, 105 * s);
    w.kubelets.get('a-0')!.fail();
    advance(w, 100 * s); // tainted at 155.1 s, eviction due at 455 s
    w.kubelets.get('a-0')!.recover(); // at 205 s
    advance(w, 10 * s);
    expect(ready(node(w, 'a-0'))!.status).toBe('True');
    expect(node(w, 'a-0').spec.taints ?? []).toEqual([]);
    advance(w, 400 * s);
    const p = w.store.get('Pod', 'default/p')!;
    expect(p.metadata.deletionTimestamp).toBeUndefined();
    expect(p.status.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(p.status.containerStatuses?.[0]?.restartCount).toBe(1);
  });

  it('deletes pods that were evicted while the node was down once it is back', () => {
    const w = cluster({ a: 2 });
    w.admin.create(pinned('p', 'a-0'));
    advance(w, 105 * s);
    w.kubelets.get('a-0')!.fail();
    advance(w, 400 * s); // evicted at ≈455 s; stays Terminating: nobody runs the node
    expect(w.store.get('Pod', 'default/p')!.metadata.deletionTimestamp).toBeDefined();
    w.kubelets.get('a-0')!.recover();
    advance(w, 5 * s);
    expect(w.store.get('Pod', 'default/p')).toBeUndefined();
  });

  it('evicts at once a pod that does not tolerate the taint, and never one tolerating it without tolerationSeconds', () => {
    const taints = [{ key: TAINT_UNREACHABLE, effect: 'NoExecute' as const }];
    expect(evictionDelayUs(taints, [])).toBeUndefined();
    expect(evictionDelayUs(taints, [{ key: TAINT_UNREACHABLE, operator: 'Exists', effect: 'NoExecute' }])).toBe(-1);
    expect(evictionDelayUs(taints, [{ operator: 'Exists', tolerationSeconds: 60 }, { key: TAINT_UNREACHABLE, operator: 'Exists', tolerationSeconds: 30 }])).toBe(30 * s);
  });

  it('computes zone states as upstream (ComputeZoneState)', () => {
    expect(computeZoneState(0, 3, 0.55)).toBe('FullDisruption');
    expect(computeZoneState(2, 3, 0.55)).toBe('PartialDisruption');
    expect(computeZoneState(8, 2, 0.55)).toBe('Normal'); // not more than 2 not ready
    expect(computeZoneState(5, 5, 0.55)).toBe('Normal'); // 50 % < 55 %
  });
});

describe('Eviction API and PodDisruptionBudgets', () => {
  it('refuses an eviction with 429 while the budget allows no disruption, and allows it when it does', () => {
    const w = cluster({ a: 2 });
    for (const n of ['x', 'y']) w.admin.create(pinned(n, 'a-0', {}));
    for (const n of ['x', 'y']) w.admin.update('Pod', `default/${n}`, (p) => ({ ...p, metadata: { ...p.metadata, labels: { app: 'db' } } }));
    w.admin.create({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'db', namespace: 'default' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'db' } } }, status: { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 } });
    advance(w, 30 * s);
    const answers: string[] = [];
    w.admin.evict('default/x', (r) => answers.push(r.ok ? 'ok' : r.reason));
    advance(w, 1 * s);
    w.admin.evict('default/y', (r) => answers.push(r.ok ? 'ok' : `${r.reason}: ${r.message}`));
    advance(w, 1 * s);
    expect(answers[0]).toBe('ok');
    expect(answers[1]).toMatch(/^TooManyRequests: Cannot evict pod as it would violate the pod's disruption budget\. The disruption budget db needs 1 healthy pods and has 1 currently$/);
  });
});

describe('Kubelet after a node restart', () => {
  it('fails a running restartPolicy Never pod with ContainerStatusUnknown', () => {
    const w = cluster({ a: 1 });
    w.admin.create(pinned('once', 'a-0', { restartPolicy: 'Never' }));
    advance(w, 20 * s);
    w.kubelets.get('a-0')!.fail();
    advance(w, 20 * s);
    w.kubelets.get('a-0')!.recover();
    advance(w, 1 * s);
    expect(w.store.get('Pod', 'default/once')!.status).toMatchObject({ phase: 'Failed', reason: 'ContainerStatusUnknown' });
  });
});


