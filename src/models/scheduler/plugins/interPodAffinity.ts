/**
 * InterPodAffinity (pkg/scheduler/framework/plugins/interpodaffinity: filtering.go, scoring.go).
 *
 * PreFilter counts, per topology pair (key, value):
 * - existing pods' required anti-affinity terms that match the incoming pod (on nodes with such pods);
 * - for the incoming pod's required affinity terms: existing pods matching all of them (each term's pair +1);
 * - for its required anti-affinity terms: existing pods matching each term.
 * It returns Skip when the pod has no required terms and no existing pod has required anti-affinity.
 * Filter, in upstream's order: the pod's affinity ("node(s) didn't match pod affinity rules",
 * UnschedulableAndUnresolvable; a node missing a topology key fails; a pod whose terms match nothing anywhere may
 * land where it matches its own terms), its anti-affinity ("node(s) didn't match pod anti-affinity rules"), and
 * existing pods' anti-affinity ("node(s) didn't satisfy existing pods anti-affinity rules"), both Unschedulable.
 *
 * Score: per topology pair, + weight for each existing pod matching a preferred affinity term of the pod, − weight
 * for its preferred anti-affinity terms, + hardPodAffinityWeight (arg, default 1) for each existing pod's required
 * affinity term the pod matches, ± weight for existing pods' preferred terms the pod matches. Without preferred
 * terms of its own only nodes hosting pods with affinity are visited. A node scores the sum over its labels;
 * normalisation maps [min, max] onto [0, 100] (int64 of the float).
 * Examining one (existing pod, term) pair counts as one work unit of the cycle cost model.
 */
import type { Cloneable, CycleState, FilterPlugin, PluginHandle, PreFilterPlugin, PreScorePlugin, ScorePlugin } from '../framework/interfaces.js';
import { MAX_NODE_SCORE } from '../framework/interfaces.js';
import { Code, SKIP, status } from '../framework/status.js';
import type { NodeInfo } from '../nodeInfo.js';
import type { PodInfo } from '../podInfo.js';
import { type AffinityTerm, affinityTerms, matchesAllTerms, type PodAffinityTerms, termMatches, type WeightedAffinityTerm } from './helpers/affinityTerms.js';
import { Counter } from './helpers/podCounts.js';

export const INTER_POD_AFFINITY = 'InterPodAffinity';
export const ERR_REASON_AFFINITY = "node(s) didn't match pod affinity rules";
export const ERR_REASON_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";
export const ERR_REASON_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";

/**
 * Pod counts per topology key and value. A key's map may be an incremental aggregate's own (`shared`): it is copied
 * before the first write (PreFilter extensions during preemption).
 */
type KeyedCounts = Map<string, { counts: Map<string, number>; shared: boolean }>;

function countAt(kc: KeyedCounts, key: string, value: string): number {
  return kc.get(key)?.counts.get(value) ?? 0;
}

function bump(kc: KeyedCounts, node: NodeInfo, key: string, by: number): void {
  const v = node.labels[key];
  if (v === undefined) return;
  let e = kc.get(key);
  if (e === undefined) kc.set(key, (e = { counts: new Map(), shared: false }));
  else if (e.shared) e = { counts: new Map(e.counts), shared: false };
  kc.set(key, e);
  e.counts.set(v, (e.counts.get(v) ?? 0) + by);
}

/** Adds a map of counts under `key`, sharing it when the key is new. */
function merge(kc: KeyedCounts, key: string, counts: Map<string, number>): void {
  const e = kc.get(key);
  if (e === undefined) {
    kc.set(key, { counts, shared: true });
    return;
  }
  const own = e.shared ? new Map(e.counts) : e.counts;
  for (const [v, c] of counts) own.set(v, (own.get(v) ?? 0) + c);
  kc.set(key, { counts: own, shared: false });
}

function anyPositive(kc: KeyedCounts): boolean {
  for (const e of kc.values()) for (const c of e.counts.values()) if (c > 0) return true;
  return false;
}

