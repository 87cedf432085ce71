/**
 * The one-way flow of src/ (docs/architecture.md): cli → experiment → sim → models → cluster → engine, with
 * workload/ (the scenario loader) beside the models producing their configuration. A file that imports against the
 * flow fails here, naming the import.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(__dirname, '../../src');

interface Import {
  from: string;
  to: string;
  typeOnly: boolean;
}

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/** Every relative import of every file under src/, as src-relative paths (`models/kubelet/kubelet.ts`). */
function imports(): Import[] {
  const out: Import[] = [];
  const re = /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[^'"]*?\s+from\s+)?['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;
  for (const f of files(SRC)) {
    const text = readFileSync(f, 'utf8');
    for (const m of text.matchAll(re)) {
      const spec = m[3] ?? m[4]!;
      const to = relative(SRC, resolve(dirname(f), spec)).replace(/\.js$/, '.ts');
      out.push({ from: relative(SRC, f), to, typeOnly: m[2] !== undefined });
    }
  }
  return out;
}

const all = imports();
const show = (list: Import[]) => list.map((i) => `${i.from} → ${i.to}${i.typeOnly ? ' (type)' : ''}`);
const under = (path: string, dir: string) => path === dir || path.startsWith(`${dir}/`);

describe('the import graph of src/', () => {
  it('sees the imports (the check is not vacuous)', () => {
    expect(all.length).toBeGreaterThan(500);
    expect(all.some((i) => i.from === 'models/kubelet/kubelet.ts' && i.to === 'cluster/annotations.ts')).toBe(true);
  });

  it('the engine imports nothing of Kubernetes: only itself', () => {
    expect(show(all.filter((i) => under(i.from, 'engine') && !under(i.to, 'engine')))).toEqual([]);
  });

  it('the vocabulary (cluster/) imports only the engine', () => {
    expect(show(all.filter((i) => under(i.from, 'cluster') && !under(i.to, 'cluster') && !under(i.to, 'engine')))).toEqual([]);
  });

  it('no model imports the scenario loader (workload/), the simulation, the experiments or the CLI', () => {
    expect(show(all.filter((i) => under(i.from, 'models') && ['workload', 'sim', 'experiment', 'cli', 'report'].some((d) => under(i.to, d))))).toEqual([]);
  });

  it('the loader uses models only for their configuration types, and the scheduler framework to validate a scheduler configuration', () => {
    const allowed = (to: string) => under(to, 'models/scheduler/framework') || under(to, 'models/scheduler/plugins') || to === 'models/scheduler/podChangeLog.ts';
    expect(show(all.filter((i) => under(i.from, 'workload') && under(i.to, 'models') && !i.typeOnly && !allowed(i.to)))).toEqual([]);
  });

  it('nothing below the CLI imports it, and nothing below the experiments imports them', () => {
    expect(show(all.filter((i) => !under(i.from, 'cli') && i.from !== 'index.ts' && under(i.to, 'cli')))).toEqual([]);
    expect(show(all.filter((i) => ['models', 'cluster', 'engine', 'sim', 'workload', 'metrics'].some((d) => under(i.from, d)) && under(i.to, 'experiment')))).toEqual([]);
  });
});
