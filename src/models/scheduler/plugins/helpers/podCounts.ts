/**
 * Pods matching a selector in a namespace, counted per node and per topology value, kept up to date from the
 * scheduler cache's placement log (podChangeLog.ts) instead of recounting every pod in every cycle. Used by
 * PodTopologySpread (pods per domain) and InterPodAffinity (pods matching the incoming pod's preferred terms).
 * The plugins count their cycle-cost work units as upstream's full recount would do it, not as this does.
 */
import type { LabelMatcher } from '../../../../cluster/selector.js';
import type { PluginHandle } from '../../framework/interfaces.js';
import type { NodeInfo } from '../../nodeInfo.js';

const MAX_INT32 = 2 ** 31 - 1;

/** Namespaces: one, or a set (an affinity term's `namespaces`). */
export type Namespaces = string | ReadonlySet<string>;

const inNamespaces = (ns: Namespaces, pod: string) => (typeof ns === 'string' ? ns === pod : ns.has(pod));

/** `countPodsMatchSelector` (terminating pods are left out unless `countTerminating`). */
export function countMatching(node: NodeInfo, selector: LabelMatcher, namespace: Namespaces, countTerminating = false): number {
  let n = 0;
  for (const p of node.pods.values()) {
    const m = p.pod.metadata;
    if ((!countTerminating && m.deletionTimestamp !== undefined) || !inNamespaces(namespace, m.namespace ?? 'default')) continue;
    if (selector(m.labels)) n++;
  }
  return n;
}

/**
 * Pods matching one selector in a namespace (or a set of them), per node and per topology value over the nodes that have all of
 * `keys`, kept up to date from the cache's placement log (see podChangeLog.ts).
 */
export interface Aggregate {
  epoch: number;
  nodesVersion: number;
  pos: number;
  perNode: Map<NodeInfo, number>;
  perValue: Map<string, Map<string, number>>;
  /** Per key: how many values have each positive count (for the minimum without a scan). */
  hist: Map<string, Map<number, number>>;
}

/** The smallest count over `domains` values of a key (values absent from the aggregate count 0). */
export function aggregateMin(a: Aggregate, key: string, domains: number): number {
  const h = a.hist.get(key)!;
  let nonZero = 0;
  let min = MAX_INT32;
  for (const [count, n] of h) {
    nonZero += n;
    if (count < min) min = count;
  }
  return nonZero < domains ? 0 : min;
}

/** The topology values present on nodes with all `keys` (per key), for one node-set version. */
interface Domains {
  nodesVersion: number;
  epoch: number;
  perKey: Map<string, Set<string>>;
}

/** Incremental counting shared by Filter and Score (only for constraints whose inclusion policies are trivial). */
export class Counter {
  private readonly aggregates = new Map<string, Aggregate>();
  private readonly domains = new Map<string, Domains>();

  constructor(private readonly handle: PluginHandle) {}

  /** The aggregate of pods in `ns` matching `c.selector`, over `keys`; terminating pods count only if asked. */
  aggregate(ns: Namespaces, c: { selector: LabelMatcher; selectorKey: string }, keys: readonly string[], countTerminating = false): Aggregate {
    const log = this.handle.podLog();
    const nsKey = typeof ns === 'string' ? ns : [...ns].sort().join(',');
    const id = `${nsKey}\u0001${c.selectorKey}\u0001${keys.join('\u0001')}\u0001${countTerminating ? 1 : 0}`;
    let a = this.aggregates.get(id);
    if (a === undefined || a.epoch !== log.epoch || a.nodesVersion !== log.nodesVersion) {
      a = { epoch: log.epoch, nodesVersion: log.nodesVersion, pos: log.entries.length, perNode: new Map(), perValue: new Map(keys.map((k) => [k, new Map()])), hist: new Map(keys.map((k) => [k, new Map()])) };
      for (const n of this.handle.nodes()) {
        const count = countMatching(n, c.selector, ns, countTerminating);
        if (count > 0) add(a, n, keys, count);
      }
      if (this.aggregates.size > 1000) this.aggregates.clear();
      this.aggregates.set(id, a);
      return a;
    }
    const entries = log.entries;
    for (let i = a.pos; i < entries.length; i++) {
      const e = entries[i]!;
      const m = e.pod.pod.metadata;
      if ((!countTerminating && m.deletionTimestamp !== undefined) || !inNamespaces(ns, m.namespace ?? 'default') || !c.selector(m.labels)) continue;
      add(a, e.node, keys, e.sign);
    }
    a.pos = entries.length;
    return a;
  }

  domainsOf(keys: readonly string[]): Map<string, Set<string>> {
    const log = this.handle.podLog();
    const id = keys.join('\u0001');
    let d = this.domains.get(id);
    if (d === undefined || d.nodesVersion !== log.nodesVersion || d.epoch !== log.epoch) {
      d = { nodesVersion: log.nodesVersion, epoch: log.epoch, perKey: new Map(keys.map((k) => [k, new Set<string>()])) };
      for (const n of this.handle.nodes()) {
        const labels = n.node.metadata.labels;
        if (labels === undefined || !keys.every((k) => labels[k] !== undefined)) continue;
        for (const k of keys) d.perKey.get(k)!.add(labels[k]!);
      }
      this.domains.set(id, d);
    }
    return d.perKey;
  }
}

export function add(a: Aggregate, n: NodeInfo, keys: readonly string[], by: number): void {
  a.perNode.set(n, (a.perNode.get(n) ?? 0) + by);
  const labels = n.node.metadata.labels;
  if (labels === undefined) return;
  for (const k of keys) if (labels[k] === undefined) return;
  for (const k of keys) {
    const m = a.perValue.get(k)!;
    const v = labels[k]!;
    const old = m.get(v) ?? 0;
    const next = old + by;
    m.set(v, next);
    const h = a.hist.get(k)!;
    if (old > 0) {
      const c = h.get(old)! - 1;
      if (c === 0) h.delete(old);
      else h.set(old, c);
    }
    if (next > 0) h.set(next, (h.get(next) ?? 0) + 1);
  }
}
