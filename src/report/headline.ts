/**
 * What a report opens with: the answer before the detail. For a run, a few headline figures in human units (how
 * long, how many, how fast, how full, what broke) and the reasons the scheduler gave most often for pods it could
 * not place; for a sweep, what changed against the baseline (the paired differences whose 95 % CI excludes zero
 * first). The full summary follows the charts, folded.
 */
import type { Table } from './html.js';
import type { Row } from './readCsv.js';
import { humanCount, humanDuration, humanPercent } from './humanUnits.js';

/** One headline figure. */
export interface Figure {
  label: string;
  value: string;
}

const num = (r: Row, k: string): number | undefined => (r[k] === undefined || r[k] === '' ? undefined : Number(r[k]));

/** The headline figures of one run's summary row (those it has). */
export function runFigures(s: Row): Figure[] {
  const out: Figure[] = [];
  const add = (label: string, value: string | undefined) => {
    if (value !== undefined && value !== '') out.push({ label, value });
  };
  const d = num(s, 'duration_s');
  add('simulated', d === undefined ? undefined : humanDuration(d));
  const nodes = num(s, 'nodes');
  const peak = num(s, 'nodes_peak');
  add('nodes', nodes === undefined ? undefined : `${humanCount(nodes)}${peak !== undefined && peak > nodes ? ` (peak ${humanCount(peak)})` : ''}`);
  const created = num(s, 'pods_created');
  const running = num(s, 'pods_running_end');
  add('pods created', created === undefined ? undefined : `${humanCount(created)}${running !== undefined ? ` (${humanCount(running)} running at the end)` : ''}`);
  const p50 = num(s, 'scheduling_latency_p50_s');
  const p99 = num(s, 'scheduling_latency_p99_s');
  if (p50 !== undefined && p99 !== undefined) add('scheduling latency', `p50 ${humanDuration(p50)} · p99 ${humanDuration(p99)}`);
  const s50 = num(s, 'startup_latency_p50_s');
  const s99 = num(s, 'startup_latency_p99_s');
  if (s50 !== undefined && s99 !== undefined) add('startup latency', `p50 ${humanDuration(s50)} · p99 ${humanDuration(s99)}`);
  const cpu = num(s, 'cpu_requested_ratio_mean');
  const mem = num(s, 'memory_requested_ratio_mean');
  if (cpu !== undefined) add('requested (mean)', `${humanPercent(cpu)} CPU${mem !== undefined ? ` · ${humanPercent(mem)} memory` : ''}`);
  const used = num(s, 'cpu_used_ratio_mean');
  if (used !== undefined && used > 0) add('used (mean)', `${humanPercent(used)} CPU${num(s, 'memory_used_ratio_mean') !== undefined ? ` · ${humanPercent(num(s, 'memory_used_ratio_mean')!)} memory` : ''}`);
  const pendingEnd = num(s, 'pods_unscheduled_end');
  const pendingPeak = num(s, 'pods_unscheduled_peak');
  if (pendingEnd !== undefined) add('unscheduled at the end', `${humanCount(pendingEnd)}${pendingPeak !== undefined && pendingPeak > pendingEnd ? ` (peak ${humanCount(pendingPeak)})` : ''}`);
  const availability = num(s, 'availability_min');
  if (availability !== undefined) add('lowest availability', humanPercent(availability));
  const recovery = num(s, 'recovery_s');
  if (recovery !== undefined) add('recovery', humanDuration(recovery));
  const rollout = num(s, 'rollout_s');
  if (rollout !== undefined) add('rollout', humanDuration(rollout));
  for (const [k, label] of [['evictions', 'evictions'], ['pod_restarts', 'container restarts'], ['preemptions', 'preemptions'], ['failed_connections', 'failed connections']] as const) {
    const v = num(s, k);
    if (v !== undefined && v > 0) add(label, humanCount(v));
  }
  const services = num(s, 'services');
  const prog = num(s, 'programming_latency_s_p99');
  if (services !== undefined && services > 0 && prog !== undefined) add(`kube-proxy (${String(s.proxy_mode ?? '')})`, `${humanCount(services)} Services · programming p99 ${humanDuration(prog)}`);
  return out;
}