function cloneCounts(kc: KeyedCounts): KeyedCounts {
  const out: KeyedCounts = new Map();
  for (const [k, e] of kc) out.set(k, e.shared ? e : { counts: new Map(e.counts), shared: false });
  return out;
}

interface PreFilterState {
  pod: PodInfo;
  terms: PodAffinityTerms;
  /** Existing pods' required anti-affinity terms that match the pod. */
  existingAntiAffinityCounts: KeyedCounts;
  /** Existing pods matching all the pod's required affinity terms, and whether there is any. */
  affinityCounts: KeyedCounts;
  affinityAny: boolean;
  /** Existing pods matching each of the pod's required anti-affinity terms. */
  antiAffinityCounts: KeyedCounts;
}

interface PreScoreState {
  /** topologyKey → value → score. */
  topologyScore: Map<string, Map<string, number>>;
}

/** The PreFilter state, deep-copied when the cycle state is cloned (preemption dry runs, nominated pods). */
function preFilterState(pod: PodInfo, terms: PodAffinityTerms, existing: KeyedCounts, affinity: KeyedCounts, affinityAny: boolean, anti: KeyedCounts): PreFilterState & Cloneable {
  return {
    pod,
    terms,
    existingAntiAffinityCounts: existing,
    affinityCounts: affinity,
    affinityAny,
    antiAffinityCounts: anti,
    clone() {
      return preFilterState(pod, terms, cloneCounts(this.existingAntiAffinityCounts), cloneCounts(this.affinityCounts), this.affinityAny, cloneCounts(this.antiAffinityCounts));
    },
  };
}

const PRE_FILTER_KEY = 'PreFilterInterPodAffinity';
const PRE_SCORE_KEY = 'PreScoreInterPodAffinity';

/** InterPodAffinityArgs. */
export interface InterPodAffinityArgs {
  hardPodAffinityWeight?: number;
  ignorePreferredTermsOfExistingPods?: boolean;
}

