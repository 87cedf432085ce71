/**
 * Fuzzing the loader: shipped scenarios and manifests mutated as a careless user or an attacker would (characters
 * inserted, deleted and replaced; values swapped for NaN, infinities, huge and negative numbers, wrong types, long
 * strings, deep and wide structures, paths to devices; keys deleted), each loaded in this process. The loader must
 * accept the input or throw kubesim's InputError, within a time bound; anything else is a crash.
 * Used by test/property/loaderFuzz.test.ts (a few thousand cases) and `npm run fuzz` (100,000, with reproducers).
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import fc from 'fast-check';
import { parseAllDocuments, stringify } from 'yaml';
import { loadScenario } from '../../src/workload/loadScenario.js';
import { InputError } from '../../src/workload/errors.js';

const root = resolve(new URL('../..', import.meta.url).pathname);

/** A value put in place of another. */
type Nasty = { kind: 'value'; value: unknown } | { kind: 'deep'; depth: number } | { kind: 'wide'; keys: number } | { kind: 'long-list'; items: number } | { kind: 'long-string'; chars: number };

/** One mutation of a seed file. */
export type Mutation =
  | { op: 'text'; at: number; del: number; insert: string }
  | { op: 'set'; pick: number; value: Nasty }
  | { op: 'delete'; pick: number }
  | { op: 'duplicate-line'; at: number };

/** One fuzz case: a seed file of the shipped workloads and the mutations applied to it, in order. */
export interface FuzzCase {
  seed: string;
  mutations: Mutation[];
}

/** What loading one case did. */
export interface FuzzOutcome {
  result: 'accepted' | 'refused' | 'crashed';
  ms: number;
  message?: string;
}

/** The shipped YAML files: scenarios (kind: Scenario) and manifests, relative to workloads/. */
export function seedFiles(): { scenarios: string[]; manifests: string[] } {
  const scenarios: string[] = [];
  const manifests: string[] = [];
  const walk = (d: string) => {
    for (const f of readdirSync(d).sort()) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(f)) (/^kind: Scenario$/m.test(readFileSync(p, 'utf8')) ? scenarios : manifests).push(relative(join(root, 'workloads'), p));
    }
  };
  walk(join(root, 'workloads'));
  return { scenarios, manifests };
}

const nasty: fc.Arbitrary<Nasty> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom<unknown>(NaN, Infinity, -Infinity, 1e308, -1, 0, 2 ** 53, -(2 ** 31), 0.5, '', ' ', null, true, false, {}, [], '/dev/zero', '../../../../etc/passwd', '<script>alert(1)</script>', '${HOME}', '1e999', '-.inf', '100000000000Gi', '9999999h', '0s', '-5m', 'a'.repeat(300), '\u0000', '\uFEFF', '*', '"').map((value): Nasty => ({ kind: 'value', value })) },
  { weight: 6, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.string(), fc.array(fc.string(), { maxLength: 5 }), fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 5 })).map((value): Nasty => ({ kind: 'value', value })) },
  // Large values are few: each costs the loader up to a second (what the size limit allows).
  { weight: 1, arbitrary: fc.integer({ min: 50, max: 400 }).map((depth): Nasty => ({ kind: 'deep', depth })) },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 12_000 }).map((keys): Nasty => ({ kind: 'wide', keys })) },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 12_000 }).map((items): Nasty => ({ kind: 'long-list', items })) },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 600_000 }).map((chars): Nasty => ({ kind: 'long-string', chars })) },
);

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('set' as const), pick: fc.nat(), value: nasty }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('delete' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('text' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), del: fc.nat({ max: 12 }), insert: fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('[', '{', ']', '}', ':', '- ', '&a ', '*a', '!!str ', '\n  ', '"', "'", '#', '---\n', '\t', '? ', '|\n', '.nan', '.inf', '\\u0000')) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('duplicate-line' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }) },
);

/** Fuzz cases over the shipped scenarios and manifests. */
export function fuzzCases(): fc.Arbitrary<FuzzCase> {
  const { scenarios, manifests } = seedFiles();
  return fc.record({ seed: fc.constantFrom(...scenarios, ...manifests), mutations: fc.array(mutation, { minLength: 1, maxLength: 4 }) });
}

function build(n: Nasty): unknown {
  switch (n.kind) {
    case 'value':
      return n.value;
    case 'deep': {
      let v: unknown = 'x';
      for (let i = 0; i < n.depth; i++) v = i % 2 === 0 ? [v] : { k: v };
      return v;
    }
    case 'wide':
      return Object.fromEntries(Array.from({ length: n.keys }, (_, i) => [`k${i}`, i]));
    case 'long-list':
      return Array.from({ length: n.items }, (_, i) => ({ name: `n${i}`, count: i }));
    case 'long-string':
      return 'x'.repeat(n.chars);
  }
}

