import type { Rng } from './rng.js';
import type { Micros } from './time.js';

/** A distribution of durations in integer µs. Built from scenario text by the workload layer. */
export type Distribution =
  | { kind: 'constant'; valueUs: Micros }
  | { kind: 'uniform'; minUs: Micros; maxUs: Micros }
  | { kind: 'exponential'; meanUs: Micros }
  | { kind: 'lognormal'; medianUs: Micros; sigma: number }
  | { kind: 'normal'; meanUs: Micros; stddevUs: Micros };

/** A constant distribution. */
export function constant(valueUs: Micros): Distribution {
  return { kind: 'constant', valueUs };
}

/** Draws one duration (integer µs, never negative). A constant draws nothing from the stream. */
export function sample(d: Distribution, rng: Rng): Micros {
  let x: number;
  switch (d.kind) {
    case 'constant':
      return d.valueUs;
    case 'uniform':
      x = rng.uniform(d.minUs, d.maxUs);
      break;
    case 'exponential':
      x = rng.exponential(d.meanUs);
      break;
    case 'lognormal':
      x = rng.lognormal(d.medianUs, d.sigma);
      break;
    case 'normal':
      x = d.meanUs + d.stddevUs * rng.normal();
      break;
  }
  return x > 0 ? Math.round(x) : 0;
}

/** The distribution's mean in µs (for documentation and sanity checks). */
export function mean(d: Distribution): number {
  switch (d.kind) {
    case 'constant':
      return d.valueUs;
    case 'uniform':
      return (d.minUs + d.maxUs) / 2;
    case 'exponential':
      return d.meanUs;
    case 'lognormal':
      return d.medianUs * Math.exp((d.sigma * d.sigma) / 2);
    case 'normal':
      return d.meanUs;
  }
}
