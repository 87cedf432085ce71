/**
 * What kube-proxy's iptables proxier writes for a set of Services and endpoints (pkg/proxy/iptables/proxier.go
 * `syncProxyRules`, v1.29+ layout), counted from the structure rather than fitted:
 *
 * - nat, fixed: chains KUBE-SERVICES, KUBE-NODEPORTS, KUBE-POSTROUTING, KUBE-MARK-MASQ; rules: KUBE-POSTROUTING's
 *   three (return unless marked, clear the mark, masquerade), KUBE-MARK-MASQ's mark rule, and KUBE-SERVICES' final
 *   jump to KUBE-NODEPORTS.
 * - per Service port with endpoints: a KUBE-SERVICES rule for the ClusterIP and for each external and load-balancer
 *   IP; chain KUBE-SVC-x with a masquerade rule and one jump per endpoint (with ClientIP affinity also one
 *   `recent --rcheck` rule per endpoint); per endpoint a chain KUBE-SEP-y with the hairpin mark rule and the DNAT.
 *   A NodePort (or load-balancer) port adds a KUBE-NODEPORTS rule and a chain KUBE-EXT-x (mark + jump, Cluster
 *   policy); with externalTrafficPolicy Local, KUBE-EXT-x has 3 rules and a chain KUBE-SVL-x jumps to the local
 *   endpoints only (one rule each, or a drop comment-less rule when there are none).
 * - filter, fixed: chains KUBE-SERVICES, KUBE-EXTERNAL-SERVICES, KUBE-FORWARD, KUBE-NODEPORTS, KUBE-PROXY-FIREWALL;
 *   KUBE-FORWARD's three rules (drop invalid, accept marked, accept related/established).
 * - a Service port without endpoints gets no nat rules but a filter REJECT rule per IP (KUBE-SERVICES) and one per
 *   NodePort (KUBE-EXTERNAL-SERVICES); every new connection scans those linearly.
 * So nat rules ≈ 5 + Σ(2 + 3·E_s) and nat chains ≈ 4 + S + E (the reference's 117-Service, 215-endpoint cluster:
 * 884 rules and 336 chains against the 897 and 338 reported).
 */

/** One Service port as the proxier sees it. */
export interface ServicePortState {
  /** Ready endpoints of the port across the cluster. */
  endpoints: number;
  /** Ready endpoints on the node (for Local policies). */
  localEndpoints?: number;
  nodePort?: boolean;
  externalIPs?: number;
  loadBalancerIPs?: number;
  externalTrafficPolicyLocal?: boolean;
  clientIPAffinity?: boolean;
}

/** Table sizes. */
export interface IptablesSize {
  natRules: number;
  natChains: number;
  filterRules: number;
  filterChains: number;
  /** Rules in nat KUBE-SERVICES (scanned linearly by every new connection to a Service IP). */
  kubeServicesRules: number;
  /** Filter rules for Services without endpoints (scanned by every new connection). */
  rejectRules: number;
  /** `iptables-restore` input lines (rules + chain declarations + table headers and COMMITs). */
  restoreLines: number;
}

export const NAT_FIXED_CHAINS = 4;
export const NAT_FIXED_RULES = 5;
export const FILTER_FIXED_CHAINS = 5;
export const FILTER_FIXED_RULES = 3;

/** Rules and chains of one Service port's own chains (what a partial sync rewrites for a changed Service). */
export function servicePortChains(p: ServicePortState): { rules: number; chains: number } {
  if (p.endpoints === 0) return { rules: 0, chains: 0 };
  const e = p.endpoints;
  let rules = 1 + e + (p.clientIPAffinity ? e : 0) + 2 * e; // KUBE-SVC (masq + jumps [+ recent]) + KUBE-SEP × 2
  let chains = 1 + e;
  if (p.nodePort || (p.loadBalancerIPs ?? 0) > 0) {
    if (p.externalTrafficPolicyLocal) {
      const local = p.localEndpoints ?? 0;
      rules += 3 + Math.max(1, local);
      chains += 2;
    } else {
      rules += 2;
      chains += 1;
    }
  }
  return { rules, chains };
}

/** Table sizes for the Service ports. */
export function iptablesSize(ports: readonly ServicePortState[]): IptablesSize {
  let natRules = NAT_FIXED_RULES;
  let natChains = NAT_FIXED_CHAINS;
  let filterRules = FILTER_FIXED_RULES;
  let kubeServicesRules = 1;
  let rejectRules = 0;
  for (const p of ports) {
    const ips = 1 + (p.externalIPs ?? 0) + (p.loadBalancerIPs ?? 0);
    if (p.endpoints === 0) {
      rejectRules += ips + (p.nodePort ? 1 : 0);
      continue;
    }
    const own = servicePortChains(p);
    natRules += ips + (p.nodePort ? 1 : 0) + own.rules;
    natChains += own.chains;
    kubeServicesRules += ips;
  }
  filterRules += rejectRules;
  const filterChains = FILTER_FIXED_CHAINS;
  return { natRules, natChains, filterRules, filterChains, kubeServicesRules, rejectRules, restoreLines: natRules + natChains + filterRules + filterChains + 4 };
}

/** The probability string of endpoint i's statistic rule (`--probability 1/(n−i)`, printed with %0.10f). */
export function statisticProbability(i: number, n: number): string | undefined {
  return i < n - 1 ? (1 / (n - i)).toFixed(10) : undefined;
}
