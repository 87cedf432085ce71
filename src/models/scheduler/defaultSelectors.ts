/**
 * The scheduler's view of what "owns" a pod for spreading (pkg/scheduler/framework/plugins/helper/spread.go
 * `DefaultSelector`): the merged selectors of the Services in the pod's namespace that select it and of its
 * controlling ReplicationController, plus the selector of its controlling ReplicaSet. Empty means "no default
 * spreading" for PodTopologySpread's system default constraints. Kept from Service, ReplicationController and
 * ReplicaSet informers.
 */
import type { LabelSelector, Pod, ReplicaSet, Service } from '../../cluster/types.js';
import { objectKey } from '../../cluster/types.js';
import { compileMatchLabels, type LabelMatcher } from '../../cluster/selector.js';
import type { ApiServer } from '../apiserver/apiServer.js';

interface SelectingService {
  selector: Record<string, string>;
  matches: LabelMatcher;
  pair: string;
  /** Order of the Service's first appearance (the merge order, as an informer's map iteration). */
  seq: number;
}

/** Services and ReplicaSets, for DefaultSelector. */
export class DefaultSelectors {
  private readonly services = new Map<string, Map<string, SelectingService>>();
  /** Per namespace: the Services by their selector's first `key=value` pair (every pod they select has it). */
  private readonly byPair = new Map<string, Map<string, Set<SelectingService>>>();
  private seq = 0;
  private readonly replicaSets = new Map<string, ReplicaSet>();
  /** ReplicationControllers' selectors (label maps) by namespace/name. */
  private readonly replicationControllers = new Map<string, Record<string, string>>();
  /** The Services' merged selector per namespace and label set (cleared on any Service change): pods of one
   * template share it, so a cycle does not rescan every Service of the namespace. */
  private readonly fromServices = new Map<string, Record<string, string> | null>();
  /** The same per labels object (a pod's labels keep their object across its updates), valid for `generation`. */
  private readonly byLabels = new WeakMap<Record<string, string>, { generation: number; ns: string; merged: Record<string, string> | null }>();
  private generation = 0;
  /** The last result per ReplicaSet selector object, with the Services' merge it was built from. */
  private readonly withReplicaSet = new WeakMap<LabelSelector, { merged: Record<string, string> | null; result: LabelSelector | undefined }>();

  /** Starts the informers. */
  start(api: ApiServer): void {
    api.watch('Service', {}, (ev) => this.onService(ev.type, ev.object));
    api.watch('ReplicaSet', {}, (ev) => {
      const key = objectKey(ev.object.metadata);
      if (ev.type === 'DELETED') this.replicaSets.delete(key);
      else this.replicaSets.set(key, ev.object);
    });
    api.watch('ReplicationController', {}, (ev) => {
      const key = objectKey(ev.object.metadata);
      if (ev.type === 'DELETED') this.replicationControllers.delete(key);
      else this.replicationControllers.set(key, ev.object.spec.selector.matchLabels ?? {});
    });
  }

  private onService(type: string, svc: Service): void {
    this.fromServices.clear();
    this.generation++;
    const ns = svc.metadata.namespace ?? 'default';
    let m = this.services.get(ns);
    if (m === undefined) this.services.set(ns, (m = new Map()));
    let pairs = this.byPair.get(ns);
    if (pairs === undefined) this.byPair.set(ns, (pairs = new Map()));
    const name = svc.metadata.name;
    const old = m.get(name);
    if (old !== undefined) {
      pairs.get(old.pair)?.delete(old);
      m.delete(name);
    }
    const sel = svc.spec.selector;
    if (type === 'DELETED' || sel === undefined || Object.keys(sel).length === 0) return;
    const [k, v] = Object.entries(sel)[0]!;
    const entry: SelectingService = { selector: sel, matches: compileMatchLabels(sel), pair: `${k}\u0000${v}`, seq: old?.seq ?? this.seq++ };
    m.set(name, entry);
    let set = pairs.get(entry.pair);
    if (set === undefined) pairs.set(entry.pair, (set = new Set()));
    set.add(entry);
  }

  /** DefaultSelector of a pod, or undefined when empty. */
  defaultSelector(pod: Pod): LabelSelector | undefined {
    const ns = pod.metadata.namespace ?? 'default';
    const nsServices = this.services.get(ns);
    let merged: Record<string, string> | null = null;
    if (nsServices !== undefined && nsServices.size > 0) {
      const labels = pod.metadata.labels ?? {};
      const known = pod.metadata.labels !== undefined ? this.byLabels.get(labels) : undefined;
      const cacheKey = known !== undefined && known.generation === this.generation && known.ns === ns ? undefined : `${ns}\u0000${Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(',')}`;
      const hit = cacheKey === undefined ? known!.merged : this.fromServices.get(cacheKey);
      if (hit !== undefined) merged = hit;
      else {
        const pairs = this.byPair.get(ns)!;
        const selecting: SelectingService[] = [];
        for (const k in labels) for (const s of pairs.get(`${k}\u0000${labels[k]}`) ?? []) if (s.matches(labels)) selecting.push(s);
        selecting.sort((a, b) => a.seq - b.seq);
        for (const s of selecting) merged = Object.assign({}, merged ?? {}, s.selector);
        this.fromServices.set(cacheKey!, merged);
      }
      if (cacheKey !== undefined && pod.metadata.labels !== undefined) this.byLabels.set(labels, { generation: this.generation, ns, merged });
    }
    const owner = pod.metadata.ownerReferences?.find((o) => o.controller);
    // A ReplicationController's selector is a label map, merged as the Services' are (helper.DefaultSelector).
    const rc = owner?.kind === 'ReplicationController' ? this.replicationControllers.get(`${ns}/${owner.name}`) : undefined;
    if (rc !== undefined && Object.keys(rc).length > 0) merged = Object.assign({}, merged ?? {}, rc);
    const rs = owner?.kind === 'ReplicaSet' ? this.replicaSets.get(`${ns}/${owner.name}`) : undefined;
    if (rs === undefined) return merged !== null ? { matchLabels: { ...merged } } : undefined;
    // The pods of one ReplicaSet share the result (read-only) while the Services' merge is the same.
    const rsSelector = rs.spec.selector;
    const memo = this.withReplicaSet.get(rsSelector);
    if (memo !== undefined && memo.merged === merged) return memo.result;
    const matchLabels: Record<string, string> = Object.assign({}, merged ?? {}, rsSelector.matchLabels ?? {});
    const sel: LabelSelector = { matchLabels, matchExpressions: rsSelector.matchExpressions };
    const any = merged !== null || Object.keys(rsSelector.matchLabels ?? {}).length > 0 || (rsSelector.matchExpressions ?? []).length > 0;
    const result = any ? sel : undefined;
    this.withReplicaSet.set(rsSelector, { merged, result });
    return result;
  }
}
