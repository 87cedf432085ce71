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
 * - under a Local traffic policy (internalTrafficPolicy for in-cluster clients, externalTrafficPolicy for external
 *   ones on the NodePort), a client node sends only to its own endpoints; nodes without one drop the connection;
 * - load spread: each endpoint's expected share of the connections, over an even split's (the busiest one's ratio);
 * - kube-proxy CPU per node: new connections/s × mean first-packet cost + requests/s × the per-request cost.
 * Written: services.csv (Service × window); summed for the summary.
 */
import type { Engine } from '../../engine/engine.js';
import type { Micros } from '../../engine/time.js';
import { formatSeconds } from '../../engine/time.js';
import type { Pod } from '../../cluster/types.js';
import type { ApiServer } from '../apiserver/apiServer.js';
import type { Traffic, TrafficPattern } from './trafficSource.js';
import { DAY_US, DIURNAL_PEAK_US, diurnal } from '../../cluster/usage.js';
import type { ProxyGroup, ProxyMode } from '../proxy/kubeProxy.js';
import type { ServiceTable } from '../proxy/serviceTable.js';
import type { ProxyCosts } from '../proxy/costs.js';
import { isReady } from '../controllers/podControl.js';
import { candidates, clusterFirst, lookup } from '../dns/resolver.js';

/** Evaluation step of the traffic: 1 s, so rules lagging by less than a metrics interval still show. */
export const TRAFFIC_STEP_US = 1_000_000;

/** The factor of a traffic pattern at time t. Trace patterns are read into steps when the scenario loads. */
export function patternFactor(p: TrafficPattern, t: Micros): number {
  if (p === 'constant') return 1;
  if ('diurnal' in p) {
    const d = p.diurnal;
    return diurnal(d.min, d.max, d.peakAt ?? DIURNAL_PEAK_US, d.period ?? DAY_US, t);
  }
  if ('trace' in p) throw new Error('a trace pattern must be read into steps at load time');
  const steps = p.steps;
  const at = p.repeat !== undefined ? t % p.repeat : t;
  // The last step at or before `at` (steps are in time order): binary search, traces have thousands.
  let lo = 0;
  let hi = steps.length - 1;
  if (steps[0]!.at > at) return 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (steps[mid]!.at <= at) lo = mid;
    else hi = mid - 1;
  }
  return steps[lo]!.factor;
}

/** What the summary reports. */
export interface TrafficSummary {
  connections: number;
  failed: number;
  /** Connection-weighted first-packet quantiles (µs). */
  firstPacketUs: { p50: number; p90: number; p99: number } | undefined;
  /** Mean kube-proxy CPU per client node over the windows with traffic (cores). */
  cpuCoresPerNode: number | undefined;
  /** Lookups by name (when some traffic has a dnsName): queries sent, failed lookups, share of answered queries from CoreDNS's cache. */
  dns: { queries: number; failedLookups: number; cacheHitRatio: number | undefined } | undefined;
  /** Requests through Ingresses (when some traffic has one): reaching the controllers, failed there (dropped, 503), mean latency added (ms). */
  ingress: { requests: number; failed: number; latencyMsMean: number | undefined } | undefined;
}

/** The cores an ingress controller pod works with: its CPU limit when every container sets one, else its requests. */
function podCores(p: Pod): number {
  let limit = 0;
  let request = 0;
  let limited = true;
  for (const c of p.spec.containers) {
    const l = c.resources?.limits?.cpu;
    if (l === undefined) limited = false;
    else limit += l;
    request += c.resources?.requests?.cpu ?? 0;
  }
  const milli = limited && limit > 0 ? limit : request;
  return milli > 0 ? milli / 1000 : INGRESS_DEFAULT_CORES;
}

/** Accumulator fields per Service (stride ACC): what the current metrics interval has summed. */
const ACC = 17;
const A_CONNS = 0;
const A_REQS = 1;
const A_FAILED = 2;
const A_PROGRAMMED = 3;
const A_STEPS = 4;
const A_P50 = 5;
const A_P99 = 6;
/** Σ connections × the busiest endpoint's load relative to an even split. */
const A_SPREAD = 7;
/** Connections of the steps that had endpoints to spread over. */
const A_SPREAD_CONNS = 8;
/** DNS: queries sent, lookups that failed, Σ connections × lookup time (ms). */
const A_DNS_Q = 9;
const A_DNS_FAIL = 10;
const A_DNS_MS = 11;
/** DNS queries CoreDNS answered from its cache. */
const A_DNS_HIT = 12;
/** Through an Ingress, as the backend: requests that reached the controller, that failed there, Σ requests × latency (ms). */
const A_ING_REQ = 13;
const A_ING_FAIL = 14;
const A_ING_MS = 15;
/** DNS queries CoreDNS answered (not dropped). */
const A_DNS_ANS = 16;

