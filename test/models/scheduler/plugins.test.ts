import { describe, expect, it } from 'vitest';
import type { Container } from '../../../src/cluster/types.js';
import { NodeInfo } from '../../../src/models/scheduler/nodeInfo.js';
import { podInfo } from '../../../src/models/scheduler/podInfo.js';
import { insufficientResources, leastRequestedScore, nodeResourcesFit } from '../../../src/models/scheduler/plugins/nodeResourcesFit.js';
import { balancedAllocation, balancedResourceScore } from '../../../src/models/scheduler/plugins/balancedAllocation.js';
import { taintToleration } from '../../../src/models/scheduler/plugins/taintToleration.js';
import { nodeAffinity } from '../../../src/models/scheduler/plugins/nodeAffinity.js';
import { nodeUnschedulable } from '../../../src/models/scheduler/plugins/nodeUnschedulable.js';
import { nodeName } from '../../../src/models/scheduler/plugins/nodeName.js';
import { prioritySort } from '../../../src/models/scheduler/plugins/prioritySort.js';
import { defaultNormalizeScore } from '../../../src/models/scheduler/plugins/helpers/normalizeScore.js';
import { toleratesTaint } from '../../../src/models/scheduler/plugins/helpers/tolerations.js';
import { Code } from '../../../src/models/scheduler/framework/status.js';
import { numFeasibleNodesToFind } from '../../../src/models/scheduler/numFeasibleNodes.js';
import { fitErrorMessage } from '../../../src/models/scheduler/fitError.js';
import { makeNode, makePod } from '../../helpers/objects.js';

const state = new Map<string, unknown>();

function nodeWith(name: string, alloc: Record<string, number>, pods: ReturnType<typeof makePod>[] = [], opts: Parameters<typeof makeNode>[2] = {}) {
  const n = new NodeInfo(makeNode(name, alloc, opts));
  for (const p of pods) n.addPod(podInfo(p));
  return n;
}

