/**
 * Capacity planning (`kubesim capacity`): the smallest node count of a pool meeting every objective, found by
 * bisection between --min and --max on the assumption that more nodes never make a metric worse (checked at --max
 * first). Each count runs several seeds on the worker pool, the same seeds at every count (common random numbers),
 * and passes only when its 95 % confidence interval does (objective.ts). With --compare-shapes the search repeats for
 * each node shape the pool lists, and the shapes are ranked by the price of their smallest passing cluster.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenario } from '../workload/loadScenario.js';
import { InputError } from '../workload/errors.js';
import type { ResourceList } from '../cluster/resources.js';
import { readCsv } from '../report/readCsv.js';
import type { Run, SweepPlan } from './plan.js';
import { runPool } from './pool.js';
import { heapBudgetMb } from './memory.js';
import { estimate } from './statistics.js';
import { meetsWithConfidence, type Objective } from './objective.js';

/** What to plan. */
export interface CapacityOptions {
  file: string;
  overrides: string[];
  pool: string;
  objectives: Objective[];
  min: number;
  max: number;
  seeds: (number | string)[];
  workers: number;
  /** Heap budget of each run, MiB (default: the machine's share per worker, experiment/memory.ts). */
  heapMb?: number;
  out: string;
  compareShapes: boolean;
  /** Called after each evaluated count. */
  onPoint?: (p: CapacityPoint) => void;
}

/** One evaluated node count. */
export interface CapacityPoint {
  shape: string;
  nodes: number;
  /** Per objective: the seeds' values and their estimate. */
  metrics: { objective: Objective; values: number[]; mean: number | undefined; ciLow: number | undefined; ciHigh: number | undefined; pass: boolean }[];
  pass: boolean;
}

/** The search's outcome for one shape. */
export interface ShapeResult {
  shape: string;
  price: number | undefined;
  /** The smallest passing count (undefined: none up to --max). */
  nodes: number | undefined;
  /** nodes × price. */
  cost: number | undefined;
  points: CapacityPoint[];
}

/** A resource list as override text (cpu in milli, memory in bytes). */
function resourceText(r: ResourceList): string {
  return JSON.stringify(Object.fromEntries(Object.entries(r).map(([k, v]) => [k, k === 'cpu' ? `${v}m` : String(v)])));
}

/** Runs the search. */
export async function planCapacity(o: CapacityOptions): Promise<ShapeResult[]> {
  const base = loadScenario(o.file, { overrides: o.overrides });
  const index = base.nodePools.findIndex((p) => p.name === o.pool);
  if (index < 0) throw new InputError(`--pool ${o.pool}: the scenario has no such node pool; expected one of ${base.nodePools.map((p) => p.name).join(', ') || '(none)'}`);
  if (o.min < 0 || o.max < o.min) throw new InputError(`--min ${o.min} --max ${o.max}: expected 0 ≤ min ≤ max`);
  const pool = base.nodePools[index]!;
  if (o.compareShapes && (pool.shapes ?? []).length === 0) throw new InputError(`--compare-shapes: pool ${o.pool} lists no shapes; add cluster.nodePools[${index}].shapes: [{name, capacity, price}]`);
  const shapes: { name: string; overrides: string[]; price: number | undefined }[] = [{ name: pool.name, overrides: [], price: pool.price }];
  if (o.compareShapes) {
    for (const s of pool.shapes!) {
      shapes.push({ name: s.name, price: s.price, overrides: [`cluster.nodePools[${index}].capacity=${resourceText(s.capacity)}`, `cluster.nodePools[${index}].allocatable=${resourceText(s.allocatable ?? s.capacity)}`] });
    }
  }
  const results: ShapeResult[] = [];
  for (const shape of shapes) {
    const points = new Map<number, CapacityPoint>();
    const evaluate = async (n: number): Promise<CapacityPoint> => {
      const known = points.get(n);
      if (known !== undefined) return known;
      const p = await evaluatePoint(o, base.name, base.hash, shape.name, [...shape.overrides, `cluster.nodePools[${index}].count=${n}`], n);
      points.set(n, p);
      o.onPoint?.(p);
      return p;
    };
    let answer: number | undefined;
    if ((await evaluate(o.max)).pass) {
      let lo = o.min;
      let hi = o.max;
      while (lo < hi) {
        const mid = Math.floor((lo + hi) / 2);
        if ((await evaluate(mid)).pass) hi = mid;
        else lo = mid + 1;
      }
      answer = hi;
    }
    results.push({ shape: shape.name, price: shape.price, nodes: answer, cost: answer !== undefined && shape.price !== undefined ? answer * shape.price : undefined, points: [...points.values()].sort((a, b) => a.nodes - b.nodes) });
  }
  return results;
}

/** Runs the seeds of one node count and judges the objectives. */
async function evaluatePoint(o: CapacityOptions, scenario: string, hash: string, shape: string, overrides: string[], nodes: number): Promise<CapacityPoint> {
  const dir = join(o.out, shape, `nodes-${nodes}`);
  mkdirSync(dir, { recursive: true });
  const runs: Run[] = o.seeds.map((seed, i) => ({ index: i, cell: 'point', seed, dir: `seed-${String(seed).replace(/[^A-Za-z0-9._-]+/g, '_')}` }));
  const plan: SweepPlan = { scenario, file: o.file, scenarioSha256: hash, overrides: o.overrides, dimensions: [], seeds: o.seeds, cells: [{ id: 'point', dir: '.', values: {}, overrides }], runs };
  const failures: string[] = [];
  const pool = runPool(plan, runs, dir, { workers: o.workers, heapMb: o.heapMb ?? heapBudgetMb(o.workers) }, (run, outcome) => {
    if (outcome.status === 'failed') failures.push(outcome.input ? outcome.message : `seed ${run.seed}: ${outcome.message}`);
  });
  await pool.done;
  if (failures.length > 0) throw new InputError(failures[0]!);
  const rows = runs.map((r) => readCsv(join(dir, r.dir, 'summary.csv'))[0] ?? {});
  const metrics = o.objectives.map((objective) => {
    const raw = rows.map((r) => r[objective.column]);
    const values = raw.filter((v): v is string => v !== undefined && v !== '').map(Number);
    const e = estimate(values);
    // A seed without a value (nothing measured) fails the objective.
    const pass = values.length === rows.length && meetsWithConfidence(objective, values, e?.ciLow, e?.ciHigh);
    return { objective, values, mean: e?.mean, ciLow: e?.ciLow, ciHigh: e?.ciHigh, pass };
  });
  return { shape, nodes, metrics, pass: metrics.every((m) => m.pass) };
}

/** Shapes by the cost of their smallest passing cluster (then node count); shapes that never pass last. */
export function rankShapes(results: readonly ShapeResult[]): ShapeResult[] {
  const key = (r: ShapeResult) => (r.nodes === undefined ? Infinity : (r.cost ?? r.nodes));
  return [...results].sort((a, b) => key(a) - key(b) || (a.nodes ?? Infinity) - (b.nodes ?? Infinity));
}
