/**
 * EndpointSlice controller (pkg/controller/endpointslice/endpointslice_controller.go and the reconciler of
 * staging/src/k8s.io/endpointslice/reconciler.go): for every Service with a selector, EndpointSlices listing the
 * addresses of the pods it selects.
 *
 * - A pod is an endpoint once it has an address and is not terminal (`ShouldPodBeInEndpoints`, terminating pods
 *   included). Conditions (`podToEndpoint`): ready = Ready and not terminating (or publishNotReadyAddresses),
 *   serving = Ready, terminating = being deleted. The endpoint carries the pod's node name and zone.
 * - Slices hold at most 100 endpoints (--max-endpoints-per-slice); they are labelled
 *   `kubernetes.io/service-name` and `endpointslice.kubernetes.io/managed-by: endpointslice-controller.k8s.io`,
 *   owned by the Service, named `<service>-<suffix>`.
 * - `reconcileByPortMapping`: existing slices keep their still-desired endpoints (updated in place when their
 *   conditions changed) and drop the others; a slice left empty is deleted; slices being updated are filled up first
 *   (fullest first), then leftovers go into an unchanged slice with room for all of them, or into new slices.
 *   Creates replace deletes where possible (`finalize`). A Service with no endpoints keeps one empty placeholder
 *   slice.
 * - Services are synced through a work queue (5 workers, --concurrent-service-endpoint-syncs); a pod change queues
 *   every Service of its namespace whose selector matches its old or new labels, after the endpoint updates batch
 *   period (--endpointslice-updates-batch-period, default 0).
 * Single-stack IPv4; the endpoint ports are the Service's ports with their targetPort resolved (named ports from the
 * pod's container ports).
 */
import type { Engine } from '../../engine/engine.js';
import type { Micros } from '../../engine/time.js';
import type { Endpoint, EndpointSlice, Node, Pod, Service } from '../../cluster/types.js';
import { objectKey } from '../../cluster/types.js';
import { NamespacedPods } from './namespacedPods.js';
import { ServiceSelectorIndex } from './serviceSelectorIndex.js';
import type { ApiClient, ApiServer } from '../apiserver/apiServer.js';
import { controllerRef, isReady } from './podControl.js';
import { Pending, WorkQueue } from './workQueue.js';
import { extend } from '../../cluster/extend.js';

export const ENDPOINTSLICE_CONTROLLER = 'endpointslice-controller';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const MANAGED_BY = 'endpointslice-controller.k8s.io';
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
/** --max-endpoints-per-slice. */
export const MAX_ENDPOINTS_PER_SLICE = 100;
const ZONE_LABEL = 'topology.kubernetes.io/zone';

type Ports = EndpointSlice['ports'];

/** The endpoint ports of a pod for a Service (`getEndpointPorts`): targetPort numbers, names resolved on the pod. */
export function endpointPorts(svc: Service, pod: Pod): Ports {
  const out: Ports = [];
  for (const p of svc.spec.ports ?? []) {
    let port: number | undefined;
    const t = p.targetPort ?? p.port;
    if (typeof t === 'number') port = t;
    else {
      for (const c of pod.spec.containers) for (const cp of c.ports ?? []) if (cp.name === t && (cp.protocol ?? 'TCP') === (p.protocol ?? 'TCP')) port = cp.containerPort;
    }
    if (port === undefined) continue;
    const protocol = p.protocol ?? 'TCP';
    out.push(p.name !== undefined ? { name: p.name, protocol, port } : { protocol, port });
  }
  return out;
}

/** `podToEndpoint`. */
export function podToEndpoint(pod: Pod, node: Node | undefined, svc: Service): Endpoint {
  const terminating = pod.metadata.deletionTimestamp !== undefined;
  const ready = isReady(pod);
  const zone = node?.metadata.labels?.[ZONE_LABEL];
  return {
    addresses: [pod.status.podIP!],
    conditions: { ready: svc.spec.publishNotReadyAddresses === true || (ready && !terminating), serving: ready, terminating },
    ...(pod.spec.nodeName ? { nodeName: pod.spec.nodeName } : {}),
    ...(zone !== undefined ? { zone } : {}),
    targetRef: { kind: 'Pod', namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name, uid: pod.metadata.uid },
  };
}

const portKey = (ports: Ports) =>
  ports
    .map((p) => `${p.name ?? ''}/${p.protocol}/${p.port}`)
    .sort()
    .join(',');
const endpointKey = (e: Endpoint) => `${e.targetRef?.uid ?? ''}/${e.addresses[0]}`;

