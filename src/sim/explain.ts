/**
 * `kubesim explain`: runs a scenario until one pod's first scheduling attempt (or its first attempt at or after a
 * given time) and reports, for every node of the cluster, each Filter plugin's status and reasons, each Score
 * plugin's raw, normalised and weighted score, the total, and the node chosen. Nothing is written: the run keeps its
 * outputs in memory.
 */
import { formatSeconds, type Micros } from '../engine/time.js';
import type { CycleTrace, Tracer } from '../models/scheduler/cycleTrace.js';
import type { Scenario } from '../workload/scenario.js';
import { runScenario } from './simulation.js';

/** The JSON shape of an explanation. */
export interface Explanation {
  pod: string;
  profile: string;
  attempt: number;
  time_s: string;
  preFilter: Record<string, { code: string; reasons: string[] }>;
  nodes: { name: string; filters: Record<string, { code: string; reasons: string[] }>; scores: Record<string, { raw: number; normalized: number; weighted: number }>; total: number | null }[];
  selected: string | null;
  message: string;
}

/** Converts a trace to the explanation object. */
export function toExplanation(t: CycleTrace): Explanation {
  return {
    pod: `${t.namespace}/${t.name}`,
    profile: t.profile,
    attempt: t.attempt,
    time_s: formatSeconds(t.timeUs),
    preFilter: Object.fromEntries(t.preFilter.map((f) => [f.plugin, { code: f.code, reasons: f.reasons }])),
    nodes: t.nodes.map((n) => ({
      name: n.name,
      filters: Object.fromEntries(n.filters.map((f) => [f.plugin, { code: f.code, reasons: f.reasons }])),
      scores: Object.fromEntries(n.scores.map((s) => [s.plugin, { raw: s.raw, normalized: s.normalized, weighted: s.weighted }])),
      total: n.total,
    })),
    selected: t.selected,
    message: t.message,
  };
}

/** Runs `scenario` until the pod's first attempt at or after `atUs`; undefined if it had none. */
export async function explainPod(scenario: Scenario, pod: string, atUs: Micros = 0): Promise<Explanation | undefined> {
  const slash = pod.indexOf('/');
  const [ns, name] = slash < 0 ? ['default', pod] : [pod.slice(0, slash), pod.slice(slash + 1)];
  let captured: CycleTrace | undefined;
  const tracer: Tracer = {
    allNodes: true,
    wants: (n, m) => captured === undefined && n === ns && m === name,
    emit: (t) => {
      if (captured === undefined && t.timeUs >= atUs) captured = t;
    },
  };
  await runScenario(scenario, { tracer, shouldStop: () => captured !== undefined });
  return captured === undefined ? undefined : toExplanation(captured);
}

const ok = (code: string) => code === 'Success' || code === 'Skip';

/** The human-readable form: the verdict, then one block per node (scored nodes by total, then the rejected ones). */
export function formatExplanation(e: Explanation): string {
  const lines: string[] = [];
  lines.push(`Pod ${e.pod}, profile ${e.profile}, attempt ${e.attempt} at ${e.time_s} s`);
  lines.push(e.selected !== null ? `Selected node: ${e.selected}` : 'Selected node: none (unschedulable)');
  lines.push(`Message: ${e.message}`);
  for (const [p, s] of Object.entries(e.preFilter)) lines.push(`PreFilter ${p}: ${s.code}${s.reasons.length ? ` (${s.reasons.join('; ')})` : ''}`);
  const scored = e.nodes.filter((n) => n.total !== null).sort((a, b) => b.total! - a.total! || (a.name < b.name ? -1 : 1));
  const rest = e.nodes.filter((n) => n.total === null);
  lines.push('');
  lines.push(`${e.nodes.length} nodes: ${scored.length} scored, ${rest.filter((n) => Object.values(n.filters).every((f) => ok(f.code))).length} feasible but not scored, ${rest.filter((n) => !Object.values(n.filters).every((f) => ok(f.code))).length} rejected`);
  for (const n of [...scored, ...rest]) {
    lines.push('');
    lines.push(`${n.name}${n.total !== null ? `  total ${n.total}` : ''}${n.name === e.selected ? '  <- selected' : ''}`);
    const failed = Object.entries(n.filters).filter(([, f]) => !ok(f.code));
    if (Object.keys(n.filters).length === 0) lines.push('  filters: not run (PreFilter rejected the pod)');
    else if (failed.length === 0) lines.push('  filters: all passed');
    for (const [p, f] of failed) lines.push(`  filter ${p}: ${f.code}: ${f.reasons.join('; ')}`);
    const w = Math.max(0, ...Object.keys(n.scores).map((p) => p.length));
    for (const [p, s] of Object.entries(n.scores)) lines.push(`  score  ${p.padEnd(w)}  raw ${s.raw}  normalized ${s.normalized}  weighted ${s.weighted}`);
  }
  return lines.join('\n') + '\n';
}
