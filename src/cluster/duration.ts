/**
 * Duration text as Go's `time.ParseDuration` reads it (what Kubernetes configuration uses): a sequence of decimal
 * numbers with units, e.g. `500ms`, `90s`, `10m`, `6h`, `1h30m`, `1.5s`, `250us`. Converted to integer µs (rounded).
 * A bare `0` is accepted, as in Go; any other bare number is refused because its unit would be a guess.
 */
import type { Micros } from '../engine/time.js';

const UNIT_US: Record<string, number> = { ns: 0.001, us: 1, 'µs': 1, 'μs': 1, ms: 1_000, s: 1_000_000, m: 60_000_000, h: 3_600_000_000 };
const PART = /(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;

/** Parses a duration into µs; returns undefined for text that is not a duration. */
export function parseDuration(text: string): Micros | undefined {
  const us = parseDurationFine(text);
  return us === undefined ? undefined : Math.round(us);
}

/** Parses a Go duration into µs at nanosecond resolution (a fraction of a µs is kept; used for per-node costs). */
export function parseDurationFine(text: string): number | undefined {
  if (text === '0') return 0;
  if (text.length === 0) return undefined;
  let i = 0;
  let total = 0;
  while (i < text.length) {
    PART.lastIndex = i;
    const m = PART.exec(text);
    if (m === null) return undefined;
    total += Number(m[1]) * UNIT_US[m[2]!]!;
    i = PART.lastIndex;
  }
  return Number.isFinite(total) ? Math.round(total * 1000) / 1000 : undefined;
}

/** What a duration looks like, for error messages. */
export const DURATION_EXPECTATION = 'a duration such as 500ms, 90s, 10m, 6h or 1h30m';

/** Formats µs as the shortest exact duration text (e.g. 90000000 → "1m30s"). */
export function formatDuration(us: Micros): string {
  if (us === 0) return '0s';
  let rest = us;
  let out = '';
  for (const [unit, size] of [['h', 3_600_000_000], ['m', 60_000_000], ['s', 1_000_000], ['ms', 1_000], ['us', 1]] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}
