/**
 * PodTopologySpread (pkg/scheduler/framework/plugins/podtopologyspread: filtering.go, scoring.go, common.go).
 *
 * Constraints are the pod's `topologySpreadConstraints`; a pod with none gets the default constraints (args
 * `defaultingType: System` (default): maxSkew 3 on kubernetes.io/hostname and 5 on topology.kubernetes.io/zone,
 * both ScheduleAnyway; `List`: args `defaultConstraints`) with the selector of the Services/ReplicaSets selecting
 * it, and none when that selector is empty. A node counts for a constraint when it has every constraint's topology
 * key and passes the inclusion policies (nodeAffinityPolicy Honor by default: the pod's required node affinity and
 * nodeSelector; nodeTaintsPolicy Ignore by default). Pods counted: same namespace, matching the selector (with
 * `matchLabelKeys` merged), not terminating.
 *
 * Filter (DoNotSchedule constraints): for each constraint, skew = pods in the node's domain + (1 if the pod
 * matches its own selector) − the minimum over domains (0 when there are fewer domains than `minDomains`); skew >
 * maxSkew is Unschedulable "node(s) didn't match pod topology spread constraints"; a node missing the topology key
 * is UnschedulableAndUnresolvable "(missing required label)". PreFilter returns Skip without such constraints.
 *
 * Score (ScheduleAnyway constraints): Σ over constraints of count × log(domains + 2) + (maxSkew − 1), rounded;
 * normalised as 100 × (max + min − score) / max, nodes missing keys 0. Work units (cycle cost) are counted as
 * upstream recounts: one per pod per constraint at PreFilter, and per pod examined at PreScore/Score.
 */
import type { LabelSelector, Node, Pod, PodSpec, Taint, TopologySpreadConstraint } from '../../../cluster/types.js';
import { compileLabelSelector, type LabelMatcher, type NodeMatcher } from '../../../cluster/selector.js';
import type { Cloneable, CycleState, FilterPlugin, PluginHandle, PreFilterPlugin, PreScorePlugin, ScorePlugin } from '../framework/interfaces.js';
import { MAX_NODE_SCORE } from '../framework/interfaces.js';
import { Code, SKIP, status } from '../framework/status.js';
import { type NodeInfo, topologyValue } from '../nodeInfo.js';
import type { PodInfo } from '../podInfo.js';
import { mergeLabelKeys } from './helpers/affinityTerms.js';
import { type Aggregate, aggregateMin, Counter } from './helpers/podCounts.js';
import { findMatchingUntoleratedTaint } from './helpers/tolerations.js';
import { requiredNodeAffinity } from './nodeAffinity.js';
import { extend } from '../../../cluster/extend.js';

export const POD_TOPOLOGY_SPREAD = 'PodTopologySpread';
export const ERR_REASON_CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints";
export const ERR_REASON_NODE_LABEL_NOT_MATCH = `${ERR_REASON_CONSTRAINTS_NOT_MATCH} (missing required label)`;

export const LABEL_HOSTNAME = 'kubernetes.io/hostname';
export const LABEL_ZONE = 'topology.kubernetes.io/zone';

/** systemDefaultConstraints (plugin.go). */
export const SYSTEM_DEFAULT_CONSTRAINTS: TopologySpreadConstraint[] = [
  { topologyKey: LABEL_HOSTNAME, whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 3 },
  { topologyKey: LABEL_ZONE, whenUnsatisfiable: 'ScheduleAnyway', maxSkew: 5 },
];

/** PodTopologySpreadArgs. */
export interface PodTopologySpreadArgs {
  defaultingType?: 'System' | 'List';
  defaultConstraints?: TopologySpreadConstraint[];
}

/** A compiled constraint (common.go `topologySpreadConstraint`). */
interface Constraint {
  maxSkew: number;
  topologyKey: string;
  selector: LabelMatcher;
  /** The selector as text: identifies the incremental aggregate. */
  selectorKey: string;
  minDomains: number;
  honorAffinity: boolean;
  honorTaints: boolean;
}

const MAX_INT32 = 2 ** 31 - 1;

const matchers = new Map<string, LabelMatcher>();

/** Compiled default selectors by object (DefaultSelectors shares one object among a ReplicaSet's pods). */
const compiledDefaults = new WeakMap<LabelSelector, { selector: LabelMatcher; selectorKey: string }>();

