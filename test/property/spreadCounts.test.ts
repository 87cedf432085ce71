/**
 * Property: PodTopologySpread's incremental per-domain counts (kept from the cache's placement log) give the same
 * Filter and Score results as a full recount of every pod in every cycle (upstream's way), over random sequences
 * of pods added, removed, relabelled and marked terminating, and node label changes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Pod } from '../../src/cluster/types.js';
import { SchedulerCache } from '../../src/models/scheduler/cache.js';
import { podInfo } from '../../src/models/scheduler/podInfo.js';
import { PodChangeLog } from '../../src/models/scheduler/podChangeLog.js';
import { podTopologySpread } from '../../src/models/scheduler/plugins/podTopologySpread.js';
import type { CycleState, PluginHandle } from '../../src/models/scheduler/framework/interfaces.js';
import { Code } from '../../src/models/scheduler/framework/status.js';
import { makeNode, makePod } from '../helpers/objects.js';
import { fakeHandle } from '../helpers/schedulerHandle.js';
import { Placements } from '../helpers/placements.js';

const ZONES = ['z1', 'z2', 'z3'];
const APPS = ['a', 'b'];

const opArb = fc.oneof(
  fc.record({ op: fc.constant('add' as const), node: fc.nat(5), app: fc.constantFrom(...APPS), ns: fc.constantFrom('default', 'other') }),
  fc.record({ op: fc.constant('remove' as const), pick: fc.nat() }),
  fc.record({ op: fc.constant('terminate' as const), pick: fc.nat() }),
  fc.record({ op: fc.constant('relabel' as const), pick: fc.nat(), app: fc.constantFrom(...APPS) }),
  fc.record({ op: fc.constant('rezone' as const), node: fc.nat(5), zone: fc.constantFrom(...ZONES) }),
);

type Plugin = ReturnType<typeof podTopologySpread>;

function decide(plugin: Plugin, cache: SchedulerCache, incoming: Pod): string[] {
  const state: CycleState = new Map();
  const pi = podInfo(incoming);
  const nodes = cache.nodeList;
  const pre = plugin.preFilter(state, pi, nodes);
  const out = nodes.map((n) => {
    if (pre !== null && pre.code === Code.Skip) return 'skip';
    const s = plugin.filter(state, pi, n);
    return s === null ? 'ok' : s.reasons.join();
  });
  const feasible = nodes.filter((_, i) => out[i] === 'ok' || out[i] === 'skip');
  const ps = plugin.preScore(new Map(), pi, feasible);
  if (ps === null || ps.code !== Code.Skip) {
    const st: CycleState = new Map();
    plugin.preScore(st, pi, feasible);
    const scores = feasible.map((n) => plugin.score(st, pi, n));
    plugin.normalizeScore!(st, pi, scores);
    out.push(scores.join(','));
  }
  return out;
}

describe('PodTopologySpread incremental counts', () => {
  it('agree with a full recount after any sequence of changes', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 60 }), fc.constantFrom(...APPS), fc.integer({ min: 1, max: 2 }), fc.boolean(), (ops, app, maxSkew, honorAffinity) => {
        const cache = new SchedulerCache();
        for (let i = 0; i < 6; i++) cache.upsertNode(makeNode(`n${i}`, { cpu: 64000, memory: 64e9 }, { labels: { zone: ZONES[i % 3]! } }));
        // The handle of the real scheduler: the cache's own log, so aggregates are kept incrementally across cycles.
        const incremental = { ...fakeHandle(cache.nodeList), podLog: () => cache.log };
        // A fresh log per call: every cycle recounts from the NodeInfos.
        let epoch = 0;
        const recount: PluginHandle = { ...fakeHandle(cache.nodeList), podLog: () => Object.assign(new PodChangeLog(), { epoch: --epoch }) };
        // One plugin instance for the whole sequence: its aggregates advance from the log at each cycle.
        const incPlugin = podTopologySpread(undefined, incremental);
        const placed = new Placements(cache);
        let seq = 0;
        // With a node affinity the inclusion policy (Honor) narrows the domains: the per-node path.
        const affinity = honorAffinity ? { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In' as const, values: ['z1', 'z2'] }] }] } } } } : {};
        const incoming = makePod('incoming', {}, { ...affinity, topologySpreadConstraints: [{ maxSkew, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app } } }, { maxSkew, topologyKey: 'zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app } } }] }, { labels: { app } });
        for (const o of ops) {
          if (o.op === 'add') placed.add(makePod(`p${seq++}`, {}, {}, { labels: { app: o.app }, namespace: o.ns }), `n${o.node}`);
          else if (o.op === 'rezone') {
            const n = cache.node(`n${o.node}`)!.node;
            cache.upsertNode({ ...n, metadata: { ...n.metadata, labels: { ...n.metadata.labels, zone: o.zone } } });
          } else placed.change(o);
          // A cycle after every change, so the incremental aggregates advance step by step.
          expect(decide(incPlugin, cache, incoming)).toEqual(decide(podTopologySpread(undefined, recount), cache, incoming));
        }
      }),
      { numRuns: 200, seed: 20261122 },
    );
  });
});
