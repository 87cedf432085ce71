/**
 * Statistics across replications: sample mean, sample standard deviation, and the two-sided 95 % confidence
 * interval of the mean from Student's t distribution (mean ± t(0.975, n − 1) · s / √n). Built on simple-statistics
 * and the t quantile of studentT.ts.
 */
import { tQuantile } from './studentT.js';
import { mean, sampleStandardDeviation } from 'simple-statistics';

/** Mean, standard deviation and 95 % CI of a sample (sd and CI undefined for fewer than 2 values). */
export interface Estimate {
  n: number;
  mean: number;
  sd: number | undefined;
  ciLow: number | undefined;
  ciHigh: number | undefined;
}

/** Estimates the mean of `xs`. */
export function estimate(xs: readonly number[]): Estimate | undefined {
  if (xs.length === 0) return undefined;
  const m = mean(xs as number[]);
  if (xs.length < 2) return { n: xs.length, mean: m, sd: undefined, ciLow: undefined, ciHigh: undefined };
  const sd = sampleStandardDeviation(xs as number[]);
  const half = tQuantile(0.975, xs.length - 1) * (sd / Math.sqrt(xs.length));
  return { n: xs.length, mean: m, sd, ciLow: m - half, ciHigh: m + half };
}
