/**
 * The kube-proxies of one node group (a node pool): `proxiesPerPool` simulated proxies, each standing for its share of
 * the group's nodes, since identical nodes program identical rules. Each has its own BoundedFrequencyRunner
 * (minSyncPeriod, burst 2, hourly periodic run) and its own sync timeline, so the lag between the API and a node's
 * rules is visible per proxy; a proxy's sync durations vary by a factor drawn per sync (lognormal, sigma 0.1: GUESS for
 * node-to-node differences in load).
 *
 * A sync programs the whole desired state (serviceTable.ts) and takes, by mode (costs.ts):
 * - iptables: partial when possible (only the changed Services' chains, KUBE-SERVICES and the filter table are
 *   written); full at start-up and at the hourly periodic run, except in large-cluster mode (more than 1,000
 *   endpoints), where periodic full syncs are skipped (reference §2);
 * - IPVS: every sync walks every virtual server (no partial sync);
 * - nftables: partial syncs cost the changes; full syncs at start-up and hourly (GUESS: linear in the elements
 *   written; the super-linear growth reported at 5k–44k Services is not modelled yet).
 * Network programming latency (network_programming_duration_seconds): from when a change reached the proxy to the end
 * of the sync that wrote it (the watch delivery is taken as the change time).
 */
import type { Engine } from '../../engine/engine.js';
import type { Rng } from '../../engine/rng.js';
import type { Micros } from '../../engine/time.js';
import { BoundedFrequencyRunner, MAX_SYNC_INTERVAL_US } from './boundedFrequencyRunner.js';
import { iptablesSyncUs, ipvsSyncUs, nftablesPartialSyncUs, type ProxyCosts } from './costs.js';
import type { ServiceTable } from './serviceTable.js';

export type ProxyMode = 'iptables' | 'ipvs' | 'nftables';

/** `largeClusterEndpointsThreshold`. */
export const LARGE_CLUSTER_ENDPOINTS = 1000;

/** One sync, as proxy.csv records it. */
export interface SyncRecord {
  timeUs: Micros;
  group: string;
  proxy: number;
  nodes: number;
  mode: ProxyMode;
  full: boolean;
  servicePorts: number;
  endpoints: number;
  written: number;
  durationUs: Micros;
  changed: number;
  maxLatencyUs: Micros | undefined;
}

interface Proxy {
  index: number;
  /** What the node's rules send each Service's new connections to: the endpoints as of its last sync. */
  programmed: Map<string, readonly string[]>;
  runner: BoundedFrequencyRunner;
  changed: Map<string, Micros>;
  lastFullUs: Micros;
  rng: Rng;
}

/** The kube-proxies of one node group. */
export class ProxyGroup {
  private readonly proxies: Proxy[] = [];
  /** Every change's programming latency (µs), over all proxies. */
  readonly latenciesUs: number[] = [];
  /** Every sync's duration (µs). */
  readonly durationsUs: number[] = [];
  onSync: (r: SyncRecord) => void = () => {};
  /** Called with a Service key when a proxy's programmed endpoints of it change. */
  readonly onProgrammed: ((serviceKey: string) => void)[] = [];

  constructor(
    private readonly engine: Engine,
    private readonly table: ServiceTable,
    readonly group: string,
    private readonly nodes: () => number,
    private readonly mode: ProxyMode,
    private readonly costs: ProxyCosts,
    minSyncPeriodUs: Micros,
    count: number,
    rngFor: (i: number) => Rng,
  ) {
    for (let i = 0; i < count; i++) {
      const p: Proxy = { index: i, programmed: new Map(), runner: undefined as never, changed: new Map(), lastFullUs: -Infinity, rng: rngFor(i) };
      p.runner = new BoundedFrequencyRunner(engine, (done) => this.sync(p, done), minSyncPeriodUs);
      this.proxies.push(p);
    }
  }

  /** The simulated proxies' programmed endpoints of a Service (one list per proxy). */
  programmedFor(serviceKey: string): (readonly string[] | undefined)[] {
    return this.proxies.map((p) => p.programmed.get(serviceKey));
  }

  /** Number of simulated proxies. */
  get size(): number {
    return this.proxies.length;
  }

  /** Nodes of the group now. */
  get nodeCount(): number {
    return this.nodes();
  }

  /** Starts the runners with the start-up (full) sync. */
  start(): void {
    for (const p of this.proxies) {
      p.runner.start();
      p.runner.run();
    }
  }

  /** A Service changed: every proxy will sync it. */
  changed(serviceKey: string): void {
    const now = this.engine.now;
    for (const p of this.proxies) {
      if (!p.changed.has(serviceKey)) p.changed.set(serviceKey, now);
      p.runner.run();
    }
  }

  private sync(p: Proxy, done: () => void): void {
    const now = this.engine.now;
    const t = this.table.totals;
    const c = this.costs;
    const changes = new Map(p.changed);
    p.changed.clear();
    const servicePorts = t.servicePorts;
    const endpoints = t.endpoints;
    const large = t.endpoints > LARGE_CLUSTER_ENDPOINTS;
    const hourly = now - p.lastFullUs >= MAX_SYNC_INTERVAL_US;
    let full: boolean;
    let written: number;
    let durationUs: number;
    let changedObjects = 0;
    for (const key of changes.keys()) for (const port of this.table.portsOf(key)) changedObjects += 1 + port.endpoints;
    if (this.mode === 'iptables') {
      full = p.lastFullUs === -Infinity || (hourly && !large);
      written = full ? this.table.iptablesRestoreLines() : this.table.iptablesPartialLines(changes.keys());
      durationUs = iptablesSyncUs(c, full, t.endpoints, written);
    } else if (this.mode === 'ipvs') {
      full = true;
      written = changedObjects;
      durationUs = ipvsSyncUs(c, t.virtualServers, changedObjects);
    } else {
      full = p.lastFullUs === -Infinity || hourly;
      written = full ? t.nftMapElements + t.nftChains + t.nftRules : changedObjects;
      durationUs = full ? c.nftPartialUs + c.perLineUs * written : nftablesPartialSyncUs(c, changedObjects);
    }
    if (full) p.lastFullUs = now;
    // The rules written reflect the state at the start of the sync, and take effect at its end. A full sync (and an
    // IPVS sync, which walks everything) rewrites unchanged Services as they already are, so only the changed ones
    // (every Service reaches a proxy as a change, deletions included) need a new snapshot: what the sync costs is
    // modelled above from what it writes, not from what the simulation copies.
    const snapshot = new Map<string, readonly string[]>();
    for (const key of changes.keys()) snapshot.set(key, this.table.readyAddresses(key));
    durationUs = Math.max(1, Math.round(durationUs * p.rng.lognormal(1, 0.1)));
    this.engine.schedule(durationUs, () => {
      const end = this.engine.now;
      const notify = this.onProgrammed.length > 0;
      for (const [k, v] of snapshot) {
        const old = p.programmed.get(k);
        if (v.length === 0 && this.table.portsOf(k).length === 0) p.programmed.delete(k);
        else p.programmed.set(k, v);
        if (notify && old !== p.programmed.get(k)) for (const f of this.onProgrammed) f(k);
      }
      let max: number | undefined;
      for (const at of changes.values()) {
        const l = end - at;
        this.latenciesUs.push(l);
        if (max === undefined || l > max) max = l;
      }
      this.durationsUs.push(durationUs);
      this.onSync({ timeUs: now, group: this.group, proxy: p.index, nodes: this.nodes() / this.proxies.length, mode: this.mode, full, servicePorts, endpoints, written, durationUs, changed: changes.size, maxLatencyUs: max });
      done();
    });
  }
}
