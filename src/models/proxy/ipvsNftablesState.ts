/**
 * What the IPVS and nftables proxiers create for a set of Service ports (pkg/proxy/ipvs/proxier.go,
 * pkg/proxy/nftables/proxier.go; reference/kube-proxy.md §2 and the state-size table of §4), counted from the
 * structure:
 *
 * IPVS: one virtual server per (IP, port, protocol): the ClusterIP, each external and load-balancer IP, and for a
 * NodePort each node IP; every endpoint is a real server (weight 1) of each of its Service's virtual servers; every
 * Service IP is an address on the dummy interface kube-ipvs0; ipsets hold one KUBE-CLUSTER-IP entry per ClusterIP
 * port, one KUBE-LOOP-BACK entry per local endpoint and one KUBE-NODE-PORT entry per NodePort; the iptables rules
 * matching those sets are a constant handful.
 *
 * nftables: the `service-ips` verdict map has one element per (IP, protocol, port) of a Service with endpoints, and
 * `no-endpoint-services` one per port without; `service-nodeports` one per NodePort (by default on the primary IP
 * only); each Service port has a chain (its numgen vmap rule, plus a masquerade rule) and each endpoint a chain (the
 * hairpin masquerade and the DNAT).
 */
import type { ServicePortState } from './iptablesRules.js';

/** IPVS state of one node. */
export interface IpvsSize {
  virtualServers: number;
  realServers: number;
  dummyAddresses: number;
  ipsetEntries: number;
  iptablesRules: number;
}

/** nftables state of one node. */
export interface NftablesSize {
  mapElements: number;
  chains: number;
  rules: number;
}

/** The handful of iptables rules the IPVS proxier keeps (KUBE-SERVICES set matches, masquerade, NodePort jumps). */
export const IPVS_IPTABLES_RULES = 12;

/** IPVS sizes; `nodeIPs` is how many node addresses NodePorts listen on (1 by default: the primary IP). */
export function ipvsSize(ports: readonly ServicePortState[], nodeIPs = 1): IpvsSize {
  let virtualServers = 0;
  let realServers = 0;
  let dummyAddresses = 0;
  let ipsetEntries = 0;
  for (const p of ports) {
    const ips = 1 + (p.externalIPs ?? 0) + (p.loadBalancerIPs ?? 0);
    const vs = ips + (p.nodePort ? nodeIPs : 0);
    virtualServers += vs;
    realServers += vs * p.endpoints;
    dummyAddresses += ips;
    ipsetEntries += 1 + (p.localEndpoints ?? 0) + (p.nodePort ? 1 : 0);
  }
  return { virtualServers, realServers, dummyAddresses, ipsetEntries, iptablesRules: IPVS_IPTABLES_RULES };
}

/** nftables sizes. */
export function nftablesSize(ports: readonly ServicePortState[]): NftablesSize {
  let mapElements = 0;
  let chains = 0;
  let rules = 0;
  for (const p of ports) {
    const ips = 1 + (p.externalIPs ?? 0) + (p.loadBalancerIPs ?? 0);
    mapElements += ips + (p.nodePort ? 1 : 0);
    if (p.endpoints === 0) continue;
    chains += 1 + p.endpoints;
    rules += 2 + 2 * p.endpoints + (p.clientIPAffinity ? p.endpoints : 0);
  }
  return { mapElements, chains, rules };
}
