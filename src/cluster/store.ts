/**
 * The cluster's object store: what etcd holds behind the API server. It assigns uids, resourceVersions, generated
 * names and creation timestamps, and keeps objects per kind in insertion order (stable iteration, never hash order).
 * Objects are immutable values: an update replaces the stored object with a new one, so a watch event delivered
 * later still carries the state at its commit. The store applies writes instantly; latency, rate limits and watch
 * delivery are the API-server model's job (models/apiserver).
 */
import type { Micros } from '../engine/time.js';
import type { Rng } from '../engine/rng.js';
import { type Kind, type KubeObject, type ObjectOfKind, objectKey } from './types.js';
import { extend } from './extend.js';

/** Watch event types (k8s.io/apimachinery/pkg/watch). */
export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One committed change. `old` is the previous state for MODIFIED and DELETED. */
export interface Change<T extends KubeObject = KubeObject> {
  type: WatchEventType;
  object: T;
  old: T | undefined;
  resourceVersion: number;
  time: Micros;
}

/** Outcome of a write: the stored object, or a reason like the API server's status reasons. */
export type WriteResult<T> = { ok: true; object: T } | { ok: false; reason: 'AlreadyExists' | 'NotFound' | 'Conflict' | 'Forbidden' | 'TooManyRequests'; message: string };

/** Listener on every commit, in commit order (observers and the API-server model subscribe). */
export type CommitListener = (change: Change) => void;

// Upstream's generateName alphabet (k8s.io/apimachinery/pkg/util/rand: no vowels, no confusable digits).
const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** The object store. */
export class ObjectStore {
  private rv = 0;
  private uidCounter = 0;
  private readonly kinds = new Map<Kind, Map<string, KubeObject>>();
  private readonly listeners: CommitListener[] = [];

  /** @param names stream for generateName suffixes, so generated names are reproducible. */
  constructor(private readonly names: Rng) {}

  /** Current resourceVersion (the last one assigned). */
  get resourceVersion(): number {
    return this.rv;
  }

  /** Registers a listener called synchronously on every commit. */
  onCommit(listener: CommitListener): void {
    this.listeners.push(listener);
  }

  /** The object of `kind` at `key` (namespace/name), if any. */
  get<K extends Kind>(kind: K, key: string): ObjectOfKind<K> | undefined {
    return this.kinds.get(kind)?.get(key) as ObjectOfKind<K> | undefined;
  }

  /** All objects of `kind`, in creation order. */
  list<K extends Kind>(kind: K): IterableIterator<ObjectOfKind<K>> {
    return (this.bucket(kind).values() as IterableIterator<ObjectOfKind<K>>);
  }

  /** Number of objects of `kind`. */
  count(kind: Kind): number {
    return this.kinds.get(kind)?.size ?? 0;
  }

  /** Creates an object (generating its name from `generateName` when it has none). */
  create<T extends KubeObject>(obj: T, now: Micros): WriteResult<T> {
    const bucket = this.bucket(obj.kind);
    let meta = obj.metadata;
    if (!meta.name && meta.generateName) {
      let name: string;
      do name = meta.generateName + this.suffix();
      while (bucket.has(objectKey({ namespace: meta.namespace, name })));
      meta = extend(meta, { name });
    }
    const key = objectKey(meta);
    if (bucket.has(key)) {
      return { ok: false, reason: 'AlreadyExists', message: `${obj.kind} "${key}" already exists` };
    }
    const rv = ++this.rv;
    const stored = extend(obj, { metadata: extend(meta, { uid: meta.uid ?? `uid-${++this.uidCounter}`, resourceVersion: rv, creationTimestamp: now, generation: 1 }) }) as T;
    bucket.set(key, stored);
    this.emit({ type: 'ADDED', object: stored, old: undefined, resourceVersion: rv, time: now });
    return { ok: true, object: stored };
  }

  /**
   * Replaces the object at `key` with `mutate(current)`. Returning the same object is a no-op (no new
   * resourceVersion, no watch event), as an update that changes nothing is upstream.
   */
  update<K extends Kind>(kind: K, key: string, mutate: (current: ObjectOfKind<K>) => ObjectOfKind<K>, now: Micros): WriteResult<ObjectOfKind<K>> {
    const bucket = this.bucket(kind);
    const current = bucket.get(key) as ObjectOfKind<K> | undefined;
    if (current === undefined) return { ok: false, reason: 'NotFound', message: `${kind} "${key}" not found` };
    const next = mutate(current);
    if (next === current) return { ok: true, object: current };
    const rv = ++this.rv;
    const specChanged = 'spec' in next && (next as { spec: unknown }).spec !== (current as { spec?: unknown }).spec;
    const stored = extend(next, { metadata: extend(next.metadata, { resourceVersion: rv, generation: (current.metadata.generation ?? 1) + (specChanged ? 1 : 0) }) }) as ObjectOfKind<K>;
    bucket.set(key, stored);
    this.emit({ type: 'MODIFIED', object: stored, old: current, resourceVersion: rv, time: now });
    return { ok: true, object: stored };
  }

  /** Removes the object at `key`. */
  delete<K extends Kind>(kind: K, key: string, now: Micros): WriteResult<ObjectOfKind<K>> {
    const bucket = this.bucket(kind);
    const current = bucket.get(key) as ObjectOfKind<K> | undefined;
    if (current === undefined) return { ok: false, reason: 'NotFound', message: `${kind} "${key}" not found` };
    bucket.delete(key);
    const rv = ++this.rv;
    this.emit({ type: 'DELETED', object: current, old: current, resourceVersion: rv, time: now });
    return { ok: true, object: current };
  }

  private emit(change: Change): void {
    for (const l of this.listeners) l(change);
  }

  private bucket(kind: Kind): Map<string, KubeObject> {
    let b = this.kinds.get(kind);
    if (b === undefined) {
      b = new Map();
      this.kinds.set(kind, b);
    }
    return b;
  }

  private suffix(): string {
    let s = '';
    for (let i = 0; i < 5; i++) s += NAME_ALPHABET[this.names.int(NAME_ALPHABET.length)];
    return s;
  }
}
