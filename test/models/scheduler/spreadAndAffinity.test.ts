/**
 * PodTopologySpread and InterPodAffinity against upstream's formulas and table tests
 * (pkg/scheduler/framework/plugins/podtopologyspread/filtering_test.go, scoring_test.go;
 * pkg/scheduler/framework/plugins/interpodaffinity/filtering_test.go, scoring_test.go).
 */
import { describe, expect, it } from 'vitest';
import type { Pod, PodAffinityTerm, TopologySpreadConstraint } from '../../../src/cluster/types.js';
import { NodeInfo } from '../../../src/models/scheduler/nodeInfo.js';
import { podInfo } from '../../../src/models/scheduler/podInfo.js';
import { Code } from '../../../src/models/scheduler/framework/status.js';
import type { CycleState } from '../../../src/models/scheduler/framework/interfaces.js';
import { podTopologySpread, ERR_REASON_CONSTRAINTS_NOT_MATCH, ERR_REASON_NODE_LABEL_NOT_MATCH } from '../../../src/models/scheduler/plugins/podTopologySpread.js';
import { interPodAffinity, ERR_REASON_AFFINITY, ERR_REASON_ANTI_AFFINITY, ERR_REASON_EXISTING_ANTI_AFFINITY } from '../../../src/models/scheduler/plugins/interPodAffinity.js';
import { makeNode, makePod } from '../../helpers/objects.js';
import { fakeHandle } from '../../helpers/schedulerHandle.js';

function node(name: string, labels: Record<string, string>, pods: Pod[] = []): NodeInfo {
  const n = new NodeInfo(makeNode(name, { cpu: 64000, memory: 64e9 }, { labels }));
  for (const p of pods) n.addPod(podInfo(p));
  return n;
}

const labelled = (name: string, labels: Record<string, string>, spec: Partial<Pod['spec']> = {}, ns = 'default') => makePod(name, {}, spec, { labels, namespace: ns });
const spread = (key: string, maxSkew: number, when: TopologySpreadConstraint['whenUnsatisfiable'] = 'DoNotSchedule', extra: Partial<TopologySpreadConstraint> = {}): TopologySpreadConstraint => ({
  maxSkew,
  topologyKey: key,
  whenUnsatisfiable: when,
  labelSelector: { matchExpressions: [{ key: 'foo', operator: 'Exists' }] },
  ...extra,
});

/** Runs PreFilter then Filter on every node; returns node name → reason ('' when it fits). */
function filterAll(plugin: ReturnType<typeof podTopologySpread> | ReturnType<typeof interPodAffinity>, pod: Pod, nodes: NodeInfo[]): Record<string, string> {
  const state: CycleState = new Map();
  const pi = podInfo(pod);
  const pre = plugin.preFilter(state, pi, nodes);
  const out: Record<string, string> = {};
  for (const n of nodes) {
    if (pre !== null && pre.code === Code.Skip) {
      out[n.name] = '';
      continue;
    }
    const s = plugin.filter(state, pi, n);
    out[n.name] = s === null ? '' : s.reasons[0]!;
  }
  return out;
}

/** Runs PreScore, Score and NormalizeScore over the feasible nodes. */
function scoreAll(plugin: ReturnType<typeof podTopologySpread> | ReturnType<typeof interPodAffinity>, pod: Pod, feasible: NodeInfo[]): number[] | 'skip' {
  const state: CycleState = new Map();
  const pi = podInfo(pod);
  const pre = plugin.preScore(state, pi, feasible);
  if (pre !== null && pre.code === Code.Skip) return 'skip';
  const scores = feasible.map((n) => plugin.score(state, pi, n));
  plugin.normalizeScore!(state, pi, scores);
  return scores;
}

