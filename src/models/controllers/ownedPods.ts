/**
 * An index of pods by their controller's key (kind + namespace/name), maintained from a pod watch, which also
 * feeds the controller's expectations: a pod seen ADDED is an observed creation; a pod seen with a new
 * deletionTimestamp, or DELETED without one seen before, is an observed deletion, counted once per pod
 * (the handlers of pkg/controller/replicaset and pkg/controller/job).
 */
import type { Pod } from '../../cluster/types.js';
import type { ApiServer, WatchEvent } from '../apiserver/apiServer.js';
import type { Expectations } from './expectations.js';
import { getControllerOf } from './podControl.js';

/** Pods per owner key, for one owner kind. */
export class OwnedPods {
  private readonly byOwner = new Map<string, Map<string, Pod>>();
  private readonly deletionSeen = new Set<string>();

  constructor(private readonly ownerKind: string) {}

  /** Watches all pods; keeps the index and `expectations`; calls `onPod` for every event of an owned pod. */
  watch(api: ApiServer, expectations: Expectations, onPod: (key: string, ev: WatchEvent<Pod>) => void): void {
    api.watch('Pod', {}, (ev) => {
      const key = this.apply(ev);
      if (key === undefined) return;
      const uid = ev.object.metadata.uid!;
      if (ev.type === 'ADDED') expectations.creationObserved(key);
      const deleting = ev.type === 'DELETED' || ev.object.metadata.deletionTimestamp !== undefined;
      if (deleting && !this.deletionSeen.has(uid)) {
        this.deletionSeen.add(uid);
        expectations.deletionObserved(key);
      }
      if (ev.type === 'DELETED') this.deletionSeen.delete(uid);
      onPod(key, ev);
    });
  }

  /** The owner key of a pod, if its controller is of this kind. */
  ownerKey(pod: Pod): string | undefined {
    const ref = getControllerOf(pod);
    if (ref === undefined || ref.kind !== this.ownerKind) return undefined;
    return `${pod.metadata.namespace ?? 'default'}/${ref.name}`;
  }

  /** Applies a watch event; returns the owner key it concerns. */
  apply(ev: WatchEvent<Pod>): string | undefined {
    const key = this.ownerKey(ev.object);
    if (key === undefined) return undefined;
    const uid = ev.object.metadata.uid!;
    let m = this.byOwner.get(key);
    if (ev.type === 'DELETED') {
      m?.delete(uid);
      return key;
    }
    if (m === undefined) {
      m = new Map();
      this.byOwner.set(key, m);
    }
    m.set(uid, ev.object);
    return key;
  }

  /** The pods of an owner, in the order first seen. */
  pods(key: string): Pod[] {
    return [...(this.byOwner.get(key)?.values() ?? [])];
  }

  /** Drops an owner's index. */
  forget(key: string): void {
    this.byOwner.delete(key);
  }
}
