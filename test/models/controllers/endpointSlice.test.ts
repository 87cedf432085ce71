import { describe, expect, it } from 'vitest';
import type { EndpointSlice, Pod, Service } from '../../../src/cluster/types.js';
import { constant } from '../../../src/engine/distribution.js';
import { Kubelet } from '../../../src/models/kubelet/kubelet.js';
import { ReplicaSetController } from '../../../src/models/controllers/replicaSet.js';
import { GarbageCollector } from '../../../src/models/controllers/garbageCollector.js';
import { EndpointSliceController, MANAGED_BY, SERVICE_NAME_LABEL } from '../../../src/models/controllers/endpointSlice.js';
import { defaultPodSpec } from '../../../src/cluster/podDefaults.js';
import { makeNode } from '../../helpers/objects.js';
import { ms, s, withScheduler, world } from '../../helpers/world.js';

const unlimited = { qps: 1e9, burst: 1e9 };

function cluster(nodes = 3) {
  const w = world();
  withScheduler(w);
  new ReplicaSetController(w.engine, w.api, w.api.client('rs', unlimited), w.recorder).start();
  new GarbageCollector(w.api, w.api.client('gc', unlimited)).start();
  const eps = new EndpointSliceController(w.engine, w.api, w.api.client('eps', unlimited));
  eps.start();
  for (let i = 0; i < nodes; i++) {
    const node = makeNode(`n${i}`, { cpu: 64_000, memory: 256e9, pods: 110 }, { labels: { 'topology.kubernetes.io/zone': `z${i}` } });
    node.spec.podCIDR = `10.244.${i}.0/24`;
    new Kubelet(w.engine, w.api, w.api.client(`k${i}`, unlimited), node, w.streams.stream(`k${i}`), { sandboxLatency: constant(100 * ms), containerStartLatency: constant(300 * ms), containerStopLatency: constant(1 * s) }, { serializeImagePulls: true, registryPullQPS: 5, registryBurst: 10, bandwidth: 1e9, overhead: constant(0), sizeOf: () => 1e6 }, w.recorder).start();
  }
  return { ...w, eps };
}

function service(extra: Partial<Service['spec']> = {}): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { type: 'ClusterIP', selector: { app: 'web' }, ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 'http' }], ...extra }, status: {} };
}

function replicaSet(replicas: number) {
  return {
    apiVersion: 'apps/v1' as const,
    kind: 'ReplicaSet' as const,
    metadata: { name: 'web', namespace: 'default' },
    spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: defaultPodSpec({ containers: [{ name: 'c', image: 'web:1', ports: [{ name: 'http', containerPort: 8080 }], resources: { requests: { cpu: 10 } } }] }) } },
    status: { replicas: 0 },
  };
}

const slices = (w: ReturnType<typeof world>): EndpointSlice[] => [...w.store.list('EndpointSlice')].sort((a, b) => b.endpoints.length - a.endpoints.length);
const pods = (w: ReturnType<typeof world>): Pod[] => [...w.store.list('Pod')];

describe('Service allocation (ipallocator, portallocator)', () => {
  it('gives ClusterIPs from 10.96.0.0/12 and NodePorts from 30000–32767, refusing taken ones', () => {
    const w = world();
    w.admin.create(service());
    w.admin.create({ ...service({ type: 'NodePort' }), metadata: { name: 'np', namespace: 'default' } });
    w.admin.create({ ...service({ clusterIP: 'None' }), metadata: { name: 'headless', namespace: 'default' } });
    const results: string[] = [];
    w.admin.create({ ...service({ type: 'NodePort', ports: [{ port: 81, nodePort: 30001 }] }), metadata: { name: 'clash', namespace: 'default' } }, (r) => results.push(r.ok ? 'ok' : r.message));
    w.engine.run(1 * s);
    expect(w.store.get('Service', 'default/web')!.spec.clusterIP).toBe('10.96.0.1');
    const np = w.store.get('Service', 'default/np')!;
    expect(np.spec.clusterIP).toBe('10.96.0.2');
    expect(np.spec.ports?.[0]?.nodePort).toBe(30000);
    expect(w.store.get('Service', 'default/headless')!.spec.clusterIP).toBe('None');
    expect(results).toEqual(['ok']);
    w.admin.create({ ...service({ type: 'NodePort', ports: [{ port: 81, nodePort: 30001 }] }), metadata: { name: 'clash2', namespace: 'default' } }, (r) => results.push(r.ok ? 'ok' : r.message));
    w.engine.run(2 * s);
    expect(results[1]).toMatch(/provided port is already allocated/);
  });
});