function compileConstraints(list: readonly TopologySpreadConstraint[], pod: Pod, defaultSelector?: LabelSelector): Constraint[] {
  if (defaultSelector !== undefined) {
    let c = compiledDefaults.get(defaultSelector);
    if (c === undefined) {
      const selectorKey = JSON.stringify(defaultSelector);
      c = { selector: matchers.get(selectorKey) ?? compileLabelSelector(defaultSelector), selectorKey };
      compiledDefaults.set(defaultSelector, c);
    }
    const { selector, selectorKey } = c;
    return list.map((x) => compiled(x, selector, selectorKey));
  }
  return list.map((c) => {
    const sel = mergeLabelKeys(c.labelSelector, pod.metadata.labels, c.matchLabelKeys);
    const selectorKey = sel === undefined ? 'null' : JSON.stringify(sel);
    let selector = matchers.get(selectorKey);
    if (selector === undefined) {
      selector = compileLabelSelector(sel);
      if (matchers.size > 10_000) matchers.clear();
      matchers.set(selectorKey, selector);
    }
    return compiled(c, selector, selectorKey);
  });
}

function compiled(c: TopologySpreadConstraint, selector: LabelMatcher, selectorKey: string): Constraint {
  return {
    maxSkew: c.maxSkew,
    topologyKey: c.topologyKey,
    selector,
    selectorKey,
    minDomains: c.minDomains ?? 1,
    honorAffinity: (c.nodeAffinityPolicy ?? 'Honor') === 'Honor',
    honorTaints: (c.nodeTaintsPolicy ?? 'Ignore') === 'Honor',
  };
}

function hasAllKeys(node: Node, cs: readonly Constraint[]): boolean {
  const labels = node.metadata.labels;
  if (labels === undefined) return cs.length === 0;
  for (const c of cs) if (labels[c.topologyKey] === undefined) return false;
  return true;
}

const doNotScheduleTaint = (t: Taint) => t.effect === 'NoSchedule' || t.effect === 'NoExecute';

/** `MatchNodeInclusionPolicies`. */
function included(c: Constraint, spec: PodSpec, node: Node, affinity: NodeMatcher | undefined): boolean {
  if (c.honorAffinity && affinity !== undefined && !affinity(node)) return false;
  if (c.honorTaints && findMatchingUntoleratedTaint(node.spec.taints, spec.tolerations, doNotScheduleTaint) !== undefined) return false;
  return true;
}


/** Whether a constraint's inclusion policies accept every node with the keys (the incremental path applies). */
function trivialInclusion(c: Constraint, affinity: NodeMatcher | undefined): boolean {
  return !c.honorTaints && (!c.honorAffinity || affinity === undefined);
}

/** One DoNotSchedule constraint's counts (upstream's TpValueToMatchNum and critical paths, per constraint). */
interface ConstraintCounts {
  /** Topology value → matching pods (a value of a domain that is absent counts 0). */
  counts: Map<string, number>;
  /** Number of domains, and the smallest count over them. */
  domains: number;
  min: number;
  /** Whether `counts` is the incremental aggregate's own map (copied before a PreFilter extension writes). */
  shared: boolean;
}

interface PreFilterState {
  pod: PodInfo;
  constraints: Constraint[];
  perConstraint: ConstraintCounts[];
}

interface PreScoreState {
  constraints: Constraint[];
  ignored: Set<NodeInfo>;
  /** Positions of the ignored nodes in the feasible list (the order of the scores). */
  ignoredIndexes: Set<number>;
  /** Per constraint: topology value → pod count (hostname constraints count at Score). */
  valueCounts: Map<string, number>[];
  weights: number[];
  /** Per constraint: the incremental aggregate, when its inclusion policies allow one. */
  aggregates: Aggregate[];
}

/** The PreFilter state, deep-copied when the cycle state is cloned (preemption dry runs, nominated pods). */
function preFilterState(pod: PodInfo, constraints: Constraint[], perConstraint: ConstraintCounts[]): PreFilterState & Cloneable {
  return { pod, constraints, perConstraint, clone: () => preFilterState(pod, constraints, perConstraint.map((c) => extend(c, { counts: c.shared ? c.counts : new Map(c.counts) }))) };
}

const PRE_FILTER_KEY = 'PreFilterPodTopologySpread';
const PRE_SCORE_KEY = 'PreScorePodTopologySpread';

