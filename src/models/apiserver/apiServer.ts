/**
 * The API-server model: every model reads and writes cluster state through it, as every Kubernetes component goes
 * through kube-apiserver.
 *
 * A write travels: client-side token bucket (client-go QPS/burst) → API server + etcd (`writeLatency`) → commit in the
 * store (resourceVersion assigned, the client's callback runs) → watch delivery to the subscribers whose filter
 * matches, after `watchLatency`. Watch events reach every watcher in resourceVersion order, as a watch stream does.
 *
 * Watches are filtered as informers filter them (kind, namespace, label selector, and the field selector
 * `spec.nodeName` for pods) and delivery is indexed by node name, so a pod change costs O(interested watchers): it
 * reaches the one kubelet that runs the pod, not every kubelet.
 */
import type { Engine } from '../../engine/engine.js';
import { type Distribution, sample } from '../../engine/distribution.js';
import type { Rng } from '../../engine/rng.js';
import type { Micros } from '../../engine/time.js';
import type { Change, ObjectStore, WatchEventType, WriteResult } from '../../cluster/store.js';
import type { Kind, KubeObject, ObjectOfKind, PersistentVolumeClaim, Pod, Service, StorageClass } from '../../cluster/types.js';
import { admitLimitRanges } from './limitRanger.js';
import { QuotaTracker } from './resourceQuota.js';
import { ConfigObjects } from './configObjects.js';
import { ServiceAllocator } from './serviceAllocation.js';
import { objectKey } from '../../cluster/types.js';
import type { LabelMatcher } from '../../cluster/selector.js';
import { TokenBucket } from './tokenBucket.js';
import { admitPodPriority } from '../../cluster/priorityClasses.js';
import { admitDefaultTolerations } from './defaultTolerationSeconds.js';
import { evictionBlocker } from './eviction.js';
import { extend } from '../../cluster/extend.js';

/** Latency model of the API server. */
export interface ApiServerLatency {
  /** From the request leaving the client to its commit (API server processing + etcd), the client's response included. */
  writeLatency: Distribution;
  /** From commit to delivery on a watch. */
  watchLatency: Distribution;
}

/** client-go QPS/burst of one client. */
export interface ClientLimits {
  qps: number;
  burst: number;
}

/** A watch event as a subscriber receives it. */
export interface WatchEvent<T extends KubeObject> {
  type: WatchEventType;
  object: T;
  /** The previous state (MODIFIED, DELETED) as of the commit. */
  old: T | undefined;
  resourceVersion: number;
}

/** Informer-style filter of a watch. */
export interface WatchFilter {
  namespace?: string;
  /** Field selector `spec.nodeName=<value>` (pods only). */
  nodeName?: string;
  labelSelector?: LabelMatcher;
}

interface Watcher {
  kind: Kind;
  filter: WatchFilter;
  handler: (ev: WatchEvent<never>) => void;
  active: boolean;
}

interface Delivery {
  type: WatchEventType;
  object: KubeObject;
  old: KubeObject | undefined;
  resourceVersion: number;
  watchers: Watcher[];
  /** Per watcher: the event type it sees (a pod leaving a field selector is DELETED for that watcher). */
  types: WatchEventType[];
}

/** Outcome callback of a write. */
export type Done<T> = (result: WriteResult<T>) => void;

/** Grace period kubesim applies to a pod deleted without one: v1.DefaultTerminationGracePeriodSeconds (30 s). */
export const DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS = 30;

/** The API server. */
export class ApiServer {
  private readonly watchers = new Map<Kind, Watcher[]>();
  private readonly podWatchersByNode = new Map<string, Watcher[]>();
  private lastDeliveryUs: Micros = 0;
  /** While a snapshot is restored: the instant every watch receives its objects (restore). */
  private restoredAt: Micros | undefined;

  constructor(
    private readonly engine: Engine,
    readonly store: ObjectStore,
    private readonly latency: ApiServerLatency,
    private readonly rng: Rng,
  ) {
    store.onCommit((c) => this.fanOut(c));
    store.onCommit((c) => {
      if (c.type === 'DELETED' && c.object.kind === 'Service') this.services.release(c.object);
    });
    store.onCommit((c) => this.quotas.onCommit(c, () => store.list('Pod')));
  }