describe('NodeResourcesFit filter (noderesources/fit.go fitsRequest)', () => {
  const fit = nodeResourcesFit();
  it('accepts a pod that fits and rejects with every insufficient resource named', () => {
    const node = nodeWith('n', { cpu: 4000, memory: 8000, 'example.com/gpu': 1 }, [makePod('a', { cpu: 3000, memory: 1000 })]);
    expect(fit.filter(state, podInfo(makePod('p', { cpu: 1000, memory: 7000 })), node)).toBeNull();
    const s = fit.filter(state, podInfo(makePod('p', { cpu: 1001, memory: 7001, 'example.com/gpu': 2 })), node);
    // Two GPUs on a one-GPU node: beyond the allocatable, so UnschedulableAndUnresolvable (see below).
    expect(s?.code).toBe(Code.UnschedulableAndUnresolvable);
    expect(s?.reasons).toEqual(['Insufficient cpu', 'Insufficient memory', 'Insufficient example.com/gpu']);
  });
  it('is UnschedulableAndUnresolvable when a request exceeds the node\'s allocatable itself (fit.go InsufficientResource.Unresolvable)', () => {
    // As fit.go fitsRequest flags it: above what is free → Unschedulable; above the allocatable (cpu, memory, an
    // extended resource) → UnschedulableAndUnresolvable; "Too many pods" never is.
    const node = nodeWith('n', { cpu: 4000, memory: 8000, 'example.com/gpu': 1, pods: 2 }, [makePod('a', { cpu: 3000 })]);
    expect(fit.filter(state, podInfo(makePod('p', { cpu: 2000 })), node)?.code).toBe(Code.Unschedulable);
    const cpu = fit.filter(state, podInfo(makePod('p', { cpu: 4001 })), node);
    expect(cpu?.code).toBe(Code.UnschedulableAndUnresolvable);
    expect(cpu?.reasons).toEqual(['Insufficient cpu']);
    expect(fit.filter(state, podInfo(makePod('p', { memory: 8001 })), node)?.code).toBe(Code.UnschedulableAndUnresolvable);
    expect(fit.filter(state, podInfo(makePod('p', { 'example.com/gpu': 2 })), node)?.code).toBe(Code.UnschedulableAndUnresolvable);
    const full = nodeWith('f', { cpu: 4000, memory: 8000, pods: 1 }, [makePod('a')]);
    expect(fit.filter(state, podInfo(makePod('p', { cpu: 100 })), full)?.code).toBe(Code.Unschedulable);
    // With ignored resources (the args' path) the same rule applies to what is not ignored.
    const ignoring = nodeResourcesFit({ ignoredResources: ['example.com/gpu'] });
    expect(ignoring.filter(state, podInfo(makePod('p', { cpu: 4001, 'example.com/gpu': 2 })), node)?.code).toBe(Code.UnschedulableAndUnresolvable);
    expect(ignoring.filter(state, podInfo(makePod('p', { 'example.com/gpu': 2 })), node)).toBeNull();
  });
  it('reports "Too many pods" at allocatable.pods even for a pod without requests', () => {
    const node = nodeWith('n', { cpu: 4000, memory: 8000, pods: 1 }, [makePod('a')]);
    expect(insufficientResources(podInfo(makePod('p')), node)).toEqual(['Too many pods']);
  });
  it('counts sidecars (init containers with restartPolicy Always) in the sum and in every later init container\'s peak', () => {
    // component-helpers resource PodRequests: app 100m; sidecar a 50m; init b 200m runs beside a (250m); sidecar c
    // 30m. Sum 100 + 50 + 30 = 180, peak 250: the pod requests 250m (without sidecars it would be max(100, 200) = 200).
    const init: Container[] = [
      { name: 'a', image: 'x:1', restartPolicy: 'Always' as const, resources: { requests: { cpu: 50, memory: 10 } } },
      { name: 'b', image: 'x:1', resources: { requests: { cpu: 200 } } },
      { name: 'c', image: 'x:1', restartPolicy: 'Always' as const, resources: { requests: { cpu: 30, memory: 20 } } },
    ];
    const p = podInfo(makePod('p', { cpu: 100, memory: 100 }, { initContainers: init }));
    expect(p.requests.milliCPU).toBe(250);
    // Memory: sum 100 + 10 + 20 = 130; b's peak is 0 + 10 = 10.
    expect(p.requests.memory).toBe(130);
    // Non-zero requests (scoring) follow the same rule with each container's missing cpu defaulted to 100m:
    // b's peak 200 + 50 = 250 against the sum 100 + 50 + 30 = 180.
    expect(p.nonZeroMilliCPU).toBe(250);
    // A sidecar that comes last still runs beside the app containers: 100 + 500 = 600 > the init peak.
    const last = podInfo(makePod('q', { cpu: 100 }, { initContainers: [{ name: 'i', image: 'x:1', resources: { requests: { cpu: 300 } } }, { name: 's', image: 'x:1', restartPolicy: 'Always', resources: { requests: { cpu: 500 } } }] }));
    expect(last.requests.milliCPU).toBe(600);
  });
  it('counts init containers as the maximum, not the sum, and adds pod overhead', () => {
    const p = makePod('p', { cpu: 500 }, { initContainers: [{ name: 'i', image: 'x:1', resources: { requests: { cpu: 800 } } }], overhead: { cpu: 100 } });
    expect(podInfo(p).requests.milliCPU).toBe(900);
  });
  it('rejects an extended resource the node does not have', () => {
    const node = nodeWith('n', { cpu: 4000, memory: 8000 });
    expect(insufficientResources(podInfo(makePod('p', { 'nvidia.com/gpu': 1 })), node)).toEqual(['Insufficient nvidia.com/gpu']);
  });
});

describe('NodeResourcesFit LeastAllocated score (least_allocated.go)', () => {
  const fit = nodeResourcesFit();
  it('leastRequestedScore is (capacity − requested) × 100 / capacity, integer, 0 when over', () => {
    expect(leastRequestedScore(3000, 4000)).toBe(25);
    expect(leastRequestedScore(0, 4000)).toBe(100);
    expect(leastRequestedScore(4001, 4000)).toBe(0);
    expect(leastRequestedScore(1, 3)).toBe(66);
    expect(leastRequestedScore(5, 0)).toBe(0);
  });
  it('"differently sized machines": 3000m/5000 on 4000m/10000 scores 37, on 6000m/10000 scores 50', () => {
    const pod = podInfo(makePod('p', { cpu: 3000, memory: 5000 }));
    expect(fit.score(state, pod, nodeWith('n1', { cpu: 4000, memory: 10000 }))).toBe(37); // (25 + 50) / 2
    expect(fit.score(state, pod, nodeWith('n2', { cpu: 6000, memory: 10000 }))).toBe(50);
  });
  it('uses the non-zero defaults (100m, 200MB) for containers with no request', () => {
    const pod = podInfo(makePod('p'));
    expect(pod.nonZeroMilliCPU).toBe(100);
    expect(pod.nonZeroMemory).toBe(200 * 1024 * 1024);
    // cpu (1000−100)·100/1000 = 90; memory (1000 MiB − 200 MiB)·100/1000 MiB = 80 → 85
    expect(fit.score(state, pod, nodeWith('n', { cpu: 1000, memory: 1000 * 1024 * 1024 }))).toBe(85);
  });
  it('honours per-resource weights', () => {
    const weighted = nodeResourcesFit({ scoringStrategy: { resources: [{ name: 'cpu', weight: 3 }, { name: 'memory', weight: 1 }] } });
    const pod = podInfo(makePod('p', { cpu: 3000, memory: 5000 }));
    expect(weighted.score(state, pod, nodeWith('n1', { cpu: 4000, memory: 10000 }))).toBe(Math.trunc((25 * 3 + 50) / 4));
  });
});

