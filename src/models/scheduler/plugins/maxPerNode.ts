/**
 * MaxPerNode (not upstream's): a cap on the pods of one application per node, as cluster schedulers of some traces
 * enforce it (the DLRM trace's `max_instance_per_node`). A pod with the annotation `kubesim.dev/max-per-node: "k"`
 * does not fit a node already holding k pods with its `kubesim.dev/app` label value. Kubernetes has no such field:
 * required pod anti-affinity is the k = 1 case, and topology spreading bounds skew, not a count. Pods without the
 * annotation always pass.
 */
import type { FilterPlugin, PreFilterPlugin } from '../framework/interfaces.js';
import { Code, SKIP, status } from '../framework/status.js';

export const MAX_PER_NODE = 'MaxPerNode';
export const MAX_PER_NODE_ANNOTATION = 'kubesim.dev/max-per-node';
export const APP_LABEL = 'kubesim.dev/app';
export const ERR_REASON_MAX_PER_NODE = 'node(s) already held the most pods of the application allowed per node';

/** Creates the plugin. */
export function maxPerNode(): PreFilterPlugin & FilterPlugin {
  const full = Object.freeze(status(Code.Unschedulable, ERR_REASON_MAX_PER_NODE));
  return {
    name: MAX_PER_NODE,
    events: ['AssignedPodDelete', 'NodeAdd'],
    // Pods without a cap skip the Filter for the cycle (no per-node call).
    preFilter(_state, pod) {
      return pod.pod.metadata.annotations?.[MAX_PER_NODE_ANNOTATION] === undefined ? SKIP : null;
    },
    filter(_state, pod, node) {
      const cap = pod.pod.metadata.annotations?.[MAX_PER_NODE_ANNOTATION];
      if (cap === undefined) return null;
      const app = pod.pod.metadata.labels?.[APP_LABEL];
      const max = Number(cap);
      let n = 0;
      for (const p of node.pods.values()) if (p.pod.metadata.labels?.[APP_LABEL] === app && ++n >= max) return full;
      return null;
    },
  };
}
