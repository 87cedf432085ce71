/**
 * Client traffic through Services (DESIGN §7), evaluated in aggregate per second and node group, never one event
 * per packet, and written per metrics interval: in each second, a Service's new connections (connectionsPerSecond × pattern × window) come from client
 * nodes (its `from` pool, or every pool in proportion to its nodes) and split evenly over the simulated kube-proxies
 * of each group. A proxy's rules send them, uniformly at random (iptables statistic chains, nftables numgen, IPVS rr
 * over a window), to the endpoints it last programmed:
 * - the share of those endpoints whose pod no longer runs, or runs without being Ready (and is not in its graceful
 *   termination, when it still serves), is the share of connections that fail: the cost of rules lagging the API;
 * - with nothing programmed, every connection fails (REJECT);
 * - the first-packet cost, mode-dependent part (costs.ts): iptables scans KUBE-SERVICES to the Service's rule, whose
 *   position is uniform over the chain (re-ordered every sync), so its p-quantile is ruleUs × (p × S_eff + rejects +
 *   (E + 1) / 2 + 3); IPVS and nftables do not depend on the number of Services;
 * - kube-proxy CPU per node: new connections/s × mean first-packet cost + requests/s × the per-request cost.
 * Written: services.csv (Service × window); summed for the summary.
 */
import type { Engine } from '../../engine/engine.js';
import type { Micros } from '../../engine/time.js';
import { formatSeconds } from '../../engine/time.js';
import type { Pod } from '../../cluster/types.js';
import type { ApiServer } from '../apiserver/apiServer.js';
import type { TrafficSpec } from '../../workload/schema/scenario.js';
import { DAY_US, DIURNAL_PEAK_US, diurnal } from '../../workload/usage.js';
import type { ProxyGroup, ProxyMode } from '../proxy/kubeProxy.js';
import type { ServiceTable } from '../proxy/serviceTable.js';
import type { ProxyCosts } from '../proxy/costs.js';
import { isReady } from '../controllers/podControl.js';

/** Evaluation step of the traffic: 1 s, so rules lagging by less than a metrics interval still show. */
export const TRAFFIC_STEP_US = 1_000_000;

/** The factor of a traffic pattern at time t. */
export function patternFactor(p: TrafficSpec['pattern'], t: Micros): number {
  if (p === 'constant') return 1;
  if ('diurnal' in p) {
    const d = p.diurnal;
    return diurnal(d.min, d.max, d.peakAt ?? DIURNAL_PEAK_US, d.period ?? DAY_US, t);
  }
  let f = 1;
  for (const s of p.steps) if (s.at <= t) f = s.factor;
  return f;
}

/** What the summary reports. */
export interface TrafficSummary {
  connections: number;
  failed: number;
  /** Connection-weighted first-packet quantiles (µs). */
  firstPacketUs: { p50: number; p90: number; p99: number } | undefined;
  /** Mean kube-proxy CPU per client node over the windows with traffic (cores). */
  cpuCoresPerNode: number | undefined;
}

/** The traffic of a run. */
export class TrafficModel {
  private readonly pods = new Map<string, Pod>();
  private connections = 0;
  private failed = 0;
  private readonly weighted = { p50: 0, p90: 0, p99: 0 };
  private cpuSum = 0;
  private cpuWindows = 0;

  constructor(
    private readonly engine: Engine,
    private readonly api: ApiServer,
    private readonly specs: readonly TrafficSpec[],
    private readonly table: ServiceTable,
    private readonly groups: readonly ProxyGroup[],
    private readonly mode: ProxyMode,
    private readonly costs: ProxyCosts,
    private readonly windowUs: Micros,
    private readonly endUs: Micros,
    private readonly row: (cells: (string | number | undefined)[]) => void,
  ) {}

  /** Starts the pod watch (endpoint liveness) and the windows. */
  start(): void {
    if (this.specs.length === 0) return;
    this.api.watch('Pod', {}, (ev) => {
      const ip = ev.object.status.podIP;
      const prev = ev.old?.status.podIP;
      if (prev !== undefined && prev !== ip && this.pods.get(prev)?.metadata.uid === ev.object.metadata.uid) this.pods.delete(prev);
      if (ip === undefined) return;
      if (ev.type === 'DELETED') {
        if (this.pods.get(ip)?.metadata.uid === ev.object.metadata.uid) this.pods.delete(ip);
      } else this.pods.set(ip, ev.object);
    });
    // Connections are evaluated every second (or each interval, if shorter) and written per metrics interval.
    const step = Math.min(TRAFFIC_STEP_US, this.windowUs);
    let nextFlush = this.windowUs;
    const tick = () => {
      const next = this.engine.now + step;
      if (next > this.endUs) return;
      this.engine.at(next, () => {
        this.step(next - step, next);
        if (next >= nextFlush || next + step > this.endUs) {
          this.flush(next);
          nextFlush += this.windowUs;
        }
        tick();
      });
    };
    tick();
  }

  /** Whether a new connection to this address succeeds. */
  private serves(ip: string): boolean {
    const p = this.pods.get(ip);
    if (p === undefined || p.status.phase !== 'Running') return false;
    return isReady(p) || p.metadata.deletionTimestamp !== undefined;
  }

