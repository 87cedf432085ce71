/** An index of pods by their controller's key (kind + namespace/name), maintained from a pod watch. */
import type { Pod } from '../../cluster/types.js';
import type { WatchEvent } from '../apiserver/apiServer.js';
import { getControllerOf } from './podControl.js';

/** Pods per owner key, for one owner kind. */
export class OwnedPods {
  private readonly byOwner = new Map<string, Map<string, Pod>>();

  constructor(private readonly ownerKind: string) {}

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