describe('NodeResourcesBalancedAllocation (balanced_allocation.go)', () => {
  const ba = balancedAllocation();
  it('scores (1 − |f_cpu − f_mem| / 2) × 100 on requested fractions', () => {
    const pod = podInfo(makePod('p', { cpu: 3000, memory: 5000 }));
    expect(ba.score(state, pod, nodeWith('n1', { cpu: 4000, memory: 10000 }))).toBe(87); // fractions 0.75, 0.5 → std 0.125
    expect(ba.score(state, pod, nodeWith('n2', { cpu: 6000, memory: 10000 }))).toBe(100);
  });
  it('caps fractions at 1 and uses the population std for three or more resources', () => {
    expect(balancedResourceScore([5000, 5000], [4000, 10000])).toBe(75); // f = 1, 0.5
    const f = [0.2, 0.5, 0.8];
    const mean = 0.5;
    const std = Math.sqrt(f.reduce((s, x) => s + (x - mean) ** 2, 0) / 3);
    expect(balancedResourceScore([2, 5, 8], [10, 10, 10])).toBe(Math.trunc((1 - std) * 100));
  });
  it('uses actual requests (a pod without requests adds nothing)', () => {
    const node = nodeWith('n', { cpu: 1000, memory: 1000 }, [makePod('a', { cpu: 500 })]);
    expect(ba.score(state, podInfo(makePod('p')), node)).toBe(75); // 0.5 vs 0
  });
});