/** Creates the plugin. */
export function interPodAffinity(rawArgs: Record<string, unknown> | undefined, handle: PluginHandle): PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin {
  const args = (rawArgs ?? {}) as InterPodAffinityArgs;
  const hardWeight = args.hardPodAffinityWeight ?? 1;
  if (!(hardWeight >= 0 && hardWeight <= 100)) throw new Error('InterPodAffinity args: hardPodAffinityWeight: expected 0–100');
  const rejectAffinity = Object.freeze(status(Code.UnschedulableAndUnresolvable, ERR_REASON_AFFINITY));
  const rejectAnti = Object.freeze(status(Code.Unschedulable, ERR_REASON_ANTI_AFFINITY));
  const rejectExisting = Object.freeze(status(Code.Unschedulable, ERR_REASON_EXISTING_ANTI_AFFINITY));
  const counter = new Counter(handle);
  const existing = new ExistingTerms(handle);

  const preFilter = (state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]) => {
    const terms = affinityTerms(pod.pod);
    const ra = terms.requiredAffinity;
    const rn = terms.requiredAntiAffinity;
    // Existing pods' required anti-affinity: per group of identical terms, one match test against the pod.
    const existingCounts: KeyedCounts = new Map();
    const anyAnti = handle.podsWithRequiredAntiAffinity() > 0;
    if (anyAnti) {
      for (const g of existing.update().groups.values()) if (g.kind === 'anti' && g.pods > 0 && termMatches(g.term, pod.pod)) merge(existingCounts, g.term.topologyKey, g.perValue);
    }
    // The pod's own required terms: existing pods matching them, from the incremental counts when a term names its
    // namespaces; a namespaceSelector, or several affinity terms (pods must match all), is counted by scanning.
    const affinity: KeyedCounts = new Map();
    let affinityAny = false;
    const anti: KeyedCounts = new Map();
    const scanAffinity = ra.length > 1 || (ra.length === 1 && ra[0]!.namespaceSelector !== undefined);
    const scanAnti = rn.filter((t) => t.namespaceSelector !== undefined);
    if (ra.length === 1 && !scanAffinity) {
      const t = ra[0]!;
      const a = counter.aggregate(t.namespaces, t, [t.topologyKey], true);
      merge(affinity, t.topologyKey, a.perValue.get(t.topologyKey)!);
      affinityAny = a.hist.get(t.topologyKey)!.size > 0;
    }
    for (const t of rn) {
      if (t.namespaceSelector !== undefined) continue;
      merge(anti, t.topologyKey, counter.aggregate(t.namespaces, t, [t.topologyKey], true).perValue.get(t.topologyKey)!);
    }
    if (scanAffinity || scanAnti.length > 0) {
      for (const node of nodes) {
        for (const e of node.pods.values()) {
          if (scanAffinity && matchesAllTerms(ra, e.pod)) for (const t of ra) bump(affinity, node, t.topologyKey, 1);
          for (const t of scanAnti) if (termMatches(t, e.pod)) bump(anti, node, t.topologyKey, 1);
        }
      }
      if (scanAffinity) affinityAny = anyPositive(affinity);
    }
    // Work as upstream's PreFilter does it: every existing required anti-affinity term, every pod × the pod's terms.
    handle.addWork((anyAnti ? existing.antiTermUnits : 0) + handle.podCount() * (ra.length + rn.length), 'filter');
    state.set(PRE_FILTER_KEY, preFilterState(pod, terms, existingCounts, affinity, affinityAny, anti));
    if (ra.length === 0 && rn.length === 0 && !anyPositive(existingCounts)) return SKIP;
    return null;
  };

  /** `updateWithPod` (PreFilterExtensions AddPod/RemovePod). */
  const updateWithPod = (state: CycleState, updated: PodInfo, node: NodeInfo, delta: 1 | -1) => {
    const s = state.get(PRE_FILTER_KEY) as PreFilterState | undefined;
    if (s === undefined) return null;
    for (const t of affinityTerms(updated.pod).requiredAntiAffinity) if (termMatches(t, s.pod.pod)) bump(s.existingAntiAffinityCounts, node, t.topologyKey, delta);
    const ra = s.terms.requiredAffinity;
    if (ra.length > 0 && matchesAllTerms(ra, updated.pod)) {
      for (const t of ra) bump(s.affinityCounts, node, t.topologyKey, delta);
      s.affinityAny = anyPositive(s.affinityCounts);
    }
    for (const t of s.terms.requiredAntiAffinity) if (termMatches(t, updated.pod)) bump(s.antiAffinityCounts, node, t.topologyKey, delta);
    return null;
  };

  return {
    name: INTER_POD_AFFINITY,
    events: ['NodeAdd', 'NodeUpdate', 'AssignedPodAdd', 'AssignedPodDelete'],
    preFilter,
    addPod: (state, _pod, other, node) => updateWithPod(state, other, node, 1),
    removePod: (state, _pod, other, node) => updateWithPod(state, other, node, -1),
    filter(state, pod, node) {
      let s = state.get(PRE_FILTER_KEY) as PreFilterState | undefined;
      if (s === undefined || s.pod !== pod) {
        preFilter(state, pod, handle.nodes());
        s = state.get(PRE_FILTER_KEY) as PreFilterState;
      }
      const labels = node.labels;
      if (!satisfyPodAffinity(s, labels)) return rejectAffinity;
      if (s.antiAffinityCounts.size > 0) {
        for (const t of s.terms.requiredAntiAffinity) {
          const v = labels[t.topologyKey];
          if (v !== undefined && countAt(s.antiAffinityCounts, t.topologyKey, v) > 0) return rejectAnti;
        }
      }
      for (const [key, e] of s.existingAntiAffinityCounts) {
        const v = labels[key];
        if (v !== undefined && (e.counts.get(v) ?? 0) > 0) return rejectExisting;
      }
      return null;
    },
    preScore(state, pod) {
      const terms = affinityTerms(pod.pod);
      const hasConstraints = terms.preferredAffinity.length > 0 || terms.preferredAntiAffinity.length > 0;
      if (args.ignorePreferredTermsOfExistingPods && !hasConstraints) return SKIP;
      if (!hasConstraints && handle.podsWithAffinity() === 0) return SKIP;
      const idx = existing.update();
      const topologyScore = new Map<string, Map<string, number>>();
      const add = (key: string, value: string, weight: number) => {
        let m = topologyScore.get(key);
        if (m === undefined) topologyScore.set(key, (m = new Map()));
        m.set(value, (m.get(value) ?? 0) + weight);
      };
      // Existing pods' required affinity (hardPodAffinityWeight) and preferred terms that match the incoming pod,
      // grouped by identical term: one match test per group, then its per-domain pod counts.
      if (!args.ignorePreferredTermsOfExistingPods || hardWeight > 0) {
        for (const g of idx.groups.values()) {
          if (g.pods === 0 || g.kind === 'anti' || (g.kind === 'preferred' && args.ignorePreferredTermsOfExistingPods)) continue;
          const weight = g.kind === 'hard' ? hardWeight : g.weight;
          if (weight === 0 || !termMatches(g.term, pod.pod)) continue;
          for (const [v, c] of g.perValue) if (c > 0) add(g.term.topologyKey, v, weight * c);
        }
      }
      // The incoming pod's preferred terms: existing pods matching each, per domain, from the incremental counts.
      const own = (ts: readonly WeightedAffinityTerm[], sign: 1 | -1) => {
        for (const t of ts) {
          if (t.namespaceSelector === undefined) {
            const a = counter.aggregate(t.namespaces, t, [t.topologyKey], true);
            for (const [v, c] of a.perValue.get(t.topologyKey)!) if (c > 0) add(t.topologyKey, v, sign * t.weight * c);
            continue;
          }
          // A namespaceSelector can match any namespace: count by scanning.
          for (const node of handle.nodes()) {
            const v = node.labels[t.topologyKey];
            if (v === undefined) continue;
            let c = 0;
            for (const e of node.pods.values()) if (termMatches(t, e.pod)) c++;
            if (c > 0) add(t.topologyKey, v, sign * t.weight * c);
          }
        }
      };
      own(terms.preferredAffinity, 1);
      own(terms.preferredAntiAffinity, -1);
      // Work as upstream's scan does it: every pod × the incoming pod's preferred terms, plus the existing pods' terms.
      handle.addWork(idx.pods * (terms.preferredAffinity.length + terms.preferredAntiAffinity.length) + idx.termUnits);
      if (topologyScore.size === 0) return SKIP;
      state.set(PRE_SCORE_KEY, { topologyScore } satisfies PreScoreState);
      return null;
    },
    score(state, _pod, node) {
      const s = state.get(PRE_SCORE_KEY) as PreScoreState | undefined;
      if (s === undefined) return 0;
      const labels = node.labels;
      let score = 0;
      for (const [key, values] of s.topologyScore) {
        const v = labels[key];
        if (v !== undefined) score += values.get(v) ?? 0;
      }
      return score;
    },
    normalizeScore(state, _pod, scores) {
      const s = state.get(PRE_SCORE_KEY) as PreScoreState | undefined;
      if (s === undefined || s.topologyScore.size === 0) return;
      let min = Infinity;
      let max = -Infinity;
      for (const x of scores) {
        if (x > max) max = x;
        if (x < min) min = x;
      }
      const diff = max - min;
      for (let i = 0; i < scores.length; i++) scores[i] = diff > 0 ? Math.trunc(MAX_NODE_SCORE * ((scores[i]! - min) / diff)) : 0;
    },
  };
}

