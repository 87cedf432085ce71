import { describe, expect, it } from 'vitest';
import { RngStreams } from '../../src/engine/rng.js';

const draws = (s: { next(): number }, n: number) => Array.from({ length: n }, () => s.next());

describe('RngStreams', () => {
  it('gives the same sequence for the same seed and name', () => {
    expect(draws(new RngStreams(42).stream('arrivals'), 5)).toEqual(draws(new RngStreams(42).stream('arrivals'), 5));
  });

  it('gives different sequences for different seeds and for different names', () => {
    const a = draws(new RngStreams(42).stream('arrivals'), 5);
    expect(draws(new RngStreams(43).stream('arrivals'), 5)).not.toEqual(a);
    expect(draws(new RngStreams(42).stream('scheduler.tiebreak'), 5)).not.toEqual(a);
  });

  it('keeps streams independent: a new consumer does not perturb an existing stream', () => {
    const alone = new RngStreams(7);
    const s1 = alone.stream('arrivals');
    const only = draws(s1, 10);

    const shared = new RngStreams(7);
    const s2 = shared.stream('arrivals');
    const other = shared.stream('node/17/failures');
    const interleaved: number[] = [];
    for (let i = 0; i < 10; i++) {
      interleaved.push(s2.next());
      other.next();
      other.next();
    }
    expect(interleaved).toEqual(only);
  });

  it('draws exponentials with the requested mean and uniform integers in range', () => {
    const r = new RngStreams(1).stream('x');
    let sum = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) sum += r.exponential(3);
    expect(sum / n).toBeGreaterThan(2.85);
    expect(sum / n).toBeLessThan(3.15);
    for (let i = 0; i < 1000; i++) {
      const k = r.int(7);
      expect(Number.isInteger(k) && k >= 0 && k < 7).toBe(true);
    }
  });

  it('draws log-normals around the requested median', () => {
    const r = new RngStreams(3).stream('y');
    const xs = Array.from({ length: 5001 }, () => r.lognormal(10, 1)).sort((a, b) => a - b);
    expect(xs[2500]!).toBeGreaterThan(9);
    expect(xs[2500]!).toBeLessThan(11);
  });
});