/** A Service's endpoint ports when every targetPort is a number (the same for all its pods), with their key. */
const numericPorts = new WeakMap<Service['spec'], { ports: Ports; key: string } | null>();
function servicePorts(svc: Service, pod: Pod): { ports: Ports; key: string } {
  let cached = numericPorts.get(svc.spec);
  if (cached === undefined) {
    const numeric = (svc.spec.ports ?? []).every((p) => typeof (p.targetPort ?? p.port) === 'number');
    cached = numeric ? withKey(endpointPorts(svc, pod)) : null;
    numericPorts.set(svc.spec, cached);
  }
  return cached ?? withKey(endpointPorts(svc, pod));
}
const withKey = (ports: Ports) => ({ ports, key: portKey(ports) });

/** A pod's endpoint and its key, memoised per pod object version, node object and Service publishing mode. */
const endpoints = new WeakMap<Pod, { node: Node | undefined; publish: boolean; e: Endpoint; key: string }>();
function endpointOf(pod: Pod, node: Node | undefined, svc: Service): { e: Endpoint; key: string } {
  const publish = svc.spec.publishNotReadyAddresses === true;
  const hit = endpoints.get(pod);
  if (hit !== undefined && hit.node === node && hit.publish === publish) return hit;
  const e = podToEndpoint(pod, node, svc);
  const entry = { node, publish, e, key: endpointKey(e) };
  endpoints.set(pod, entry);
  return entry;
}
/** Field-by-field equality of two endpoints (a hot path: every member of a synced Service is compared). */
function sameEndpoint(a: Endpoint, b: Endpoint): boolean {
  if (a.addresses.length !== b.addresses.length || a.addresses.some((x, i) => x !== b.addresses[i])) return false;
  const c = a.conditions;
  const d = b.conditions;
  if (c.ready !== d.ready || c.serving !== d.serving || c.terminating !== d.terminating || a.nodeName !== b.nodeName || a.zone !== b.zone) return false;
  const r = a.targetRef;
  const q = b.targetRef;
  if (r === undefined || q === undefined) return r === q;
  return r.kind === q.kind && r.namespace === q.namespace && r.name === q.name && r.uid === q.uid;
}

/** The EndpointSlice controller. */
export class EndpointSliceController {
  private readonly queue: WorkQueue;
  private readonly services = new Map<string, Service>();
  /** Service selectors and their member pods. */
  private readonly index = new ServiceSelectorIndex();
  private readonly pods = new NamespacedPods();
  private readonly slicesByService = new Map<string, Map<string, EndpointSlice>>();
  private readonly nodes = new Map<string, Node>();
  private suffix = 0;
  /**
   * Writes whose watch events have not arrived yet (the endpointSliceTracker): slice name → resourceVersion expected
   * (or -1 for a deletion). A sync over a stale cache is retried later, as upstream's StaleInformerCache error.
   */
  private readonly expected = new Map<string, { service: string; rv: number }>();
  /** Writes not yet seen, per Service (so a sync checks its own without scanning every pending write). */
  private readonly expectedPerService = new Map<string, number>();
  /** Slices created, updated and deleted (for metrics). */
  readonly changes = { created: 0, updated: 0, deleted: 0 };

  constructor(
    private readonly engine: Engine,
    private readonly api: ApiServer,
    private readonly client: ApiClient,
    private readonly batchPeriodUs: Micros = 0,
    private readonly maxEndpointsPerSlice = MAX_ENDPOINTS_PER_SLICE,
  ) {
    this.queue = new WorkQueue(engine, (key, done) => this.sync(key, done));
  }