/** The CoreDNS Service clients query. */
export const KUBE_DNS = 'kube-system/kube-dns';
/** Queries per second one CoreDNS pod answers: 10,000 (GUESS; override with the Service's annotation). */
export const DNS_QPS_PER_POD = 10_000;
export const DNS_QPS_ANNOTATION = 'kubesim.dev/dns-qps-per-pod';
/** One query's round trip to CoreDNS (cache hit): 0.5 ms (GUESS). */
export const DNS_QUERY_MS = 0.5;
/** glibc's resolver timeout before it retries (resolv.conf `timeout:5`, `attempts:2`). */
export const DNS_TIMEOUT_MS = 5000;
/**
 * How long CoreDNS caches an answer (s): the default Corefile's `cache 30` and the kubernetes plugin's `ttl 30`
 * (kubeadm's Corefile); NXDOMAIN answers of the cluster zone carry the same SOA minimum. Override with the kube-dns
 * Service's annotation `kubesim.dev/dns-cache-ttl` (seconds).
 */
export const DNS_CACHE_TTL_S = 30;
export const DNS_CACHE_TTL_ANNOTATION = 'kubesim.dev/dns-cache-ttl';
/** CoreDNS CPU per query answered from its cache, and per query it builds an answer for: 20 µs and 100 µs (GUESS). */
export const DNS_HIT_CPU_US = 20;
export const DNS_MISS_CPU_US = 100;
/** Cores of an ingress controller pod that declares neither a CPU limit nor a request: 1 (GUESS). */
export const INGRESS_DEFAULT_CORES = 1;
/** The highest utilisation the controller's queueing delay is evaluated at (M/M/1 sojourn S / (1 − ρ), capped). */
const INGRESS_RHO_CAP = 0.99;
/** Cached first-packet costs per routing (stride COST): the table sizes and endpoints they hold for, and the values. */
const COST = 7;
const C_S = 0;
const C_R = 1;
const C_E = 2;
const C_P50 = 3;
const C_P90 = 4;
const C_P99 = 5;
const C_MEAN = 6;
/** Per programmed list (stride TERM): share of its group, lists in the group, dead endpoints, endpoints. */
const TERM = 4;

/**
 * The traffic of a run. Each Service's routing (per client-pool choice) is cached until something it depends on
 * changes (a proxy's programmed list, a programmed endpoint's pod, the Service's endpoints, the groups' node counts):
 * per programmed list, the connection share it gets and how many of its endpoints do not serve. The per-second step
 * is then arithmetic over flat arrays (struct of arrays: 10,000 Services × 3,600 steps run in well under a second).
 */
