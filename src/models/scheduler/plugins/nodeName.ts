/**
 * NodeName (pkg/scheduler/framework/plugins/nodename/node_name.go): `spec.nodeName`, if set, must be this node.
 * kubesim adds a PreFilter returning Skip for pods without spec.nodeName (the Filter would pass every node), so the
 * cycle does not call it per node.
 */
import type { FilterPlugin, PreFilterPlugin } from '../framework/interfaces.js';
import { Code, SKIP, status } from '../framework/status.js';

export const NODE_NAME = 'NodeName';
/** ErrReason. */
export const ERR_REASON_NODE_NAME = "node(s) didn't match the requested node name";

/** Creates the plugin. */
export function nodeName(): PreFilterPlugin & FilterPlugin {
  const rejected = status(Code.UnschedulableAndUnresolvable, ERR_REASON_NODE_NAME);
  return {
    name: NODE_NAME,
    events: ['NodeAdd'],
    preFilter(_state, pod) {
      const want = pod.pod.spec.nodeName;
      return want === undefined || want === '' ? SKIP : null;
    },
    filter(_state, pod, node) {
      const want = pod.pod.spec.nodeName;
      return want === undefined || want === '' || want === node.name ? null : rejected;
    },
  };
}
