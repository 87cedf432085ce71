/** Users' scheduler plugins loaded from .js modules (spec.scheduler.plugins), with the shipped example. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/workload/loadScenario.js';
import { runScenario } from '../../src/sim/simulation.js';
import { InputError } from '../../src/workload/errors.js';

const root = resolve(new URL('../..', import.meta.url).pathname);
const tmp = mkdtempSync(join(tmpdir(), 'kubesim-plugins-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('a user plugin from a module (workloads/examples/user-plugin.yaml)', () => {
  it('filters out draining nodes and fills the cheapest pool first', async () => {
    const scenario = loadScenario(join(root, 'workloads/examples/user-plugin.yaml'), { overrides: [] });
    const out = join(tmp, 'run');
    await runScenario(scenario, { outDir: out });
    const pods = parse(readFileSync(join(out, 'pods.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    const byPool = (pool: string) => pods.filter((p) => p.node!.startsWith(`${pool}-`)).length;
    expect(pods).toHaveLength(30);
    expect(byPool('old')).toBe(0); // cheapest, but draining: the plugin's Filter
    expect(byPool('spot')).toBe(24); // full (3 nodes × 8 pods of 500m) before any on-demand node is used
    expect(byPool('ondemand')).toBe(6);
  });

  it('changes the scenario hash when the module changes', () => {
    const dir = join(tmp, 'copy');
    mkdirSync(join(dir, 'plugins'), { recursive: true });
    copyFileSync(join(root, 'workloads/examples/user-plugin.yaml'), join(dir, 's.yaml'));
    const mod = join(dir, 'plugins/cheapest-node.mjs');
    copyFileSync(join(root, 'workloads/examples/plugins/cheapest-node.mjs'), mod);
    const a = loadScenario(join(dir, 's.yaml'), { overrides: [] }).hash;
    writeFileSync(mod, readFileSync(mod, 'utf8') + '\n// changed\n');
    expect(loadScenario(join(dir, 's.yaml'), { overrides: [] }).hash).not.toBe(a);
  });

  const scenarioWith = (name: string, module: string, body: string) => {
    const dir = mkdtempSync(join(tmp, 'bad-'));
    writeFileSync(join(dir, 'p.mjs'), body);
    const file = join(dir, 's.yaml');
    writeFileSync(
      file,
      `apiVersion: kubesim.dev/v1\nkind: Scenario\nmetadata: {name: t}\nspec:\n  duration: 1m\n  cluster:\n    nodePools:\n      - {name: a, count: 1, capacity: {cpu: "1", memory: 1Gi, pods: 10}}\n  scheduler:\n    plugins:\n      - {name: ${name}, module: ${module}}\n`,
    );
    return file;
  };

  it('refuses a missing module, an in-tree name, and a module without a factory, with exit-code-2 errors', async () => {
    expect(() => loadScenario(scenarioWith('Mine', './nope.mjs', ''), { overrides: [] })).toThrow(/spec.scheduler.plugins\[0\].module: .\/nope.mjs not found/);
    expect(() => loadScenario(scenarioWith('NodeResourcesFit', './p.mjs', ''), { overrides: [] })).toThrow(/"NodeResourcesFit" is an in-tree plugin/);
    const s = loadScenario(scenarioWith('Mine', './p.mjs', 'export const x = 1;\n'), { overrides: [] });
    const err = await runScenario(s, { outDir: join(tmp, 'never') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/p.mjs: expected a default export: a plugin factory \(args, handle\) => plugin, found undefined$/);
  });
});
