/** KubeSchedulerConfiguration loading: upstream's plugin merge rules and profiles selected by schedulerName. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/workload/loadScenario.js';
import { mergePlugins } from '../../src/models/scheduler/framework/mergePlugins.js';
import { InputError } from '../../src/workload/errors.js';
import { world, withScheduler, s } from '../helpers/world.js';
import { makeNode, makePod } from '../helpers/objects.js';

const dir = mkdtempSync(join(tmpdir(), 'kubesim-schedcfg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function scenario(scheduler: string): string {
  const f = join(dir, `s${++n}.yaml`);
  writeFileSync(f, `apiVersion: kubesim.dev/v1\nkind: Scenario\nmetadata: {name: t}\nspec:\n  duration: 10s\n  cluster: {}\n  scheduler:\n${scheduler}\n`);
  return f;
}

describe('KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1)', () => {
  it('loads two profiles from a file: defaults kept, score disabled and re-weighted, pluginConfig args applied', () => {
    const f = scenario(`    config: ${resolve('workloads/examples/kube-scheduler-config.yaml')}`);
    const sc = loadScenario(f);
    const [def, bin] = sc.scheduler.profiles!;
    expect(def!.schedulerName).toBe('default-scheduler');
    expect(def!.plugins.map((p) => p.name)).toContain('PodTopologySpread');
    expect(bin!.schedulerName).toBe('bin-packing');
    const fit = bin!.plugins.find((p) => p.name === 'NodeResourcesFit')!;
    expect(fit.weight).toBe(5);
    expect(fit.args).toEqual({ scoringStrategy: { type: 'MostAllocated', resources: [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }] } });
    expect(bin!.plugins.find((p) => p.name === 'NodeResourcesBalancedAllocation')!.disabledPoints).toEqual(['score']);
    expect(sc.files.some((x) => x.endsWith('kube-scheduler-config.yaml'))).toBe(true);
  });

  it('multiPoint disabled "*" removes every default; enabled at one point adds the plugin there only', () => {
    const merged = mergePlugins({ plugins: { multiPoint: { disabled: [{ name: '*' }], enabled: [{ name: 'PrioritySort' }, { name: 'NodeResourcesFit', weight: 2 }, { name: 'DefaultBinder' }] }, score: { enabled: [{ name: 'DotProduct', weight: 3 }] } } });
    expect(merged.map((p) => [p.name, p.weight, p.onlyPoints])).toEqual([
      ['PrioritySort', undefined, undefined],
      ['NodeResourcesFit', 2, undefined],
      ['DefaultBinder', undefined, undefined],
      ['DotProduct', 3, ['score']],
    ]);
  });

  it('reports an unknown plugin with the file, the profile and the plugin name', () => {
    const f = scenario(`    config:\n      apiVersion: kubescheduler.config.k8s.io/v1\n      kind: KubeSchedulerConfiguration\n      profiles:\n        - schedulerName: x\n          plugins:\n            score:\n              enabled: [{name: NoSuchPlugin}]`);
    expect(() => loadScenario(f)).toThrow(InputError);
    expect(() => loadScenario(f)).toThrow(/spec\.scheduler\.config\.profiles\[0\].*NoSuchPlugin/);
  });

  it('a pod is scheduled by the profile its schedulerName names; pods of unknown schedulers are left alone', () => {
    const sc = loadScenario(scenario(`    config: ${resolve('workloads/examples/kube-scheduler-config.yaml')}`));
    const w = world();
    const sched = withScheduler(w, { profiles: sc.scheduler.profiles });
    w.admin.create(makeNode('big', { cpu: 16000, memory: 64e9 }));
    w.admin.create(makeNode('small', { cpu: 4000, memory: 16e9 }));
    w.admin.create(makePod('busy', { cpu: 3000, memory: 1e9 }, { nodeName: 'small' }));
    w.engine.run(1 * s);
    w.admin.create(makePod('packed', { cpu: 500, memory: 1e9 }, { schedulerName: 'bin-packing' }));
    w.admin.create(makePod('spread', { cpu: 500, memory: 1e9 }));
    w.admin.create(makePod('other', { cpu: 500, memory: 1e9 }, { schedulerName: 'someone-else' }));
    w.engine.run(5 * s);
    expect(w.store.get('Pod', 'default/packed')?.spec.nodeName).toBe('small');
    expect(w.store.get('Pod', 'default/spread')?.spec.nodeName).toBe('big');
    expect(w.store.get('Pod', 'default/other')?.spec.nodeName).toBeUndefined();
    expect(sched.profiles.size).toBe(2);
  });
});