describe('PodTopologySpread Filter (filtering_test.go)', () => {
  // Zones: zone1 = node-a, node-b; zone2 = node-x, node-y.
  const cluster = (pods: Record<string, number>) => {
    const mk = (name: string, zone: string) => node(name, { zone, node: name }, Array.from({ length: pods[name] ?? 0 }, (_, i) => labelled(`${name}-p${i}`, { foo: '' })));
    return [mk('node-a', 'zone1'), mk('node-b', 'zone1'), mk('node-x', 'zone2'), mk('node-y', 'zone2')];
  };

  it('"pods spread across zones as 3/3, all nodes fit" with maxSkew 1', () => {
    const nodes = cluster({ 'node-a': 1, 'node-b': 2, 'node-x': 2, 'node-y': 1 });
    const pod = labelled('p', { foo: '' }, { topologySpreadConstraints: [spread('zone', 1)] });
    expect(filterAll(podTopologySpread(undefined, fakeHandle(nodes)), pod, nodes)).toEqual({ 'node-a': '', 'node-b': '', 'node-x': '', 'node-y': '' });
  });

  it('"pods spread across zones as 1/2 due to absence of label zone on node-b": nodes missing the key are unresolvable', () => {
    const nodes = cluster({ 'node-a': 1, 'node-x': 2 });
    delete nodes[1]!.node.metadata.labels!.zone;
    const pod = labelled('p', { foo: '' }, { topologySpreadConstraints: [spread('zone', 1)] });
    const r = filterAll(podTopologySpread(undefined, fakeHandle(nodes)), pod, nodes);
    expect(r['node-b']).toBe(ERR_REASON_NODE_LABEL_NOT_MATCH);
    expect(r['node-a']).toBe('');
    expect(r['node-x']).toBe(ERR_REASON_CONSTRAINTS_NOT_MATCH); // 2 + 1 − 1 > 1
  });

  it('"pods spread across nodes as 2/1/0/3, only node-x fits" with a hostname constraint', () => {
    const nodes = cluster({ 'node-a': 2, 'node-b': 1, 'node-x': 0, 'node-y': 3 });
    const pod = labelled('p', { foo: '' }, { topologySpreadConstraints: [spread('node', 1)] });
    expect(filterAll(podTopologySpread(undefined, fakeHandle(nodes)), pod, nodes)).toEqual({
      'node-a': ERR_REASON_CONSTRAINTS_NOT_MATCH,
      'node-b': ERR_REASON_CONSTRAINTS_NOT_MATCH,
      'node-x': '',
      'node-y': ERR_REASON_CONSTRAINTS_NOT_MATCH,
    });
  });

  it('a pod not matching its own selector does not count itself (selfMatch 0)', () => {
    const nodes = cluster({ 'node-a': 1, 'node-b': 0 });
    const pod = labelled('p', { bar: '' }, { topologySpreadConstraints: [spread('node', 1)] });
    const r = filterAll(podTopologySpread(undefined, fakeHandle(nodes)), pod, nodes);
    expect(r['node-a']).toBe(''); // 1 + 0 − 0 ≤ 1
  });

  it('minDomains greater than the number of domains makes the global minimum 0', () => {
    const nodes = cluster({ 'node-a': 1, 'node-b': 1, 'node-x': 1, 'node-y': 1 });
    const withMin = labelled('p', { foo: '' }, { topologySpreadConstraints: [spread('zone', 2, 'DoNotSchedule', { minDomains: 3 })] });
    const r = filterAll(podTopologySpread(undefined, fakeHandle(nodes)), withMin, nodes);
    // Each zone has 2 matching pods: 2 + 1 − 0 = 3 > 2 everywhere.
    expect(Object.values(r).every((x) => x === ERR_REASON_CONSTRAINTS_NOT_MATCH)).toBe(true);
    const without = labelled('p2', { foo: '' }, { topologySpreadConstraints: [spread('zone', 2)] });
    expect(Object.values(filterAll(podTopologySpread(undefined, fakeHandle(nodes)), without, nodes)).every((x) => x === '')).toBe(true);
  });

  it('nodeAffinityPolicy Honor leaves nodes outside the pod\'s nodeSelector out of the domains', () => {
    const nodes = cluster({ 'node-a': 0, 'node-b': 0, 'node-x': 3, 'node-y': 3 });
    const pod = labelled('p', { foo: '' }, { nodeSelector: { zone: 'zone1' }, topologySpreadConstraints: [spread('zone', 1)] });
    const r = filterAll(podTopologySpread(undefined, fakeHandle(nodes)), pod, nodes);
    expect(r['node-a']).toBe(''); // only zone1 counts: 0 + 1 − 0
    const ignore = labelled('p2', { foo: '' }, { nodeSelector: { zone: 'zone1' }, topologySpreadConstraints: [spread('zone', 1, 'DoNotSchedule', { nodeAffinityPolicy: 'Ignore' })] });
    expect(filterAll(podTopologySpread(undefined, fakeHandle(nodes)), ignore, nodes)['node-a']).toBe(''); // 0 + 1 − 0 ≤ 1 as well
  });

  it('returns Skip at PreFilter for a pod with only ScheduleAnyway constraints', () => {
    const nodes = cluster({});
    const plugin = podTopologySpread(undefined, fakeHandle(nodes));
    const s = plugin.preFilter(new Map(), podInfo(labelled('p', { foo: '' }, { topologySpreadConstraints: [spread('zone', 1, 'ScheduleAnyway')] })), nodes);
    expect(s?.code).toBe(Code.Skip);
  });
});

