/**
 * Garbage collector (pkg/controller/garbagecollector, background propagation): when an owner is deleted, its
 * dependents (objects whose ownerReferences name its uid) are deleted once none of their owners exists any more;
 * a dependent that still has a live owner only loses the dangling reference (`attemptToDeleteItem`). Dependents
 * are found from an index of ownerReferences kept from watches of the kinds that own or are owned (Deployments →
 * ReplicaSets → Pods, DaemonSets and Jobs → Pods). Pods are deleted gracefully.
 */
import type { Kind, KubeObject } from '../../cluster/types.js';
import { objectKey } from '../../cluster/types.js';
import type { ApiClient, ApiServer } from '../apiserver/apiServer.js';
import { extend } from '../../cluster/extend.js';

const KINDS: readonly Kind[] = ['Deployment', 'ReplicaSet', 'DaemonSet', 'StatefulSet', 'CronJob', 'Job', 'Pod', 'Service', 'EndpointSlice'];

interface Item {
  kind: Kind;
  key: string;
  owners: readonly string[];
  /** The ownerReferences array the owners came from (an update that keeps it changes nothing here). */
  refs: unknown;
}

/** The garbage collector. */
export class GarbageCollector {
  private readonly live = new Set<string>();
  private readonly items = new Map<string, Item>();
  private readonly dependents = new Map<string, Set<string>>();

  constructor(
    private readonly api: ApiServer,
    private readonly client: ApiClient,
  ) {}

  /** Starts the informers. */
  start(): void {
    for (const kind of KINDS) this.api.watch(kind, {}, (ev) => this.onEvent(kind, ev.type, ev.object as KubeObject));
  }

  private onEvent(kind: Kind, type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: KubeObject): void {
    const uid = obj.metadata.uid!;
    if (type === 'DELETED') {
      this.live.delete(uid);
      const item = this.items.get(uid);
      if (item !== undefined) for (const o of item.owners) this.dependents.get(o)?.delete(uid);
      this.items.delete(uid);
      for (const d of this.dependents.get(uid) ?? []) this.attemptToDelete(d);
      this.dependents.delete(uid);
      return;
    }
    // Pods own nothing: only pods with owners are tracked. An update keeping the references changes nothing.
    const refs = obj.metadata.ownerReferences;
    const prev = this.items.get(uid);
    if (prev !== undefined && prev.refs === refs) return;
    if (kind !== 'Pod') this.live.add(uid);
    else if (refs === undefined || refs.length === 0) {
      if (prev !== undefined) for (const o of prev.owners) this.dependents.get(o)?.delete(uid);
      this.items.delete(uid);
      return;
    }
    const owners = (refs ?? []).map((r) => r.uid);
    if (prev !== undefined) for (const o of prev.owners) if (!owners.includes(o)) this.dependents.get(o)?.delete(uid);
    this.items.set(uid, { kind, key: objectKey(obj.metadata), owners, refs });
    for (const o of owners) {
      let set = this.dependents.get(o);
      if (set === undefined) this.dependents.set(o, (set = new Set()));
      set.add(uid);
    }
  }

  /** A dependent of a deleted owner: deleted when no owner is left, else its dangling references are removed. */
  private attemptToDelete(uid: string): void {
    const item = this.items.get(uid);
    if (item === undefined) return;
    const solid = item.owners.filter((o) => this.live.has(o));
    if (solid.length === 0) {
      this.client.delete(item.kind, item.key);
      return;
    }
    this.client.update(item.kind, item.key, (cur) => extend(cur, { metadata: extend(cur.metadata, { ownerReferences: (cur.metadata.ownerReferences ?? []).filter((r) => this.live.has(r.uid)) }) }) as never);
  }
}
