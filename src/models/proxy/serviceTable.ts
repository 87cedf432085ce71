/**
 * The Services and endpoints every kube-proxy programs, from its Service and EndpointSlice informers
 * (pkg/proxy/servicechangetracker.go, endpointschangetracker.go): per Service port, the ready endpoints across its
 * EndpointSlices, and the table sizes of each mode kept as running totals (a change updates only its Service's
 * contribution), so a sync at 10,000 Services costs nothing to size.
 * Headless and ExternalName Services are not proxied. A port's endpoints are the slice endpoints whose
 * `ready` condition is true, counted under the slice port of the same name.
 */
import type { EndpointSlice, Service } from '../../cluster/types.js';
import { objectKey } from '../../cluster/types.js';
import type { ApiServer } from '../apiserver/apiServer.js';
import { FILTER_FIXED_CHAINS, FILTER_FIXED_RULES, NAT_FIXED_CHAINS, NAT_FIXED_RULES, type ServicePortState, servicePortChains } from './iptablesRules.js';
import { IPVS_IPTABLES_RULES } from './ipvsNftablesState.js';

const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

/** Running totals of the tables. */
export interface Totals {
  servicePorts: number;
  endpoints: number;
  natRules: number;
  natChains: number;
  kubeServicesRules: number;
  rejectRules: number;
  virtualServers: number;
  realServers: number;
  ipsetEntries: number;
  nftMapElements: number;
  nftChains: number;
  nftRules: number;
}

type Vector = Omit<Totals, never>;

function contribution(p: ServicePortState): Vector {
  const ips = 1 + (p.externalIPs ?? 0) + (p.loadBalancerIPs ?? 0);
  const own = servicePortChains(p);
  const e = p.endpoints;
  const vs = ips + (p.nodePort ? 1 : 0);
  return {
    servicePorts: 1,
    endpoints: e,
    natRules: e > 0 ? ips + (p.nodePort ? 1 : 0) + own.rules : 0,
    natChains: own.chains,
    kubeServicesRules: e > 0 ? ips : 0,
    rejectRules: e > 0 ? 0 : ips + (p.nodePort ? 1 : 0),
    virtualServers: vs,
    realServers: vs * e,
    ipsetEntries: 1 + (p.nodePort ? 1 : 0),
    nftMapElements: ips + (p.nodePort ? 1 : 0),
    nftChains: e > 0 ? 1 + e : 0,
    nftRules: e > 0 ? 2 + 2 * e + (p.clientIPAffinity ? e : 0) : 0,
  };
}

/** The proxied Services of the cluster. */
export class ServiceTable {
  private readonly services = new Map<string, Service>();
  private readonly slices = new Map<string, Map<string, EndpointSlice>>();
  private readonly ports = new Map<string, ServicePortState[]>();
  private readonly addresses = new Map<string, string[]>();
  readonly totals: Totals = { servicePorts: 0, endpoints: 0, natRules: NAT_FIXED_RULES, natChains: NAT_FIXED_CHAINS, kubeServicesRules: 1, rejectRules: 0, virtualServers: 0, realServers: 0, ipsetEntries: 0, nftMapElements: 0, nftChains: 0, nftRules: 0 };
  /** Called with the Service key after each change. */
  onChange: (serviceKey: string) => void = () => {};

  constructor(private readonly api: ApiServer) {}

  /** Starts the informers. */
  start(): void {
    this.api.watch('Service', {}, (ev) => {
      const key = objectKey(ev.object.metadata);
      if (ev.type === 'DELETED') this.services.delete(key);
      else this.services.set(key, ev.object);
      this.recompute(key);
    });
    this.api.watch('EndpointSlice', {}, (ev) => {
      const svc = ev.object.metadata.labels?.[SERVICE_NAME_LABEL];
      if (svc === undefined) return;
      const key = `${ev.object.metadata.namespace ?? 'default'}/${svc}`;
      let m = this.slices.get(key);
      if (m === undefined) this.slices.set(key, (m = new Map()));
      if (ev.type === 'DELETED') m.delete(ev.object.metadata.name);
      else m.set(ev.object.metadata.name, ev.object);
      this.recompute(key);
    });
  }

  /** The ready endpoint addresses of a Service (what a sync programs), sorted. */
  readyAddresses(key: string): readonly string[] {
    return this.addresses.get(key) ?? [];
  }

  /** The Service object of a key, as the proxy's informer has it. */
  service(key: string): Service | undefined {
    return this.services.get(key);
  }

  /** Keys of the proxied Services. */
  serviceKeys(): Iterable<string> {
    return this.ports.keys();
  }

  /** Number of proxied Services (with at least one port). */
  get serviceCount(): number {
    return this.ports.size;
  }

  /** The Service ports of one Service as the proxy sees them now. */
  portsOf(key: string): readonly ServicePortState[] {
    return this.ports.get(key) ?? [];
  }

  private recompute(key: string): void {
    const before = this.ports.get(key) ?? [];
    const svc = this.services.get(key);
    const after: ServicePortState[] = [];
    const ready = new Set<string>();
    if (svc !== undefined && svc.spec.type !== 'ExternalName' && svc.spec.clusterIP !== 'None') {
      for (const slice of this.slices.get(key)?.values() ?? []) for (const e of slice.endpoints) if (e.conditions.ready) ready.add(e.addresses[0]!);
      for (const port of svc.spec.ports ?? []) {
        let endpoints = 0;
        for (const slice of this.slices.get(key)?.values() ?? []) {
          if (!slice.ports.some((p) => (p.name ?? '') === (port.name ?? ''))) continue;
          for (const e of slice.endpoints) if (e.conditions.ready) endpoints++;
        }
        after.push({
          endpoints,
          nodePort: svc.spec.type === 'NodePort' || svc.spec.type === 'LoadBalancer',
          loadBalancerIPs: svc.spec.type === 'LoadBalancer' ? 1 : 0,
          externalTrafficPolicyLocal: svc.spec.externalTrafficPolicy === 'Local',
          clientIPAffinity: svc.spec.sessionAffinity === 'ClientIP',
        });
      }
    }
    const t = this.totals as unknown as Record<string, number>;
    for (const p of before) for (const [k, v] of Object.entries(contribution(p))) t[k]! -= v;
    for (const p of after) for (const [k, v] of Object.entries(contribution(p))) t[k]! += v;
    if (after.length === 0) {
      this.ports.delete(key);
      this.addresses.delete(key);
    } else {
      this.ports.set(key, after);
      this.addresses.set(key, [...ready].sort());
    }
    this.onChange(key);
  }

  /** Lines of a full iptables-restore (rules, chains, headers). */
  iptablesRestoreLines(): number {
    const t = this.totals;
    return t.natRules + t.natChains + FILTER_FIXED_RULES + t.rejectRules + FILTER_FIXED_CHAINS + 4;
  }

  /** Lines a partial iptables sync writes: KUBE-SERVICES, the filter table, and the changed Services' chains. */
  iptablesPartialLines(changed: Iterable<string>): number {
    const t = this.totals;
    let lines = t.kubeServicesRules + FILTER_FIXED_RULES + t.rejectRules + FILTER_FIXED_CHAINS + NAT_FIXED_CHAINS + 4;
    for (const key of changed) {
      for (const p of this.portsOf(key)) {
        const own = servicePortChains(p);
        lines += own.rules + own.chains;
      }
    }
    return lines;
  }

  /** iptables rules the IPVS proxier keeps. */
  get ipvsIptablesRules(): number {
    return IPVS_IPTABLES_RULES;
  }
}
