import { describe, expect, it } from 'vitest';
import { Engine } from '../../../src/engine/engine.js';
import { Rng } from '../../../src/engine/rng.js';
import { BoundedFrequencyRunner } from '../../../src/models/proxy/boundedFrequencyRunner.js';
import { iptablesSize, servicePortChains, statisticProbability } from '../../../src/models/proxy/iptablesRules.js';
import { ipvsSize, nftablesSize } from '../../../src/models/proxy/ipvsNftablesState.js';

const s = 1_000_000;
const ms = 1_000;

describe('iptables rule structure (proxier.go)', () => {
  it('the reference cluster of 117 Services and 215 endpoints: 897 nat rules and 338 nat chains, within 3 %', () => {
    // 215 endpoints over 117 single-port Services: 98 with 2 endpoints, 19 with 1.
    const ports = [...Array.from({ length: 98 }, () => ({ endpoints: 2 })), ...Array.from({ length: 19 }, () => ({ endpoints: 1 }))];
    expect(ports.reduce((a, p) => a + p.endpoints, 0)).toBe(215);
    const size = iptablesSize(ports);
    expect(Math.abs(size.natRules - 897) / 897).toBeLessThan(0.03);
    expect(Math.abs(size.natChains - 338) / 338).toBeLessThan(0.03);
    expect(size.natRules).toBe(5 + 2 * 117 + 3 * 215);
  });

  it('counts NodePort, Local policy, affinity and endpoint-less Services as the proxier writes them', () => {
    expect(servicePortChains({ endpoints: 10 })).toEqual({ rules: 31, chains: 11 });
    expect(servicePortChains({ endpoints: 10, clientIPAffinity: true })).toEqual({ rules: 41, chains: 11 });
    expect(servicePortChains({ endpoints: 10, nodePort: true })).toEqual({ rules: 33, chains: 12 });
    expect(servicePortChains({ endpoints: 10, nodePort: true, externalTrafficPolicyLocal: true, localEndpoints: 2 })).toEqual({ rules: 36, chains: 13 });
    const none = iptablesSize([{ endpoints: 0, nodePort: true }, { endpoints: 3 }]);
    expect(none.rejectRules).toBe(2);
    expect(none.kubeServicesRules).toBe(2); // the Service with endpoints + the final KUBE-NODEPORTS jump
    // 10,000 Services × 10 endpoints: about 320k nat rules, the scale of the "20,000 rules per connection" figure's cluster.
    const big = iptablesSize(Array.from({ length: 10_000 }, () => ({ endpoints: 10 })));
    expect(big.natRules).toBe(5 + 10_000 * 32);
    expect(big.kubeServicesRules).toBe(10_001);
  });

  it('the statistic chain 1/(n−i) picks every endpoint with probability 1/n', () => {
    const n = 5;
    expect([0, 1, 2, 3, 4].map((i) => statisticProbability(i, n))).toEqual(['0.2000000000', '0.2500000000', '0.3333333333', '0.5000000000', undefined]);
    const rng = new Rng('chain', '1');
    const hits = new Array<number>(n).fill(0);
    const trials = 200_000;
    for (let t = 0; t < trials; t++) {
      let i = 0;
      for (; i < n - 1; i++) if (rng.next() < Number(statisticProbability(i, n))) break;
      hits[i]!++;
    }
    // Chi-square with 4 degrees of freedom: 13.3 is the 1 % critical value.
    const chi = hits.reduce((a, h) => a + (h - trials / n) ** 2 / (trials / n), 0);
    expect(chi).toBeLessThan(13.3);
  });
});

describe('BoundedFrequencyRunner (bounded_frequency_runner.go)', () => {
  function rig(minInterval: number, syncUs = 0) {
    const engine = new Engine();
    const runsAt: number[] = [];
    const r = new BoundedFrequencyRunner(engine, (done) => {
      runsAt.push(engine.now);
      engine.schedule(syncUs, done);
    }, minInterval);
    r.start();
    return { engine, r, runsAt };
  }

  it('allows a burst of 2, then one run per minSyncPeriod, however often it is asked', () => {
    const { engine, r, runsAt } = rig(1 * s);
    for (let t = 0; t < 10 * s; t += 100 * ms) engine.at(t, () => r.run());
    engine.run(10.5 * s);
    expect(runsAt[0]).toBe(0);
    expect(runsAt[1]).toBe(100 * ms); // the second token of the burst
    const gaps = runsAt.slice(2).map((t, i) => t - runsAt[i + 1]!);
    for (const g of gaps) expect(g).toBeGreaterThanOrEqual(900 * ms);
    expect(runsAt.length).toBeGreaterThanOrEqual(10);
    expect(runsAt.length).toBeLessThanOrEqual(12);
  });

  it('collapses requests made during a sync into one run after it', () => {
    const { engine, r, runsAt } = rig(0, 500 * ms);
    engine.at(0, () => r.run());
    for (let t = 100 * ms; t < 500 * ms; t += 100 * ms) engine.at(t, () => r.run());
    engine.run(5 * s);
    expect(runsAt).toEqual([0, 500 * ms]);
  });

  it('runs at least once an hour with no request (the periodic full sync)', () => {
    const { engine, runsAt } = rig(1 * s);
    engine.run(3 * 3600 * s + 1);
    expect(runsAt).toEqual([3600 * s, 7200 * s, 10800 * s]);
  });
});

describe('IPVS and nftables state (proxier structure)', () => {
  it('IPVS: one virtual server per IP and port (NodePorts per node IP), every endpoint a real server of each', () => {
    const ports = [{ endpoints: 10 }, { endpoints: 10, nodePort: true }, { endpoints: 0, loadBalancerIPs: 1, nodePort: true }];
    expect(ipvsSize(ports, 2)).toEqual({ virtualServers: 1 + 3 + 4, realServers: 10 + 30, dummyAddresses: 1 + 1 + 2, ipsetEntries: 1 + 2 + 2, iptablesRules: 12 });
    // 10,000 Services × 10 endpoints: O(S) virtual servers and ipset entries, a constant iptables rule count.
    const big = ipvsSize(Array.from({ length: 10_000 }, () => ({ endpoints: 10 })));
    expect(big.virtualServers).toBe(10_000);
    expect(big.realServers).toBe(100_000);
  });

  it('nftables: map elements ≈ S, chains S + E, rules ≈ 2S + 2E', () => {
    const big = nftablesSize(Array.from({ length: 10_000 }, () => ({ endpoints: 10 })));
    expect(big).toEqual({ mapElements: 10_000, chains: 110_000, rules: 220_000 });
    expect(nftablesSize([{ endpoints: 0, nodePort: true }])).toEqual({ mapElements: 2, chains: 0, rules: 0 });
  });
});