  /** Pod usage per namespace for ResourceQuota admission. */
  readonly quotas = new QuotaTracker();

  /** The cluster's ConfigMaps, Secrets and ServiceAccounts (ServiceAccount admission, the kubelet's references). */
  configObjects = new ConfigObjects();

  /** ClusterIP and NodePort allocation of Services. */
  private readonly services = new ServiceAllocator();

  /** A client with its own token bucket, like one component's clientset. */
  client(name: string, limits: ClientLimits): ApiClient {
    return new ApiClient(name, this, new TokenBucket(limits.qps, limits.burst));
  }

  /** Subscribes to changes of `kind`; returns a function that stops the watch. */
  watch<K extends Kind>(kind: K, filter: WatchFilter, handler: (ev: WatchEvent<ObjectOfKind<K>>) => void): () => void {
    const w: Watcher = { kind, filter, handler: handler as (ev: WatchEvent<never>) => void, active: true };
    if (kind === 'Pod' && filter.nodeName !== undefined) {
      const list = this.podWatchersByNode.get(filter.nodeName) ?? [];
      list.push(w);
      this.podWatchersByNode.set(filter.nodeName, list);
    } else {
      const list = this.watchers.get(kind) ?? [];
      list.push(w);
      this.watchers.set(kind, list);
    }
    return () => {
      w.active = false;
    };
  }

  /**
   * Puts a cluster snapshot in place: what `write` commits reaches every watch at this instant, in commit order, as an
   * informer's initial list does; the controllers' workers run after it (their caches have synced), so they see
   * the whole state before they act on any of it (client-go `WaitForCacheSync`).
   */
  restore(write: () => void): void {
    this.restoredAt = this.engine.now;
    try {
      write();
    } finally {
      this.restoredAt = undefined;
    }
  }

  /** Sends a request: waits for the client's token, then commits after the write latency. @internal */
  send(bucket: TokenBucket, commit: () => void): void {
    const wait = bucket.reserve(this.engine.now);
    this.engine.schedule(wait + sample(this.latency.writeLatency, this.rng), commit);
  }

  /** Mutating admission of a create: returns the admitted object or the reason it is forbidden. @internal */
  admit<T extends KubeObject>(obj: T): T | string {
    if (obj.kind === 'Service') {
      // An existing name fails with AlreadyExists in the store: allocate nothing for it.
      if (this.store.get('Service', objectKey(obj.metadata)) !== undefined) return obj;
      return this.services.allocate(obj as Service) as T | string;
    }
    if (obj.kind === 'PersistentVolumeClaim') return admitDefaultStorageClass(obj as PersistentVolumeClaim, this.store.list('StorageClass')) as T;
    if (obj.kind !== 'Pod') return obj;
    const store = this.store;
    const ns = obj.metadata.namespace ?? 'default';
    // The admission chain's order (kube-apiserver's recommended plugins): LimitRanger, ServiceAccount,
    // DefaultTolerationSeconds, Priority, then ResourceQuota (validating, last).
    const ranged = admitLimitRanges(obj as Pod, [...store.list('LimitRange')].filter((l) => (l.metadata.namespace ?? 'default') === ns));
    if (typeof ranged === 'string') return ranged;
    const account = this.configObjects.serviceAccountProblem(ranged);
    if (account !== undefined) return account;
    const pod = admitDefaultTolerations(ranged);
    const prioritized = admitPodPriority(pod, (name) => store.get('PriorityClass', name), () => store.list('PriorityClass'));
    if (typeof prioritized === 'string') return prioritized;
    const quota = this.quotas.check(prioritized, [...store.list('ResourceQuota')].filter((q) => (q.metadata.namespace ?? 'default') === ns));
    return (quota ?? prioritized) as T | string;
  }

  /** Now, for writers. @internal */
  get now(): Micros {
    return this.engine.now;
  }

