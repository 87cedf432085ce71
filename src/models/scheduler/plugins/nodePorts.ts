/**
 * NodePorts (pkg/scheduler/framework/plugins/nodeports/node_ports.go): a pod asking for host ports does not fit a
 * node where another pod already uses one of them (Unschedulable, "node(s) didn't have free ports for the requested
 * pod ports"). PreFilter returns Skip for pods without host ports. Conflicts follow HostPortInfo.CheckConflict
 * (pkg/scheduler/framework/types.go): a port bound on 0.0.0.0 (or no hostIP) conflicts with the same protocol and
 * port on any IP; one bound on a specific IP conflicts with that IP and with 0.0.0.0 (127.0.0.1:9100 and
 * 10.0.0.1:9100 coexist). The ports are the app containers' and the sidecars' (podInfo.ts, GetHostPorts since
 * v1.34); a scenario following an older minor counts the app containers' alone, on both sides.
 */
import type { FilterPlugin, PreFilterPlugin } from '../framework/interfaces.js';
import { Code, SKIP, status } from '../framework/status.js';
import { BIND_ALL_HOST_IP, hostPortAnyIp } from '../podInfo.js';
import type { NodeInfo } from '../nodeInfo.js';
import type { PodInfo } from '../podInfo.js';
import { KUBERNETES_MINOR, SINCE } from '../../../cluster/kubernetesVersion.js';

export const NODE_PORTS = 'NodePorts';
/** ErrReason. */
export const ERR_REASON_NODE_PORTS = "node(s) didn't have free ports for the requested pod ports";

/** Creates the plugin. */
export function nodePorts(kubernetesMinor = KUBERNETES_MINOR): PreFilterPlugin & FilterPlugin {
  const rejected = Object.freeze(status(Code.Unschedulable, ERR_REASON_NODE_PORTS));
  const sidecars = kubernetesMinor >= SINCE.sidecarHostPorts;
  return {
    name: NODE_PORTS,
    events: ['NodeAdd', 'AssignedPodDelete'],
    preFilter(_state, pod) {
      return (sidecars ? pod.hostPorts : pod.appHostPorts).length === 0 ? SKIP : null;
    },
    filter(_state, pod, node) {
      if (node.usedPorts.size === 0) return null;
      if (!sidecars) return appPortsConflict(pod, node) ? rejected : null;
      for (const p of pod.hostPorts) if (conflicts(node, p)) return rejected;
      return null;
    },
  };
}

/** Before v1.34: the app containers' ports of the pod against those of the node's pods. */
function appPortsConflict(pod: PodInfo, node: NodeInfo): boolean {
  const used = new Set<string>();
  const anyIp = new Set<string>();
  for (const p of node.pods.values()) {
    for (const k of p.appHostPorts) {
      used.add(k);
      anyIp.add(hostPortAnyIp(k));
    }
  }
  for (const k of pod.appHostPorts) {
    const any = hostPortAnyIp(k);
    const ip = k.slice(any.length + 1);
    if (ip === BIND_ALL_HOST_IP ? anyIp.has(any) : used.has(k) || used.has(`${any}/${BIND_ALL_HOST_IP}`)) return true;
  }
  return false;
}

/** HostPortInfo.CheckConflict for one `protocol/port/ip` entry. */
function conflicts(node: NodeInfo, key: string): boolean {
  const any = hostPortAnyIp(key);
  const ip = key.slice(any.length + 1);
  if (ip === BIND_ALL_HOST_IP) return node.usedPortsAnyIp.has(any);
  return node.usedPorts.has(key) || node.usedPorts.has(`${any}/${BIND_ALL_HOST_IP}`);
}
