/**
 * DefaultPreemption, after pkg/scheduler/framework/plugins/defaultpreemption/default_preemption_test.go
 * (TestSelectBestCandidate, TestPodEligibleToPreemptOthers, TestDryRunPreemption's PDB cases) and
 * pkg/scheduler/framework/preemption/preemption_test.go (TestPickOneNodeForPreemption); plus end-to-end runs in a
 * small world: victims deleted, the preemptor nominated and then bound.
 */
import { describe, expect, it } from 'vitest';
import type { Pod, PodDisruptionBudget } from '../../../src/cluster/types.js';
import { filterPodsWithPDBViolation, moreImportantPod, numCandidates, pickOneNodeForPreemption, type Candidate } from '../../../src/models/scheduler/plugins/defaultPreemption.js';
import { podInfo } from '../../../src/models/scheduler/podInfo.js';
import { makeNode, makePod } from '../../helpers/objects.js';
import { ms, s, withScheduler, world } from '../../helpers/world.js';

const prio = (name: string, priority: number, startTime?: number, labels?: Record<string, string>): Pod => {
  const p = makePod(name, { cpu: 100 }, { priority }, labels ? { labels } : {});
  return startTime === undefined ? p : { ...p, status: { ...p.status, startTime } };
};

const pdb = (name: string, matchLabels: Record<string, string>, disruptionsAllowed: number): PodDisruptionBudget => ({
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: { name, namespace: 'default' },
  spec: { minAvailable: 1, selector: { matchLabels } },
  status: { disruptionsAllowed, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 },
});

describe('DefaultPreemption helpers', () => {
  it('calculateNumCandidates: 10 % of the nodes, at least 100, at most all nodes', () => {
    expect(numCandidates(10, 10, 100)).toBe(10);
    expect(numCandidates(1000, 10, 100)).toBe(100);
    expect(numCandidates(5000, 10, 100)).toBe(500);
    expect(numCandidates(5000, 40, 100)).toBe(2000);
    expect(numCandidates(50, 0, 20)).toBe(20);
  });

  it('MoreImportantPod: higher priority first, then the earlier start', () => {
    expect(moreImportantPod(prio('a', 10), prio('b', 5))).toBe(true);
    expect(moreImportantPod(prio('a', 5, 100), prio('b', 5, 200))).toBe(true);
    expect(moreImportantPod(prio('a', 5, 200), prio('b', 5, 100))).toBe(false);
    expect(moreImportantPod(prio('a', 5, 100), prio('b', 5))).toBe(true);
  });

  it('filterPodsWithPDBViolation: a budget with one disruption allowed protects the second matching pod only; empty selectors match nothing', () => {
    const pods = [prio('a', 1, 0, { app: 'x' }), prio('b', 1, 0, { app: 'x' }), prio('c', 1, 0, { app: 'y' })].map(podInfo);
    const [violating, nonViolating] = filterPodsWithPDBViolation(pods, [pdb('x', { app: 'x' }, 1)]);
    expect(violating.map((p) => p.pod.metadata.name)).toEqual(['b']);
    expect(nonViolating.map((p) => p.pod.metadata.name)).toEqual(['a', 'c']);
    const empty = { ...pdb('all', {}, 0), spec: { minAvailable: 1, selector: {} } };
    expect(filterPodsWithPDBViolation(pods, [empty])[0]).toEqual([]);
  });

  // TestPickOneNodeForPreemption, the default score functions in order.
  const cand = (node: string, victims: Pod[], numPDBViolations = 0): Candidate => ({ node, victims, numPDBViolations });
  it.each([
    ['fewest PDB violations', [cand('n1', [prio('a', 1)], 1), cand('n2', [prio('b', 9)], 0)], 'n2'],
    ['node with min highest priority pod is picked', [cand('n1', [prio('a', 10), prio('b', 1)]), cand('n2', [prio('c', 5), prio('d', 5)]), cand('n3', [prio('e', 7)])], 'n2'],
    ['when highest priorities are the same, minimum sum of lower priority pods is picked', [cand('n1', [prio('a', 10), prio('b', 5)]), cand('n2', [prio('c', 10), prio('d', 3)])], 'n2'],
    ['when highest priority and sum are the same, minimum number of pods is picked', [cand('n1', [prio('a', 10), prio('b', -5), prio('c', 5)]), cand('n2', [prio('d', 10), prio('e', 0)])], 'n2'],
    ['sum of adjusted priorities is considered', [cand('n1', [prio('a', 10), prio('b', -3), prio('c', -3)]), cand('n2', [prio('d', 10), prio('e', -3)])], 'n2'],
    ['same priority, same number of victims, different start time for each node\'s pod', [cand('n1', [prio('a', 10, 100)]), cand('n2', [prio('b', 10, 300)]), cand('n3', [prio('c', 10, 200)])], 'n2'],
    ['all tied: the first candidate', [cand('n1', [prio('a', 10, 100)]), cand('n2', [prio('b', 10, 100)])], 'n1'],
  ])('pickOneNodeForPreemption: %s', (_name, candidates, want) => {
    expect(pickOneNodeForPreemption(candidates)?.node).toBe(want);
  });
});

