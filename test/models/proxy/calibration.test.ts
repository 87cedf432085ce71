/**
 * The cost model against the published figures of reference/kube-proxy.md (§1, numbered as there): each figure and
 * the model's value, within ±30 %.
 */
import { describe, expect, it } from 'vitest';
import { iptablesSize } from '../../../src/models/proxy/iptablesRules.js';
import { ipvsSize } from '../../../src/models/proxy/ipvsNftablesState.js';
import { iptablesSyncUs, ipvsSyncUs, newConnectionUs, nftablesPartialSyncUs, PROXY_COSTS, proxyCpuCores } from '../../../src/models/proxy/costs.js';

const within30 = (model: number, published: number) => {
  expect(Math.abs(model - published) / published).toBeLessThanOrEqual(0.3);
};

describe('kube-proxy cost model calibration', () => {
  const c = PROXY_COSTS;
  const tenK = iptablesSize(Array.from({ length: 10_000 }, () => ({ endpoints: 10 })));

  it('fig. 2: CPU at 10,000 Services × 10 endpoints, 1,000 req/s: iptables 35 % without keepalive, ≈2 % with; IPVS ≈8 %', () => {
    const ipt = newConnectionUs('iptables', c, { kubeServicesRules: tenK.kubeServicesRules, rejectRules: 0, endpoints: 10 });
    within30(proxyCpuCores(1000, 1000, ipt, c), 0.35);
    within30(proxyCpuCores(10, 1000, ipt, c), 0.02);
    within30(proxyCpuCores(1000, 1000, newConnectionUs('ipvs', c, { kubeServicesRules: 0, rejectRules: 0, endpoints: 10 }), c), 0.08);
    // The iptables cost grows with the Services; IPVS and nftables do not.
    const small = iptablesSize(Array.from({ length: 100 }, () => ({ endpoints: 10 })));
    expect(newConnectionUs('iptables', c, { kubeServicesRules: small.kubeServicesRules, rejectRules: 0, endpoints: 10 })).toBeLessThan(ipt / 50);
    expect(newConnectionUs('nftables', c, { kubeServicesRules: tenK.kubeServicesRules, rejectRules: 0, endpoints: 10 })).toBeLessThan(2);
  });

  it('fig. 9: a full iptables sync at 117 Services and 215 endpoints took 175.7 ms', () => {
    const ports = [...Array.from({ length: 98 }, () => ({ endpoints: 2 })), ...Array.from({ length: 19 }, () => ({ endpoints: 1 }))];
    const size = iptablesSize(ports);
    within30(iptablesSyncUs(c, true, 215, size.restoreLines) / 1e3, 175.7);
  });

  it('fig. 10: a partial iptables sync at 3,595 Services and 138,792 endpoints writing 12,044 chains and 38,841 rules took 2.84 s', () => {
    within30(iptablesSyncUs(c, false, 138_792, 12_044 + 38_841) / 1e6, 2.84);
  });

  it('fig. 11: restoring 695,992 lines took 12.77 s', () => {
    within30((c.perLineUs * 695_992) / 1e6, 12.77);
  });

  it('fig. 13: an IPVS sync at 1,500 Services with an external IP each took 0.73 s', () => {
    const size = ipvsSize(Array.from({ length: 1500 }, () => ({ endpoints: 2, externalIPs: 1 })));
    expect(size.virtualServers).toBe(3000);
    within30(ipvsSyncUs(c, size.virtualServers, 0) / 1e6, 0.73);
  });

  it('fig. 15: an nftables partial sync adding one Service (2 endpoints) with 10,000 present took ≈141 ms', () => {
    within30(nftablesPartialSyncUs(c, 3) / 1e3, 141);
  });
});
