/**
 * The Priority admission plugin (plugin/pkg/admission/priority/admission_test.go cases) and the disruption
 * controller's status arithmetic (pkg/controller/disruption/disruption_test.go: TestNoSelector, TestUnavailable,
 * TestIntegerMaxUnavailable, TestReplicaSet…).
 */
import { describe, expect, it } from 'vitest';
import type { Pod, PodDisruptionBudget, PriorityClass } from '../../src/cluster/types.js';
import { admitPodPriority } from '../../src/cluster/priorityClasses.js';
import { budgetStatus } from '../../src/models/controllers/disruption.js';
import { scaledValue } from '../../src/cluster/intstr.js';
import { DisruptionController } from '../../src/models/controllers/disruption.js';
import { ReplicaSetController } from '../../src/models/controllers/replicaSet.js';
import { makePod } from '../helpers/objects.js';
import { ms, s, world } from '../helpers/world.js';

const pc = (name: string, value: number, extra: Partial<PriorityClass> = {}): PriorityClass => ({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value, ...extra });

function admit(pod: Pod, classes: PriorityClass[]) {
  const m = new Map(classes.map((c) => [c.metadata.name, c]));
  return admitPodPriority(pod, (n) => m.get(n), () => classes);
}

describe('Priority admission', () => {
  const bare = () => makePod('p');
  it('resolves priorityClassName to the class value and preemption policy', () => {
    const out = admit({ ...bare(), spec: { ...bare().spec, priorityClassName: 'batch' } }, [pc('batch', 1000, { preemptionPolicy: 'Never' })]) as Pod;
    expect(out.spec.priority).toBe(1000);
    expect(out.spec.preemptionPolicy).toBe('Never');
  });
  it('gives a pod without a class the globalDefault class (the lowest if several), else 0', () => {
    const out = admit(bare(), [pc('a', 50, { globalDefault: true }), pc('b', 10, { globalDefault: true }), pc('c', 1)]) as Pod;
    expect([out.spec.priority, out.spec.priorityClassName]).toEqual([10, 'b']);
    const none = admit(bare(), [pc('c', 1)]) as Pod;
    expect([none.spec.priority, none.spec.preemptionPolicy]).toEqual([0, 'PreemptLowerPriority']);
  });
  it('knows the system classes', () => {
    const out = admit({ ...bare(), spec: { ...bare().spec, priorityClassName: 'system-node-critical' } }, []) as Pod;
    expect(out.spec.priority).toBe(2_000_001_000);
  });
  it('forbids an unknown class and a priority integer contradicting the class', () => {
    expect(admit({ ...bare(), spec: { ...bare().spec, priorityClassName: 'nope' } }, [])).toBe('no PriorityClass with name nope was found');
    expect(admit({ ...bare(), spec: { ...bare().spec, priorityClassName: 'batch', priority: 7 } }, [pc('batch', 1000)])).toMatch(/^the integer value of priority \(7\) must not be provided in pod spec/);
  });
  it('keeps an explicit priority on a pod naming no class (kubesim extension)', () => {
    expect((admit({ ...bare(), spec: { ...bare().spec, priority: 42 } }, [pc('d', 5, { globalDefault: true })]) as Pod).spec.priority).toBe(42);
  });
  it('the API server refuses such a pod with Forbidden', () => {
    const w = world();
    let result: unknown;
    w.admin.create({ ...makePod('x'), spec: { ...makePod('x').spec, priorityClassName: 'missing' } }, (r) => (result = r));
    w.engine.run(10 * ms);
    expect(result).toMatchObject({ ok: false, reason: 'Forbidden' });
    expect(w.store.get('Pod', 'default/x')).toBeUndefined();
  });
});

const ready = (p: Pod): Pod => ({ ...p, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } });
const budget = (spec: PodDisruptionBudget['spec']): PodDisruptionBudget => ({
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: { name: 'b', namespace: 'default', generation: 1 },
  spec,
  status: { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 },
});

describe('disruption controller arithmetic', () => {
  const pods = [ready(makePod('a')), ready(makePod('b')), ready(makePod('c')), makePod('d')];
  const rs = () => ['ReplicaSet/x', 4] as [string, number];
  it('integer minAvailable counts the pods: 3 healthy of 4, minAvailable 2 → 1 disruption', () => {
    expect(budgetStatus(budget({ minAvailable: 2 }), pods, rs)).toMatchObject({ expectedPods: 4, desiredHealthy: 2, currentHealthy: 3, disruptionsAllowed: 1 });
  });
  it('maxUnavailable uses the controller scale: 4 − 1 = 3 desired, 3 healthy → 0', () => {
    expect(budgetStatus(budget({ maxUnavailable: 1 }), pods, rs)).toMatchObject({ expectedPods: 4, desiredHealthy: 3, disruptionsAllowed: 0 });
  });
  it('percentages round up: minAvailable 50% of 3 → 2', () => {
    expect(scaledValue('50%', 3, true)).toBe(2);
    expect(budgetStatus(budget({ minAvailable: '50%' }), pods, () => ['ReplicaSet/x', 3])).toMatchObject({ desiredHealthy: 2, disruptionsAllowed: 1 });
  });
  it('fails safe (0 disruptions) when a pod has no scalable controller', () => {
    expect(budgetStatus(budget({ maxUnavailable: 3 }), pods, () => undefined).disruptionsAllowed).toBe(0);
  });
  it('a terminating pod is not healthy', () => {
    const terminating = { ...pods[0]!, metadata: { ...pods[0]!.metadata, deletionTimestamp: 5 } };
    expect(budgetStatus(budget({ minAvailable: 1 }), [terminating, pods[1]!], rs).currentHealthy).toBe(1);
  });

  it('keeps a budget over a ReplicaSet up to date as pods become ready', () => {
    const w = world();
    new ReplicaSetController(w.engine, w.api, w.api.client('rs', { qps: 1e9, burst: 1e9 }), w.recorder).start();
    new DisruptionController(w.engine, w.api, w.api.client('dc', { qps: 1e9, burst: 1e9 })).start();
    const template = { metadata: { labels: { app: 'web' } }, spec: makePod('t').spec };
    w.admin.create({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web', namespace: 'default', uid: 'rs-uid' }, spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template }, status: { replicas: 0 } });
    w.admin.create({ ...budget({ maxUnavailable: 1 }), spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'web' } } } });
    w.engine.run(1 * s);
    expect(w.store.get('PodDisruptionBudget', 'default/b')?.status).toMatchObject({ expectedPods: 3, desiredHealthy: 2, currentHealthy: 0, disruptionsAllowed: 0 });
    for (const p of w.store.list('Pod')) w.admin.update('Pod', `default/${p.metadata.name}`, (x) => ready(x));
    w.engine.run(2 * s);
    expect(w.store.get('PodDisruptionBudget', 'default/b')?.status).toMatchObject({ currentHealthy: 3, disruptionsAllowed: 1 });
  });
});
