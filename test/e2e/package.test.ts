/**
 * kubesim as a package: `npm pack` of the built tree, installed from the tarball into an empty folder (its
 * dependencies from the registry), then used from JavaScript (run in memory) and TypeScript (type-checked against
 * the shipped declarations).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(new URL('../..', import.meta.url).pathname);
const tmp = mkdtempSync(join(tmpdir(), 'kubesim-pack-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const SCENARIO = `{apiVersion: 'kubesim.dev/v1', kind: 'Scenario', metadata: {name: 'lib'}, spec: {duration: '5m', cluster: {nodePools: [{name: 'n', count: 2, capacity: {cpu: '4', memory: '8Gi', pods: 110}}]}, manifests: [{apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'web'}, spec: {replicas: 3, selector: {matchLabels: {app: 'web'}}, template: {metadata: {labels: {app: 'web'}}, spec: {containers: [{name: 'web', image: 'nginx:1.27', resources: {requests: {cpu: '250m'}}}]}}}}]}}`;

describe('the packed package', () => {
  it('installs from its tarball and is used from JavaScript and TypeScript', () => {
    const pack = spawnSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], { cwd: root, encoding: 'utf8' });
    expect(pack.status, pack.stderr).toBe(0);
    const tgz = join(tmp, (JSON.parse(pack.stdout) as { filename: string }[])[0]!.filename);
    const app = join(tmp, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    const install = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', tgz], { cwd: app, encoding: 'utf8' });
    expect(install.status, install.stderr).toBe(0);

    writeFileSync(
      join(app, 'use.mjs'),
      `import { load, run, Code, KUBERNETES_VERSION } from 'kubesim';
const r = await run(load(${SCENARIO}));
console.log(JSON.stringify({ created: r.summary.pods_created, pods: r.outputs.pods.length, unschedulable: Code.Unschedulable, version: KUBERNETES_VERSION }));
`,
    );
    const js = spawnSync(process.execPath, ['use.mjs'], { cwd: app, encoding: 'utf8' });
    expect(js.status, js.stderr).toBe(0);
    expect(JSON.parse(js.stdout)).toEqual({ created: 3, pods: 3, unschedulable: 2, version: 'v1.34' });

    writeFileSync(
      join(app, 'use.ts'),
      `import { load, run, Code, status, type FilterPlugin, type RunOutput, type Scenario } from 'kubesim';
const scenario: Scenario = load(${SCENARIO});
const out: Promise<RunOutput> = run(scenario, { seed: 3 });
const draining: FilterPlugin = { name: 'Draining', filter: (_state, _pod, node) => (node.node.metadata.labels?.['drain'] === 'true' ? status(Code.Unschedulable, 'draining') : null) };
void out;
void draining;
`,
    );
    const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--skipLibCheck', '--typeRoots', join(root, 'node_modules/@types'), '--types', 'node', 'use.ts'], { cwd: app, encoding: 'utf8' });
    expect(tsc.status, tsc.stdout + tsc.stderr).toBe(0);
  }, 240_000);
});