  /** Starts the informers. */
  start(): void {
    this.api.watch('Service', {}, (ev) => {
      const key = objectKey(ev.object.metadata);
      const ns = ev.object.metadata.namespace ?? 'default';
      if (ev.type === 'DELETED') {
        this.services.delete(key);
        this.index.setSelector(ns, key, undefined, []);
      } else {
        this.services.set(key, ev.object);
        const selector = ev.object.spec.selector;
        if (ev.old?.spec.selector !== selector || ev.type === 'ADDED') this.index.setSelector(ns, key, ev.object.spec.type !== 'ExternalName' ? selector : undefined, this.pods.list(ns));
      }
      this.queue.add(key);
    });
    this.api.watch('Node', {}, (ev) => {
      if (ev.type === 'DELETED') this.nodes.delete(ev.object.metadata.name);
      else this.nodes.set(ev.object.metadata.name, ev.object);
    });
    this.api.watch('EndpointSlice', {}, (ev) => {
      const svcName = ev.object.metadata.labels?.[SERVICE_NAME_LABEL];
      if (svcName === undefined || ev.object.metadata.labels?.[MANAGED_BY_LABEL] !== MANAGED_BY) return;
      const key = `${ev.object.metadata.namespace ?? 'default'}/${svcName}`;
      let m = this.slicesByService.get(key);
      if (m === undefined) this.slicesByService.set(key, (m = new Map()));
      const name = `${ev.object.metadata.namespace ?? 'default'}/${ev.object.metadata.name}`;
      const want = this.expected.get(name);
      if (ev.type === 'DELETED') {
        m.delete(ev.object.metadata.name);
        if (want?.rv === -1) this.unexpect(name);
      } else {
        m.set(ev.object.metadata.name, ev.object);
        if (want !== undefined && want.rv !== -1 && ev.resourceVersion >= want.rv) this.unexpect(name);
      }
    });
    this.api.watch('Pod', {}, (ev) => {
      this.pods.apply(ev);
      const o = ev.old;
      const p = ev.object;
      const touched = this.index.applyPod(p, o, ev.type === 'DELETED');
      // Only changes an EndpointSlice can see matter (podEndpointsChanged): address, readiness, deletion, labels, phase.
      if (ev.type === 'MODIFIED' && o !== undefined && o.status.podIP === p.status.podIP && isReady(o) === isReady(p) && o.metadata.deletionTimestamp === p.metadata.deletionTimestamp && o.metadata.labels === p.metadata.labels && o.status.phase === p.status.phase) return;
      for (const key of touched) {
        if (this.batchPeriodUs > 0) this.queue.addAfter(key, this.batchPeriodUs);
        else this.queue.add(key);
      }
    });
  }

