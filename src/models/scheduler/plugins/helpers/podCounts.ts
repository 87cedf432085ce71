/**
 * Pods matching a selector in a namespace, counted per node and per topology value, kept up to date from the
 * scheduler cache's placement log (podChangeLog.ts) instead of recounting every pod in every cycle. Used by
 * PodTopologySpread (pods per domain) and InterPodAffinity (pods matching the incoming pod's preferred terms).
 * The plugins count their cycle-cost work units as upstream's full recount would do it, not as this does.
 */
import type { LabelMatcher } from '../../../../cluster/selector.js';
import type { PluginHandle } from '../../framework/interfaces.js';
import type { NodeInfo } from '../../nodeInfo.js';
import type { PodInfo } from '../../podInfo.js';

const MAX_INT32 = 2 ** 31 - 1;
/** Aggregates kept (one per namespace × selector × keys in use: e.g. one per Service of a large cluster). */
const MAX_AGGREGATES = 50_000;

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
  /** Nodes lacking one of the keys. */
  lacking: number;
}

/** An aggregate with what it counts. */
interface Tracked {
  id: string;
  a: Aggregate;
  ns: Namespaces;
  selector: LabelMatcher;
  keys: readonly string[];
  countTerminating: boolean;
  anchor: string | undefined;
}

/** A selector that matches nothing (a null selector) is anchored on a label pair no pod can have. */
const NEVER = '\u0002never';

/**
 * A `key=value` pair every pod matching the selector has (from matchLabels or a single-valued In), so the pods a
 * placement can change are found by label instead of by testing every selector; undefined when there is none.
 */
function anchorOf(selectorKey: string): string | undefined {
  if (selectorKey === 'null') return NEVER;
  const sel = JSON.parse(selectorKey) as { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] } | null;
  if (sel === null) return NEVER;
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) return `${k}\u0000${v}`;
  for (const e of sel.matchExpressions ?? []) if (e.operator === 'In' && e.values?.length === 1) return `${e.key}\u0000${e.values[0]}`;
  return undefined;
}

/**
 * Incremental counting shared by Filter and Score (only for constraints whose inclusion policies are trivial). The
 * counter follows the placement log once for all its aggregates: a placement updates the aggregates anchored on
 * one of the pod's labels (and those without an anchor), and an index of the placed pods by label builds a new
 * aggregate from the pods that can match instead of from every pod of the cluster.
 */
export class Counter {
  private readonly aggregates = new Map<string, Tracked>();
  private readonly anchored = new Map<string, Set<Tracked>>();
  private readonly unanchored = new Set<Tracked>();
  private readonly anchors = new Map<string, string | undefined>();
  /** Placed pods by `key=value` label pair. */
  private readonly podsByLabel = new Map<string, Map<PodInfo, NodeInfo>>();
  /** Label pair strings by key and value (see pairOf), dropped with the aggregates at each new log epoch. */
  private readonly pairs = new Map<string, Map<string, string>>();
  private readonly domains = new Map<string, Domains>();
  private epoch = -1;
  private nodesVersion = -1;
  private pos = 0;

  constructor(private readonly handle: PluginHandle) {}

  /** The aggregate of pods in `ns` matching `c.selector`, over `keys`; terminating pods count only if asked. */
  aggregate(ns: Namespaces, c: { selector: LabelMatcher; selectorKey: string }, keys: readonly string[], countTerminating = false): Aggregate {
    this.follow();
    const nsKey = typeof ns === 'string' ? ns : [...ns].sort().join(',');
    const id = `${nsKey}\u0001${c.selectorKey}\u0001${keys.join('\u0001')}\u0001${countTerminating ? 1 : 0}`;
    const found = this.aggregates.get(id);
    if (found !== undefined) return found.a;
    let anchor = this.anchors.get(c.selectorKey);
    if (anchor === undefined && !this.anchors.has(c.selectorKey)) this.anchors.set(c.selectorKey, (anchor = anchorOf(c.selectorKey)));
    const a: Aggregate = { perNode: new Map(), perValue: new Map(keys.map((k) => [k, new Map()])), hist: new Map(keys.map((k) => [k, new Map()])) };
    const t: Tracked = { id, a, ns, selector: c.selector, keys, countTerminating, anchor };
    if (anchor !== undefined) {
      for (const [info, node] of this.podsByLabel.get(anchor) ?? []) if (counts(t, info)) add(a, node, keys, 1);
    } else {
      for (const n of this.handle.nodes()) {
        const count = countMatching(n, c.selector, ns, countTerminating);
        if (count > 0) add(a, n, keys, count);
      }
    }
    // Bounded: the oldest-built aggregate goes first (it is rebuilt if asked again).
    if (this.aggregates.size >= MAX_AGGREGATES) this.untrack(this.aggregates.values().next().value!);
    this.aggregates.set(id, t);
    if (anchor === undefined) this.unanchored.add(t);
    else {
      let set = this.anchored.get(anchor);
      if (set === undefined) this.anchored.set(anchor, (set = new Set()));
      set.add(t);
    }
    return a;
  }

