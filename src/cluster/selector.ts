/**
 * Label and node selectors with upstream semantics:
 * - metav1.LabelSelector → k8s.io/apimachinery/pkg/labels/selector.go (`Requirement.Matches`): In needs the key with a
 *   listed value; NotIn matches when the key is absent or its value is not listed; an empty selector matches
 *   everything, a null one nothing (`LabelSelectorAsSelector`).
 * - v1.NodeSelector → k8s.io/component-helpers/scheduling/corev1/nodeaffinity (`nodeSelectorTerms` are ORed, the
 *   requirements of a term ANDed; a term with no requirements matches nothing; Gt/Lt compare integers).
 * Selectors are compiled once into predicates: they run on the scheduler's hot path.
 */
import type { LabelSelector, Node, NodeSelectorRequirement, NodeSelectorTerm } from './types.js';

/** A compiled label predicate. */
export type LabelMatcher = (labels: Record<string, string> | undefined) => boolean;

const EMPTY: Record<string, string> = {};

/** Compiles a metav1.LabelSelector; `undefined` (null) matches nothing. */
export function compileLabelSelector(sel: LabelSelector | undefined): LabelMatcher {
  if (sel === undefined) return () => false;
  const reqs: NodeSelectorRequirement[] = [];
  for (const [key, value] of Object.entries(sel.matchLabels ?? {})) reqs.push({ key, operator: 'In', values: [value] });
  for (const r of sel.matchExpressions ?? []) reqs.push(r);
  return compileRequirements(reqs);
}

/** Compiles a set of requirements that must all hold (matchLabels of a Service or nodeSelector is such a set). */
export function compileRequirements(reqs: readonly NodeSelectorRequirement[]): LabelMatcher {
  const preds = reqs.map(compileRequirement);
  if (preds.length === 0) return () => true;
  if (preds.length === 1) return preds[0]!;
  return (labels) => {
    for (const p of preds) if (!p(labels)) return false;
    return true;
  };
}

/** Compiles a plain `key: value` map (nodeSelector, Service selector): every pair must match. */
export function compileMatchLabels(m: Record<string, string>): LabelMatcher {
  const entries = Object.entries(m);
  return (labels) => {
    const l = labels ?? EMPTY;
    for (const [k, v] of entries) if (l[k] !== v) return false;
    return true;
  };
}

function compileRequirement(r: NodeSelectorRequirement): LabelMatcher {
  const key = r.key;
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In': {
      if (values.length === 1) {
        const v = values[0];
        return (labels) => labels !== undefined && labels[key] === v;
      }
      const set = new Set(values);
      return (labels) => labels !== undefined && key in labels && set.has(labels[key]!);
    }
    case 'NotIn': {
      const set = new Set(values);
      return (labels) => labels === undefined || !(key in labels) || !set.has(labels[key]!);
    }
    case 'Exists':
      return (labels) => labels !== undefined && key in labels;
    case 'DoesNotExist':
      return (labels) => labels === undefined || !(key in labels);
    case 'Gt':
    case 'Lt': {
      // Upstream parses the single value and the label as int64; unparsable labels do not match.
      const bound = Number.parseInt(values[0] ?? '', 10);
      const gt = r.operator === 'Gt';
      return (labels) => {
        const raw = labels?.[key];
        if (raw === undefined || !/^-?\d+$/.test(raw)) return false;
        const n = Number.parseInt(raw, 10);
        return gt ? n > bound : n < bound;
      };
    }
  }
}

/** A compiled node predicate. */
export type NodeMatcher = (node: Node) => boolean;

/** Compiles v1.NodeSelector terms (ORed). An empty term list matches nothing. */
export function compileNodeSelectorTerms(terms: readonly NodeSelectorTerm[]): NodeMatcher {
  const compiled = terms
    .filter((t) => (t.matchExpressions?.length ?? 0) + (t.matchFields?.length ?? 0) > 0)
    .map(compileNodeSelectorTerm);
  return (node) => {
    for (const t of compiled) if (t(node)) return true;
    return false;
  };
}

/**
 * Compiles one term: label expressions and field expressions (only `metadata.name` exists upstream) ANDed. A term
 * with no requirements matches nothing.
 */
export function compileNodeSelectorTerm(term: NodeSelectorTerm): NodeMatcher {
  if ((term.matchExpressions?.length ?? 0) + (term.matchFields?.length ?? 0) === 0) return () => false;
  const labels = compileRequirements(term.matchExpressions ?? []);
  const fields = compileRequirements(term.matchFields ?? []);
  const hasFields = (term.matchFields?.length ?? 0) > 0;
  if (!hasFields) return (node) => labels(node.metadata.labels);
  return (node) => labels(node.metadata.labels) && fields({ 'metadata.name': node.metadata.name });
}

/** Validation of a requirement's operator/values combination, as apimachinery's validation does. */
export function requirementError(r: NodeSelectorRequirement): string | undefined {
  const n = r.values?.length ?? 0;
  switch (r.operator) {
    case 'In':
    case 'NotIn':
      return n === 0 ? `operator ${r.operator} needs at least one value` : undefined;
    case 'Exists':
    case 'DoesNotExist':
      return n > 0 ? `operator ${r.operator} takes no values` : undefined;
    case 'Gt':
    case 'Lt':
      return n !== 1 || !/^-?\d+$/.test(r.values![0]!) ? `operator ${r.operator} needs exactly one integer value` : undefined;
  }
}