  private fanOut(c: Change): void {
    const watchers: Watcher[] = [];
    const types: WatchEventType[] = [];
    for (const w of this.watchers.get(c.object.kind) ?? []) {
      if (!w.active) continue;
      const t = this.visibleType(w, c);
      if (t !== undefined) {
        watchers.push(w);
        types.push(t);
      }
    }
    if (c.object.kind === 'Pod') {
      const newNode = (c.object as Pod).spec.nodeName;
      const oldNode = (c.old as Pod | undefined)?.spec.nodeName;
      for (const node of oldNode !== undefined && oldNode !== newNode ? [oldNode, newNode] : [newNode]) {
        if (node === undefined) continue;
        for (const w of this.podWatchersByNode.get(node) ?? []) {
          if (!w.active) continue;
          const t = this.visibleType(w, c);
          if (t !== undefined) {
            watchers.push(w);
            types.push(t);
          }
        }
      }
    }
    if (watchers.length === 0) return;
    // A watch stream delivers in resourceVersion order: never before an earlier commit's delivery.
    let at = this.restoredAt ?? c.time + sample(this.latency.watchLatency, this.rng);
    if (at < this.lastDeliveryUs) at = this.lastDeliveryUs;
    this.lastDeliveryUs = at;
    const d: Delivery = { type: c.type, object: c.object, old: c.old, resourceVersion: c.resourceVersion, watchers, types };
    this.engine.at(at, deliver, d);
  }

  /** The event type watcher `w` sees for change `c`, or undefined if the object is outside its filter before and after. */
  private visibleType(w: Watcher, c: Change): WatchEventType | undefined {
    const now = matches(w.filter, c.object);
    const before = c.old !== undefined && c.type !== 'ADDED' ? matches(w.filter, c.old) : false;
    if (c.type === 'DELETED') return before ? 'DELETED' : undefined;
    if (c.type === 'ADDED') return now ? 'ADDED' : undefined;
    if (now && before) return 'MODIFIED';
    if (now) return 'ADDED';
    if (before) return 'DELETED';
    return undefined;
  }
}

function matches(f: WatchFilter, obj: KubeObject): boolean {
  if (f.namespace !== undefined && obj.metadata.namespace !== f.namespace) return false;
  if (f.nodeName !== undefined && (obj as Pod).spec.nodeName !== f.nodeName) return false;
  if (f.labelSelector !== undefined && !f.labelSelector(obj.metadata.labels)) return false;
  return true;
}

function deliver(d: Delivery): void {
  // Watchers share one event object per type (handlers treat events as read-only).
  let shared: WatchEvent<never> | undefined;
  for (let i = 0; i < d.watchers.length; i++) {
    const w = d.watchers[i]!;
    if (!w.active) continue;
    const type = d.types[i]!;
    let ev = shared;
    if (ev === undefined || ev.type !== type) {
      ev = { type, object: d.object as never, old: d.old as never, resourceVersion: d.resourceVersion };
      if (type === d.type) shared = ev;
    }
    w.handler(ev);
  }
}

/** The class marked default by this annotation is given to claims that name none (the DefaultStorageClass plugin). */
export const DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';

/** DefaultStorageClass admission (plugin/pkg/admission/storage/storageclass/setdefault): the newest default class wins. */
function admitDefaultStorageClass(pvc: PersistentVolumeClaim, classes: Iterable<StorageClass>): PersistentVolumeClaim {
  if (pvc.spec.storageClassName !== undefined) return pvc;
  let chosen: StorageClass | undefined;
  for (const c of classes) {
    if (c.metadata.annotations?.[DEFAULT_CLASS_ANNOTATION] !== 'true') continue;
    if (chosen === undefined || (c.metadata.creationTimestamp ?? 0) > (chosen.metadata.creationTimestamp ?? 0) || ((c.metadata.creationTimestamp ?? 0) === (chosen.metadata.creationTimestamp ?? 0) && c.metadata.name < chosen.metadata.name)) chosen = c;
  }
  return chosen === undefined ? pvc : extend(pvc, { spec: extend(pvc.spec, { storageClassName: chosen.metadata.name }) });
}

/** One component's API client. Every write is rate-limited by its token bucket and delayed by the API latency. */
export class ApiClient {
  constructor(
    readonly name: string,
    private readonly server: ApiServer,
    private readonly bucket: TokenBucket,
  ) {}

  /** Reads from the store (informer caches are modelled as up to date reads; reads are not rate-limited). */
  get<K extends Kind>(kind: K, key: string): ObjectOfKind<K> | undefined {
    return this.server.store.get(kind, key);
  }