  private untrack(t: Tracked): void {
    this.aggregates.delete(t.id);
    if (t.anchor === undefined) this.unanchored.delete(t);
    else {
      const set = this.anchored.get(t.anchor)!;
      set.delete(t);
      if (set.size === 0) this.anchored.delete(t.anchor);
    }
  }

  /** Brings every aggregate and the label index up to the log's end (or rebuilds them all on a new epoch or node set). */
  private follow(): void {
    const log = this.handle.podLog();
    if (log.epoch !== this.epoch || log.nodesVersion !== this.nodesVersion) {
      this.aggregates.clear();
      this.anchored.clear();
      this.unanchored.clear();
      this.podsByLabel.clear();
      this.pairs.clear(); // bounded: pairs of pods long gone do not pile up across log epochs
      for (const n of this.handle.nodes()) for (const p of n.pods.values()) this.index(p, n, 1);
      this.epoch = log.epoch;
      this.nodesVersion = log.nodesVersion;
      this.pos = log.entries.length;
      return;
    }
    const entries = log.entries;
    for (let i = this.pos; i < entries.length; i++) {
      const e = entries[i]!;
      const labels = e.pod.pod.metadata.labels;
      if (labels !== undefined) {
        for (const k in labels) {
          const pair = this.pairOf(k, labels[k]!);
          this.indexPair(pair, e.pod, e.node, e.sign);
          const set = this.anchored.get(pair);
          if (set !== undefined) for (const t of set) if (counts(t, e.pod)) add(t.a, e.node, t.keys, e.sign);
        }
      }
      for (const t of this.unanchored) if (counts(t, e.pod)) add(t.a, e.node, t.keys, e.sign);
    }
    this.pos = entries.length;
  }

  private index(p: PodInfo, n: NodeInfo, sign: 1 | -1): void {
    const labels = p.pod.metadata.labels;
    if (labels !== undefined) for (const k in labels) this.indexPair(this.pairOf(k, labels[k]!), p, n, sign);
  }

  /**
   * The `key\0value` string of a label pair, one string per pair: a pair built anew for every placement was hashed
   * anew by every map lookup (the label index and the anchored aggregates), for every label of every pod placed.
   */
  private pairOf(key: string, value: string): string {
    let byValue = this.pairs.get(key);
    if (byValue === undefined) this.pairs.set(key, (byValue = new Map()));
    let pair = byValue.get(value);
    if (pair === undefined) byValue.set(value, (pair = `${key}\u0000${value}`));
    return pair;
  }

  private indexPair(pair: string, p: PodInfo, n: NodeInfo, sign: 1 | -1): void {
    let m = this.podsByLabel.get(pair);
    if (sign > 0) {
      if (m === undefined) this.podsByLabel.set(pair, (m = new Map()));
      m.set(p, n);
    } else if (m !== undefined) {
      m.delete(p);
      if (m.size === 0) this.podsByLabel.delete(pair);
    }
  }

  domainsOf(keys: readonly string[]): Map<string, Set<string>> {
    const log = this.handle.podLog();
    const id = keys.join('\u0001');
    let d = this.domains.get(id);
    if (d === undefined || d.nodesVersion !== log.nodesVersion || d.epoch !== log.epoch) {
      d = { nodesVersion: log.nodesVersion, epoch: log.epoch, perKey: new Map(keys.map((k) => [k, new Set<string>()])), lacking: 0 };
      for (const n of this.handle.nodes()) {
        const labels = n.node.metadata.labels;
        if (labels === undefined || !keys.every((k) => labels[k] !== undefined)) {
          d.lacking++;
          continue;
        }
        for (const k of keys) d.perKey.get(k)!.add(labels[k]!);
      }
      this.domains.set(id, d);
    }
    return d.perKey;
  }

  /** How many nodes lack one of the keys (same cache as domainsOf). */
  nodesLacking(keys: readonly string[]): number {
    this.domainsOf(keys);
    return this.domains.get(keys.join('\u0001'))!.lacking;
  }
}

/** Whether a placed pod counts toward a tracked aggregate. */
function counts(t: Tracked, p: PodInfo): boolean {
  const m = p.pod.metadata;
  return (t.countTerminating || m.deletionTimestamp === undefined) && inNamespaces(t.ns, m.namespace ?? 'default') && t.selector(m.labels);
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