  /** `syncService`. */
  private sync(key: string, done: () => void): void {
    const svc = this.services.get(key);
    const existing = [...(this.slicesByService.get(key)?.values() ?? [])];
    if (svc === undefined || svc.spec.selector === undefined || svc.spec.type === 'ExternalName') {
      // The garbage collector removes the slices of a deleted Service (owner references).
      return done();
    }
    if ((this.expectedPerService.get(key) ?? 0) > 0) {
      this.queue.addRateLimited(key);
      return done();
    }
    this.queue.forget(key);
    // Desired endpoints by port mapping.
    const desired = new Map<string, { ports: Ports; endpoints: Map<string, Endpoint> }>();
    for (const pod of this.index.membersOf(key)) {
      if (pod.status.phase === 'Succeeded' || pod.status.phase === 'Failed' || !pod.status.podIP) continue;
      if (pod.spec.nodeName && !this.nodes.has(pod.spec.nodeName) && !svc.spec.publishNotReadyAddresses) continue;
      const { ports, key: pk } = servicePorts(svc, pod);
      let d = desired.get(pk);
      if (d === undefined) desired.set(pk, (d = { ports, endpoints: new Map() }));
      const { e, key: ek } = endpointOf(pod, pod.spec.nodeName ? this.nodes.get(pod.spec.nodeName) : undefined, svc);
      d.endpoints.set(ek, e);
    }
    const toCreate: EndpointSlice[] = [];
    const toUpdate: EndpointSlice[] = [];
    const toDelete: EndpointSlice[] = [];
    const byPorts = new Map<string, EndpointSlice[]>();
    for (const s of [...existing].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1))) {
      const pk = portKey(s.ports);
      const list = byPorts.get(pk) ?? [];
      list.push(s);
      byPorts.set(pk, list);
    }
    for (const [pk, d] of [...desired].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      const r = this.reconcileByPortMapping(svc, byPorts.get(pk) ?? [], d.endpoints, d.ports);
      toCreate.push(...r.create);
      toUpdate.push(...r.update);
      toDelete.push(...r.remove);
    }
    for (const [pk, slices] of byPorts) if (!desired.has(pk)) toDelete.push(...slices);
    // The placeholder: a Service with no endpoints keeps one empty slice.
    if (existing.length === toDelete.length && toCreate.length === 0) {
      const placeholder = toDelete.find((s) => s.endpoints.length === 0 && s.ports.length === 0);
      if (placeholder !== undefined && toDelete.length === 1) toDelete.length = 0;
      else toCreate.push(this.newSlice(svc, []));
    }
    // finalize: creates become updates of slices that would be deleted.
    while (toCreate.length > 0 && toDelete.length > 0) {
      const gone = toDelete.shift()!;
      const slice = toCreate.pop()!;
      toUpdate.push(extend(slice, { metadata: extend(gone.metadata, { labels: slice.metadata.labels }) }));
    }
    const pending = new Pending(done);
    const track = (name: string, release: () => void) => (r: { ok: boolean; object?: { metadata: { resourceVersion?: number } } }) => {
      if (r.ok && r.object?.metadata.resourceVersion !== undefined) this.expect(name, key, r.object.metadata.resourceVersion);
      release();
    };
    for (const s of toCreate) {
      this.changes.created++;
      const name = objectKey(s.metadata);
      this.client.create(s, track(name, pending.hold()));
    }
    for (const s of toUpdate) {
      this.changes.updated++;
      const name = objectKey(s.metadata);
      this.client.update('EndpointSlice', name, (cur) => extend(cur, { endpoints: s.endpoints, ports: s.ports, metadata: extend(cur.metadata, { labels: s.metadata.labels }) }), track(name, pending.hold()));
    }
    for (const s of toDelete) {
      this.changes.deleted++;
      const name = objectKey(s.metadata);
      const release = pending.hold();
      this.client.delete('EndpointSlice', name, {}, (r) => {
        if (r.ok) this.expect(name, key, -1);
        release();
      });
    }
    pending.seal();
  }

  /** Records a write whose result the informer has not shown yet (rv -1: a delete). */
  private expect(name: string, service: string, rv: number): void {
    const prev = this.expected.get(name);
    if (prev !== undefined) this.expectedPerService.set(prev.service, this.expectedPerService.get(prev.service)! - 1);
    this.expected.set(name, { service, rv });
    this.expectedPerService.set(service, (this.expectedPerService.get(service) ?? 0) + 1);
  }

  private unexpect(name: string): void {
    const prev = this.expected.get(name);
    if (prev === undefined) return;
    this.expected.delete(name);
    const n = this.expectedPerService.get(prev.service)! - 1;
    if (n === 0) this.expectedPerService.delete(prev.service);
    else this.expectedPerService.set(prev.service, n);
  }

  private newSlice(svc: Service, ports: Ports): EndpointSlice {
    const name = `${svc.metadata.name}-${(this.suffix++).toString(36).padStart(5, '0')}`;
    return {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name, namespace: svc.metadata.namespace ?? 'default', labels: { [SERVICE_NAME_LABEL]: svc.metadata.name, [MANAGED_BY_LABEL]: MANAGED_BY }, ownerReferences: [controllerRef(svc)] },
      addressType: 'IPv4',
      endpoints: [],
      ports,
    };
  }

  /** `reconcileByPortMapping`. */
  private reconcileByPortMapping(svc: Service, existing: EndpointSlice[], desired: Map<string, Endpoint>, ports: Ports): { create: EndpointSlice[]; update: EndpointSlice[]; remove: EndpointSlice[] } {
    const max = this.maxEndpointsPerSlice;
    const byName = new Map<string, EndpointSlice>();
    const unchanged: string[] = [];
    const update = new Set<string>();
    const remove: EndpointSlice[] = [];
    // 1. Keep the desired endpoints of existing slices, drop the others.
    for (const s of existing) {
      const kept: Endpoint[] = [];
      let changed = false;
      for (const e of s.endpoints) {
        const k = endpointKey(e);
        const want = desired.get(k);
        if (want === undefined) continue;
        kept.push(want);
        if (!sameEndpoint(want, e)) changed = true;
        desired.delete(k);
      }
      if (changed || kept.length !== s.endpoints.length) {
        if (kept.length === 0) remove.push(s);
        else {
          byName.set(s.metadata.name, extend(s, { endpoints: kept }));
          update.add(s.metadata.name);
        }
      } else {
        byName.set(s.metadata.name, s);
        unchanged.push(s.metadata.name);
      }
    }
    const left = [...desired.values()];
    // 2. Fill the slices being updated, fullest first.
    if (left.length > 0 && update.size > 0) {
      const slices = [...update].map((n) => byName.get(n)!).sort((a, b) => b.endpoints.length - a.endpoints.length);
      for (const s of slices) while (left.length > 0 && s.endpoints.length < max) s.endpoints.push(left.shift()!);
    }
    // 3. Leftovers: into an unchanged slice with room for all of them (getSliceToFill), else new slices.
    const create: EndpointSlice[] = [];
    while (left.length > 0) {
      let target: EndpointSlice | undefined;
      if (left.length < max && unchanged.length > 0) {
        let best: EndpointSlice | undefined;
        for (const n of unchanged) {
          const s = byName.get(n)!;
          if (s.endpoints.length + left.length <= max && (best === undefined || s.endpoints.length > best.endpoints.length)) best = s;
        }
        if (best !== undefined) {
          target = extend(best, { endpoints: [...best.endpoints] });
          byName.set(best.metadata.name, target);
          unchanged.splice(unchanged.indexOf(best.metadata.name), 1);
          update.add(best.metadata.name);
        }
      }
      if (target === undefined) {
        target = this.newSlice(svc, ports);
        create.push(target);
      }
      while (left.length > 0 && target.endpoints.length < max) target.endpoints.push(left.shift()!);
    }
    return { create, update: [...update].map((n) => byName.get(n)!), remove };
  }
}
