/**
 * Trace-driven traffic: a CSV of times (seconds from the start) and factors read into a step pattern, each factor
 * holding until the next time. With `loop`, the trace repeats over its length: its last time plus its last interval
 * (a day sampled every minute from 0 to 86,340 s repeats every 86,400 s).
 */
import { parse } from 'csv-parse/sync';
import { InputError } from './errors.js';

/** Most rows a trace may have. */
export const MAX_TRACE_ROWS = 1_000_000;

/** A trace's options, as the scenario gives them. */
export interface TraceOptions {
  time: string;
  column: string;
  scale: number;
  loop: boolean;
}

/** The step pattern of a trace; `where` names the scenario field in errors. */
export function traceSteps(text: string, file: string, o: TraceOptions, where: string): { steps: { at: number; factor: number }[]; repeat?: number } {
  let rows: Record<string, string>[];
  try {
    rows = parse(text, { columns: true, skip_empty_lines: true, trim: true }) as Record<string, string>[];
  } catch (e) {
    throw new InputError(`${where}: ${file}: not a CSV file with a header (${(e as Error).message})`);
  }
  if (rows.length === 0) throw new InputError(`${where}: ${file}: expected at least one row`);
  if (rows.length > MAX_TRACE_ROWS) throw new InputError(`${where}: ${file}: ${rows.length} rows; the limit is ${MAX_TRACE_ROWS}`);
  for (const c of [o.time, o.column]) if (!(c in rows[0]!)) throw new InputError(`${where}: ${file}: no column "${c}"; found ${Object.keys(rows[0]!).join(', ')}`);
  const steps: { at: number; factor: number }[] = [];
  rows.forEach((r, i) => {
    const line = i + 2;
    const t = Number(r[o.time]);
    const f = Number(r[o.column]);
    if (r[o.time] === '' || !Number.isFinite(t) || t < 0) throw new InputError(`${where}: ${file} line ${line}: expected a time ≥ 0 in seconds in "${o.time}", found "${r[o.time]}"`);
    if (r[o.column] === '' || !Number.isFinite(f) || f < 0) throw new InputError(`${where}: ${file} line ${line}: expected a number ≥ 0 in "${o.column}", found "${r[o.column]}"`);
    const at = Math.round(t * 1e6);
    if (steps.length > 0 && at <= steps[steps.length - 1]!.at) throw new InputError(`${where}: ${file} line ${line}: expected times in increasing order (${t} after ${steps[steps.length - 1]!.at / 1e6})`);
    steps.push({ at, factor: f * o.scale });
  });
  if (!o.loop) return { steps };
  const last = steps[steps.length - 1]!.at;
  const interval = steps.length > 1 ? last - steps[steps.length - 2]!.at : last;
  if (last + interval <= 0) throw new InputError(`${where}: ${file}: a looped trace needs a length > 0 (two rows or a last time > 0)`);
  return { steps, repeat: last + interval };
}