/** A world whose "kubelet" finishes graceful deletions at once. */
function preemptionWorld() {
  const w = world();
  const sched = withScheduler(w);
  w.api.watch('Pod', {}, (ev) => {
    if (ev.type !== 'DELETED' && ev.object.metadata.deletionTimestamp !== undefined && ev.old?.metadata.deletionTimestamp === undefined) {
      w.engine.schedule(100 * ms, () => w.admin.delete('Pod', `default/${ev.object.metadata.name}`, { gracePeriodSeconds: 0 }));
    }
  });
  return { w, sched };
}

const running = (name: string, node: string, cpu: number, priority: number, labels?: Record<string, string>) => makePod(name, { cpu }, { nodeName: node, priority }, labels ? { labels } : {});

describe('DefaultPreemption in the scheduler', () => {
  it('evicts the lowest-priority pods on the best node, nominates the preemptor, then binds it there', () => {
    const { w, sched } = preemptionWorld();
    w.admin.create(makeNode('n1', { cpu: 2000, memory: 8e9 }));
    w.admin.create(makeNode('n2', { cpu: 2000, memory: 8e9 }));
    w.admin.create(running('low-1', 'n1', 1000, 1));
    w.admin.create(running('low-2', 'n1', 1000, 1));
    w.admin.create(running('mid-1', 'n2', 2000, 5));
    w.engine.run(100 * ms);
    w.admin.create(makePod('high', { cpu: 1000 }, { priority: 10 }));
    w.engine.run(300 * ms);
    const preempted = w.events.filter((e) => e.reason === 'Preempted');
    // n1's highest victim (priority 1) is lower than n2's (5); one of n1's pods is enough (the other is reprieved).
    expect(preempted).toHaveLength(1);
    expect(preempted[0]!.message).toMatch(/^Preempted by pod test-uid-\d+ on node n1$/);
    expect(w.store.get('Pod', 'default/high')?.status.nominatedNodeName).toBe('n1');
    expect(sched.stats.preemptions).toBe(1);
    expect(sched.stats.preemptionVictims).toBe(1);
    w.engine.run(5 * s);
    expect(w.store.get('Pod', 'default/high')?.spec.nodeName).toBe('n1');
    const left = ['low-1', 'low-2'].filter((n) => w.store.get('Pod', `default/${n}`) !== undefined);
    expect(left).toHaveLength(1);
    expect(w.store.get('Pod', 'default/mid-1')).toBeDefined();
  });

  it('marks the victim with DisruptionTarget=True, reason PreemptionByScheduler', () => {
    const w = world();
    withScheduler(w);
    w.admin.create(makeNode('n1', { cpu: 1000, memory: 8e9 }));
    w.admin.create(running('low', 'n1', 1000, 0));
    w.engine.run(100 * ms);
    w.admin.create(makePod('high', { cpu: 1000 }, { priority: 100 }));
    w.engine.run(200 * ms);
    const victim = w.store.get('Pod', 'default/low')!;
    expect(victim.metadata.deletionTimestamp).toBeDefined();
    expect(victim.status.conditions?.find((c) => c.type === 'DisruptionTarget')).toMatchObject({ status: 'True', reason: 'PreemptionByScheduler' });
  });

  it('prefers a node whose victims violate no PodDisruptionBudget', () => {
    const { w } = preemptionWorld();
    w.admin.create(makeNode('n1', { cpu: 1000, memory: 8e9 }));
    w.admin.create(makeNode('n2', { cpu: 1000, memory: 8e9 }));
    w.admin.create(running('protected', 'n1', 1000, 0, { app: 'db' }));
    w.admin.create(running('free', 'n2', 1000, 0, { app: 'web' }));
    w.admin.create(pdb('db', { app: 'db' }, 0));
    w.engine.run(100 * ms);
    w.admin.create(makePod('high', { cpu: 1000 }, { priority: 10 }));
    w.engine.run(3 * s);
    expect(w.store.get('Pod', 'default/high')?.spec.nodeName).toBe('n2');
    expect(w.store.get('Pod', 'default/protected')).toBeDefined();
  });

  it('violates a budget when nothing else helps (PDBs are best effort in preemption)', () => {
    const { w } = preemptionWorld();
    w.admin.create(makeNode('n1', { cpu: 1000, memory: 8e9 }));
    w.admin.create(running('protected', 'n1', 1000, 0, { app: 'db' }));
    w.admin.create(pdb('db', { app: 'db' }, 0));
    w.engine.run(100 * ms);
    w.admin.create(makePod('high', { cpu: 1000 }, { priority: 10 }));
    w.engine.run(3 * s);
    expect(w.store.get('Pod', 'default/high')?.spec.nodeName).toBe('n1');
    expect(w.store.get('Pod', 'default/protected')).toBeUndefined();
  });

  it('does not preempt with preemptionPolicy Never, and says why', () => {
    const w = world();
    const sched = withScheduler(w);
    w.admin.create(makeNode('n1', { cpu: 1000, memory: 8e9 }));
    w.admin.create(running('low', 'n1', 1000, 0));
    w.engine.run(100 * ms);
    w.admin.create(makePod('high', { cpu: 1000 }, { priority: 10, preemptionPolicy: 'Never' }));
    w.engine.run(1 * s);
    expect(w.store.get('Pod', 'default/low')?.metadata.deletionTimestamp).toBeUndefined();
    expect(sched.stats.preemptions).toBe(0);
    const msg = w.events.find((e) => e.reason === 'FailedScheduling')!.message;
    expect(msg).toBe('0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.');
  });

  it('never preempts pods of equal or higher priority', () => {
    const w = world();
    withScheduler(w);
    w.admin.create(makeNode('n1', { cpu: 1000, memory: 8e9 }));
    w.admin.create(running('same', 'n1', 1000, 10));
    w.engine.run(100 * ms);
    w.admin.create(makePod('high', { cpu: 1000 }, { priority: 10 }));
    w.engine.run(1 * s);
    expect(w.store.get('Pod', 'default/same')?.metadata.deletionTimestamp).toBeUndefined();
    expect(w.events.find((e) => e.reason === 'FailedScheduling')!.message).toBe(
      '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
    );
  });

  it('keeps the freed room for the nominated pod: a lower-priority pod arriving meanwhile does not take it', () => {
    const w = world();
    withScheduler(w);
    w.admin.create(makeNode('n1', { cpu: 1000, memory: 8e9 }));
    w.admin.create(running('victim', 'n1', 1000, 0));
    w.engine.run(100 * ms);
    w.admin.create(makePod('high', { cpu: 1000 }, { priority: 10 }));
    w.engine.run(200 * ms);
    expect(w.store.get('Pod', 'default/high')?.status.nominatedNodeName).toBe('n1');
    // The victim terminates; a priority-5 pod arrives in the same instant as the room frees.
    w.admin.delete('Pod', 'default/victim', { gracePeriodSeconds: 0 });
    w.admin.create(makePod('mid', { cpu: 1000 }, { priority: 5 }));
    w.engine.run(5 * s);
    expect(w.store.get('Pod', 'default/high')?.spec.nodeName).toBe('n1');
    expect(w.store.get('Pod', 'default/mid')?.spec.nodeName).toBeUndefined();
  });

  it('preempts a lower-priority pod whose anti-affinity rejects the preemptor (PreFilter extensions update InterPodAffinity)', () => {
    const { w } = preemptionWorld();
    w.admin.create(makeNode('n1', { cpu: 4000, memory: 8e9 }));
    const anti = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'high' } } }] } };
    w.admin.create(makePod('loner', { cpu: 100 }, { nodeName: 'n1', priority: 0, affinity: anti }));
    w.engine.run(100 * ms);
    w.admin.create(makePod('high', { cpu: 100 }, { priority: 10 }, { labels: { app: 'high' } }));
    w.engine.run(3 * s);
    expect(w.store.get('Pod', 'default/loner')).toBeUndefined();
    expect(w.store.get('Pod', 'default/high')?.spec.nodeName).toBe('n1');
  });
});