describe('PodTopologySpread Score (scoring_test.go)', () => {
  it('"one constraint on node, all 4 nodes are candidates": fewer matching pods score higher', () => {
    const mk = (name: string, n: number) => node(name, { node: name }, Array.from({ length: n }, (_, i) => labelled(`${name}-${i}`, { foo: '' })));
    const nodes = [mk('node-a', 2), mk('node-b', 1), mk('node-c', 0), mk('node-d', 3)];
    const pod = labelled('p', { foo: '' }, { topologySpreadConstraints: [spread('node', 1, 'ScheduleAnyway')] });
    // Raw: cnt × log(4 + 2) + 0 → 4, 2, 0, 5 (rounded); normalised 100 × (5 + 0 − s) / 5.
    expect(scoreAll(podTopologySpread(undefined, fakeHandle(nodes)), pod, nodes)).toEqual([20, 60, 100, 0]);
  });

  it('system default constraints spread the pods of one ReplicaSet by hostname and zone', () => {
    const rsPod = (name: string) => labelled(name, { app: 'web' });
    const nodes = [node('n1', { 'kubernetes.io/hostname': 'n1', 'topology.kubernetes.io/zone': 'a' }, [rsPod('w1'), rsPod('w2')]), node('n2', { 'kubernetes.io/hostname': 'n2', 'topology.kubernetes.io/zone': 'b' })];
    const handle = fakeHandle(nodes, (p) => (p.metadata.labels?.app === 'web' ? { matchLabels: { app: 'web' } } : undefined));
    const scores = scoreAll(podTopologySpread(undefined, handle), rsPod('new'), nodes) as number[];
    expect(scores[1]).toBeGreaterThan(scores[0]!);
    expect(scoreAll(podTopologySpread(undefined, handle), labelled('other', { app: 'db' }), nodes)).toBe('skip');
  });

  it('"system default constraints and a replicaset" (TestPreScoreStateEmptyNodes): nodes without a zone are a domain "" of their own', () => {
    // Upstream's PreScore state: hostname weight log(4 + 2), zone weight log(2 + 2) (mars and ""). Scores then by
    // upstream's Score (no zone credit for a node lacking the key) and NormalizeScore.
    const rsPod = (name: string) => labelled(name, { foo: '' });
    const host = (n: string) => ({ 'kubernetes.io/hostname': n });
    const pods = (prefix: string, k: number) => Array.from({ length: k }, (_, i) => rsPod(`${prefix}${i}`));
    const nodes = [
      node('node-a', { ...host('node-a'), 'topology.kubernetes.io/zone': 'mars' }, pods('a', 2)),
      node('node-b', { ...host('node-b'), 'topology.kubernetes.io/zone': 'mars' }, pods('b', 1)),
      node('node-c', host('node-c')),
      node('node-d', host('node-d'), pods('d', 3)),
    ];
    const handle = fakeHandle(nodes, () => ({ matchLabels: { foo: '' } }));
    // Raw: a 2·ln6 + 2 + 3·ln4 + 4 = 13.74 → 14; b 11.95 → 12; c 0 + 2 = 2; d 3·ln6 + 2 = 7.38 → 7 (max 14, min 2).
    expect(scoreAll(podTopologySpread(undefined, handle), rsPod('new'), nodes)).toEqual([14, 28, 100, 64]);
    // Feasible nodes in another order, and a subset without any zone-less node (zone weight log(1 + 2) then).
    expect(scoreAll(podTopologySpread(undefined, handle), rsPod('new'), [nodes[3]!, nodes[0]!, nodes[2]!, nodes[1]!])).toEqual([64, 14, 100, 28]);
    // a: 2·ln4 + 2 + 3·ln3 + 4 = 12.07 → 12; b: ln4 + 2 + 3·ln3 + 4 = 10.68 → 11 → 100 × (23 − s) / 12.
    expect(scoreAll(podTopologySpread(undefined, handle), rsPod('new'), [nodes[0]!, nodes[1]!])).toEqual([91, 100]);
  });

  it('a node whose zone label is "" is credited with the pods of the nodes lacking the key (system defaults)', () => {
    const rsPod = (name: string) => labelled(name, { foo: '' });
    const nodes = [
      node('node-a', { 'kubernetes.io/hostname': 'node-a', 'topology.kubernetes.io/zone': 'mars' }),
      node('node-e', { 'kubernetes.io/hostname': 'node-e', 'topology.kubernetes.io/zone': '' }),
      node('node-c', { 'kubernetes.io/hostname': 'node-c' }, [rsPod('c0'), rsPod('c1'), rsPod('c2'), rsPod('c3')]),
    ];
    const handle = fakeHandle(nodes, () => ({ matchLabels: { foo: '' } }));
    // Domains mars and "": zone weight ln4. a: 0 + 2 + 0 + 4 = 6; e: 0 + 2 + 4·ln4 + 4 = 11.5 → 12;
    // c: 4·ln5 + 2 = 8.44 → 8 (no zone label: no zone credit). max 12, min 6.
    expect(scoreAll(podTopologySpread(undefined, handle), rsPod('new'), nodes)).toEqual([100, 50, 83]);
  });

  it('system default constraints count the zones of the feasible nodes only (upstream initPreScoreState), however they are ordered', () => {
    const rsPod = (name: string) => labelled(name, { app: 'web' });
    const zones = ['a', 'b', 'c', 'a', 'b', 'c'];
    const matching = [2, 1, 0, 1, 0, 3];
    const all = zones.map((z, i) => node(`n${i + 1}`, { 'kubernetes.io/hostname': `n${i + 1}`, 'topology.kubernetes.io/zone': z }, Array.from({ length: matching[i]! }, (_, k) => rsPod(`w${i}-${k}`))));
    const handle = fakeHandle(all, (p) => (p.metadata.labels?.app === 'web' ? { matchLabels: { app: 'web' } } : undefined));
    const zoneCount = (z: string) => zones.reduce((sum, x, i) => sum + (x === z ? matching[i]! : 0), 0);
    // Upstream's arithmetic: per constraint cnt × log(domains + 2) + maxSkew − 1 (hostname maxSkew 3, zone maxSkew 5),
    // domains = feasible nodes for hostname and the zones among them for zone; then 100 × (max + min − s) / max.
    const expected = (feasible: NodeInfo[]) => {
      const zoneDomains = new Set(feasible.map((n) => n.labels['topology.kubernetes.io/zone'])).size;
      const raw = feasible.map((n) => Math.round(matching[all.indexOf(n)]! * Math.log(feasible.length + 2) + 2 + zoneCount(n.labels['topology.kubernetes.io/zone']!) * Math.log(zoneDomains + 2) + 4));
      const max = Math.max(...raw);
      const min = Math.min(...raw);
      return raw.map((s) => Math.trunc((100 * (max + min - s)) / max));
    };
    const pick = (...idx: number[]) => idx.map((i) => all[i]!);
    for (const feasible of [all, pick(5, 4, 3, 2, 1, 0), pick(0, 1, 3, 4), pick(2, 5, 0), pick(0, 3, 1, 2, 4)]) {
      expect(scoreAll(podTopologySpread(undefined, handle), rsPod('new'), feasible)).toEqual(expected(feasible));
    }
  });
});

