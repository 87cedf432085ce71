/**
 * Property: InterPodAffinity's Filter results and scores from incremental counts (existing pods' terms grouped from the placement log,
 * the incoming pod's preferred terms counted by the shared pod counter) equal a full scan of every pod in every
 * cycle (upstream's processExistingPod), over random placements, removals, relabels and terminations.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Pod, WeightedPodAffinityTerm } from '../../src/cluster/types.js';
import { SchedulerCache } from '../../src/models/scheduler/cache.js';
import { podInfo } from '../../src/models/scheduler/podInfo.js';
import { PodChangeLog } from '../../src/models/scheduler/podChangeLog.js';
import { ERR_REASON_AFFINITY, ERR_REASON_ANTI_AFFINITY, interPodAffinity } from '../../src/models/scheduler/plugins/interPodAffinity.js';
import { affinityTerms, termMatches } from '../../src/models/scheduler/plugins/helpers/affinityTerms.js';
import type { CycleState, PluginHandle } from '../../src/models/scheduler/framework/interfaces.js';
import { Code } from '../../src/models/scheduler/framework/status.js';
import { makeNode, makePod } from '../helpers/objects.js';
import { fakeHandle } from '../helpers/schedulerHandle.js';
import { Placements } from '../helpers/placements.js';

const APPS = ['a', 'b', 'c'];
const KEYS = ['zone', 'kubernetes.io/hostname'];
const term = (app: string, key: string, weight: number): WeightedPodAffinityTerm => ({ weight, podAffinityTerm: { topologyKey: key, labelSelector: { matchLabels: { app } } } });

const podArb = fc.record({
  app: fc.constantFrom(...APPS),
  ns: fc.constantFrom('default', 'other'),
  aff: fc.option(fc.record({ app: fc.constantFrom(...APPS), key: fc.constantFrom(...KEYS), weight: fc.integer({ min: 1, max: 100 }) }), { nil: undefined }),
  anti: fc.option(fc.record({ app: fc.constantFrom(...APPS), key: fc.constantFrom(...KEYS), weight: fc.integer({ min: 1, max: 100 }) }), { nil: undefined }),
  hard: fc.option(fc.constantFrom(...APPS), { nil: undefined }),
  reqAnti: fc.option(fc.record({ app: fc.constantFrom(...APPS), key: fc.constantFrom(...KEYS), other: fc.boolean() }), { nil: undefined }),
});
type PodSpecArb = typeof podArb extends fc.Arbitrary<infer T> ? T : never;

let seq = 0;
function build(p: PodSpecArb): Pod {
  const affinity = {
    ...(p.aff || p.hard ? { podAffinity: { ...(p.aff ? { preferredDuringSchedulingIgnoredDuringExecution: [term(p.aff.app, p.aff.key, p.aff.weight)] } : {}), ...(p.hard ? { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'zone', labelSelector: { matchLabels: { app: p.hard } } }] } : {}) } } : {}),
    ...(p.anti || p.reqAnti
      ? {
          podAntiAffinity: {
            ...(p.anti ? { preferredDuringSchedulingIgnoredDuringExecution: [term(p.anti.app, p.anti.key, p.anti.weight)] } : {}),
            ...(p.reqAnti ? { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: p.reqAnti.key, labelSelector: { matchLabels: { app: p.reqAnti.app } }, ...(p.reqAnti.other ? { namespaces: ['default', 'other'] } : {}) }] } : {}),
          },
        }
      : {}),
  };
  return makePod(`p${seq++}`, {}, Object.keys(affinity).length > 0 ? { affinity } : {}, { labels: { app: p.app }, namespace: p.ns });
}

/** Upstream's Filter by scanning every pod (filtering.go), as the reference: '' fits, else the reason. */
function referenceFilter(cache: SchedulerCache, incoming: Pod): string[] {
  const t = affinityTerms(incoming);
  const all = cache.nodeList.flatMap((n) => [...n.pods.values()].map((e) => ({ pod: e.pod, labels: n.node.metadata.labels! })));
  const anyAll = all.some((e) => t.requiredAffinity.length > 0 && t.requiredAffinity.every((x) => termMatches(x, e.pod) && e.labels[x.topologyKey] !== undefined));
  return cache.nodeList.map((n) => {
    const labels = n.node.metadata.labels!;
    if (t.requiredAffinity.length > 0) {
      if (t.requiredAffinity.some((x) => labels[x.topologyKey] === undefined)) return 'affinity';
      const exist = t.requiredAffinity.every((x) => all.some((e) => t.requiredAffinity.every((y) => termMatches(y, e.pod)) && e.labels[x.topologyKey] === labels[x.topologyKey]));
      if (!exist && !(!anyAll && t.requiredAffinity.every((y) => termMatches(y, incoming)))) return 'affinity';
    }
    for (const x of t.requiredAntiAffinity) {
      const v = labels[x.topologyKey];
      if (v !== undefined && all.some((e) => termMatches(x, e.pod) && e.labels[x.topologyKey] === v)) return 'anti';
    }
    for (const e of all) for (const x of affinityTerms(e.pod).requiredAntiAffinity) if (termMatches(x, incoming) && e.labels[x.topologyKey] !== undefined && e.labels[x.topologyKey] === labels[x.topologyKey]) return 'existing';
    return '';
  });
}