describe('scheduler cache updates', () => {
  it('a terminating pod stops counting for PodTopologySpread (its PodInfo is replaced on update)', () => {
    const w = world();
    withScheduler(w);
    for (const z of ['a', 'b']) w.admin.create(makeNode(`n-${z}`, { cpu: 8000, memory: 8e9 }, { labels: { zone: z } }));
    const spread = { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule' as const, labelSelector: { matchLabels: { app: 's' } } }] };
    w.admin.create(makePod('old-a', { cpu: 100 }, { nodeName: 'n-a' }, { labels: { app: 's' } }));
    w.admin.create(makePod('old-a2', { cpu: 100 }, { nodeName: 'n-a' }, { labels: { app: 's' } }));
    w.admin.create(makePod('old-b', { cpu: 100 }, { nodeName: 'n-b' }, { labels: { app: 's' } }));
    w.engine.run(100 * ms);
    // Zone a has 2, zone b 1: a new pod must go to b. Mark both zone-a pods terminating: then a has 0 counted.
    w.admin.update('Pod', 'default/old-a', (p) => ({ ...p, metadata: { ...p.metadata, deletionTimestamp: 1 } }));
    w.admin.update('Pod', 'default/old-a2', (p) => ({ ...p, metadata: { ...p.metadata, deletionTimestamp: 1 } }));
    w.engine.run(200 * ms);
    w.admin.create(makePod('new', { cpu: 100 }, spread, { labels: { app: 's' } }));
    w.engine.run(1 * s);
    expect(w.store.get('Pod', 'default/new')?.spec.nodeName).toBe('n-a');
  });
});