const term = (labels: Record<string, string>, topologyKey: string, extra: Partial<PodAffinityTerm> = {}): PodAffinityTerm => ({ labelSelector: { matchLabels: labels }, topologyKey, ...extra });

describe('InterPodAffinity Filter (filtering_test.go)', () => {
  const zoneNodes = (pods: Record<string, Pod[]>) => [
    node('n1', { zone: 'z1', 'kubernetes.io/hostname': 'n1' }, pods.n1 ?? []),
    node('n2', { zone: 'z1', 'kubernetes.io/hostname': 'n2' }, pods.n2 ?? []),
    node('n3', { zone: 'z2', 'kubernetes.io/hostname': 'n3' }, pods.n3 ?? []),
  ];

  it('"satisfies with requiredDuringSchedulingIgnoredDuringExecution in PodAffinity using In operator that matches the existing pod" by zone', () => {
    const nodes = zoneNodes({ n1: [labelled('db', { service: 'securityscan' })] });
    const pod = labelled('p', {}, { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ service: 'securityscan' }, 'zone')] } } });
    expect(filterAll(interPodAffinity(undefined, fakeHandle(nodes)), pod, nodes)).toEqual({ n1: '', n2: '', n3: ERR_REASON_AFFINITY });
  });

  it('"verify that PodAntiAffinity from existing pod is respected when pod has no AntiAffinity constraints"', () => {
    const existing = labelled('e', { service: 'x' }, { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ service: 'securityscan' }, 'kubernetes.io/hostname')] } } });
    const nodes = zoneNodes({ n1: [existing] });
    const pod = labelled('p', { service: 'securityscan' });
    expect(filterAll(interPodAffinity(undefined, fakeHandle(nodes)), pod, nodes)).toEqual({ n1: ERR_REASON_EXISTING_ANTI_AFFINITY, n2: '', n3: '' });
  });

  it('anti-affinity by zone rejects every node of the zone holding a matching pod', () => {
    const nodes = zoneNodes({ n2: [labelled('w', { app: 'web' })] });
    const pod = labelled('p', { app: 'web' }, { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'web' }, 'zone')] } } });
    expect(filterAll(interPodAffinity(undefined, fakeHandle(nodes)), pod, nodes)).toEqual({ n1: ERR_REASON_ANTI_AFFINITY, n2: ERR_REASON_ANTI_AFFINITY, n3: '' });
  });

  it('"affinity with itself": the first pod of a self-affine group may go anywhere that has the topology key', () => {
    const nodes = zoneNodes({});
    delete nodes[2]!.node.metadata.labels!.zone;
    const pod = labelled('p', { app: 'web' }, { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'web' }, 'zone')] } } });
    expect(filterAll(interPodAffinity(undefined, fakeHandle(nodes)), pod, nodes)).toEqual({ n1: '', n2: '', n3: ERR_REASON_AFFINITY });
  });

  it('terms apply to the pod\'s own namespace unless namespaces or a namespaceSelector say otherwise', () => {
    const nodes = zoneNodes({ n1: [labelled('db', { app: 'db' }, {}, 'other')] });
    const own = labelled('p', {}, { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'db' }, 'zone')] } } });
    // No pod matches in namespace default: the self-affinity escape does not apply (p lacks app=db).
    expect(filterAll(interPodAffinity(undefined, fakeHandle(nodes)), own, nodes).n1).toBe(ERR_REASON_AFFINITY);
    const anyNs = labelled('p2', {}, { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'db' }, 'zone', { namespaceSelector: {} })] } } });
    expect(filterAll(interPodAffinity(undefined, fakeHandle(nodes)), anyNs, nodes)).toEqual({ n1: '', n2: '', n3: ERR_REASON_AFFINITY });
  });

  it('PreFilter returns Skip when neither the pod nor any existing pod has required terms', () => {
    const nodes = zoneNodes({ n1: [labelled('a', { app: 'x' })] });
    expect(interPodAffinity(undefined, fakeHandle(nodes)).preFilter(new Map(), podInfo(labelled('p', {})), nodes)?.code).toBe(Code.Skip);
  });
});

