/**
 * NodeAffinity (pkg/scheduler/framework/plugins/nodeaffinity/node_affinity.go).
 * Filter: `spec.nodeSelector` and the required node affinity terms must match (else UnschedulableAndUnresolvable,
 * "node(s) didn't match Pod's node affinity/selector"). Score: the sum of the weights of the matching preferred
 * terms, normalised so the best node gets 100. PreFilter narrows the cycle to the nodes named by `metadata.name`
 * matchFields (PreFilterResult), which is how DaemonSet pods reach their one node without filtering the cluster.
 * Args (NodeAffinityArgs): `addedAffinity` applies to every pod of the profile: its required terms are checked before
 * the pod's own ("node(s) didn't match scheduler-enforced node affinity"), and its preferred terms' weights are added
 * to the pod's in Score.
 */
import type { NodeSelectorTerm, PodSpec } from '../../../cluster/types.js';
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
  /** Node names from `metadata.name In` matchFields (PreFilterResult), null when the terms conflict. */
  nodeNames: ReadonlySet<string> | null | undefined;
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
  c = { required, preferred, nodeNames: nodeNamesOf(req?.nodeSelectorTerms ?? []) };
  compiled.set(spec, c);
  return c;
}

/**
 * The node names the required terms allow by `metadata.name In` matchFields (node_affinity.go PreFilter): per term
 * the intersection of its name requirements, over terms the union; undefined when a term has none (terms are ORed,
 * so every node stays possible); null when the terms conflict (an empty result).
 */
function nodeNamesOf(terms: readonly NodeSelectorTerm[]): ReadonlySet<string> | null | undefined {
  if (terms.length === 0) return undefined;
  let names: Set<string> | undefined;
  for (const t of terms) {
    let termNames: Set<string> | undefined;
    for (const r of t.matchFields ?? []) {
      if (r.key !== 'metadata.name' || r.operator !== 'In') continue;
      const set = new Set(r.values ?? []);
      termNames = termNames === undefined ? set : new Set([...termNames].filter((n) => set.has(n)));
    }
    if (termNames === undefined) return undefined;
    names = names === undefined ? termNames : new Set([...names, ...termNames]);
  }
  return names !== undefined && names.size === 0 ? null : names;
}

/** errReasonEnforced. */
export const ERR_REASON_ENFORCED = "node(s) didn't match scheduler-enforced node affinity";

/** config.NodeAffinityArgs. */
interface NodeAffinityArgs {
  addedAffinity?: {
    requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms: NodeSelectorTerm[] };
    preferredDuringSchedulingIgnoredDuringExecution?: { weight: number; preference: NodeSelectorTerm }[];
  };
}

/** The args' problems (apis/config/validation ValidateNodeAffinityArgs, for what kubesim reads). */
function argsProblems(args: NodeAffinityArgs): string[] {
  const a = args.addedAffinity;
  if (a === undefined) return [];
  const out: string[] = [];
  const req = a.requiredDuringSchedulingIgnoredDuringExecution;
  if (req !== undefined && (!Array.isArray(req.nodeSelectorTerms) || req.nodeSelectorTerms.length === 0)) out.push('addedAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: must have at least one node selector term');
  (a.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((t, i) => {
    if (!Number.isInteger(t.weight) || t.weight < 1 || t.weight > 100) out.push(`addedAffinity.preferredDuringSchedulingIgnoredDuringExecution[${i}].weight: must be in the range 1-100`);
  });
  return out;
}

/** errReasonConflict. */
export const ERR_REASON_CONFLICT = 'pod affinity terms conflict';

/** The pod's required node affinity and nodeSelector as one predicate (undefined: every node matches). */
export function requiredNodeAffinity(spec: PodSpec): NodeMatcher | undefined {
  return compile(spec).required;
}

/** Creates the plugin (args: NodeAffinityArgs). */
export function nodeAffinity(rawArgs?: Record<string, unknown>): PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin {
  const args = (rawArgs ?? {}) as NodeAffinityArgs;
  const problems = argsProblems(args);
  if (problems.length > 0) throw new Error(`NodeAffinity args: ${problems.join('; ')}`);
  const rejected = status(Code.UnschedulableAndUnresolvable, ERR_REASON_NODE_AFFINITY);
  const enforcedRejected = status(Code.UnschedulableAndUnresolvable, ERR_REASON_ENFORCED);
  const conflict = status(Code.UnschedulableAndUnresolvable, ERR_REASON_CONFLICT);
  const addedReq = args.addedAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  const added: NodeMatcher | undefined = addedReq === undefined ? undefined : compileNodeSelectorTerms(addedReq.nodeSelectorTerms);
  const addedPreferred = (args.addedAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).filter((t) => t.weight !== 0).map((t) => ({ weight: t.weight, match: compileNodeSelectorTerm(t.preference) }));
  return {
    name: NODE_AFFINITY,
    events: ['NodeAdd', 'NodeUpdate'],
    // PreFilter/PreScore return Skip when the pod has no required (resp. preferred) node affinity: "NodeAffinity
    // Filter has nothing to do with the Pod".
    preFilter(_state, pod) {
      const c = compile(pod.pod.spec);
      if (c.required === undefined && added === undefined) return SKIP;
      return c.nodeNames === null ? conflict : null;
    },
    preFilterResult(_state, pod) {
      return compile(pod.pod.spec).nodeNames ?? undefined;
    },
    preScore(_state, pod) {
      return compile(pod.pod.spec).preferred.length === 0 && addedPreferred.length === 0 ? SKIP : null;
    },
    filter(_state, pod, node) {
      if (added !== undefined && !added(node.node)) return enforcedRejected;
      const r = compile(pod.pod.spec).required;
      return r === undefined || r(node.node) ? null : rejected;
    },
    score(_state, pod, node) {
      let total = 0;
      for (const t of addedPreferred) if (t.match(node.node)) total += t.weight;
      for (const t of compile(pod.pod.spec).preferred) if (t.match(node.node)) total += t.weight;
      return total;
    },
    normalizeScore(_state, _pod, scores) {
      defaultNormalizeScore(MAX_NODE_SCORE, false, scores);
    },
  };
}
