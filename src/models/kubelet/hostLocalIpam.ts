/**
 * Pod addresses of one node, as the host-local IPAM plugin of a CNI allocates them from the node's podCIDR: the next
 * free host address after the last one given (round robin over .2–.254 of a /24; .1 is the bridge gateway), so a
 * released address is not reused at once. A node without a podCIDR gets addresses from 10.244.0.0/24 (GUESS: only
 * the endpoints' identity matters then).
 */
export class HostLocalIpam {
  private readonly prefix: string;
  private readonly used = new Set<number>();
  private last = 1;

  constructor(podCIDR: string | undefined) {
    const m = podCIDR === undefined ? null : /^(\d+\.\d+\.\d+)\.0\/24$/.exec(podCIDR);
    this.prefix = m !== null ? m[1]! : '10.244.0';
  }

  /** The next free address, or undefined when all 253 are in use. */
  allocate(): string | undefined {
    for (let k = 0; k < 253; k++) {
      const host = ((((this.last - 2 + 1 + k) % 253) + 253) % 253) + 2;
      if (this.used.has(host)) continue;
      this.used.add(host);
      this.last = host;
      return `${this.prefix}.${host}`;
    }
    return undefined;
  }

  /**
   * Takes an address a running pod already has (a cluster snapshot's): marked in use when it is in this node's
   * range, so it is not given again; the address is kept either way.
   */
  reserve(ip: string | undefined): string | undefined {
    if (ip === undefined) return undefined;
    if (ip.startsWith(`${this.prefix}.`)) {
      const host = Number(ip.slice(this.prefix.length + 1));
      if (Number.isInteger(host) && host >= 2 && host <= 254) this.used.add(host);
    }
    return ip;
  }

  /** Returns an address. */
  release(ip: string | undefined): void {
    if (ip === undefined || !ip.startsWith(`${this.prefix}.`)) return;
    this.used.delete(Number(ip.slice(this.prefix.length + 1)));
  }
}