describe('InterPodAffinity Score (scoring_test.go)', () => {
  it('preferred affinity weights add up per topology and normalise min..max onto 0..100', () => {
    const nodes = [
      node('n1', { region: 'r1' }, [labelled('a', { security: 's1' })]),
      node('n2', { region: 'r2' }, [labelled('b', { security: 's2' })]),
      node('n3', { region: 'r1' }),
    ];
    const pod = labelled('p', {}, { affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 5, podAffinityTerm: term({ security: 's1' }, 'region') }] } } });
    expect(scoreAll(interPodAffinity(undefined, fakeHandle(nodes)), pod, nodes)).toEqual([100, 0, 100]);
  });

  it('preferred anti-affinity pushes the pod away; existing pods\' required affinity pulls with hardPodAffinityWeight', () => {
    const nodes = [node('n1', { region: 'r1' }, [labelled('a', { security: 's1' })]), node('n2', { region: 'r2' })];
    const anti = labelled('p', {}, { affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 5, podAffinityTerm: term({ security: 's1' }, 'region') }] } } });
    expect(scoreAll(interPodAffinity(undefined, fakeHandle(nodes)), anti, nodes)).toEqual([0, 100]);
    const existing = labelled('e', { app: 'db' }, { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'web' }, 'region')] } } });
    const nodes2 = [node('n1', { region: 'r1' }, [existing]), node('n2', { region: 'r2' })];
    expect(scoreAll(interPodAffinity(undefined, fakeHandle(nodes2)), labelled('web', { app: 'web' }), nodes2)).toEqual([100, 0]);
    expect(scoreAll(interPodAffinity({ hardPodAffinityWeight: 0 }, fakeHandle(nodes2)), labelled('web2', { app: 'web' }), nodes2)).toBe('skip');
  });
});