  /** POST: creates the object, after admission (Priority for pods). */
  create<T extends KubeObject>(obj: T, done?: Done<T>): void {
    this.server.send(this.bucket, () => {
      const admitted = this.server.admit(obj);
      if (typeof admitted === 'string') {
        // A name still to be generated shows as its prefix, as the API server's message does ("web-6d9f7f8c8-").
        const name = obj.metadata.name || (obj.metadata.generateName ?? '');
        done?.({ ok: false, reason: 'Forbidden', message: `${obj.kind} "${objectKey(extend(obj.metadata, { name }))}" is forbidden: ${admitted}` });
        return;
      }
      const r = this.server.store.create(admitted, this.server.now);
      done?.(r);
    });
  }

  /** PATCH/PUT: applies `mutate` to the object as it is at commit time (server-side apply without conflicts). */
  update<K extends Kind>(kind: K, key: string, mutate: (current: ObjectOfKind<K>) => ObjectOfKind<K>, done?: Done<ObjectOfKind<K>>): void {
    this.server.send(this.bucket, () => {
      const r = this.server.store.update(kind, key, mutate, this.server.now);
      done?.(r);
    });
  }

  /**
   * POST pods/eviction (pkg/registry/core/pod/storage/eviction.go): deletes the pod gracefully unless a
   * PodDisruptionBudget covering it allows no disruption, which answers 429 TooManyRequests. An allowed eviction
   * takes one disruption off the budget's status in the same commit, as the registry's PDB update does.
   */
  evict(key: string, done?: Done<Pod>): void {
    this.server.send(this.bucket, () => {
      const store = this.server.store;
      const pod = store.get('Pod', key);
      if (pod === undefined) return done?.({ ok: false, reason: 'NotFound', message: `pods "${key}" not found` });
      const terminal = pod.status.phase === 'Succeeded' || pod.status.phase === 'Failed';
      if (!terminal && pod.metadata.deletionTimestamp === undefined) {
        const blocker = evictionBlocker(pod, store.list('PodDisruptionBudget'));
        if (typeof blocker === 'string') return done?.({ ok: false, reason: 'TooManyRequests', message: blocker });
        if (blocker !== undefined) {
          store.update('PodDisruptionBudget', objectKey(blocker.metadata), (b) => extend(b, { status: extend(b.status, { disruptionsAllowed: b.status.disruptionsAllowed - 1 }) }), this.server.now);
        }
      }
      this.deleteNow('Pod', key, {}, done as Done<ObjectOfKind<'Pod'>> | undefined);
    });
  }

  /**
   * DELETE. A pod bound to a node is deleted gracefully, as upstream: the API server sets `deletionTimestamp` and the
   * kubelet removes the object once its containers have stopped. Other objects (and unbound pods) go at once.
   * `gracePeriodSeconds` 0 forces removal.
   */
  delete<K extends Kind>(kind: K, key: string, opts: { gracePeriodSeconds?: number } = {}, done?: Done<ObjectOfKind<K>>): void {
    this.server.send(this.bucket, () => this.deleteNow(kind, key, opts, done));
  }

  private deleteNow<K extends Kind>(kind: K, key: string, opts: { gracePeriodSeconds?: number }, done?: Done<ObjectOfKind<K>>): void {
    {
      const store = this.server.store;
      const now = this.server.now;
      const current = store.get(kind, key);
      if (kind === 'Pod' && current !== undefined && opts.gracePeriodSeconds !== 0) {
        const pod = current as Pod;
        if (pod.spec.nodeName !== undefined && pod.status.phase !== 'Succeeded' && pod.status.phase !== 'Failed') {
          if (pod.metadata.deletionTimestamp !== undefined) {
            done?.({ ok: true, object: current });
            return;
          }
          const grace = opts.gracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS;
          const r = store.update(kind, key, (p) => extend(p, { metadata: extend(p.metadata, { deletionTimestamp: now, deletionGracePeriodSeconds: grace }) }) as typeof p, now);
          done?.(r);
          return;
        }
      }
      const r = store.delete(kind, key, now);
      done?.(r);
    }
  }
}

export { objectKey };
