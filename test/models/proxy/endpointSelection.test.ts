import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/engine/rng.js';
import { IpvsRoundRobin, iptablesRuleProbabilities, pickIptables, pickLeastConnections, pickNftables, pickSourceHash } from '../../../src/models/proxy/endpointSelection.js';

/** Pearson's chi-square statistic of counts against a uniform expectation. */
function chiSquare(counts: number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  const expected = total / counts.length;
  return counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
}
/** Chi-square critical values at p = 0.001 by degrees of freedom. */
const CRITICAL_0_001: Record<number, number> = { 4: 18.47, 9: 27.88, 19: 43.82 };

describe('endpoint selection', () => {
  it('iptables writes 1/(n−i) on rule i and leaves the last rule unconditional', () => {
    expect(iptablesRuleProbabilities(5)).toEqual([0.2, 0.25, 0.3333333333, 0.5, undefined]);
    expect(iptablesRuleProbabilities(1)).toEqual([undefined]);
  });

  it('iptables: the statistic chain takes each of n endpoints with probability 1/n, and rule i takes 1/(n−i) of what reaches it', () => {
    const rng = new Rng('iptables', 'seed-1');
    const n = 10;
    const draws = 200_000;
    const counts = new Array<number>(n).fill(0);
    for (let k = 0; k < draws; k++) counts[pickIptables(rng, n)]!++;
    expect(chiSquare(counts)).toBeLessThan(CRITICAL_0_001[9]!);
    // Conditional: of the connections that reach rule i, a share 1/(n−i) jumps there (within 4 standard errors).
    let reaching = draws;
    for (let i = 0; i < n - 1; i++) {
      const p = 1 / (n - i);
      const share = counts[i]! / reaching;
      expect(Math.abs(share - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / reaching));
      reaching -= counts[i]!;
    }
    expect(reaching).toBe(counts[n - 1]);
  });

  it('nftables numgen spreads uniformly', () => {
    const rng = new Rng('nft', 'seed-2');
    const counts = new Array<number>(20).fill(0);
    for (let k = 0; k < 100_000; k++) counts[pickNftables(rng, 20)]!++;
    expect(chiSquare(counts)).toBeLessThan(CRITICAL_0_001[19]!);
  });

  it('IPVS rr visits the real servers in order, each exactly once per round, and restarts when the cursor falls off a shrunk set', () => {
    const rr = new IpvsRoundRobin(5);
    const seq = Array.from({ length: 12 }, () => rr.pick());
    expect(seq).toEqual([0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1]);
    const counts = new Array<number>(5).fill(0);
    for (let k = 0; k < 5 * 1000; k++) counts[rr.pick()]!++;
    expect(counts).toEqual([1000, 1000, 1000, 1000, 1000]);
    const r2 = new IpvsRoundRobin(5);
    for (let k = 0; k < 5; k++) r2.pick(); // cursor on server 4
    r2.resize(3);
    expect([r2.pick(), r2.pick(), r2.pick(), r2.pick()]).toEqual([0, 1, 2, 0]);
  });

  it('IPVS lc takes the least loaded server (active × 256 + inactive, first on a tie) and so spreads alike connections evenly', () => {
    expect(pickLeastConnections([3, 1, 1], [0, 300, 2])).toBe(2); // 256 + 2 < 256 + 300 < 768
    expect(pickLeastConnections([0, 0, 0], [5, 5, 5])).toBe(0);
    // Alike connections, each open for `overlap` picks: with more of them than servers every server carries the same
    // share; with fewer, the tie rule leaves the last servers idle (as the kernel does).
    const spread = (overlap: number) => {
      const active = [0, 0, 0, 0];
      const open: number[] = [];
      const counts = [0, 0, 0, 0];
      for (let k = 0; k < 4000; k++) {
        if (open.length === overlap) active[open.shift()!]!--;
        const s = pickLeastConnections(active, [0, 0, 0, 0]);
        active[s]!++;
        open.push(s);
        counts[s]!++;
      }
      return counts;
    };
    expect(spread(8)).toEqual([1000, 1000, 1000, 1000]);
    expect(spread(3)).toEqual([1334, 1333, 1333, 0]);
  });

  it('IPVS sh pins a client address to one server and spreads many addresses evenly', () => {
    expect(pickSourceHash('10.1.2.3', 7)).toBe(pickSourceHash('10.1.2.3', 7));
    const counts = new Array<number>(5).fill(0);
    for (let a = 0; a < 50_000; a++) counts[pickSourceHash(`10.${(a >> 16) & 255}.${(a >> 8) & 255}.${a & 255}`, 5)]!++;
    expect(chiSquare(counts)).toBeLessThan(CRITICAL_0_001[4]!);
  });
});
