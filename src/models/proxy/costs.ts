/**
 * kube-proxy's cost model: what a new connection and a sync cost in each mode, from the work the mechanics do
 * (reference/kube-proxy.md §4). Every constant is in `PROXY_COSTS`, with the published figure it was fitted to; the
 * scenario can override them (`kubeProxy.costs`). Other sizes and modes are predictions of the same structure.
 *
 * New connection (the mode-dependent part; established packets only pay conntrack, the same in every mode):
 *   iptables:  ruleUs × (k + rejects + (E_s + 1) / 2 + 3), k the Service's position in KUBE-SERVICES (uniform,
 *              re-drawn every sync: expected (S_eff + 1) / 2)
 *   IPVS:      ipvsLookupUs (hash lookup and scheduler, rr O(1))
 *   nftables:  nftLookupUs (verdict-map dispatch and numgen) + 2 rules
 * plus, for every request, requestUs (conntrack and NAT of the established flow), the same in all modes.
 * Sync:
 *   iptables:  fixed (+ fullSyncExtraUs on a full sync: the ~20 exec calls that re-ensure the jump rules)
 *              + perEndpointUs × all endpoints (the proxier walks them to build the rules)
 *              + perLineUs × lines written (iptables-restore)
 *   IPVS:      fixed + perVirtualServerUs × virtual servers (every sync walks them all) + perChangeUs × changes
 *   nftables:  partial: nftPartialUs + perChangeUs × changes
 */

/** The constants of the cost model (µs). */
export interface ProxyCosts {
  /** One non-matching iptables rule on the connection's path. */
  ruleUs: number;
  /** Conntrack/NAT work per request of an established connection (mode-independent). */
  requestUs: number;
  /** IPVS per new connection: virtual-server hash lookup and rr scheduling. */
  ipvsLookupUs: number;
  /** nftables per new connection: the service-ips verdict map and numgen. */
  nftLookupUs: number;
  /** iptables sync: fixed part of a partial sync. */
  iptablesSyncFixedUs: number;
  /** iptables full sync: the extra of re-ensuring the jump rules. */
  fullSyncExtraUs: number;
  /** iptables sync: building, per endpoint in the cluster. */
  perEndpointUs: number;
  /** iptables-restore, per line written. */
  perLineUs: number;
  /** IPVS sync: fixed part. */
  ipvsSyncFixedUs: number;
  /** IPVS sync: per virtual server walked (netlink Get + GetRealServers). */
  perVirtualServerUs: number;
  /** IPVS/nftables sync: per object changed. */
  perChangeUs: number;
  /** nftables partial sync: fixed part. */
  nftPartialUs: number;
}

/**
 * Fitted constants:
 * - ruleUs 0.066 and requestUs 16.7 and ipvsLookupUs 63: Tigera (fig. 2) at 10,000 Services × 10 endpoints, 1,000
 *   req/s: iptables 35 % of a core without keepalive (1,000 new connections/s) and ≈2 % with keepalive (100 requests
 *   per connection: 10 connections/s); IPVS ≈8 %. Two equations give 333 µs per iptables connection and 16.7 µs per
 *   request; 333 µs over the ≈5,009 rules a connection crosses is 66 ns per rule, which matches the ≈190 cycles per
 *   tcp-match rule of fig. 5 at ≈3 GHz. IPVS: 0.08 = 1,000 × (x + 16.7 µs) gives x ≈ 63 µs.
 * - nftLookupUs 1: GUESS (an O(1) map lookup; no published per-connection figure).
 * - perEndpointUs 9.3 and perLineUs 22: fig. 10 (a partial sync at 3,595 Services and 138,792 endpoints: 1.29 s
 *   building → 9.3 µs per endpoint; 1.52 s restoring 50,885 lines → 30 µs per line) and fig. 11 (695,992 lines
 *   restored in 12.77 s → 18.3 µs per line): 22 µs is between the two.
 * - fullSyncExtraUs 140,000 and iptablesSyncFixedUs 10,000: fig. 9 (a full sync at 117 Services, 215 endpoints,
 *   ≈1,250 lines took 175.7 ms when every sync made ~24 iptables exec calls): 175.7 − 2 − 27.5 ≈ 146 ms of fixed
 *   cost, most of it the exec calls a partial sync no longer makes (GUESS: 10 ms left for a partial sync).
 * - perVirtualServerUs 243: fig. 13 (#84906: 0.73 s per sync at 1,500 Services with an external IP each, i.e.
 *   ≈3,000 virtual servers, after the fix). ipvsSyncFixedUs 10,000 and perChangeUs 50: GUESS.
 * - nftPartialUs 141,000: fig. 15 (adding one Service when 10,000 exist: ≈141 ms after PR #126013).
 */
export const PROXY_COSTS: ProxyCosts = {
  ruleUs: 0.066,
  requestUs: 16.7,
  ipvsLookupUs: 63,
  nftLookupUs: 1,
  iptablesSyncFixedUs: 10_000,
  fullSyncExtraUs: 140_000,
  perEndpointUs: 9.3,
  perLineUs: 22,
  ipvsSyncFixedUs: 10_000,
  perVirtualServerUs: 243,
  perChangeUs: 50,
  nftPartialUs: 141_000,
};

/** Mean mode-dependent cost of a new connection to a Service with `endpoints` endpoints (µs). */
export function newConnectionUs(mode: 'iptables' | 'ipvs' | 'nftables', c: ProxyCosts, s: { kubeServicesRules: number; rejectRules: number; endpoints: number }): number {
  if (mode === 'iptables') return c.ruleUs * ((s.kubeServicesRules + 1) / 2 + s.rejectRules + (s.endpoints + 1) / 2 + 3);
  if (mode === 'ipvs') return c.ipvsLookupUs;
  return c.nftLookupUs + 2 * c.ruleUs;
}

/** CPU of one node in cores: new connections/s × their cost plus requests/s × the per-request cost. */
export function proxyCpuCores(connectionsPerSecond: number, requestsPerSecond: number, connectionUs: number, c: ProxyCosts): number {
  return (connectionsPerSecond * connectionUs + requestsPerSecond * c.requestUs) / 1e6;
}

/** Duration of an iptables sync (µs). */
export function iptablesSyncUs(c: ProxyCosts, full: boolean, totalEndpoints: number, linesWritten: number): number {
  return c.iptablesSyncFixedUs + (full ? c.fullSyncExtraUs : 0) + c.perEndpointUs * totalEndpoints + c.perLineUs * linesWritten;
}

/** Duration of an IPVS sync (µs): it always walks every virtual server. */
export function ipvsSyncUs(c: ProxyCosts, virtualServers: number, changes: number): number {
  return c.ipvsSyncFixedUs + c.perVirtualServerUs * virtualServers + c.perChangeUs * changes;
}

/** Duration of an nftables partial sync (µs). */
export function nftablesPartialSyncUs(c: ProxyCosts, changes: number): number {
  return c.nftPartialUs + c.perChangeUs * changes;
}