describe('TaintToleration (taint_toleration.go)', () => {
  const tt = taintToleration();
  const tainted = (effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute') => nodeWith('n', { cpu: 1000, memory: 1000 }, [], { taints: [{ key: 'dedicated', value: 'gpu', effect }] });
  it('rejects untolerated NoSchedule and NoExecute taints, naming the taint', () => {
    for (const effect of ['NoSchedule', 'NoExecute'] as const) {
      const s = tt.filter(state, podInfo(makePod('p')), tainted(effect));
      expect(s?.code).toBe(Code.UnschedulableAndUnresolvable);
      expect(s?.reasons).toEqual(['node(s) had untolerated taint {dedicated: gpu}']);
    }
    expect(tt.filter(state, podInfo(makePod('p')), tainted('PreferNoSchedule'))).toBeNull();
  });
  it('accepts tolerated taints (Equal, Exists, empty key with Exists)', () => {
    for (const tol of [{ key: 'dedicated', operator: 'Equal' as const, value: 'gpu' }, { key: 'dedicated', operator: 'Exists' as const }, { operator: 'Exists' as const }]) {
      expect(tt.filter(state, podInfo(makePod('p', {}, { tolerations: [tol] })), tainted('NoSchedule'))).toBeNull();
    }
    expect(toleratesTaint({ key: 'dedicated', value: 'cpu' }, { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' })).toBe(false);
    expect(toleratesTaint({ key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }, { key: 'dedicated', effect: 'NoSchedule' })).toBe(false);
  });
  it('scores the count of intolerable PreferNoSchedule taints, normalised in reverse', () => {
    const pod = podInfo(makePod('p'));
    const n0 = nodeWith('n0', { cpu: 1 });
    const n1 = tainted('PreferNoSchedule');
    const n2 = nodeWith('n2', { cpu: 1 }, [], { taints: [{ key: 'a', effect: 'PreferNoSchedule' }, { key: 'b', effect: 'PreferNoSchedule' }] });
    const scores = [n0, n1, n2].map((n) => tt.score(state, pod, n));
    expect(scores).toEqual([0, 1, 2]);
    tt.normalizeScore!(state, pod, scores);
    expect(scores).toEqual([100, 50, 0]);
  });
});

describe('DefaultNormalizeScore (helper/normalize_score.go)', () => {
  it('scales to the maximum and reverses', () => {
    const s = [10, 20, 40];
    defaultNormalizeScore(100, false, s);
    expect(s).toEqual([25, 50, 100]);
    const r = [10, 20, 40];
    defaultNormalizeScore(100, true, r);
    expect(r).toEqual([75, 50, 0]);
  });
  it('leaves all-zero scores at 0, or at the maximum when reversed', () => {
    const s = [0, 0];
    defaultNormalizeScore(100, false, s);
    expect(s).toEqual([0, 0]);
    defaultNormalizeScore(100, true, s);
    expect(s).toEqual([100, 100]);
  });
});

describe('NodeAffinity args: addedAffinity (node_affinity.go New, Filter, Score)', () => {
  const zoneA = { matchExpressions: [{ key: 'zone', operator: 'In' as const, values: ['a'] }] };
  const ssd = { matchExpressions: [{ key: 'disk', operator: 'In' as const, values: ['ssd'] }] };
  const args = { addedAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [zoneA] }, preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 30, preference: ssd }] } };
  const na = nodeAffinity(args);
  const a = nodeWith('a', { cpu: 1000 }, [], { labels: { zone: 'a', disk: 'ssd' } });
  const a2 = nodeWith('a2', { cpu: 1000 }, [], { labels: { zone: 'a' } });
  const b = nodeWith('b', { cpu: 1000 }, [], { labels: { zone: 'b', disk: 'ssd' } });
  it('checks the added required terms before the pod\'s own, with the scheduler-enforced reason, for every pod', () => {
    const plain = podInfo(makePod('p'));
    expect(na.preFilter(state, plain, [a, b])).toBeNull();
    expect(na.filter(state, plain, a)).toBeNull();
    expect(na.filter(state, plain, b)?.reasons).toEqual(["node(s) didn't match scheduler-enforced node affinity"]);
    expect(na.filter(state, plain, b)?.code).toBe(Code.UnschedulableAndUnresolvable);
    const own = podInfo(makePod('q', {}, { nodeSelector: { disk: 'ssd' } }));
    expect(na.filter(state, own, a2)?.reasons).toEqual(["node(s) didn't match Pod's node affinity/selector"]);
    expect(nodeAffinity().preFilter(state, plain, [a, b])?.code).toBe(Code.Skip);
  });
  it('adds the added preferred terms\' weights to the pod\'s own in Score', () => {
    const plain = podInfo(makePod('p'));
    expect(na.preScore!(state, plain, [a, a2])).toBeNull();
    expect([na.score(state, plain, a), na.score(state, plain, a2)]).toEqual([30, 0]);
    const prefers = podInfo(makePod('q', {}, { affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 5, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] } }] } } }));
    expect([na.score(state, prefers, a), na.score(state, prefers, a2)]).toEqual([35, 5]);
    expect(nodeAffinity().preScore!(state, plain, [a])?.code).toBe(Code.Skip);
  });
  it('refuses args upstream refuses: no terms, weights outside 1–100', () => {
    expect(() => nodeAffinity({ addedAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } })).toThrow(/at least one node selector term/);
    expect(() => nodeAffinity({ addedAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 101, preference: ssd }] } })).toThrow(/weight: must be in the range 1-100/);
  });
});

describe('NodeAffinity (node_affinity.go)', () => {
  const na = nodeAffinity();
  const a = nodeWith('a', { cpu: 1 }, [], { labels: { zone: 'a', disk: 'ssd' } });
  const b = nodeWith('b', { cpu: 1 }, [], { labels: { zone: 'b' } });
  it('filters by nodeSelector and required terms, with the upstream reason', () => {
    const p = podInfo(makePod('p', {}, { nodeSelector: { zone: 'a' } }));
    expect(na.filter(state, p, a)).toBeNull();
    expect(na.filter(state, p, b)?.reasons).toEqual(["node(s) didn't match Pod's node affinity/selector"]);
    const q = podInfo(makePod('q', {}, { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }] } } } }));
    expect(na.filter(state, q, a)?.code).toBe(Code.UnschedulableAndUnresolvable);
    expect(na.filter(state, q, b)).toBeNull();
  });
  it('sums matching preferred weights and normalises to the best node', () => {
    const p = podInfo(
      makePod('p', {}, {
        affinity: {
          nodeAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              { weight: 20, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] } },
              { weight: 60, preference: { matchExpressions: [{ key: 'disk', operator: 'Exists' }] } },
              { weight: 20, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['b'] }] } },
            ],
          },
        },
      }),
    );
    const scores = [na.score(state, p, a), na.score(state, p, b)];
    expect(scores).toEqual([80, 20]);
    na.normalizeScore!(state, p, scores);
    expect(scores).toEqual([100, 25]);
  });
});

