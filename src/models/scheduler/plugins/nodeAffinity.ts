/**
 * NodeAffinity (pkg/scheduler/framework/plugins/nodeaffinity/node_affinity.go).
 * Filter: `spec.nodeSelector` and the required node affinity terms must match (else UnschedulableAndUnresolvable,
 * "node(s) didn't match Pod's node affinity/selector"). Score: the sum of the weights of the matching preferred
 * terms, normalised so the best node gets 100.
 */
import type { PodSpec } from '../../../cluster/types.js';
import { type NodeMatcher, compileMatchLabels, compileNodeSelectorTerm, compileNodeSelectorTerms } from '../../../cluster/selector.js';
import type { FilterPlugin, PreFilterPlugin, PreScorePlugin, ScorePlugin } from '../framework/interfaces.js';
import { MAX_NODE_SCORE } from '../framework/interfaces.js';
import { Code, SKIP, status } from '../framework/status.js';
import { defaultNormalizeScore } from './helpers/normalizeScore.js';

export const NODE_AFFINITY = 'NodeAffinity';
/** ErrReasonPod. */
export const ERR_REASON_NODE_AFFINITY = "node(s) didn't match Pod's node affinity/selector";

interface Compiled {
  required: NodeMatcher | undefined;
  preferred: { weight: number; match: NodeMatcher }[];
}

const compiled = new WeakMap<PodSpec, Compiled>();

function compile(spec: PodSpec): Compiled {
  let c = compiled.get(spec);
  if (c !== undefined) return c;
  const parts: NodeMatcher[] = [];
  if (spec.nodeSelector !== undefined && Object.keys(spec.nodeSelector).length > 0) {
    const m = compileMatchLabels(spec.nodeSelector);
    parts.push((n) => m(n.metadata.labels));
  }
  const req = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (req !== undefined) parts.push(compileNodeSelectorTerms(req.nodeSelectorTerms));
  const required: NodeMatcher | undefined = parts.length === 0 ? undefined : parts.length === 1 ? parts[0] : (n) => parts.every((p) => p(n));
  const preferred = (spec.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [])
    .filter((t) => t.weight !== 0)
    .map((t) => ({ weight: t.weight, match: compileNodeSelectorTerm(t.preference) }));
  c = { required, preferred };
  compiled.set(spec, c);
  return c;
}

/** The pod's required node affinity and nodeSelector as one predicate (undefined: every node matches). */
export function requiredNodeAffinity(spec: PodSpec): NodeMatcher | undefined {
  return compile(spec).required;
}

/** Creates the plugin. */
export function nodeAffinity(): PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin {
  const rejected = status(Code.UnschedulableAndUnresolvable, ERR_REASON_NODE_AFFINITY);
  return {
    name: NODE_AFFINITY,
    events: ['NodeAdd', 'NodeUpdate'],
    // PreFilter/PreScore return Skip when the pod has no required (resp. preferred) node affinity: "NodeAffinity
    // Filter has nothing to do with the Pod".
    preFilter(_state, pod) {
      return compile(pod.pod.spec).required === undefined ? SKIP : null;
    },
    preScore(_state, pod) {
      return compile(pod.pod.spec).preferred.length === 0 ? SKIP : null;
    },
    filter(_state, pod, node) {
      const r = compile(pod.pod.spec).required;
      return r === undefined || r(node.node) ? null : rejected;
    },
    score(_state, pod, node) {
      let total = 0;
      for (const t of compile(pod.pod.spec).preferred) if (t.match(node.node)) total += t.weight;
      return total;
    },
    normalizeScore(_state, _pod, scores) {
      defaultNormalizeScore(MAX_NODE_SCORE, false, scores);
    },
  };
}