/** Existing pods' scoring terms grouped by identical term: pods per topology value having it. */
interface TermGroup {
  /** hard: required affinity (scored with hardPodAffinityWeight); anti: required anti-affinity (filtered). */
  kind: 'hard' | 'preferred' | 'anti';
  term: AffinityTerm;
  /** The term's signed weight (preferred affinity +, anti-affinity −); hard terms use hardPodAffinityWeight. */
  weight: number;
  perValue: Map<string, number>;
  pods: number;
}

/**
 * The existing pods' required affinity and preferred (anti-)affinity terms, kept from the placement log: upstream's
 * `processExistingPod` visits every pod with affinity in every cycle; grouping identical terms (pods of one
 * template share them) gives the same sums with one match test per group.
 */
class ExistingTerms {
  groups = new Map<string, TermGroup>();
  /** Pods on labelled nodes, Σ of their scoring terms and of their required anti-affinity terms (work units as
   * upstream's scans count them). */
  pods = 0;
  termUnits = 0;
  antiTermUnits = 0;
  private epoch = -1;
  private nodesVersion = -1;
  private pos = 0;

  constructor(private readonly handle: PluginHandle) {}

  update(): this {
    const log = this.handle.podLog();
    if (log.epoch !== this.epoch || log.nodesVersion !== this.nodesVersion) {
      this.groups = new Map();
      this.pods = 0;
      this.termUnits = 0;
      this.antiTermUnits = 0;
      for (const n of this.handle.nodes()) for (const p of n.pods.values()) this.apply(n, p, 1);
      this.epoch = log.epoch;
      this.nodesVersion = log.nodesVersion;
      this.pos = log.entries.length;
      return this;
    }
    const entries = log.entries;
    for (let i = this.pos; i < entries.length; i++) this.apply(entries[i]!.node, entries[i]!.pod, entries[i]!.sign);
    this.pos = entries.length;
    return this;
  }