export class TrafficModel {
  private readonly pods = new Map<string, Pod>();
  private connections = 0;
  private failed = 0;
  private readonly weighted = { p50: 0, p90: 0, p99: 0 };
  private cpuSum = 0;
  private cpuWindows = 0;
  /** Service keys in first-spec order, and their index. */
  private readonly keys: string[] = [];
  private readonly keyIndex = new Map<string, number>();
  /** Routings of each Service key (indices), one per client-pool choice. */
  private readonly keyRoutings: number[][] = [];
  private readonly acc: Float64Array;
  private readonly active: Uint8Array;
  /** Per routing: its Service key index, client pool, dirty flag, programmed lists, mean programmed, endpoints, costs. */
  private readonly rKey: number[] = [];
  private readonly rFrom: (string | undefined)[] = [];
  private readonly rExternal: boolean[] = [];
  private readonly rDirty: Uint8Array;
  private readonly rTerms: Float64Array;
  private readonly rTermCount: Int32Array;
  /** Mean programmed endpoints over the lists (NaN: no group sends this routing traffic). */
  private readonly rProgrammed: Float64Array;
  private readonly rEndpoints: Float64Array;
  /** The busiest endpoint's expected share of new connections over an even split's (1: even; NaN: no endpoint). */
  private readonly rSpread: Float64Array;
  private readonly rCost: Float64Array;
  /** Lists a routing can have (simulated proxies over all groups). */
  private readonly maxTerms: number;
  /** Per flow (traffic spec): routing, Service, rates and pattern. */
  private readonly fRouting: Int32Array;
  private readonly fKey: Int32Array;
  private readonly fConns: Float64Array;
  private readonly fReqs: Float64Array;
  private readonly fPattern: TrafficPattern[];
  /** Per flow: DNS queries and tries per lookup (0: no lookup), and whether the name resolves to the Service. */
  private readonly fDnsQ: Float64Array;
  private readonly fDnsTries: Float64Array;
  private readonly fDnsMiss: Uint8Array;
  private readonly hasDns: boolean;
  private readonly keyHasDns: Uint8Array;
  /** Per flow: the indices of the names its lookups query (A and AAAA each), in `names`; and per name its rate this step. */
  private readonly fNames: number[][] = [];
  private readonly names: string[] = [];
  private nameRate = new Float64Array(0);
  /** Per flow through an Ingress: its hop (-1: none) and the backend Service's key index. */
  private readonly fHop: Int32Array;
  private readonly fBackend: Int32Array;
  /** Per hop (ingress controller): its Service key, CPU and idle latency per request (µs). */
  private readonly hops: { key: string; cpuUs: number; latencyUs: number }[] = [];
  private readonly keyHasIngress: Uint8Array;
  /** DNS and Ingress totals for the summary. */
  private readonly totals = { dnsQueries: 0, dnsFailed: 0, dnsHits: 0, dnsAnswered: 0, ingressRequests: 0, ingressFailed: 0, ingressMs: 0 };
  /**
   * CPU the pods behind a Service spend serving this step's traffic (milli-CPU): CoreDNS for its queries, an ingress
   * controller for the requests it proxies. Set by the simulation (the usage model).
   */
  servedLoad: (pods: readonly Pod[], milliCpu: number) => void = () => {};
  /** The node group (pool) of a node, for Local traffic policies (set by the simulation). */
  nodeGroup: (nodeName: string) => string | undefined = () => undefined;
  /** Per endpoint address: the Services whose cached routing counted it. */
  private readonly ipServices = new Map<string, Set<string>>();
  private groupNodes: number[] = [];

  constructor(
    private readonly engine: Engine,
    private readonly api: ApiServer,
    private readonly specs: readonly Traffic[],
    private readonly table: ServiceTable,
    private readonly groups: readonly ProxyGroup[],
    private readonly mode: ProxyMode,
    private readonly costs: ProxyCosts,
    private readonly windowUs: Micros,
    private readonly endUs: Micros,
    private readonly row: (cells: (string | number | undefined)[]) => void,
  ) {
    const n = specs.length;
    this.fRouting = new Int32Array(n);
    this.fKey = new Int32Array(n);
    this.fConns = new Float64Array(n);
    this.fReqs = new Float64Array(n);
    this.fPattern = [];
    this.fDnsQ = new Float64Array(n);
    this.fDnsTries = new Float64Array(n);
    this.fDnsMiss = new Uint8Array(n);
    this.fHop = new Int32Array(n).fill(-1);
    this.fBackend = new Int32Array(n).fill(-1);
    const keyOf = (key: string) => {
      let k = this.keyIndex.get(key);
      if (k === undefined) {
        k = this.keys.length;
        this.keys.push(key);
        this.keyIndex.set(key, k);
        this.keyRoutings.push([]);
      }
      return k;
    };
    const nameIndex = new Map<string, number>();
    specs.forEach((spec, i) => {
      const key = spec.service.includes('/') ? spec.service : `default/${spec.service}`;
      const k = keyOf(key);
      let r = this.keyRoutings[k]!.find((x) => this.rFrom[x] === spec.from && this.rExternal[x] === spec.external);
      if (r === undefined) {
        r = this.rKey.length;
        this.rKey.push(k);
        this.rFrom.push(spec.from);
        this.rExternal.push(spec.external);
        this.keyRoutings[k]!.push(r);
      }
      this.fRouting[i] = r;
      this.fKey[i] = k;
      this.fConns[i] = spec.connectionsPerSecond;
      this.fReqs[i] = spec.requestsPerConnection;
      this.fPattern.push(spec.pattern);
      if (spec.dnsName !== undefined) {
        const [ns, name] = key.split('/');
        const target = `${name}.${ns}.svc.cluster.local`;
        const conf = clusterFirst(spec.clientNamespace ?? ns!);
        const l = lookup(spec.dnsName, conf, (fqdn) => fqdn === target);
        this.fDnsQ[i] = l.queries;
        this.fDnsTries[i] = l.tries;
        this.fDnsMiss[i] = l.answer === undefined ? 1 : 0;
        // The names tried, each a cache entry of its own (shared by the flows that query it).
        this.fNames[i] = candidates(spec.dnsName, conf).slice(0, l.tries).map((q) => {
          let x = nameIndex.get(q);
          if (x === undefined) nameIndex.set(q, (x = this.names.push(q) - 1));
          return x;
        });
      }
      if (spec.ingress !== undefined) {
        const h = spec.ingress;
        let hop = this.hops.findIndex((x) => x.key === key && x.cpuUs === h.requestCpuUs && x.latencyUs === h.requestLatencyUs);
        if (hop < 0) hop = this.hops.push({ key, cpuUs: h.requestCpuUs, latencyUs: h.requestLatencyUs }) - 1;
        this.fHop[i] = hop;
        this.fBackend[i] = keyOf(h.backend);
      }
    });
    this.nameRate = new Float64Array(this.names.length);
    this.keyHasIngress = new Uint8Array(this.keys.length);
    for (let i = 0; i < n; i++) if (this.fBackend[i]! >= 0) this.keyHasIngress[this.fBackend[i]!] = 1;
    this.hasDns = this.fDnsQ.some((q) => q > 0);
    this.keyHasDns = new Uint8Array(this.keys.length);
    for (let i = 0; i < n; i++) if (this.fDnsQ[i]! > 0) this.keyHasDns[this.fKey[i]!] = 1;
    const nr = this.rKey.length;
    this.maxTerms = groups.reduce((s, g) => s + g.size, 0);
    this.acc = new Float64Array(this.keys.length * ACC);
    this.active = new Uint8Array(this.keys.length);
    this.rDirty = new Uint8Array(nr).fill(1);
    this.rTerms = new Float64Array(nr * this.maxTerms * TERM);
    this.rTermCount = new Int32Array(nr);
    this.rProgrammed = new Float64Array(nr);
    this.rEndpoints = new Float64Array(nr);
    this.rSpread = new Float64Array(nr);
    this.rCost = new Float64Array(nr * COST).fill(-1);
  }