/** A node's raw score: Σ per constraint matching pods in its domain × the constraint's weight + maxSkew − 1 (scoring.go). */
function spreadScore(s: PreScoreState, node: NodeInfo): number {
  if (s.ignored.size > 0 && s.ignored.has(node)) return 0;
  let score = 0;
  const cs = s.constraints;
  for (let i = 0; i < cs.length; i++) {
    const c = cs[i]!;
    const v = topologyValue(node, c.topologyKey);
    if (v === undefined) continue;
    const cnt = c.topologyKey === LABEL_HOSTNAME ? (s.aggregates[i]!.perNode.get(node) ?? 0) : (s.valueCounts[i]!.get(v) ?? 0);
    score += cnt * s.weights[i]! + (c.maxSkew - 1);
  }
  return Math.round(score);
}

/** Creates the plugin. */
export function podTopologySpread(rawArgs: Record<string, unknown> | undefined, handle: PluginHandle): PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin {
  const args = (rawArgs ?? {}) as PodTopologySpreadArgs;
  const defaultingType = args.defaultingType ?? 'System';
  if (defaultingType !== 'System' && defaultingType !== 'List') throw new Error('PodTopologySpread args: defaultingType: expected System or List');
  if (defaultingType === 'System' && (args.defaultConstraints ?? []).length > 0) throw new Error('PodTopologySpread args: defaultConstraints must be empty when defaultingType is System');
  const defaults = defaultingType === 'System' ? SYSTEM_DEFAULT_CONSTRAINTS : (args.defaultConstraints ?? []);
  const systemDefaulted = defaultingType === 'System';
  const rejectSkew = Object.freeze(status(Code.Unschedulable, ERR_REASON_CONSTRAINTS_NOT_MATCH));
  const rejectLabel = Object.freeze(status(Code.UnschedulableAndUnresolvable, ERR_REASON_NODE_LABEL_NOT_MATCH));
  const counter = new Counter(handle);
  let scoreState: CycleState | undefined;
  let scoreS: PreScoreState | undefined;

  /** The pod's constraints with `when`, or the defaults when it has none. */
  const constraintsOf = (pod: Pod, when: 'DoNotSchedule' | 'ScheduleAnyway'): Constraint[] => {
    const own = pod.spec.topologySpreadConstraints ?? [];
    if (own.length > 0) return compileConstraints(own.filter((c) => c.whenUnsatisfiable === when), pod);
    const list = defaults.filter((c) => c.whenUnsatisfiable === when);
    if (list.length === 0) return [];
    const sel = handle.defaultSelector(pod);
    if (sel === undefined) return [];
    return compileConstraints(list, pod, sel);
  };

  const preFilter = (state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]) => {
    const constraints = constraintsOf(pod.pod, 'DoNotSchedule');
    if (constraints.length === 0) {
      state.delete(PRE_FILTER_KEY);
      return SKIP;
    }
    const ns = pod.pod.metadata.namespace ?? 'default';
    const affinity = requiredNodeAffinity(pod.pod.spec);
    const keys = constraints.map((c) => c.topologyKey);
    const perConstraint: ConstraintCounts[] = [];
    for (const c of constraints) {
      if (trivialInclusion(c, affinity)) {
        // Every node with the keys is a domain member: the incremental aggregate has the counts.
        const domains = counter.domainsOf(keys).get(c.topologyKey)!.size;
        const a = counter.aggregate(ns, c, keys);
        perConstraint.push({ counts: a.perValue.get(c.topologyKey)!, domains, min: aggregateMin(a, c.topologyKey, domains), shared: true });
        continue;
      }
      // Inclusion policies depend on the pod: sum the aggregate's per-node counts over the included nodes.
      const perNode = counter.aggregate(ns, c, keys).perNode;
      const counts = new Map<string, number>();
      for (const n of nodes) {
        if (!hasAllKeys(n.node, constraints) || !included(c, pod.pod.spec, n.node, affinity)) continue;
        const v = n.labels[c.topologyKey]!;
        counts.set(v, (counts.get(v) ?? 0) + (perNode.get(n) ?? 0));
      }
      let min = MAX_INT32;
      for (const x of counts.values()) if (x < min) min = x;
      perConstraint.push({ counts, domains: counts.size, min, shared: false });
    }
    // Work as upstream's PreFilter counts it: every pod, once per constraint (calPreFilterState).
    handle.addWork(handle.podCount() * constraints.length, 'filter');
    state.set(PRE_FILTER_KEY, preFilterState(pod, constraints, perConstraint));
    return null;
  };

  /** `updateWithPod` (PreFilterExtensions AddPod/RemovePod): a pod added to or removed from a node changes its domain's count. */
  const updateWithPod = (state: CycleState, preemptor: PodInfo, updated: PodInfo, node: NodeInfo, delta: 1 | -1) => {
    const s = state.get(PRE_FILTER_KEY) as PreFilterState | undefined;
    if (s === undefined) return null;
    if ((updated.pod.metadata.namespace ?? 'default') !== (preemptor.pod.metadata.namespace ?? 'default')) return null;
    if (!hasAllKeys(node.node, s.constraints)) return null;
    const affinity = requiredNodeAffinity(preemptor.pod.spec);
    s.constraints.forEach((c, i) => {
      if (!included(c, preemptor.pod.spec, node.node, affinity) || !c.selector(updated.pod.metadata.labels)) return;
      const cc = s.perConstraint[i]!;
      if (cc.shared) {
        cc.counts = new Map(cc.counts);
        cc.shared = false;
      }
      const v = node.labels[c.topologyKey]!;
      cc.counts.set(v, (cc.counts.get(v) ?? 0) + delta);
      let nonZero = 0;
      let min = MAX_INT32;
      for (const x of cc.counts.values()) {
        if (x !== 0) nonZero++;
        if (x < min) min = x;
      }
      cc.min = nonZero < cc.domains ? Math.min(0, min) : min;
    });
    return null;
  };

  return {
    name: POD_TOPOLOGY_SPREAD,
    events: ['NodeAdd', 'NodeUpdate', 'AssignedPodAdd', 'AssignedPodDelete'],
    preFilter,
    addPod: (state, pod, other, node) => updateWithPod(state, pod, other, node, 1),
    removePod: (state, pod, other, node) => updateWithPod(state, pod, other, node, -1),
    filter(state, pod, node) {
      let s = state.get(PRE_FILTER_KEY) as PreFilterState | undefined;
      if (s === undefined || s.pod !== pod) {
        if (preFilter(state, pod, handle.nodes()) !== null) return null;
        s = state.get(PRE_FILTER_KEY) as PreFilterState;
      }
      const podLabels = pod.pod.metadata.labels;
      const cs = s.constraints;
      for (let i = 0; i < cs.length; i++) {
        const c = cs[i]!;
        const v = topologyValue(node, c.topologyKey);
        if (v === undefined) return rejectLabel;
        const cc = s.perConstraint[i]!;
        const min = cc.domains < c.minDomains ? 0 : cc.min;
        const self = c.selector(podLabels) ? 1 : 0;
        const skew = (cc.counts.get(v) ?? 0) + self - min;
        if (skew > c.maxSkew) return rejectSkew;
      }
      return null;
    },
    preScore(state, pod, feasible) {
      scoreState = undefined;
      const constraints = constraintsOf(pod.pod, 'ScheduleAnyway');
      if (constraints.length === 0) return SKIP;
      const requireAll = (pod.pod.spec.topologySpreadConstraints ?? []).length > 0 || !systemDefaulted;
      const ignored = new Set<NodeInfo>();
      const ignoredIndexes = new Set<number>();
      const valueCounts = constraints.map(() => new Map<string, number>());
      const sizes = constraints.map(() => 0);
      // Domains of the zone-like constraints over the feasible nodes (hostname domains are the nodes themselves).
      // Under the system defaults a feasible node without the key is not ignored: its missing label reads as the
      // value "" (initPreScoreState: `node.Labels[key]`), a domain of its own in the normalising weight, though no
      // node is credited for a key it lacks at Score.
      const zoneLike: number[] = [];
      for (let i = 0; i < constraints.length; i++) if (constraints[i]!.topologyKey !== LABEL_HOSTNAME) zoneLike.push(i);
      // Without ignored nodes (system-default constraints), the scan may stop once every zone-like constraint has
      // seen as many values as the cluster's nodes carry (with "" when some node lacks the key): the rest of the
      // feasible nodes can add no domain.
      const universe = requireAll
        ? undefined
        : zoneLike.map((i) => {
            const key = constraints[i]!.topologyKey;
            return counter.domainsOf([key]).get(key)!.size + (counter.nodesLacking([key]) > 0 ? 1 : 0);
          });
      let incomplete = universe === undefined ? -1 : universe.filter((u) => u > 0).length;
      // Whether a feasible node carries the key with the value "" (its domain then holds the nodes lacking the key).
      const emptyValued = new Set<number>();
      for (let idx = 0; idx < feasible.length && incomplete !== 0; idx++) {
        const n = feasible[idx]!;
        if (requireAll && !hasAllKeys(n.node, constraints)) {
          ignored.add(n);
          ignoredIndexes.add(idx);
          continue;
        }
        if (zoneLike.length === 0) continue;
        for (let j = 0; j < zoneLike.length; j++) {
          const i = zoneLike[j]!;
          const v = topologyValue(n, constraints[i]!.topologyKey) ?? '';
          const m = valueCounts[i]!;
          if (v === '' && !requireAll && topologyValue(n, constraints[i]!.topologyKey) === '') emptyValued.add(i);
          if (m.has(v)) continue;
          m.set(v, 0);
          if (++sizes[i]! === universe?.[j]) incomplete--;
        }
      }
      const weights = constraints.map((c, i) => Math.log((c.topologyKey === LABEL_HOSTNAME ? feasible.length - ignored.size : sizes[i]!) + 2));
      const ns = pod.pod.metadata.namespace ?? 'default';
      const affinity = requiredNodeAffinity(pod.pod.spec);
      const keys = constraints.map((c) => c.topologyKey);
      // The incremental aggregates: per-value counts directly when every node with the keys counts, else their
      // per-node counts summed over the included nodes; hostname counts come from the per-node counts at Score.
      const aggregates = constraints.map((c) => counter.aggregate(ns, c, keys));
      const trivial = constraints.map((c) => trivialInclusion(c, affinity));
      for (const i of zoneLike) {
        if (!trivial[i]) continue;
        const counts = aggregates[i]!.perValue.get(constraints[i]!.topologyKey)!;
        const m = valueCounts[i]!;
        for (const v of m.keys()) m.set(v, counts.get(v) ?? 0);
      }
      const slow = zoneLike.filter((i) => !trivial[i]);
      if (slow.length > 0 || emptyValued.size > 0) {
        for (const n of handle.nodes()) {
          const all = hasAllKeys(n.node, constraints);
          if (requireAll && !all) continue;
          for (const i of zoneLike) {
            const c = constraints[i]!;
            const v = n.labels[c.topologyKey];
            // The incremental aggregates count the nodes with every key; what they miss is added here: a
            // non-trivial inclusion policy, and the "" domain of the nodes lacking the key.
            if (trivial[i] && (all || v !== undefined || !emptyValued.has(i))) continue;
            if (!included(c, pod.pod.spec, n.node, affinity)) continue;
            const m = valueCounts[i]!;
            const cur = m.get(v ?? '');
            if (cur === undefined) continue;
            m.set(v ?? '', cur + (aggregates[i]!.perNode.get(n) ?? 0));
          }
        }
      }
      // Work as upstream's PreScore and Score count it: every pod per zone-like constraint, the pods of each
      // feasible node per hostname constraint.
      let feasiblePods = 0;
      for (const n of feasible) feasiblePods += n.podCount;
      let hostname = 0;
      for (const c of constraints) if (c.topologyKey === LABEL_HOSTNAME) hostname++;
      handle.addWork(handle.podCount() * (constraints.length - hostname) + feasiblePods * hostname, 'spread');
      state.set(PRE_SCORE_KEY, { constraints, ignored, ignoredIndexes, valueCounts, weights, aggregates } satisfies PreScoreState);
      return null;
    },
    score(state, _pod, node) {
      // The cycle's PreScore state, looked up once per cycle rather than per node.
      if (state !== scoreState) {
        scoreState = state;
        scoreS = state.get(PRE_SCORE_KEY) as PreScoreState | undefined;
      }
      return scoreS === undefined ? 0 : spreadScore(scoreS, node);
    },
    scoreAll(state, _pod, nodes, out) {
      const s = state.get(PRE_SCORE_KEY) as PreScoreState | undefined;
      for (let i = 0; i < nodes.length; i++) out[i] = s === undefined ? 0 : spreadScore(s, nodes[i]!);
    },
    normalizeScore(state, _pod, scores) {
      const s = state.get(PRE_SCORE_KEY) as PreScoreState | undefined;
      if (s === undefined) return;
      // Ignored nodes (by position in the feasible list) stay out of min/max and score 0.
      const ignored = s.ignoredIndexes;
      let min = Infinity;
      let max = 0;
      for (let i = 0; i < scores.length; i++) {
        if (ignored.has(i)) continue;
        const x = scores[i]!;
        if (x < min) min = x;
        if (x > max) max = x;
      }
      for (let i = 0; i < scores.length; i++) {
        if (ignored.has(i)) scores[i] = 0;
        else if (max === 0) scores[i] = MAX_NODE_SCORE;
        else scores[i] = Math.trunc((MAX_NODE_SCORE * (max + min - scores[i]!)) / max);
      }
    },
  };
}
