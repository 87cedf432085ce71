/**
 * Node heartbeats: each kubelet renews its Lease in kube-node-lease every 10 s (nodeLeaseDurationSeconds 40 ×
 * renew fraction 0.25, pkg/kubelet/kubelet.go `nodeLeaseRenewIntervalFraction`), and the node lifecycle controller
 * reads the renew time to judge the node's health.
 *
 * kubesim does not send the renewals as API writes (5,000 nodes would make 500 writes/s that change nothing else):
 * this table gives the renew time each kubelet would have written, from when it started renewing and, once it
 * stopped, its last renewal before that.
 */
import type { Micros } from '../../engine/time.js';

/** The kubelet's Lease renew interval. */
export const LEASE_RENEW_INTERVAL_US = 10_000_000;

interface Heartbeat {
  /** First renewal of the current run. */
  since: Micros;
  /** When renewals stopped (the kubelet is down). */
  stoppedAt: Micros | undefined;
}

/** The renew times of every node's Lease. */
export class NodeLeases {
  private readonly beats = new Map<string, Heartbeat>();
  private readonly listeners: ((node: string, alive: boolean) => void)[] = [];

  constructor(readonly intervalUs: Micros = LEASE_RENEW_INTERVAL_US) {}

  /** Calls `fn` whenever a node's kubelet starts or stops renewing. */
  onChange(fn: (node: string, alive: boolean) => void): void {
    this.listeners.push(fn);
  }

  /** The kubelet renews now and then every interval. */
  start(node: string, now: Micros): void {
    this.beats.set(node, { since: now, stoppedAt: undefined });
    for (const l of this.listeners) l(node, true);
  }

  /** The kubelet stopped renewing at `now`. */
  stop(node: string, now: Micros): void {
    const b = this.beats.get(node);
    if (b === undefined || b.stoppedAt !== undefined) return;
    b.stoppedAt = now;
    for (const l of this.listeners) l(node, false);
  }

  /** Whether the node's kubelet is renewing. */
  alive(node: string): boolean {
    const b = this.beats.get(node);
    return b !== undefined && b.stoppedAt === undefined;
  }

  /** The Lease's renewTime as of `now` (undefined for a node that never renewed). */
  renewTime(node: string, now: Micros): Micros | undefined {
    const b = this.beats.get(node);
    if (b === undefined) return undefined;
    const until = b.stoppedAt ?? now;
    return b.since + Math.floor((until - b.since) / this.intervalUs) * this.intervalUs;
  }
}