/** A reason the scheduler gave, how often, and for how many pods. */
export interface Reason {
  reason: string;
  events: number;
  pods: number;
}

/**
 * The reasons in a FailedScheduling message: "0/12 nodes are available: 3 node(s) had untolerated taint {…}, 9
 * Insufficient cpu. preemption: …" → ["node(s) had untolerated taint {…}", "Insufficient cpu"]; a message of another
 * form is its own reason (up to its first sentence).
 */
export function failedSchedulingReasons(message: string): string[] {
  const m = /^\d+\/\d+ nodes are available: (.*?)(?:\. preemption:.*|\.)?$/s.exec(message.trim());
  if (m === null) return [message.trim().split(/\. /, 1)[0]!.replace(/\.$/, '')];
  return m[1]!.split(/, (?=\d+ )/).map((p) => p.replace(/^\d+ /, '').replace(/\.$/, ''));
}

/** The most frequent FailedScheduling reasons of a run's events (at most `top`). */
export function topFailedScheduling(events: readonly Row[], top = 5): Reason[] {
  const by = new Map<string, { events: number; pods: Set<string> }>();
  for (const e of events) {
    if (e.reason !== 'FailedScheduling') continue;
    const pod = `${e.namespace}/${e.name}`;
    for (const r of failedSchedulingReasons(String(e.message ?? ''))) {
      const a = by.get(r) ?? { events: 0, pods: new Set<string>() };
      a.events++;
      a.pods.add(pod);
      by.set(r, a);
    }
  }
  return [...by]
    .map(([reason, a]) => ({ reason, events: a.events, pods: a.pods.size }))
    .sort((a, b) => b.events - a.events || (a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0))
    .slice(0, top);
}

/** Metrics of a sweep's changes table, with the direction that is better. */
export type Headline = readonly (readonly [string, 'lower' | 'higher'])[];

const sig = (v: string | undefined) => (v === undefined || v === '' ? '' : String(Number(Number(v).toPrecision(3))));

/**
 * What changed against the baseline: per cell and headline metric with a paired difference, the baseline and cell
 * means, the difference and its 95 % CI, and whether it is better, worse or not significant (the CI spans zero).
 * Significant changes come first; metrics without a value (no such event in the runs) are left out.
 */
export function changesTable(differences: readonly Row[], headline: Headline, label: (cell: string) => string): Table {
  const better = new Map(headline.map(([m, b]) => [m, b]));
  const rows: { sigRank: number; order: number; cells: string[] }[] = [];
  differences.forEach((d, order) => {
    const dir = better.get(String(d.metric));
    if (dir === undefined || d.mean_difference === undefined || d.mean_difference === '') return;
    const mean = Number(d.mean_difference);
    const low = d.ci95_low === '' || d.ci95_low === undefined ? undefined : Number(d.ci95_low);
    const high = d.ci95_high === '' || d.ci95_high === undefined ? undefined : Number(d.ci95_high);
    if (mean === 0 && (low === undefined || (low === 0 && high === 0))) return;
    const significant = low !== undefined && high !== undefined && (low > 0 || high < 0);
    const good = (dir === 'lower' && mean < 0) || (dir === 'higher' && mean > 0);
    const verdict = !significant ? 'within noise' : good ? 'better' : 'worse';
    const ci = low !== undefined && high !== undefined ? `[${sig(String(low))}, ${sig(String(high))}]` : '';
    rows.push({ sigRank: significant ? 0 : 1, order, cells: [label(String(d.cell)), String(d.metric), sig(d.baseline_mean), sig(d.cell_mean), `${mean > 0 ? '+' : ''}${sig(String(mean))}`, ci, verdict] });
  });
  rows.sort((a, b) => a.sigRank - b.sigRank || a.order - b.order);
  return { columns: ['cell', 'metric', 'baseline', 'cell mean', 'difference', '95% CI', 'verdict'], rows: rows.map((r) => r.cells) };
}