  private apply(node: NodeInfo, p: PodInfo, sign: 1 | -1): void {
    const labels = node.node.metadata.labels;
    if (labels === undefined) return;
    let any = false;
    for (const _ in labels) {
      any = true;
      break;
    }
    if (!any) return;
    this.pods += sign;
    const et = affinityTerms(p.pod);
    if (!et.any) return;
    this.termUnits += sign * (et.requiredAffinity.length + et.preferredAffinity.length + et.preferredAntiAffinity.length);
    this.antiTermUnits += sign * et.requiredAntiAffinity.length;
    for (const t of et.requiredAntiAffinity) this.group('anti', t, 0, labels, sign);
    for (const t of et.requiredAffinity) this.group('hard', t, 0, labels, sign);
    for (const t of et.preferredAffinity) this.group('preferred', t, t.weight, labels, sign);
    for (const t of et.preferredAntiAffinity) this.group('preferred', t, -t.weight, labels, sign);
  }

  private group(kind: TermGroup['kind'], t: AffinityTerm, weight: number, labels: Record<string, string>, sign: 1 | -1): void {
    const v = labels[t.topologyKey];
    if (v === undefined) return;
    const id = `${kind}\u0001${weight}\u0001${t.key}`;
    let g = this.groups.get(id);
    if (g === undefined) this.groups.set(id, (g = { kind, term: t, weight, perValue: new Map(), pods: 0 }));
    g.pods += sign;
    g.perValue.set(v, (g.perValue.get(v) ?? 0) + sign);
  }
}

/** satisfyPodAffinity (filtering.go). */
function satisfyPodAffinity(s: PreFilterState, labels: Record<string, string>): boolean {
  const terms = s.terms.requiredAffinity;
  if (terms.length === 0) return true;
  let podsExist = true;
  for (const t of terms) {
    const v = labels[t.topologyKey];
    if (v === undefined) return false; // every topology label must exist on the node
    if (countAt(s.affinityCounts, t.topologyKey, v) <= 0) podsExist = false;
  }
  if (podsExist) return true;
  // The first pod of a group with affinity to itself: allowed where it matches its own terms, if nothing else does.
  return !s.affinityAny && matchesAllTerms(terms, s.pod.pod);
}
