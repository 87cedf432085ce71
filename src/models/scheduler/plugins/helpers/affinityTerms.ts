/**
 * Pod affinity terms as the scheduler uses them (pkg/scheduler/framework/types.go `AffinityTerm`, `PodInfo`):
 * - a term applies to `namespaces`, or to the namespaces `namespaceSelector` matches; with neither, to the pod's
 *   own namespace (`getNamespacesFromPodAffinityTerm`). kubesim has no Namespace objects: a namespace's labels are
 *   its automatic `kubernetes.io/metadata.name` label, so `namespaceSelector: {}` means every namespace;
 * - a null `labelSelector` matches no pod, an empty one every pod;
 * - `matchLabelKeys` / `mismatchLabelKeys` add `key in (v)` / `key notin (v)` requirements with the owning pod's
 *   label values, as the API server merges them.
 * Terms are compiled once per pod object.
 */
import type { LabelSelector, Pod, PodAffinityTerm } from '../../../../cluster/types.js';
import { compileLabelSelector, type LabelMatcher } from '../../../../cluster/selector.js';
import { extend } from '../../../../cluster/extend.js';

/** The automatic namespace label. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** A compiled affinity term. */
export interface AffinityTerm {
  topologyKey: string;
  namespaces: ReadonlySet<string>;
  namespaceSelector: LabelMatcher | undefined;
  selector: LabelMatcher;
  /** The merged label selector as text, and the term's identity (selector, namespaces, topology key): equal terms of different pods share them. */
  selectorKey: string;
  key: string;
}

/** A compiled weighted term. */
export interface WeightedAffinityTerm extends AffinityTerm {
  weight: number;
}

/** All affinity terms of a pod. */
export interface PodAffinityTerms {
  requiredAffinity: AffinityTerm[];
  requiredAntiAffinity: AffinityTerm[];
  preferredAffinity: WeightedAffinityTerm[];
  preferredAntiAffinity: WeightedAffinityTerm[];
  /** Whether the pod has any pod affinity or anti-affinity (upstream's PodsWithAffinity membership). */
  any: boolean;
}

const NONE: PodAffinityTerms = Object.freeze({ requiredAffinity: [], requiredAntiAffinity: [], preferredAffinity: [], preferredAntiAffinity: [], any: false });
const cache = new WeakMap<Pod, PodAffinityTerms>();

/** Whether a term matches a pod (`AffinityTerm.Matches`). */
export function termMatches(t: AffinityTerm, pod: Pod): boolean {
  const ns = pod.metadata.namespace ?? 'default';
  if (!t.namespaces.has(ns) && !(t.namespaceSelector !== undefined && t.namespaceSelector({ [NAMESPACE_NAME_LABEL]: ns }))) return false;
  return t.selector(pod.metadata.labels);
}

/** Whether a pod matches every term (`podMatchesAllAffinityTerms`; false for no terms). */
export function matchesAllTerms(terms: readonly AffinityTerm[], pod: Pod): boolean {
  if (terms.length === 0) return false;
  for (const t of terms) if (!termMatches(t, pod)) return false;
  return true;
}

/** The compiled terms of a pod. */
export function affinityTerms(pod: Pod): PodAffinityTerms {
  const a = pod.spec.affinity;
  if (a === undefined || (a.podAffinity === undefined && a.podAntiAffinity === undefined)) return NONE;
  let c = cache.get(pod);
  if (c !== undefined) return c;
  const compile = (t: PodAffinityTerm) => compileTerm(t, pod);
  c = {
    requiredAffinity: (a.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map(compile),
    requiredAntiAffinity: (a.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map(compile),
    preferredAffinity: (a.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w) => extend(compile(w.podAffinityTerm), { weight: w.weight })),
    preferredAntiAffinity: (a.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w) => extend(compile(w.podAffinityTerm), { weight: w.weight })),
    any: false,
  };
  c.any = c.requiredAffinity.length + c.requiredAntiAffinity.length + c.preferredAffinity.length + c.preferredAntiAffinity.length > 0;
  cache.set(pod, c);
  return c;
}

function compileTerm(t: PodAffinityTerm, owner: Pod): AffinityTerm {
  const ns = owner.metadata.namespace ?? 'default';
  const namespaces = new Set(t.namespaces ?? []);
  if (namespaces.size === 0 && t.namespaceSelector === undefined) namespaces.add(ns);
  const merged = mergeLabelKeys(t.labelSelector, owner.metadata.labels, t.matchLabelKeys, t.mismatchLabelKeys);
  const selectorKey = merged === undefined ? 'null' : JSON.stringify(merged);
  const nsKey = `${[...namespaces].sort().join(',')}|${t.namespaceSelector === undefined ? '' : JSON.stringify(t.namespaceSelector)}`;
  return {
    topologyKey: t.topologyKey,
    namespaces,
    namespaceSelector: t.namespaceSelector === undefined ? undefined : compileLabelSelector(t.namespaceSelector),
    selector: compileLabelSelector(merged),
    selectorKey,
    key: `${t.topologyKey}\u0001${selectorKey}\u0001${nsKey}`,
  };
}

/** Adds `matchLabelKeys` (In) and `mismatchLabelKeys` (NotIn) requirements from the owner's labels to a selector. */
export function mergeLabelKeys(sel: LabelSelector | undefined, labels: Record<string, string> | undefined, match?: readonly string[], mismatch?: readonly string[]): LabelSelector | undefined {
  if (sel === undefined || ((match ?? []).length === 0 && (mismatch ?? []).length === 0)) return sel;
  const extra: NonNullable<LabelSelector['matchExpressions']> = [];
  for (const k of match ?? []) if (labels?.[k] !== undefined) extra.push({ key: k, operator: 'In', values: [labels[k]] });
  for (const k of mismatch ?? []) if (labels?.[k] !== undefined) extra.push({ key: k, operator: 'NotIn', values: [labels[k]] });
  return extend(sel, { matchExpressions: [...(sel.matchExpressions ?? []), ...extra] });
}