  /** Per Service: what the current interval has accumulated. */
  private readonly acc = new Map<string, { conns: number; reqs: number; failed: number; programmed: number; steps: number; p50: number; p99: number }>();

  private flush(toUs: Micros): void {
    for (const [key, a] of this.acc) {
      const [ns, name] = key.split('/');
      this.row([formatSeconds(toUs), ns, name, a.conns.toFixed(3), a.reqs.toFixed(3), a.failed.toFixed(3), a.steps > 0 ? (a.programmed / a.steps).toFixed(3) : '', a.p50.toFixed(3), a.p99.toFixed(3)]);
    }
    this.acc.clear();
  }

  private step(fromUs: Micros, toUs: Micros): void {
    const seconds = (toUs - fromUs) / 1e6;
    const t = this.table.totals;
    const groupNodes = new Map(this.groups.map((g) => [g.group, Math.max(0, g.nodeCount)]));
    const totalNodes = [...groupNodes.values()].reduce((a, b) => a + b, 0);
    const badCount = new Map<readonly string[], number>();
    let windowConns = 0;
    let windowReqs = 0;
    let windowCostUs = 0;
    for (const spec of this.specs) {
      const key = spec.service.includes('/') ? spec.service : `default/${spec.service}`;
      const conns = spec.connectionsPerSecond * patternFactor(spec.pattern, fromUs) * seconds;
      const reqs = conns * spec.requestsPerConnection;
      let failed = 0;
      let programmedSum = 0;
      let programmedN = 0;
      for (const g of this.groups) {
        const share = spec.from !== undefined ? (g.group === spec.from ? 1 : 0) : totalNodes > 0 ? groupNodes.get(g.group)! / totalNodes : 1 / this.groups.length;
        if (share === 0) continue;
        const lists = g.programmedFor(key);
        for (const list of lists) {
          const c = (conns * share) / lists.length;
          const eps = list ?? [];
          programmedSum += eps.length;
          programmedN++;
          if (eps.length === 0) {
            failed += c;
            continue;
          }
          // Proxies that synced the same state share the list: count its dead endpoints once per step.
          let bad = badCount.get(eps);
          if (bad === undefined) {
            bad = 0;
            for (const ip of eps) if (!this.serves(ip)) bad++;
            badCount.set(eps, bad);
          }
          failed += (c * bad) / eps.length;
        }
      }
      const ports = this.table.portsOf(key);
      const e = ports[0]?.endpoints ?? 0;
      const q = (p: number) => this.firstPacketUs(p, t.kubeServicesRules, t.rejectRules, e);
      const p50 = q(0.5);
      const p99 = q(0.99);
      this.weighted.p50 += conns * p50;
      this.weighted.p90 += conns * q(0.9);
      this.weighted.p99 += conns * p99;
      windowConns += conns;
      windowReqs += reqs;
      windowCostUs += conns * this.firstPacketMeanUs(t.kubeServicesRules, t.rejectRules, e);
      this.connections += conns;
      this.failed += failed;
      let a = this.acc.get(key);
      if (a === undefined) this.acc.set(key, (a = { conns: 0, reqs: 0, failed: 0, programmed: 0, steps: 0, p50, p99 }));
      a.conns += conns;
      a.reqs += reqs;
      a.failed += failed;
      if (programmedN > 0) {
        a.programmed += programmedSum / programmedN;
        a.steps++;
      }
      a.p50 = p50;
      a.p99 = p99;
    }
    if (windowConns > 0 && totalNodes > 0) {
      this.cpuSum += (windowCostUs + windowReqs * this.costs.requestUs) / seconds / 1e6 / totalNodes;
      this.cpuWindows++;
    }
  }

  /** The p-quantile of the mode-dependent first-packet cost (µs). */
  private firstPacketUs(p: number, kubeServicesRules: number, rejectRules: number, endpoints: number): number {
    const c = this.costs;
    if (this.mode === 'iptables') return c.ruleUs * (Math.max(1, Math.ceil(p * kubeServicesRules)) + rejectRules + (endpoints + 1) / 2 + 3);
    if (this.mode === 'ipvs') return c.ipvsLookupUs;
    return c.nftLookupUs + 2 * c.ruleUs;
  }

  private firstPacketMeanUs(kubeServicesRules: number, rejectRules: number, endpoints: number): number {
    const c = this.costs;
    if (this.mode === 'iptables') return c.ruleUs * ((kubeServicesRules + 1) / 2 + rejectRules + (endpoints + 1) / 2 + 3);
    return this.firstPacketUs(0.5, kubeServicesRules, rejectRules, endpoints);
  }

  /** Totals for the summary. */
  summary(): TrafficSummary {
    const n = this.connections;
    return {
      connections: n,
      failed: this.failed,
      firstPacketUs: n > 0 ? { p50: this.weighted.p50 / n, p90: this.weighted.p90 / n, p99: this.weighted.p99 / n } : undefined,
      cpuCoresPerNode: this.cpuWindows > 0 ? this.cpuSum / this.cpuWindows : undefined,
    };
  }
}
