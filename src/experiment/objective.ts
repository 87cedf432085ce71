/**
 * Capacity objectives: "<metric> <op> <value>" over a run's summary.csv, e.g. `p99 scheduling latency < 30s`,
 * `unschedulable == 0`, `p99 first-packet latency < 100us`. The metric is a summary column or one of the names
 * below; the value may carry a unit (s, ms, us, m, h, %) converted to the column's.
 */
import { SUMMARY_COLUMNS } from '../metrics/columns.js';
import { InputError } from '../workload/errors.js';

/** Friendly metric names → summary column. */
const ALIASES: Record<string, string> = {
  'p50 scheduling latency': 'scheduling_latency_p50_s',
  'p90 scheduling latency': 'scheduling_latency_p90_s',
  'p99 scheduling latency': 'scheduling_latency_p99_s',
  'max scheduling latency': 'scheduling_latency_max_s',
  'mean scheduling latency': 'scheduling_latency_mean_s',
  'p50 startup latency': 'startup_latency_p50_s',
  'p99 startup latency': 'startup_latency_p99_s',
  unschedulable: 'pods_unscheduled_end',
  'unschedulable peak': 'pods_unscheduled_peak',
  'pending peak': 'pods_unscheduled_peak',
  'failed scheduling': 'failed_scheduling_events',
  'p50 first-packet latency': 'first_packet_us_p50',
  'p90 first-packet latency': 'first_packet_us_p90',
  'p99 first-packet latency': 'first_packet_us_p99',
  'failed connections': 'failed_connections',
  availability: 'availability_min',
  'min availability': 'availability_min',
  'cpu requested': 'cpu_requested_ratio_mean',
  'unallocated gpu at 100': 'unallocated_gpu_pct_at_100',
  'unallocated gpu at 130': 'unallocated_gpu_pct_at_130',
};

/** Comparison operators. */
type Op = '<=' | '>=' | '==' | '!=' | '<' | '>';

/** A parsed objective. */
export interface Objective {
  text: string;
  column: string;
  op: Op;
  value: number;
}

/** Seconds per unit, for columns in seconds; µs-columns scale by 1e6. */
const UNIT_SECONDS: Record<string, number> = { us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, min: 60, h: 3600 };

/** Parses an objective; throws InputError naming what was expected. */
export function parseObjective(text: string): Objective {
  const m = /^\s*(.+?)\s*(<=|>=|==|!=|<|>)\s*(-?[\d.]+(?:e-?\d+)?)\s*([a-zµ%]*)\s*$/i.exec(text);
  if (m === null) throw new InputError(`--objective "${text}": expected "<metric> <op> <value>", e.g. "p99 scheduling latency < 30s" or "unschedulable == 0"`);
  const name = m[1]!.trim().toLowerCase();
  const column = ALIASES[name] ?? ((SUMMARY_COLUMNS as readonly string[]).includes(name) ? name : undefined);
  if (column === undefined) throw new InputError(`--objective "${text}": unknown metric "${m[1]}"; expected a summary.csv column or one of: ${Object.keys(ALIASES).join(', ')}`);
  let value = Number(m[3]);
  if (!Number.isFinite(value)) throw new InputError(`--objective "${text}": expected a number, found "${m[3]}"`);
  const unit = m[4]!.toLowerCase();
  if (unit !== '') {
    if (unit === '%') value /= column.endsWith('_pct') || column.includes('_pct_') ? 1 : 100;
    else if (UNIT_SECONDS[unit] !== undefined && column.endsWith('_s')) value *= UNIT_SECONDS[unit]!;
    else if (UNIT_SECONDS[unit] !== undefined && column.startsWith('first_packet_us')) value *= UNIT_SECONDS[unit]! * 1e6;
    else throw new InputError(`--objective "${text}": the unit "${m[4]}" does not fit ${column}`);
  }
  return { text: text.trim(), column, op: m[2] as Op, value };
}

/** Whether a value meets the objective. */
export function meets(o: Objective, x: number): boolean {
  switch (o.op) {
    case '<':
      return x < o.value;
    case '<=':
      return x <= o.value;
    case '>':
      return x > o.value;
    case '>=':
      return x >= o.value;
    case '==':
      return x === o.value;
    case '!=':
      return x !== o.value;
  }
}

/**
 * Confidence-aware verdict over the seeds' values: for an upper bound (<, <=) the 95 % CI's upper end must meet it,
 * for a lower bound its lower end, and == / != must hold on every seed (with one seed, the value itself).
 */
export function meetsWithConfidence(o: Objective, xs: readonly number[], ciLow: number | undefined, ciHigh: number | undefined): boolean {
  if (xs.length === 0) return false;
  if (o.op === '==' || o.op === '!=') return xs.every((x) => meets(o, x));
  if (o.op === '<' || o.op === '<=') return meets(o, ciHigh ?? Math.max(...xs));
  return meets(o, ciLow ?? Math.min(...xs));
}
