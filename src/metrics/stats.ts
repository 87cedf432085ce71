/** Small statistics used in summaries. */

/**
 * Nearest-rank percentile (the smallest value with at least p % of the data at or below it) of an ascending array;
 * undefined when empty.
 */
export function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

/** Arithmetic mean; undefined when empty. */
export function mean(xs: readonly number[]): number | undefined {
  if (xs.length === 0) return undefined;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}
