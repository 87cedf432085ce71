/**
 * NodeName (pkg/scheduler/framework/plugins/nodename/node_name.go): `spec.nodeName`, if set, must be this node.
 * Upstream's plugin has no PreFilter: for a pod without spec.nodeName its Filter runs on every node and returns
 * Success (explain and scheduling.csv show Success, not Skip).
 */
import type { FilterPlugin } from '../framework/interfaces.js';
import { Code, status } from '../framework/status.js';

export const NODE_NAME = 'NodeName';
/** ErrReason. */
export const ERR_REASON_NODE_NAME = "node(s) didn't match the requested node name";

/** Creates the plugin. */
export function nodeName(): FilterPlugin {
  const rejected = status(Code.UnschedulableAndUnresolvable, ERR_REASON_NODE_NAME);
  return {
    name: NODE_NAME,
    events: ['NodeAdd'],
    filter(_state, pod, node) {
      const want = pod.pod.spec.nodeName;
      return want === undefined || want === '' || want === node.name ? null : rejected;
    },
  };
}