describe('EndpointSlice controller (endpointslice reconciler)', () => {
  it('lists ready pods in slices of at most 100, with addresses, ports, node and zone', () => {
    const w = cluster();
    // The pods exist before the Service: one sync packs them 100, 100, 50.
    w.admin.create(replicaSet(250));
    w.engine.run(20 * s);
    w.admin.create(service());
    w.engine.run(w.engine.now + 2 * s);
    const ss = slices(w);
    expect(ss.map((x) => x.endpoints.length)).toEqual([100, 100, 50]);
    for (const x of ss) {
      expect(x.metadata.labels).toMatchObject({ [SERVICE_NAME_LABEL]: 'web', 'endpointslice.kubernetes.io/managed-by': MANAGED_BY });
      expect(x.ports).toEqual([{ name: 'http', protocol: 'TCP', port: 8080 }]);
      expect(x.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Service', name: 'web' });
    }
    const all = ss.flatMap((x) => x.endpoints);
    expect(all.every((e) => e.conditions.ready && e.conditions.serving && !e.conditions.terminating)).toBe(true);
    expect(new Set(all.map((e) => e.addresses[0])).size).toBe(250);
    expect(all[0]!.addresses[0]).toMatch(/^10\.244\.[0-2]\.\d+$/);
    expect(all[0]!.zone).toMatch(/^z[0-2]$/);
  });

  it('keeps a placeholder slice for a Service without endpoints', () => {
    const w = cluster();
    w.admin.create(service());
    w.engine.run(2 * s);
    const ss = slices(w);
    expect(ss).toHaveLength(1);
    expect(ss[0]!.endpoints).toEqual([]);
    expect(ss[0]!.ports).toEqual([]);
  });

  it('marks deleted pods terminating (not ready, still serving) until they are gone, then drops them', () => {
    const w = cluster();
    w.admin.create(service());
    w.admin.create(replicaSet(3));
    w.engine.run(10 * s);
    const victim = pods(w)[0]!;
    w.admin.delete('Pod', `default/${victim.metadata.name}`);
    w.engine.run(w.engine.now + 100 * ms);
    const ep = slices(w)[0]!.endpoints.find((e) => e.targetRef?.name === victim.metadata.name)!;
    expect(ep.conditions).toEqual({ ready: false, serving: true, terminating: true });
    w.engine.run(w.engine.now + 10 * s);
    const names = slices(w).flatMap((x) => x.endpoints.map((e) => e.targetRef?.name));
    expect(names).not.toContain(victim.metadata.name);
    expect(names).toHaveLength(3);
  });

  it('as pods become ready over several syncs, slices fill without repacking; they follow scale-downs and go with the Service', () => {
    const w = cluster();
    w.admin.create(service());
    w.admin.create(replicaSet(120));
    w.engine.run(20 * s);
    const sizes = slices(w).map((x) => x.endpoints.length);
    // Endpoints arrive in batches: a batch goes to an existing slice only if it fits whole (getSliceToFill).
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(120);
    expect(sizes.every((n) => n <= 100)).toBe(true);
    expect(w.eps.changes.created).toBe(sizes.length);
    w.admin.update('ReplicaSet', 'default/web', (r) => ({ ...r, spec: { ...r.spec, replicas: 60 } }));
    w.engine.run(w.engine.now + 30 * s);
    expect(slices(w).reduce((a, x) => a + x.endpoints.length, 0)).toBe(60);
    expect(slices(w).every((x) => x.endpoints.length <= 100)).toBe(true);
    w.admin.delete('Service', 'default/web');
    w.engine.run(w.engine.now + 5 * s);
    expect(slices(w)).toHaveLength(0);
  });
});