describe('NodeUnschedulable, NodeName, PrioritySort', () => {
  it('rejects a cordoned node unless the pod tolerates node.kubernetes.io/unschedulable', () => {
    const nu = nodeUnschedulable();
    const node = nodeWith('n', { cpu: 1 }, [], { unschedulable: true });
    expect(nu.filter(state, podInfo(makePod('p')), node)?.reasons).toEqual(['node(s) were unschedulable']);
    expect(nu.filter(state, podInfo(makePod('p', {}, { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] })), node)).toBeNull();
  });
  it('NodeName accepts only the named node', () => {
    const nn = nodeName();
    const p = podInfo(makePod('p', {}, { nodeName: 'x' }));
    expect(nn.filter(state, p, nodeWith('x', { cpu: 1 }))).toBeNull();
    expect(nn.filter(state, p, nodeWith('y', { cpu: 1 }))?.reasons).toEqual(["node(s) didn't match the requested node name"]);
  });
  it('NodeName passes every node for a pod without spec.nodeName through its Filter, with no PreFilter Skip (node_name.go)', () => {
    const nn = nodeName();
    expect('preFilter' in nn).toBe(false);
    expect(nn.filter(state, podInfo(makePod('p')), nodeWith('y', { cpu: 1 }))).toBeNull();
  });
  it('PrioritySort orders by priority, then by queue time', () => {
    const ps = prioritySort();
    const q = (priority: number, timestamp: number) => ({ pod: makePod('p', {}, { priority }), timestamp, initialAttemptTimestamp: 0, attempts: 0, lastAttemptUs: 0, unschedulablePlugins: new Set<string>(), where: 'active' as const });
    expect(ps.less(q(10, 5), q(0, 1))).toBe(true);
    expect(ps.less(q(0, 1), q(0, 2))).toBe(true);
    expect(ps.less(q(0, 2), q(0, 1))).toBe(false);
  });
});

describe('numFeasibleNodesToFind (schedule_one.go)', () => {
  it.each([
    [0, 50, 50],
    [0, 99, 99],
    [0, 100, 100],
    [0, 500, 230],
    [0, 1000, 420],
    [0, 5000, 500],
    [0, 5625, 281],
    [0, 15000, 750],
    [30, 1000, 300],
    [1, 1000, 100],
    [100, 5000, 5000],
  ])('percentage %d of %d nodes → %d', (pct, n, expected) => {
    expect(numFeasibleNodesToFind(pct, n)).toBe(expected);
  });
});

describe('FitError message (framework/types.go)', () => {
  it('sorts "count reason" strings and ends with a period', () => {
    const m = new Map([
      ['node(s) had untolerated taint {dedicated: gpu}', 2],
      ['Insufficient cpu', 3],
      ['Insufficient memory', 1],
    ]);
    expect(fitErrorMessage(6, m)).toBe('0/6 nodes are available: 1 Insufficient memory, 2 node(s) had untolerated taint {dedicated: gpu}, 3 Insufficient cpu.');
  });
});

describe('NodeResourcesFit MostAllocated score (most_allocated.go)', () => {
  it('scores requested × 100 / capacity, capped at capacity', async () => {
    const { mostRequestedScore } = await import('../../../src/models/scheduler/plugins/nodeResourcesFit.js');
    expect(mostRequestedScore(3000, 4000)).toBe(75);
    expect(mostRequestedScore(5000, 4000)).toBe(100);
    expect(mostRequestedScore(1, 0)).toBe(0);
    const fit = nodeResourcesFit({ scoringStrategy: { type: 'MostAllocated' } });
    const pod = podInfo(makePod('p', { cpu: 3000, memory: 5000 }));
    expect(fit.score(state, pod, nodeWith('n1', { cpu: 4000, memory: 10000 }))).toBe(62); // (75 + 50) / 2
    expect(fit.score(state, pod, nodeWith('n2', { cpu: 6000, memory: 10000 }))).toBe(50);
  });
});
