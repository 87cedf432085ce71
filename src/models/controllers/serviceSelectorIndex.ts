/**
 * Which Services select which pods, kept incrementally (the EndpointSlice controller's `getPodServiceMemberships`
 * made cheap at 10,000 Services): each Service is indexed under the first key=value pair of its selector, so a pod
 * event looks only at the Services one of its labels could match, and each Service keeps its member pods.
 */
import type { Pod } from '../../cluster/types.js';
import { compileMatchLabels } from '../../cluster/selector.js';

type Matcher = (labels: Record<string, string> | undefined) => boolean;

/** Service selectors and their members, per namespace. */
export class ServiceSelectorIndex {
  private readonly byPair = new Map<string, Set<string>>();
  private readonly matchers = new Map<string, { pair: string; match: Matcher }>();
  private readonly members = new Map<string, Map<string, Pod>>();
  /** The candidate Services of a labels object (pods keep theirs across updates), valid for `generation`. */
  private readonly candidatesOf = new WeakMap<Record<string, string>, { generation: number; ns: string; keys: string[] }>();
  private generation = 0;

  /** Sets (or clears, with undefined) a Service's selector; `pods` are its namespace's pods, to find its members. */
  setSelector(ns: string, key: string, selector: Record<string, string> | undefined, pods: Iterable<Pod>): void {
    this.generation++;
    const prev = this.matchers.get(key);
    if (prev !== undefined) {
      this.byPair.get(prev.pair)?.delete(key);
      this.matchers.delete(key);
    }
    this.members.delete(key);
    if (selector === undefined || Object.keys(selector).length === 0) return;
    const first = Object.keys(selector).sort()[0]!;
    const pair = `${ns}\u0000${first}=${selector[first]}`;
    const match = compileMatchLabels(selector);
    this.matchers.set(key, { pair, match });
    let set = this.byPair.get(pair);
    if (set === undefined) this.byPair.set(pair, (set = new Set()));
    set.add(key);
    const m = new Map<string, Pod>();
    for (const p of pods) if (match(p.metadata.labels)) m.set(p.metadata.uid!, p);
    this.members.set(key, m);
  }

  /**
   * Applies a pod change; returns the Services whose membership or member changed (those matching the old or the new
   * labels).
   */
  applyPod(pod: Pod, old: Pod | undefined, deleted: boolean): string[] {
    const ns = pod.metadata.namespace ?? 'default';
    // Most updates keep the labels object: its candidate Services are looked up once.
    let candidates: Iterable<string> = this.candidates(ns, pod.metadata.labels);
    if (old !== undefined && old.metadata.labels !== pod.metadata.labels) candidates = new Set([...candidates, ...this.candidates(ns, old.metadata.labels)]);
    const touched: string[] = [];
    for (const key of candidates) {
      const { match } = this.matchers.get(key)!;
      const now = !deleted && match(pod.metadata.labels);
      const before = old !== undefined && match(old.metadata.labels);
      const m = this.members.get(key)!;
      if (now) m.set(pod.metadata.uid!, pod);
      else m.delete(pod.metadata.uid!);
      if (now || before) touched.push(key);
    }
    return touched;
  }

  /** The Services indexed under one of the labels' pairs (no duplicates). */
  private candidates(ns: string, labels: Record<string, string> | undefined): string[] {
    if (labels === undefined) return [];
    const hit = this.candidatesOf.get(labels);
    if (hit !== undefined && hit.generation === this.generation && hit.ns === ns) return hit.keys;
    const set = new Set<string>();
    for (const k in labels) for (const key of this.byPair.get(`${ns}\u0000${k}=${labels[k]}`) ?? []) set.add(key);
    const keys = [...set];
    this.candidatesOf.set(labels, { generation: this.generation, ns, keys });
    return keys;
  }

  /** The pods a Service selects. */
  membersOf(key: string): Iterable<Pod> {
    return this.members.get(key)?.values() ?? [];
  }
}
