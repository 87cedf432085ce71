/** A pod lister by namespace (an informer's namespace index), kept from a pod watch. */
import type { Pod } from '../../cluster/types.js';
import type { WatchEvent } from '../apiserver/apiServer.js';

/** Pods by namespace, by uid, in the order first seen. */
export class NamespacedPods {
  private readonly byNamespace = new Map<string, Map<string, Pod>>();

  /** Applies a pod watch event. */
  apply(ev: WatchEvent<Pod>): void {
    const ns = ev.object.metadata.namespace ?? 'default';
    let m = this.byNamespace.get(ns);
    if (m === undefined) this.byNamespace.set(ns, (m = new Map()));
    if (ev.type === 'DELETED') m.delete(ev.object.metadata.uid!);
    else m.set(ev.object.metadata.uid!, ev.object);
  }

  /** The pods of a namespace. */
  list(namespace: string): Iterable<Pod> {
    return this.byNamespace.get(namespace)?.values() ?? [];
  }
}