/** Every path of a plain value (without recursion), the root first. */
function paths(value: unknown): (string | number)[][] {
  const out: (string | number)[][] = [];
  const stack: { v: unknown; p: (string | number)[] }[] = [{ v: value, p: [] }];
  while (stack.length > 0 && out.length < 5000) {
    const { v, p } = stack.pop()!;
    out.push(p);
    if (Array.isArray(v)) v.forEach((x, i) => stack.push({ v: x, p: [...p, i] }));
    else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) stack.push({ v: x, p: [...p, k] });
  }
  return out;
}

/**
 * Applies the structural mutations to the seed's documents (parsed once: the seeds are small and well-formed), then
 * writes them as YAML, or as JSON (also YAML) when a large value went in.
 */
function mutateStructure(text: string, ms: readonly Extract<Mutation, { op: 'set' | 'delete' }>[]): string {
  if (ms.length === 0) return text;
  const docs = parseAllDocuments(text, { logLevel: 'error' });
  if (!Array.isArray(docs) || docs.some((d) => d.errors.length > 0)) return text;
  const values = docs.map((d) => d.toJS() as unknown);
  let large = false;
  for (const m of ms) {
    const all = values.flatMap((v, i) => paths(v).map((p) => ({ doc: i, p })));
    const target = all[m.pick % all.length];
    if (target === undefined || target.p.length === 0) continue;
    let parent = values[target.doc] as Record<string | number, unknown>;
    for (const k of target.p.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
    const last = target.p[target.p.length - 1]!;
    if (m.op === 'delete') {
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
    } else {
      parent[last] = build(m.value);
      large ||= m.value.kind !== 'value';
    }
  }
  if (large) return values.map((v) => JSON.stringify(v, null, 1) ?? 'null').join('\n---\n');
  return values.map((v) => stringify(v, { aliasDuplicateObjects: false, lineWidth: 0 })).join('---\n');
}

/** The text of a fuzz case: its structural mutations on the seed, then its text mutations in order. */
export function mutatedText(c: FuzzCase): string {
  let text = readFileSync(join(root, 'workloads', c.seed), 'utf8');
  text = mutateStructure(text, c.mutations.filter((m): m is Extract<Mutation, { op: 'set' | 'delete' }> => m.op === 'set' || m.op === 'delete'));
  for (const m of c.mutations) {
    if (m.op === 'text') {
      const at = Math.floor(m.at * text.length);
      text = text.slice(0, at) + m.insert + text.slice(at + m.del);
    } else if (m.op === 'duplicate-line') {
      const lines = text.split('\n');
      const i = Math.floor(m.at * lines.length);
      lines.splice(i, 0, lines[i] ?? '');
      text = lines.join('\n');
    }
  }
  return text;
}

/** A copy of workloads/ to write mutated files into (so relative paths resolve as in the originals). */
export function fuzzWorkspace(): { dir: string; dispose: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'kubesim-fuzz-'));
  cpSync(join(root, 'workloads'), join(dir, 'workloads'), { recursive: true });
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

const WRAPPER = (manifest: string) => `apiVersion: kubesim.dev/v1
kind: Scenario
metadata: {name: fuzz}
spec:
  duration: 10m
  cluster:
    nodePools:
      - {name: p, count: 3, capacity: {cpu: "8", memory: 32Gi, pods: 110}}
  manifests: [${JSON.stringify(manifest)}]
`;

/** Writes a case into the workspace and loads it; a manifest is loaded through a small scenario naming it. */
export function runCase(workspace: string, c: FuzzCase, n: number, text = mutatedText(c)): FuzzOutcome {
  const seedPath = join(workspace, 'workloads', c.seed);
  const isScenario = /^kind: Scenario$/m.test(readFileSync(seedPath, 'utf8'));
  const file = join(dirname(seedPath), `.fuzz-${n}.yaml`);
  writeFileSync(file, text);
  let scenario = file;
  if (!isScenario) {
    scenario = join(dirname(seedPath), `.fuzz-${n}-scenario.yaml`);
    writeFileSync(scenario, WRAPPER(`./.fuzz-${n}.yaml`));
  }
  const t0 = process.hrtime.bigint();
  try {
    loadScenario(scenario);
    return { result: 'accepted', ms: Number(process.hrtime.bigint() - t0) / 1e6 };
  } catch (e) {
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (e instanceof InputError) return { result: 'refused', ms, message: e.message };
    return { result: 'crashed', ms, message: `${(e as Error).name}: ${(e as Error).message}\n${(e as Error).stack ?? ''}` };
  } finally {
    rmSync(file, { force: true });
    if (scenario !== file) rmSync(scenario, { force: true });
  }
}

/** Writes a failing case's input and what happened, to reproduce it (`kubesim validate <file>`). */
export function writeReproducer(outDir: string, c: FuzzCase, o: FuzzOutcome, n: number, text = mutatedText(c)): string {
  mkdirSync(outDir, { recursive: true });
  const base = join(outDir, `case-${n}`);
  writeFileSync(`${base}.yaml`, text);
  writeFileSync(`${base}.json`, JSON.stringify({ seed: `workloads/${c.seed}`, mutations: c.mutations, outcome: o }, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 2) + '\n');
  return base;
}
