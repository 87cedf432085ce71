/**
 * `spec.cluster.snapshot`: a cluster's state at t = 0. Running pods are taken over by their nodes' kubelets (no
 * image pull, no start), pending pods wait for the scheduler, finished Jobs stay finished, a node recorded NotReady
 * has a kubelet that is down, and a DaemonSet rollout the snapshot caught midway goes on while its up-to-date pods stay.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/workload/loadScenario.js';
import { runScenario } from '../../src/sim/simulation.js';
import type { Cell } from '../../src/metrics/csvFile.js';

const dir = mkdtempSync(join(tmpdir(), 'kubesim-snapshot-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Outputs = Record<string, { columns: readonly string[]; rows: Cell[][] }>;
/** An output's rows as objects, numbers read as numbers. */
const table = (o: Outputs, name: string) => o[name]!.rows.map((r) => Object.fromEntries(o[name]!.columns.map((c, i) => [c, typeof r[i] === 'string' && r[i] !== '' && !Number.isNaN(Number(r[i])) ? Number(r[i]) : r[i] === '' ? undefined : r[i]])));

const node = (name: string, ready = 'True') => `apiVersion: v1
kind: Node
metadata: {name: ${name}, uid: uid-${name}, labels: {kubernetes.io/hostname: ${name}, topology.kubernetes.io/zone: z1}}
status:
  capacity: {cpu: "4", memory: 16Gi, pods: "110"}
  allocatable: {cpu: "4", memory: 16Gi, pods: "110"}
  conditions: [{type: Ready, status: "${ready}", lastTransitionTime: "2026-12-01T00:00:00Z"}]
`;
const pod = (name: string, nodeName: string | undefined, phase: string, extra = '') => `apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: default, uid: uid-${name}${extra}}
spec:
  ${nodeName !== undefined ? `nodeName: ${nodeName}\n  ` : ''}containers: [{name: c, image: example.com/app:1, resources: {requests: {cpu: "1", memory: 1Gi}}}]
status:
  phase: ${phase}
  podIP: 10.244.0.9
  conditions: [{type: Ready, status: "${phase === 'Running' ? 'True' : 'False'}"}]
`;

async function runSnapshot(name: string, docs: string[], duration = '2m'): Promise<Outputs> {
  writeFileSync(join(dir, `${name}-cluster.yaml`), docs.join('---\n'));
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `apiVersion: kubesim.dev/v1\nkind: Scenario\nmetadata: {name: ${name}}\nspec:\n  duration: ${duration}\n  cluster: {snapshot: ./${name}-cluster.yaml}\n  metrics: {interval: 10s}\n`);
  return (await runScenario(loadScenario(file), {})).outputs!;
}

describe('a cluster snapshot', () => {
  it("a running pod is taken over by its node's kubelet: no pull, no start, Ready from t = 0, its address kept", async () => {
    const o = await runSnapshot('running', [node('n1'), pod('web', 'n1', 'Running')]);
    const events = table(o, 'events');
    expect(events.filter((e) => e.name === 'web')).toEqual([]);
    const p = table(o, 'pods').find((r) => r.name === 'web')!;
    expect([p.node, p.phase, p.created_s, p.running_s, p.ready_s]).toEqual(['n1', 'Running', 0, 0, 0]);
    expect(table(o, 'cluster')[0]!.pods_running).toBe(1);
  });

  it('a pending pod waits for the scheduler, which binds it where it fits; a bound pod still Pending is started by its kubelet', async () => {
    const o = await runSnapshot('pending', [node('n1'), pod('queued', undefined, 'Pending'), pod('starting', 'n1', 'Pending')]);
    const first = table(o, 'cluster')[0]!;
    expect([first.pods_unscheduled, first.pods_scheduled_pending]).toEqual([1, 1]);
    const pods = new Map(table(o, 'pods').map((p) => [p.name, p]));
    expect(pods.get('queued')!.node).toBe('n1');
    expect(Number(pods.get('queued')!.bound_s)).toBeGreaterThan(0);
    expect(table(o, 'events').some((e) => e.name === 'starting' && e.reason === 'Started')).toBe(true);
    expect(table(o, 'events').some((e) => e.name === 'starting' && e.reason === 'Scheduled')).toBe(false);
  });

  it('a node recorded NotReady starts with its kubelet down: NotReady in the first sample, its pods not taken over', async () => {
    const o = await runSnapshot('notready', [node('n1'), node('n2', 'Unknown'), pod('stuck', 'n2', 'Running')]);
    const first = table(o, 'nodes').filter((r) => r.time_s === 0);
    expect(first.map((r) => [r.node, r.ready])).toEqual([['n1', 1], ['n2', 0]]);
    expect(table(o, 'events').filter((e) => e.name === 'stuck' && (e.reason === 'Started' || e.reason === 'Pulling'))).toEqual([]);
  });

  it('a finished Job stays finished: no pod is created for it', async () => {
    const job = `apiVersion: batch/v1
kind: Job
metadata: {name: report, namespace: default, uid: uid-job}
spec:
  completions: 1
  template:
    metadata: {labels: {job: report}}
    spec:
      restartPolicy: Never
      containers: [{name: c, image: example.com/report:1, resources: {requests: {cpu: 100m}}}]
status:
  succeeded: 1
  conditions: [{type: Complete, status: "True"}]
`;
    const o = await runSnapshot('job', [node('n1'), job]);
    expect(table(o, 'events').filter((e) => e.reason === 'SuccessfulCreate')).toEqual([]);
    expect(table(o, 'pods')).toEqual([]);
  });

  it('a DaemonSet rollout caught midway goes on: the pod of the current template generation stays, the old one is replaced', async () => {
    const ds = `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: default, uid: uid-ds, annotations: {deprecated.daemonset.template.generation: "3"}}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers: [{name: c, image: example.com/agent:3, resources: {requests: {cpu: 100m}}}]
`;
    const dsPod = (name: string, nodeName: string, generation: string) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: default
  uid: uid-${name}
  labels: {app: agent, controller-revision-hash: rev-${generation}, pod-template-generation: "${generation}"}
  ownerReferences: [{apiVersion: apps/v1, kind: DaemonSet, name: agent, uid: uid-ds, controller: true}]
spec:
  nodeName: ${nodeName}
  containers: [{name: c, image: example.com/agent:${generation}, resources: {requests: {cpu: 100m}}}]
status: {phase: Running, conditions: [{type: Ready, status: "True"}]}
`;
    const o = await runSnapshot('daemonset', [node('n1'), node('n2'), ds, dsPod('agent-new', 'n1', '3'), dsPod('agent-old', 'n2', '2')]);
    const events = table(o, 'events');
    expect(events.filter((e) => e.reason === 'SuccessfulDelete').map((e) => e.message)).toEqual(['Deleted pod: agent-old']);
    const pods = table(o, 'pods');
    expect(pods.find((p) => p.name === 'agent-new')!.deleted_s).toBeUndefined();
    expect(pods.filter((p) => p.node === 'n2' && p.phase === 'Running' && p.deleted_s === undefined).map((p) => p.image ?? p.owner_name)).toEqual(['agent']);
  });
});
