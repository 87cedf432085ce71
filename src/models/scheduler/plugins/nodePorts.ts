/**
 * NodePorts (pkg/scheduler/framework/plugins/nodeports/node_ports.go): a pod asking for host ports does not fit a
 * node where another pod already uses one of them with the same protocol (Unschedulable, "node(s) didn't have free
 * ports for the requested pod ports"). PreFilter returns Skip for pods without host ports. kubesim does not model
 * `hostIP`, so every port binds 0.0.0.0 and conflicts by protocol and port alone, as upstream's wildcard rule does.
 */
import type { FilterPlugin, PreFilterPlugin } from '../framework/interfaces.js';
import { Code, SKIP, status } from '../framework/status.js';

export const NODE_PORTS = 'NodePorts';
/** ErrReason. */
export const ERR_REASON_NODE_PORTS = "node(s) didn't have free ports for the requested pod ports";

/** Creates the plugin. */
export function nodePorts(): PreFilterPlugin & FilterPlugin {
  const rejected = Object.freeze(status(Code.Unschedulable, ERR_REASON_NODE_PORTS));
  return {
    name: NODE_PORTS,
    events: ['NodeAdd', 'AssignedPodDelete'],
    preFilter(_state, pod) {
      return pod.hostPorts.length === 0 ? SKIP : null;
    },
    filter(_state, pod, node) {
      if (node.usedPorts.size === 0) return null;
      for (const p of pod.hostPorts) if (node.usedPorts.has(p)) return rejected;
      return null;
    },
  };
}
