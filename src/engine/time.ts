/** Simulated time is an integer number of microseconds (exact to 2^53 µs ≈ 285 years). */
export type Micros = number;

/** Microseconds per millisecond. */
export const US_PER_MS = 1_000;
/** Microseconds per second. */
export const US_PER_S = 1_000_000;

/** Converts seconds (possibly fractional) to integer microseconds, rounding to the nearest µs. */
export function secondsToUs(seconds: number): Micros {
  return Math.round(seconds * US_PER_S);
}

/** Formats integer µs as seconds with a fixed 6 decimals (exact, no float rounding surprises). */
export function formatSeconds(us: Micros): string {
  const neg = us < 0;
  const abs = Math.abs(us);
  const whole = Math.floor(abs / US_PER_S);
  const frac = abs - whole * US_PER_S;
  return `${neg ? '-' : ''}${whole}.${String(frac).padStart(6, '0')}`;
}
