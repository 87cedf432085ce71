/**
 * Student's t quantile (studentT.ts) against published values (t tables to 10 digits; ν = 1 and 2 in closed form),
 * and its CDF's symmetry and inversion.
 */
import { describe, expect, it } from 'vitest';
import { incompleteBeta, logGamma, tCdf, tQuantile } from '../../src/experiment/studentT.js';

describe("Student's t quantile", () => {
  it('matches the t table at p = 0.975 and 0.995', () => {
    const table: [number, number, number][] = [
      [1, 0.975, 12.7062047362],
      [2, 0.975, 4.3026527297],
      [3, 0.975, 3.1824463053],
      [5, 0.975, 2.5705818366],
      [10, 0.975, 2.2281388520],
      [30, 0.975, 2.0422724563],
      [100, 0.975, 1.9839715185],
      [1000, 0.975, 1.9623390808],
      [4, 0.995, 4.6040948713],
      [20, 0.995, 2.8453397098],
    ];
    for (const [nu, p, t] of table) expect(Math.abs(tQuantile(p, nu) - t), `t(${p}, ${nu})`).toBeLessThan(1e-9);
  });
  it('is the inverse of the CDF, which is symmetric', () => {
    for (const nu of [1.5, 3, 7, 16, 40, 250]) {
      for (const p of [0.6, 0.9, 0.975, 0.999]) {
        const t = tQuantile(p, nu);
        expect(Math.abs(tCdf(t, nu) - p)).toBeLessThan(1e-13);
        expect(Math.abs(tCdf(-t, nu) - (1 - p))).toBeLessThan(1e-13);
        expect(Math.abs(tQuantile(1 - p, nu) + t) / Math.abs(t)).toBeLessThan(1e-12);
      }
    }
    expect(tQuantile(0, 3)).toBeNaN();
    expect(tQuantile(0.5, 0)).toBeNaN();
  });
  it('rests on ln Γ and the regularized incomplete beta', () => {
    expect(logGamma(1)).toBeCloseTo(0, 14);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 14);
    expect(logGamma(10)).toBeCloseTo(Math.log(362880), 12);
    expect(incompleteBeta(0.5, 2, 2)).toBeCloseTo(0.5, 14);
    expect(incompleteBeta(0.3, 1, 1)).toBeCloseTo(0.3, 14);
  });
});
