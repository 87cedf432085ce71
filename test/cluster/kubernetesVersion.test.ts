/**
 * `spec.kubernetesVersion`: kubesim follows v1.34; v1.31–v1.33 select the older behaviour of the changes of the last
 * three minors that kubesim can select, each tested on both sides of its change.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KUBERNETES_MINOR, KUBERNETES_VERSION, selectableMinor } from '../../src/cluster/kubernetesVersion.js';
import { loadScenario } from '../../src/workload/loadScenario.js';
import { runScenario } from '../../src/sim/simulation.js';
import { readCsv } from '../../src/report/readCsv.js';
import { NodeInfo } from '../../src/models/scheduler/nodeInfo.js';
import { podInfo } from '../../src/models/scheduler/podInfo.js';
import { Code } from '../../src/models/scheduler/framework/status.js';
import { balancedAllocation } from '../../src/models/scheduler/plugins/balancedAllocation.js';
import { nodePorts } from '../../src/models/scheduler/plugins/nodePorts.js';
import { makeNode, makePod } from '../helpers/objects.js';

const dir = mkdtempSync(join(tmpdir(), 'kubesim-k8sversion-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function scenario(extra: string, name = 'v'): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `apiVersion: kubesim.dev/v1\nkind: Scenario\nmetadata: {name: ${name}}\nspec:\n  duration: 2m\n${extra}`);
  return file;
}

describe('the followed Kubernetes version', () => {
  it('is v1.34, and a scenario follows it unless it selects another', () => {
    expect(KUBERNETES_VERSION).toBe('v1.34');
    expect(loadScenario(scenario('')).kubernetesMinor).toBe(KUBERNETES_MINOR);
    expect(loadScenario(scenario('  kubernetesVersion: v1.33\n')).kubernetesMinor).toBe(33);
    expect(loadScenario(scenario('  kubernetesVersion: "1.31.4"\n')).kubernetesMinor).toBe(31);
  });

  it('refuses a version outside v1.31–v1.34, naming the file, the field and the range', () => {
    for (const v of ['v1.30', 'v1.35', 'v2.0', 'latest']) {
      expect(() => loadScenario(scenario(`  kubernetesVersion: "${v}"\n`))).toThrow(/v\.yaml:\d+:\d+: spec\.kubernetesVersion: expected a Kubernetes version from v1\.31 to v1\.34/);
    }
    expect(selectableMinor('v1.34.0')).toBe(34);
    expect(selectableMinor('v1.034')).toBeUndefined();
  });
});

describe('behaviours selected by the minor', () => {
  const node = (name: string, pods: ReturnType<typeof makePod>[] = []) => {
    const n = new NodeInfo(makeNode(name, { cpu: 4000, memory: 8e9 }));
    for (const p of pods) n.addPod(podInfo(p));
    return n;
  };

  it('v1.33+: BalancedAllocation skips a best-effort pod at PreScore; v1.32 scores it', () => {
    const bestEffort = podInfo(makePod('be', {}));
    expect(balancedAllocation(undefined, 34).preScore!(new Map(), bestEffort, [node('n')])?.code).toBe(Code.Skip);
    expect(balancedAllocation(undefined, 33).preScore!(new Map(), bestEffort, [node('n')])?.code).toBe(Code.Skip);
    expect(balancedAllocation(undefined, 32).preScore!(new Map(), bestEffort, [node('n')])).toBeNull();
    // A pod with requests is scored on both sides.
    expect(balancedAllocation(undefined, 32).preScore!(new Map(), podInfo(makePod('b', { cpu: 100 })), [node('n')])).toBeNull();
  });

  it('v1.34: NodePorts counts sidecars\' host ports, on the pod and on the node; v1.33 the app containers\' alone', () => {
    const withSidecarPort = makePod('s', {}, { initContainers: [{ name: 'exporter', image: 'x', restartPolicy: 'Always', ports: [{ containerPort: 9100, hostPort: 9100 }] }] });
    const withAppPort = makePod('a', {}, { containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 9100, hostPort: 9100 }] }] });
    const fits = (minor: number, pod: ReturnType<typeof makePod>, on: ReturnType<typeof makePod>) => {
      const p = nodePorts(minor);
      const state = new Map();
      const pi = podInfo(pod);
      const pre = p.preFilter!(state, pi, []);
      if (pre !== null && pre.code === Code.Skip) return true;
      return p.filter(state, pi, node('n', [on])) === null;
    };
    expect(fits(34, withAppPort, withSidecarPort)).toBe(false);
    expect(fits(34, withSidecarPort, withAppPort)).toBe(false);
    expect(fits(33, withAppPort, withSidecarPort)).toBe(true);
    expect(fits(33, withSidecarPort, withAppPort)).toBe(true);
    // App containers' ports conflict on both sides.
    expect(fits(33, withAppPort, withAppPort)).toBe(false);
  });

  it('v1.32+: a silent node goes Unknown after the 50 s node-monitor-grace-period; v1.31 after 40 s', async () => {
    const unknownAt = async (version: string) => {
      const file = scenario(
        `  kubernetesVersion: "${version}"\n  cluster:\n    nodePools: [{name: n, count: 1, capacity: {cpu: "4", memory: 8Gi, pods: 110}}]\n  events:\n    - {at: 10s, failNodes: {pool: n, count: 1}}\n`,
        `grace-${version.replace(/\./g, '-')}`,
      );
      const out = join(dir, `out-${version}`);
      await runScenario(loadScenario(file), { outDir: out });
      const e = readCsv(join(out, 'events.csv')).find((x) => x.reason === 'NodeNotReady');
      return Number(e?.time_s);
    };
    const at34 = await unknownAt('v1.34');
    const at31 = await unknownAt('v1.31');
    expect(at34 - at31).toBe(10);
    expect(at34).toBeGreaterThan(50);
  });
});
