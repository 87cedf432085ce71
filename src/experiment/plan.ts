/**
 * Expanding a scenario's matrix into a sweep plan (DESIGN §8, §12): cells are the cartesian product of the matrix
 * dimensions, in declared order; every cell runs once per seed. Cells share random streams for everything the
 * matrix does not touch, because every stream is derived from the seed and its own name (common random numbers):
 * two policies see the same arrivals and durations for the same seed.
 */
import { loadScenario } from '../workload/loadScenario.js';
import type { Scenario } from '../workload/scenario.js';
import { InputError } from '../workload/errors.js';
import { checkMemory } from './memory.js';

/** One point of the matrix. */
export interface Cell {
  /** `path=value` pairs joined by ", " (or "base" without dimensions). */
  id: string;
  /** Folder name of the cell (the id with unsafe characters replaced). */
  dir: string;
  /** Value of each dimension, as written in the matrix. */
  values: Record<string, unknown>;
  /** The overrides that make this cell, in `path=value` form. */
  overrides: string[];
}

/** One run: a cell with a seed. */
export interface Run {
  index: number;
  cell: string;
  seed: number | string;
  /** Results folder of the run, relative to the sweep's folder. */
  dir: string;
}

/** A sweep plan. */
export interface SweepPlan {
  scenario: string;
  file: string;
  scenarioSha256: string;
  /** Overrides given on the command line (apply to every cell). */
  overrides: string[];
  dimensions: string[];
  seeds: (number | string)[];
  cells: Cell[];
  runs: Run[];
}

/** Text of a matrix value in ids and overrides. */
export function valueText(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function safeDir(id: string): string {
  return id.replace(/[^A-Za-z0-9._=,+-]+/g, '_');
}

/** The overrides of one run: the command line's, the cell's, and its seed. */
export function runOverrides(plan: SweepPlan, run: Run): { overrides: string[]; matrixOverrides: string[] } {
  const cell = plan.cells.find((c) => c.id === run.cell)!;
  return { overrides: plan.overrides, matrixOverrides: [...cell.overrides, `seed=${typeof run.seed === 'number' ? run.seed : JSON.stringify(run.seed)}`] };
}

/**
 * Plans the sweep of a scenario; validates every cell, so a bad matrix value fails before anything runs. With
 * `heapMb`, a cell whose estimated peak memory exceeds that budget is refused too (experiment/memory.ts).
 */
export function planSweep(file: string, overrides: readonly string[] = [], heapMb?: number): SweepPlan {
  const base: Scenario = loadScenario(file, { overrides });
  const matrix = base.matrix ?? { dimensions: [], seeds: [base.seed] };
  let combos: Record<string, unknown>[] = [{}];
  for (const d of matrix.dimensions) combos = combos.flatMap((c) => d.values.map((v) => ({ ...c, [d.path]: v })));
  const cells: Cell[] = combos.map((values) => {
    const pairs = Object.entries(values).map(([p, v]) => `${p}=${valueText(v)}`);
    const id = pairs.length === 0 ? 'base' : pairs.join(', ');
    return { id, dir: safeDir(pairs.length === 0 ? 'base' : pairs.join(',')), values, overrides: Object.entries(values).map(([p, v]) => `${p}=${JSON.stringify(v)}`) };
  });
  const dirs = new Set(cells.map((c) => c.dir));
  if (dirs.size !== cells.length) throw new InputError(`${file}: spec.matrix: two cells would share a results folder; make the values differ in letters or digits`);
  const plan: SweepPlan = { scenario: base.name, file, scenarioSha256: base.hash, overrides: [...overrides], dimensions: matrix.dimensions.map((d) => d.path), seeds: matrix.seeds, cells, runs: [] };
  for (const cell of cells) {
    for (const seed of matrix.seeds) plan.runs.push({ index: plan.runs.length, cell: cell.id, seed, dir: `${cell.dir}/seed-${safeDir(String(seed))}` });
    // Validate the cell once (its seed does not change validity).
    const s = loadScenario(file, runOverrides(plan, plan.runs[plan.runs.length - 1]!));
    if (heapMb !== undefined) checkMemory(s, heapMb, `${file}: cell ${cell.id}`);
  }
  return plan;
}
