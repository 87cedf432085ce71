/**
 * How each mode's rules pick the endpoint of a new connection, connection by connection. The traffic model uses
 * their expected split (each programmed endpoint gets 1/n of a proxy's new connections); these are the mechanisms
 * behind it, checked statistically in the tests:
 * - iptables (pkg/proxy/iptables/proxier.go `writeServiceToEndpointRules`): KUBE-SVC-x holds one rule per endpoint;
 *   rule i of n (0-based) matches `-m statistic --mode random --probability 1/(n−i)`, printed with `%0.10f`, and the
 *   last rule has no match, so each endpoint is taken with probability 1/n overall;
 * - nftables (pkg/proxy/nftables/proxier.go): `numgen random mod n vmap { 0 : goto …, … }`, uniform over n;
 * - IPVS (the kernel's ip_vs_rr.c): round robin over the real servers in the order they were added, the cursor kept
 *   per virtual server; `wrr` with equal weights is the same; `lc` (ip_vs_lc.c) takes the server with the least
 *   overhead, active connections × 256 + inactive ones, the first in order on a tie; `sh` hashes the client address
 *   onto a server. With alike connections all three spread a proxy's new connections evenly over its real servers,
 *   which is the traffic model's split whatever `kubeProxy.ipvsScheduler` says.
 */
import type { Rng } from '../../engine/rng.js';

/** The `--probability` each KUBE-SVC rule carries (undefined for the last, unconditional one), as written. */
export function iptablesRuleProbabilities(n: number): (number | undefined)[] {
  const out: (number | undefined)[] = [];
  for (let i = 0; i < n; i++) out.push(i < n - 1 ? Number((1 / (n - i)).toFixed(10)) : undefined);
  return out;
}

/** Walks the KUBE-SVC chain of n endpoints for one new connection; returns the endpoint index taken. */
export function pickIptables(rng: Rng, n: number, probabilities = iptablesRuleProbabilities(n)): number {
  for (let i = 0; i < n - 1; i++) if (rng.next() < probabilities[i]!) return i;
  return n - 1;
}

/** nftables' `numgen random mod n`. */
export function pickNftables(rng: Rng, n: number): number {
  return Math.min(n - 1, Math.floor(rng.next() * n));
}

/** An IPVS virtual server's round-robin scheduler over its real servers (in the order they were added). */
export class IpvsRoundRobin {
  private cursor = -1;

  constructor(private n: number) {}

  /** The real server a new connection goes to. */
  pick(): number {
    this.cursor = (this.cursor + 1) % this.n;
    return this.cursor;
  }

  /** The real servers changed: the kernel keeps the cursor's position when it is still in range. */
  resize(n: number): void {
    this.n = n;
    if (this.cursor >= n) this.cursor = -1;
  }
}

/** IPVS `lc`: the real server with the least `activeconns × 256 + inactconns` (ip_vs_dest_conn_overhead), first on a tie. */
export function pickLeastConnections(active: readonly number[], inactive: readonly number[]): number {
  let best = 0;
  let min = Infinity;
  for (let i = 0; i < active.length; i++) {
    const overhead = active[i]! * 256 + (inactive[i] ?? 0);
    if (overhead < min) {
      min = overhead;
      best = i;
    }
  }
  return best;
}

/** IPVS `sh` (source hashing): one client address always reaches the same real server while the set is unchanged. */
export function pickSourceHash(clientAddress: string, n: number): number {
  // FNV-1a over the address text (the kernel hashes the address bits; any fixed spreading hash has the property).
  let h = 0x811c9dc5;
  for (let i = 0; i < clientAddress.length; i++) {
    h ^= clientAddress.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % n;
}