function filters(plugin: ReturnType<typeof interPodAffinity>, cache: SchedulerCache, incoming: Pod): string[] {
  const pi = podInfo(incoming);
  const st: CycleState = new Map();
  const pre = plugin.preFilter(st, pi, cache.nodeList);
  return cache.nodeList.map((n) => {
    if (pre !== null && pre.code === Code.Skip) return '';
    const r = plugin.filter(st, pi, n);
    if (r === null) return '';
    return r.reasons[0] === ERR_REASON_AFFINITY ? 'affinity' : r.reasons[0] === ERR_REASON_ANTI_AFFINITY ? 'anti' : 'existing';
  });
}

/** Upstream's scan (scoring.go processExistingPod over every pod of every node), written out as the reference. */
function reference(cache: SchedulerCache, incoming: Pod): number[] | 'skip' {
  const terms = affinityTerms(incoming);
  const hasConstraints = terms.preferredAffinity.length + terms.preferredAntiAffinity.length > 0;
  if (!hasConstraints && cache.podsWithAffinity === 0) return 'skip';
  const ts = new Map<string, Map<string, number>>();
  const add = (key: string, labels: Record<string, string>, w: number) => {
    const v = labels[key];
    if (v === undefined) return;
    const m = ts.get(key) ?? new Map<string, number>();
    ts.set(key, m);
    m.set(v, (m.get(v) ?? 0) + w);
  };
  for (const n of cache.nodeList) {
    const labels = n.node.metadata.labels!;
    for (const e of n.pods.values()) {
      for (const t of terms.preferredAffinity) if (termMatches(t, e.pod)) add(t.topologyKey, labels, t.weight);
      for (const t of terms.preferredAntiAffinity) if (termMatches(t, e.pod)) add(t.topologyKey, labels, -t.weight);
      const et = affinityTerms(e.pod);
      for (const t of et.requiredAffinity) if (termMatches(t, incoming)) add(t.topologyKey, labels, 1);
      for (const t of et.preferredAffinity) if (termMatches(t, incoming)) add(t.topologyKey, labels, t.weight);
      for (const t of et.preferredAntiAffinity) if (termMatches(t, incoming)) add(t.topologyKey, labels, -t.weight);
    }
  }
  if (ts.size === 0) return 'skip';
  const raw = cache.nodeList.map((n) => {
    let x = 0;
    for (const [k, m] of ts) x += m.get(n.node.metadata.labels![k]!) ?? 0;
    return x;
  });
  const min = Math.min(...raw);
  const max = Math.max(...raw);
  return raw.map((x) => (max - min > 0 ? Math.trunc(100 * ((x - min) / (max - min))) : 0));
}

function scores(plugin: ReturnType<typeof interPodAffinity>, cache: SchedulerCache, incoming: Pod): number[] | 'skip' {
  const pi = podInfo(incoming);
  const st: CycleState = new Map();
  const pre = plugin.preScore(st, pi, cache.nodeList);
  if (pre !== null && pre.code === Code.Skip) return 'skip';
  const out = cache.nodeList.map((n) => plugin.score(st, pi, n));
  plugin.normalizeScore!(st, pi, out);
  return out;
}

describe('InterPodAffinity incremental counts', () => {
  it('scores and filters as a full scan does after any sequence of changes', () => {
    const opArb = fc.oneof(
      fc.record({ op: fc.constant('add' as const), node: fc.nat(5), pod: podArb }),
      fc.record({ op: fc.constant('remove' as const), pick: fc.nat() }),
      fc.record({ op: fc.constant('terminate' as const), pick: fc.nat() }),
      fc.record({ op: fc.constant('relabel' as const), pick: fc.nat(), app: fc.constantFrom(...APPS) }),
    );
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 40 }), podArb, (ops, incomingSpec) => {
        const cache = new SchedulerCache();
        for (let i = 0; i < 6; i++) cache.upsertNode(makeNode(`n${i}`, { cpu: 64000, memory: 64e9 }, { labels: { zone: `z${i % 3}` } }));
        const base = fakeHandle(cache.nodeList);
        const incremental: PluginHandle = { ...base, podLog: () => cache.log, podsWithAffinity: () => cache.podsWithAffinity };
        let epoch = 0;
        const scan: PluginHandle = { ...base, podLog: () => Object.assign(new PodChangeLog(), { epoch: --epoch }), podsWithAffinity: () => cache.podsWithAffinity };
        const inc = interPodAffinity(undefined, incremental);
        const incoming = build(incomingSpec);
        const placed = new Placements(cache);
        for (const o of ops) {
          if (o.op === 'add') placed.add(build(o.pod), `n${o.node}`);
          else placed.change(o);
          const got = scores(inc, cache, incoming);
          expect(got).toEqual(scores(interPodAffinity(undefined, scan), cache, incoming));
          expect(got).toEqual(reference(cache, incoming));
          expect(filters(inc, cache, incoming)).toEqual(referenceFilter(cache, incoming));
        }
      }),
      { numRuns: 200, seed: 20261122 },
    );
  });
});
