/**
 * `kubesim merge <dirs…>`: combines the parts of a partitioned sweep (each written by `kubesim sweep --parts N
 * --index i`, e.g. by the pods of an Indexed Job) into one sweep folder, identical to a local sweep: the run folders
 * are copied, sweep.json marks every run done, and the aggregates are written.
 */
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../workload/errors.js';
import { writeAggregates } from './aggregate.js';
import { checkSweepOutput, readState, runComplete, writeState } from './sweep.js';

/** Merges part folders into `out`. */
export function mergeSweeps(parts: readonly string[], out: string): void {
  if (parts.length === 0) throw new InputError('merge: expected at least one part folder');
  const states = parts.map((p) => readState(p));
  const first = states[0]!;
  states.forEach((s, i) => {
    if (s.plan.scenarioSha256 !== first.plan.scenarioSha256 || JSON.stringify(s.plan.runs) !== JSON.stringify(first.plan.runs)) {
      throw new InputError(`${parts[i]}: this part belongs to a different sweep (scenario or matrix differ from ${parts[0]})`);
    }
  });
  const plan = first.plan;
  // The merged folder is a sweep folder: one holding files kubesim did not write is refused, as a sweep refuses it.
  if (!parts.includes(out)) checkSweepOutput(out, plan, false);
  mkdirSync(out, { recursive: true });
  for (const run of plan.runs) {
    const from = parts.find((p) => runComplete(p, run));
    if (from === undefined) throw new InputError(`merge: run ${run.dir} is missing from every part (was a part interrupted? re-run it with --resume)`);
    const dest = join(out, run.dir);
    if (from === out) continue;
    if (existsSync(dest)) rmSync(dest, { recursive: true, force: true });
    cpSync(join(from, run.dir), dest, { recursive: true });
  }
  writeState(out, { ...first, status: plan.runs.map(() => 'done') });
  writeAggregates(plan, out, first.baseline);
}