  /** Starts the pod watch (endpoint liveness) and the windows. */
  start(): void {
    if (this.specs.length === 0) return;
    for (const g of this.groups) g.onProgrammed.push((key) => this.invalidate(key));
    this.api.watch('Pod', {}, (ev) => {
      const ip = ev.object.status.podIP;
      const prev = ev.old?.status.podIP;
      if (prev !== undefined && prev !== ip) {
        this.touch(prev);
        if (this.pods.get(prev)?.metadata.uid === ev.object.metadata.uid) this.pods.delete(prev);
      }
      if (ip === undefined) return;
      this.touch(ip);
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

  /** A Service's endpoints or programmed lists changed: its routing is recomputed at the next step. */
  invalidate(serviceKey: string): void {
    const k = this.keyIndex.get(serviceKey);
    if (k !== undefined) for (const r of this.keyRoutings[k]!) this.rDirty[r] = 1;
  }

  /** A pod with this address changed: the Services that counted it recompute. */
  private touch(ip: string): void {
    const keys = this.ipServices.get(ip);
    if (keys === undefined) return;
    this.ipServices.delete(ip);
    for (const key of keys) this.invalidate(key);
  }

  /** Whether a new connection to this address succeeds. */
  private serves(ip: string): boolean {
    const p = this.pods.get(ip);
    if (p === undefined || p.status.phase !== 'Running') return false;
    return isReady(p) || p.metadata.deletionTimestamp !== undefined;
  }

  private flush(toUs: Micros): void {
    const acc = this.acc;
    for (let k = 0; k < this.keys.length; k++) {
      if (this.active[k] === 0) continue;
      const o = k * ACC;
      const [ns, name] = this.keys[k]!.split('/');
      const steps = acc[o + A_STEPS]!;
      const conns = acc[o + A_CONNS]!;
      const spreadConns = acc[o + A_SPREAD_CONNS]!;
      const spread = spreadConns > 0 ? (acc[o + A_SPREAD]! / spreadConns).toFixed(3) : '';
      const dnsQ = acc[o + A_DNS_Q]!;
      const dns = this.keyHasDns[k] === 1;
      const ing = this.keyHasIngress[k] === 1;
      // A Service reached only through an Ingress has no connections of its own: no first-packet figures.
      const own = this.keyRoutings[k]!.length > 0;
      const ingReq = acc[o + A_ING_REQ]!;
      const served = ingReq - acc[o + A_ING_FAIL]!;
      this.row([
        formatSeconds(toUs), ns, name, conns.toFixed(3), acc[o + A_REQS]!.toFixed(3), acc[o + A_FAILED]!.toFixed(3), steps > 0 ? (acc[o + A_PROGRAMMED]! / steps).toFixed(3) : '',
        own ? acc[o + A_P50]!.toFixed(3) : '', own ? acc[o + A_P99]!.toFixed(3) : '', spread,
        dns ? dnsQ.toFixed(3) : '', dns ? acc[o + A_DNS_FAIL]!.toFixed(3) : '', dns && conns > 0 ? (acc[o + A_DNS_MS]! / conns).toFixed(3) : '', dns && acc[o + A_DNS_ANS]! > 0 ? (acc[o + A_DNS_HIT]! / acc[o + A_DNS_ANS]!).toFixed(4) : '',
        ing ? ingReq.toFixed(3) : '', ing ? acc[o + A_ING_FAIL]!.toFixed(3) : '', ing && served > 1e-9 ? (acc[o + A_ING_MS]! / served).toFixed(3) : '',
      ]);
      acc.fill(0, o, o + A_P50);
      acc.fill(0, o + A_DNS_Q, o + ACC);
      acc[o + A_SPREAD] = 0;
      acc[o + A_SPREAD_CONNS] = 0;
      this.active[k] = 0;
    }
  }

  /**
   * Under a Local policy, the serving share summed over the group's nodes: a node with local endpoints serves the
   * share of them whose pod still serves (clients are spread evenly over nodes, a node's connections evenly over its
   * local endpoints). The group's other nodes have no local endpoint and drop their connections.
   */
  private localServing(key: string, eps: readonly string[], group: string, weight: number, nodes: number, shares: Map<string, number>): number {
    this.register(key, eps);
    // Per node of the group: its local endpoints, and how many of them serve.
    const perNode = new Map<string, { ips: string[]; good: number }>();
    for (const ip of eps) {
      const node = this.pods.get(ip)?.spec.nodeName;
      if (node === undefined || this.nodeGroup(node) !== group) continue;
      let c = perNode.get(node);
      if (c === undefined) perNode.set(node, (c = { ips: [], good: 0 }));
      c.ips.push(ip);
      if (this.serves(ip)) c.good++;
    }
    let serving = 0;
    for (const { ips, good } of perNode.values()) {
      serving += good / ips.length;
      if (nodes > 0) for (const ip of ips) shares.set(ip, (shares.get(ip) ?? 0) + weight / nodes / ips.length);
    }
    return serving;
  }

  /** Records that a Service's cached routing counted these addresses (a change of their pods recomputes it). */
  private register(key: string, eps: readonly string[]): void {
    for (const ip of eps) {
      let s = this.ipServices.get(ip);
      if (s === undefined) this.ipServices.set(ip, (s = new Set()));
      s.add(key);
    }
  }

  /** Recomputes a routing from the proxies' programmed lists and its endpoints' pods. */
  private route(r: number, totalNodes: number, badCount: Map<readonly string[], number>): void {
    const key = this.keys[this.rKey[r]!]!;
    const from = this.rFrom[r];
    const terms = this.rTerms;
    let t = r * this.maxTerms * TERM;
    let count = 0;
    let programmedSum = 0;
    let programmedN = 0;
    // Expected share of the routing's connections per endpoint address, for the load spread.
    const shares = new Map<string, number>();
    const svc = this.table.service(key);
    const local = (this.rExternal[r] ? svc?.spec.externalTrafficPolicy : svc?.spec.internalTrafficPolicy) === 'Local';
    for (let gi = 0; gi < this.groups.length; gi++) {
      const g = this.groups[gi]!;
      const share = from !== undefined ? (g.group === from ? 1 : 0) : totalNodes > 0 ? this.groupNodes[gi]! / totalNodes : 1 / this.groups.length;
      if (share === 0) continue;
      const lists = g.programmedFor(key);
      for (const list of lists) {
        const eps = list ?? [];
        programmedSum += eps.length;
        programmedN++;
        if (local) {
          // A Local policy: a client node sends only to the endpoints on itself; nodes without one drop.
          const nodes = this.groupNodes[gi]!;
          terms[t++] = share;
          terms[t++] = lists.length;
          terms[t++] = nodes - this.localServing(key, eps, g.group, share / lists.length, nodes, shares);
          terms[t++] = nodes;
          count++;
          continue;
        }
        // Proxies that synced the same state share the list: count its dead endpoints once.
        let bad = 0;
        if (eps.length > 0) {
          const cached = badCount.get(eps);
          if (cached !== undefined) bad = cached;
          else {
            for (const ip of eps) if (!this.serves(ip)) bad++;
            badCount.set(eps, bad);
          }
          this.register(key, eps);
        }
        for (const ip of eps) shares.set(ip, (shares.get(ip) ?? 0) + share / lists.length / eps.length);
        terms[t++] = share;
        terms[t++] = lists.length;
        terms[t++] = bad;
        terms[t++] = eps.length;
        count++;
      }
    }
    this.rTermCount[r] = count;
    this.rProgrammed[r] = programmedN > 0 ? programmedSum / programmedN : NaN;
    this.rEndpoints[r] = this.table.portsOf(key)[0]?.endpoints ?? 0;
    let sum = 0;
    let max = 0;
    for (const x of shares.values()) {
      sum += x;
      if (x > max) max = x;
    }
    this.rSpread[r] = sum > 0 ? (max * shares.size) / sum : NaN;
    this.rDirty[r] = 0;
  }

  private step(fromUs: Micros, toUs: Micros): void {
    const seconds = (toUs - fromUs) / 1e6;
    const t = this.table.totals;
    // A change in the groups' sizes changes every Service's split.
    let totalNodes = 0;
    let resized = this.groupNodes.length !== this.groups.length;
    for (let gi = 0; gi < this.groups.length; gi++) {
      const n = Math.max(0, this.groups[gi]!.nodeCount);
      if (this.groupNodes[gi] !== n) resized = true;
      this.groupNodes[gi] = n;
      totalNodes += n;
    }
    if (resized) this.rDirty.fill(1);
    const badCount = new Map<readonly string[], number>();
    const S = t.kubeServicesRules;
    const R = t.rejectRules;
    const { acc, active, rDirty, rTerms, rTermCount, rProgrammed, rEndpoints, rCost, fRouting, fKey, fConns, fReqs, fPattern } = this;
    const stride = this.maxTerms * TERM;
    let windowConns = 0;
    let windowReqs = 0;
    let windowCostUs = 0;
    let w50 = this.weighted.p50;
    let w90 = this.weighted.p90;
    let w99 = this.weighted.p99;
    let connections = this.connections;
    let failedTotal = this.failed;
    // DNS: the queries offered to CoreDNS this step, against what its ready pods answer; a query dropped by a
    // saturated CoreDNS times out and is retried once (glibc attempts:2), so a lookup fails when both attempts drop.
    const { fDnsQ, fDnsTries, fDnsMiss, fNames, nameRate } = this;
    let dnsDrop = 0;
    if (this.hasDns) {
      let offered = 0;
      nameRate.fill(0);
      for (let f = 0; f < fRouting.length; f++) {
        if (fDnsQ[f] === 0) continue;
        const pattern = fPattern[f]!;
        const lookups = fConns[f]! * (pattern === 'constant' ? 1 : patternFactor(pattern, fromUs));
        offered += lookups * fDnsQ[f]!;
        for (const x of fNames[f]!) nameRate[x]! += lookups;
      }
      const svc = this.table.service(KUBE_DNS);
      if (svc !== undefined) {
        const perPod = Number(svc.metadata.annotations?.[DNS_QPS_ANNOTATION] ?? DNS_QPS_PER_POD);
        const ready = this.table.readyAddresses(KUBE_DNS);
        const capacity = ready.length * perPod;
        dnsDrop = offered > capacity ? (offered > 0 ? 1 - capacity / offered : 0) : 0;
        // The cache: queries spread evenly over the P ready pods, each with its own cache. A name asked at λ/s
        // reaches a pod at λ/P; after a miss its answer is cached for T, so (Poisson arrivals) a pod misses
        // λ/P / (1 + λT/P) times a second: the name's hit ratio is (λT/P) / (1 + λT/P). nameRate becomes it.
        const ttl = Number(svc.metadata.annotations?.[DNS_CACHE_TTL_ANNOTATION] ?? DNS_CACHE_TTL_S);
        const P = ready.length;
        let hitQ = 0;
        for (let x = 0; x < nameRate.length; x++) {
          const load = P > 0 ? (nameRate[x]! * ttl) / P : 0;
          const hit = load / (1 + load);
          hitQ += 2 * nameRate[x]! * hit;
          nameRate[x] = hit;
        }
        // CoreDNS's CPU: the queries it answers (a dropped query costs nothing), from the cache or built.
        const answered = Math.min(offered, capacity);
        const hitShare = offered > 0 ? hitQ / offered : 0;
        this.servedLoad(this.readyPods(ready), (answered * (hitShare * DNS_HIT_CPU_US + (1 - hitShare) * DNS_MISS_CPU_US)) / 1000);
      } else nameRate.fill(0);
    }
    // Ingress: the requests that reached each controller this step, and per flow through it.
    const { fHop, hops } = this;
    const hopOffered = hops.length > 0 ? new Float64Array(hops.length) : undefined;
    const reached = hops.length > 0 ? new Float64Array(fRouting.length) : undefined;
    // Flows expanded from one `prefix*` entry share their pattern object: its factor is computed once per step.
    let lastPattern: TrafficPattern | undefined;
    let lastFactor = 1;
    for (let f = 0; f < fRouting.length; f++) {
      const r = fRouting[f]!;
      if (rDirty[r] === 1) this.route(r, totalNodes, badCount);
      const pattern = fPattern[f]!;
      if (pattern !== lastPattern) {
        lastPattern = pattern;
        lastFactor = pattern === 'constant' ? 1 : patternFactor(pattern, fromUs);
      }
      const conns = fConns[f]! * lastFactor * seconds;
      const reqs = conns * fReqs[f]!;
      let failed = 0;
      for (let i = r * stride, end = i + rTermCount[r]! * TERM; i < end; i += TERM) {
        const c = (conns * rTerms[i]!) / rTerms[i + 1]!;
        const len = rTerms[i + 3]!;
        failed += len === 0 ? c : (c * rTerms[i + 2]!) / len;
      }
      let dnsQ = 0;
      let dnsFail = 0;
      let dnsMs = 0;
      let dnsHit = 0;
      let dnsAns = 0;
      if (fDnsQ[f]! > 0) {
        const pFail = fDnsMiss[f] === 1 ? 1 : dnsDrop * dnsDrop;
        dnsQ = conns * fDnsQ[f]! * (1 + dnsDrop);
        dnsFail = conns * pFail;
        dnsMs = conns * (fDnsTries[f]! * DNS_QUERY_MS + dnsDrop * DNS_TIMEOUT_MS);
        // Of the answered queries (A and AAAA per name tried, retries included), those that came from the cache.
        dnsAns = dnsQ * (1 - dnsDrop);
        let hit = 0;
        for (const x of fNames[f]!) hit += nameRate[x]!;
        dnsHit = (dnsAns * hit) / fNames[f]!.length;
        // Connections whose lookup failed are never sent; the others meet the rules as before.
        failed = dnsFail + (1 - pFail) * failed;
        this.totals.dnsQueries += dnsQ;
        this.totals.dnsFailed += dnsFail;
        this.totals.dnsHits += dnsHit;
        this.totals.dnsAnswered += dnsAns;
      }
      if (fHop[f]! >= 0) {
        // The connections that reached a controller pod carry their requests to it.
        const r = (conns - failed) * fReqs[f]!;
        reached![f] = r;
        hopOffered![fHop[f]!]! += r;
      }
      // The first-packet costs depend on the table sizes and the Service's endpoints only: kept until those change.
      const co = r * COST;
      const e = rEndpoints[r]!;
      if (rCost[co + C_S] !== S || rCost[co + C_R] !== R || rCost[co + C_E] !== e) {
        rCost[co + C_S] = S;
        rCost[co + C_R] = R;
        rCost[co + C_E] = e;
        rCost[co + C_P50] = this.firstPacketUs(0.5, S, R, e);
        rCost[co + C_P90] = this.firstPacketUs(0.9, S, R, e);
        rCost[co + C_P99] = this.firstPacketUs(0.99, S, R, e);
        rCost[co + C_MEAN] = this.firstPacketMeanUs(S, R, e);
      }
      const p50 = rCost[co + C_P50]!;
      const p99 = rCost[co + C_P99]!;
      w50 += conns * p50;
      w90 += conns * rCost[co + C_P90]!;
      w99 += conns * p99;
      windowConns += conns;
      windowReqs += reqs;
      windowCostUs += conns * rCost[co + C_MEAN]!;
      connections += conns;
      failedTotal += failed;
      const k = fKey[f]!;
      const o = k * ACC;
      active[k] = 1;
      acc[o + A_CONNS]! += conns;
      acc[o + A_REQS]! += reqs;
      acc[o + A_FAILED]! += failed;
      acc[o + A_DNS_Q]! += dnsQ;
      acc[o + A_DNS_FAIL]! += dnsFail;
      acc[o + A_DNS_MS]! += dnsMs;
      acc[o + A_DNS_HIT]! += dnsHit;
      acc[o + A_DNS_ANS]! += dnsAns;
      const programmed = rProgrammed[r]!;
      if (!Number.isNaN(programmed)) {
        acc[o + A_PROGRAMMED]! += programmed;
        acc[o + A_STEPS]!++;
      }
      acc[o + A_P50] = p50;
      acc[o + A_P99] = p99;
      const spread = this.rSpread[r]!;
      if (!Number.isNaN(spread)) {
        acc[o + A_SPREAD]! += conns * spread;
        acc[o + A_SPREAD_CONNS]! += conns;
      }
    }
    if (hopOffered !== undefined) this.ingressStep(hopOffered, reached!, seconds);
    this.weighted.p50 = w50;
    this.weighted.p90 = w90;
    this.weighted.p99 = w99;
    this.connections = connections;
    this.failed = failedTotal;
    if (windowConns > 0 && totalNodes > 0) {
      this.cpuSum += (windowCostUs + windowReqs * this.costs.requestUs) / seconds / 1e6 / totalNodes;
      this.cpuWindows++;
    }
  }

  /** The Ready pods behind the addresses (those the traffic model knows), in address order. */
  private readyPods(addresses: readonly string[]): Pod[] {
    const out: Pod[] = [];
    for (const ip of addresses) {
      const p = this.pods.get(ip);
      if (p !== undefined) out.push(p);
    }
    return out;
  }

  /**
   * The ingress controllers' step: each Ready controller pod has `cores / cpu per request` requests/s of capacity
   * (cores: the pod's CPU limit, else its request, else INGRESS_DEFAULT_CORES); requests beyond the capacity are
   * dropped (503 or timeouts), those served wait S / (1 − ρ) (S the CPU per request, ρ the utilisation, capped at
   * 0.99) on top of the idle latency; a request whose backend Service has no Ready endpoint gets 503.
   */
  private ingressStep(offered: Float64Array, reached: Float64Array, seconds: number): void {
    const drop = new Float64Array(this.hops.length);
    const latencyMs = new Float64Array(this.hops.length);
    this.hops.forEach((hop, h) => {
      const pods = this.readyPods(this.table.readyAddresses(hop.key));
      let cores = 0;
      for (const p of pods) cores += podCores(p);
      const capacity = (cores * 1e6 * seconds) / hop.cpuUs;
      const rho = capacity > 0 ? offered[h]! / capacity : offered[h]! > 0 ? Infinity : 0;
      drop[h] = rho > 1 ? 1 - 1 / rho : 0;
      latencyMs[h] = (hop.latencyUs + hop.cpuUs / (1 - Math.min(rho, INGRESS_RHO_CAP))) / 1000;
      const served = offered[h]! * (1 - drop[h]!);
      this.servedLoad(pods, (served / seconds) * hop.cpuUs / 1000);
    });
    const acc = this.acc;
    for (let f = 0; f < reached.length; f++) {
      const h = this.fHop[f]!;
      if (h < 0) continue;
      const b = this.fBackend[f]!;
      const r = reached[f]!;
      const noEndpoint = this.table.readyAddresses(this.keys[b]!).length === 0;
      const failed = noEndpoint ? r : r * drop[h]!;
      const o = b * ACC;
      this.active[b] = 1;
      acc[o + A_ING_REQ]! += r;
      acc[o + A_ING_FAIL]! += failed;
      acc[o + A_ING_MS]! += (r - failed) * latencyMs[h]!;
      this.totals.ingressRequests += r;
      this.totals.ingressFailed += failed;
      this.totals.ingressMs += (r - failed) * latencyMs[h]!;
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
    const t = this.totals;
    const served = t.ingressRequests - t.ingressFailed;
    return {
      dns: this.hasDns ? { queries: t.dnsQueries, failedLookups: t.dnsFailed, cacheHitRatio: t.dnsAnswered > 0 ? t.dnsHits / t.dnsAnswered : undefined } : undefined,
      ingress: this.hops.length > 0 ? { requests: t.ingressRequests, failed: t.ingressFailed, latencyMsMean: served > 0 ? t.ingressMs / served : undefined } : undefined,
      connections: n,
      failed: this.failed,
      firstPacketUs: n > 0 ? { p50: this.weighted.p50 / n, p90: this.weighted.p90 / n, p99: this.weighted.p99 / n } : undefined,
      cpuCoresPerNode: this.cpuWindows > 0 ? this.cpuSum / this.cpuWindows : undefined,
    };
  }
}
