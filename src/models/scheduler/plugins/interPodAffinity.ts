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

/** Counts per topology pair, keyed `key\u0000value`. */
type PairCounts = Map<string, number>;
const pair = (key: string, value: string) => `${key}\u0000${value}`;

function bump(m: PairCounts, node: NodeInfo, key: string, by: number): void {
  const v = node.node.metadata.labels?.[key];
  if (v === undefined) return;
  const k = pair(key, v);
  const n = (m.get(k) ?? 0) + by;
  if (n === 0) m.delete(k);
  else m.set(k, n);
}

interface PreFilterState {
  pod: PodInfo;
  terms: PodAffinityTerms;
  existingAntiAffinityCounts: PairCounts;
  affinityCounts: PairCounts;
  antiAffinityCounts: PairCounts;
}

interface PreScoreState {
  /** topologyKey → value → score. */
  topologyScore: Map<string, Map<string, number>>;
}

/** The PreFilter state, deep-copied when the cycle state is cloned (preemption dry runs, nominated pods). */
function preFilterState(pod: PodInfo, terms: PodAffinityTerms, existing: PairCounts, affinity: PairCounts, anti: PairCounts): PreFilterState & Cloneable {
  return {
    pod,
    terms,
    existingAntiAffinityCounts: existing,
    affinityCounts: affinity,
    antiAffinityCounts: anti,
    clone: () => preFilterState(pod, terms, new Map(existing), new Map(affinity), new Map(anti)),
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
    const s = preFilterState(pod, terms, new Map(), new Map(), new Map());
    let work = 0;
    if (handle.podsWithRequiredAntiAffinity() > 0) {
      for (const node of nodes) {
        for (const existing of node.podsWithRequiredAntiAffinity) {
          for (const t of affinityTerms(existing.pod).requiredAntiAffinity) {
            work++;
            if (termMatches(t, pod.pod)) bump(s.existingAntiAffinityCounts, node, t.topologyKey, 1);
          }
        }
      }
    }
    const ra = terms.requiredAffinity;
    const rn = terms.requiredAntiAffinity;
    if (ra.length > 0 || rn.length > 0) {
      for (const node of nodes) {
        for (const existing of node.pods.values()) {
          work += ra.length + rn.length;
          if (matchesAllTerms(ra, existing.pod)) for (const t of ra) bump(s.affinityCounts, node, t.topologyKey, 1);
          for (const t of rn) if (termMatches(t, existing.pod)) bump(s.antiAffinityCounts, node, t.topologyKey, 1);
        }
      }
    }
    handle.addWork(work, 'filter');
    state.set(PRE_FILTER_KEY, s);
    if (ra.length === 0 && rn.length === 0 && s.existingAntiAffinityCounts.size === 0) return SKIP;
    return null;
  };

  /** `updateWithPod` (PreFilterExtensions AddPod/RemovePod). */
  const updateWithPod = (state: CycleState, updated: PodInfo, node: NodeInfo, delta: 1 | -1) => {
    const s = state.get(PRE_FILTER_KEY) as PreFilterState | undefined;
    if (s === undefined) return null;
    for (const t of affinityTerms(updated.pod).requiredAntiAffinity) if (termMatches(t, s.pod.pod)) bump(s.existingAntiAffinityCounts, node, t.topologyKey, delta);
    const ra = s.terms.requiredAffinity;
    if (ra.length > 0 && matchesAllTerms(ra, updated.pod)) for (const t of ra) bump(s.affinityCounts, node, t.topologyKey, delta);
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
      const labels = node.node.metadata.labels ?? {};
      if (!satisfyPodAffinity(s, labels)) return rejectAffinity;
      if (s.antiAffinityCounts.size > 0) {
        for (const t of s.terms.requiredAntiAffinity) {
          const v = labels[t.topologyKey];
          if (v !== undefined && (s.antiAffinityCounts.get(pair(t.topologyKey, v)) ?? 0) > 0) return rejectAnti;
        }
      }
      if (s.existingAntiAffinityCounts.size > 0) {
        for (const k in labels) if ((s.existingAntiAffinityCounts.get(pair(k, labels[k]!)) ?? 0) > 0) return rejectExisting;
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
          if (g.pods === 0 || (g.kind !== 'hard' && args.ignorePreferredTermsOfExistingPods)) continue;
          const weight = g.kind === 'hard' ? hardWeight : g.weight;
          if (weight === 0 || !termMatches(g.term, pod.pod)) continue;
          for (const [v, c] of g.perValue) if (c > 0) add(g.term.topologyKey, v, weight * c);
        }
      }
      // The incoming pod's preferred terms: existing pods matching each, per domain, from the incremental counts.
      const own = (ts: readonly WeightedAffinityTerm[], sign: 1 | -1) => {
        for (const t of ts) {
          if (t.namespaceSelector === undefined && t.namespaces.size === 1) {
            // The common case (the pod's own namespace): add straight from the counter.
            for (const ns of t.namespaces) {
              const a = counter.aggregate(ns, t, [t.topologyKey], true);
              for (const [v, c] of a.perValue.get(t.topologyKey)!) if (c > 0) add(t.topologyKey, v, sign * t.weight * c);
            }
            continue;
          }
          const counts = new Map<string, number>();
          if (t.namespaceSelector === undefined) {
            for (const ns of t.namespaces) {
              const a = counter.aggregate(ns, t, [t.topologyKey], true);
              for (const [v, c] of a.perValue.get(t.topologyKey)!) if (c > 0) counts.set(v, (counts.get(v) ?? 0) + c);
            }
          } else {
            // A namespaceSelector can match any namespace: count by scanning.
            for (const node of handle.nodes()) {
              const v = node.node.metadata.labels?.[t.topologyKey];
              if (v === undefined) continue;
              for (const e of node.pods.values()) if (termMatches(t, e.pod)) counts.set(v, (counts.get(v) ?? 0) + 1);
            }
          }
          for (const [v, c] of counts) add(t.topologyKey, v, sign * t.weight * c);
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
      const labels = node.node.metadata.labels ?? {};
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
  kind: 'hard' | 'preferred';
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
  /** Pods on labelled nodes, and Σ of their scoring terms (work units as upstream's scan counts them). */
  pods = 0;
  termUnits = 0;
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
    if ((s.affinityCounts.get(pair(t.topologyKey, v)) ?? 0) <= 0) podsExist = false;
  }
  if (podsExist) return true;
  // The first pod of a group with affinity to itself: allowed where it matches its own terms, if nothing else does.
  return s.affinityCounts.size === 0 && matchesAllTerms(terms, s.pod.pod);
}
