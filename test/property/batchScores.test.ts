/**
 * Property: a score plugin's batch form (`scoreAll`, one call per cycle) writes exactly the scores its per-node
 * `score` gives, for NodeResourcesFit under each strategy and resource set, NodeResourcesBalancedAllocation,
 * TaintToleration, PodTopologySpread (explicit and system-default constraints) and ImageLocality, over random nodes
 * (allocatable, zones (some nodes without one, some with the value ""), bound pods, PreferNoSchedule taints, images) and pods.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NodeInfo } from '../../src/models/scheduler/nodeInfo.js';
import { podInfo } from '../../src/models/scheduler/podInfo.js';
import type { PreScorePlugin, ScorePlugin } from '../../src/models/scheduler/framework/interfaces.js';
import { Code } from '../../src/models/scheduler/framework/status.js';
import { nodeResourcesFit } from '../../src/models/scheduler/plugins/nodeResourcesFit.js';
import { balancedAllocation } from '../../src/models/scheduler/plugins/balancedAllocation.js';
import { taintToleration } from '../../src/models/scheduler/plugins/taintToleration.js';
import { podTopologySpread } from '../../src/models/scheduler/plugins/podTopologySpread.js';
import { imageLocality } from '../../src/models/scheduler/plugins/imageLocality.js';
import { fakeHandle } from '../helpers/schedulerHandle.js';
import type { Taint, Toleration } from '../../src/cluster/types.js';
import { makeNode, makePod } from '../helpers/objects.js';

type Scorer = ScorePlugin & Partial<PreScorePlugin>;
const plugins: [string, (nodes: NodeInfo[]) => Scorer][] = [
  ['NodeResourcesFit LeastAllocated', () => nodeResourcesFit()],
  ['NodeResourcesFit MostAllocated', () => nodeResourcesFit({ scoringStrategy: { type: 'MostAllocated' } })],
  ['NodeResourcesFit weighted cpu, memory, gpu', () => nodeResourcesFit({ scoringStrategy: { resources: [{ name: 'cpu', weight: 3 }, { name: 'memory', weight: 1 }, { name: 'example.com/gpu', weight: 2 }] } })],
  [
    'NodeResourcesFit RequestedToCapacityRatio',
    () => nodeResourcesFit({ scoringStrategy: { type: 'RequestedToCapacityRatio', requestedToCapacityRatio: { shape: [{ utilization: 0, score: 0 }, { utilization: 100, score: 10 }] } } }),
  ],
  ['NodeResourcesBalancedAllocation', () => balancedAllocation()],
  ['NodeResourcesBalancedAllocation cpu, memory, gpu', () => balancedAllocation({ resources: [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }, { name: 'example.com/gpu', weight: 1 }] })],
  ['TaintToleration', () => taintToleration()],
  ['PodTopologySpread system defaults', (nodes) => podTopologySpread(undefined, fakeHandle(nodes, () => ({ matchLabels: { app: 'web' } })))],
  ['ImageLocality', (nodes) => imageLocality(fakeHandle(nodes))],
];

const request = fc.record({ cpu: fc.integer({ min: 0, max: 4000 }), memory: fc.integer({ min: 0, max: 8e9 }), gpu: fc.integer({ min: 0, max: 2 }) });
const taint = fc.record({ key: fc.constantFrom('a', 'b'), value: fc.constantFrom('x', 'y'), effect: fc.constantFrom<Taint['effect']>('PreferNoSchedule', 'NoSchedule') });
const toleration = fc.record({ key: fc.constantFrom('a', 'b'), operator: fc.constantFrom<'Equal'>('Equal'), value: fc.constantFrom('x', 'y'), effect: fc.constantFrom<Toleration['effect']>('PreferNoSchedule') });
const resources = (r: { cpu: number; memory: number; gpu: number }) => ({ cpu: r.cpu, memory: r.memory, ...(r.gpu > 0 ? { 'example.com/gpu': r.gpu } : {}) });
const IMAGES = ['app:1', 'base:2'];

describe('batch scores (property)', () => {
  for (const [name, make] of plugins) {
    it(`${name}: scoreAll equals score node by node`, () => {
      fc.assert(
        fc.property(
          fc.array(
            fc.record({ alloc: request, zone: fc.constantFrom('a', 'b', 'c', '', 'none'), bound: fc.array(fc.record({ req: request, web: fc.boolean() }), { maxLength: 3 }), taints: fc.array(taint, { maxLength: 2 }), images: fc.subarray(IMAGES) }),
            { minLength: 1, maxLength: 8 },
          ),
          request,
          fc.array(toleration, { maxLength: 2 }),
          fc.boolean(),
          (specs, req, tolerations, spreadExplicitly) => {
            const nodes = specs.map((s, i) => {
              const node = makeNode(`n${i}`, { cpu: s.alloc.cpu, memory: s.alloc.memory, 'example.com/gpu': s.alloc.gpu }, { labels: s.zone === 'none' ? {} : { 'topology.kubernetes.io/zone': s.zone }, ...(s.taints.length > 0 ? { taints: s.taints } : {}) });
              node.status.images = s.images.map((im, k) => ({ names: [im], sizeBytes: (300 + 200 * k) * 1024 * 1024 }));
              const n = new NodeInfo(node);
              s.bound.forEach((b, k) => n.addPod(podInfo(makePod(`b${i}-${k}`, resources(b.req), {}, { labels: { app: b.web ? 'web' : 'db' } }))));
              return n;
            });
            const spread = spreadExplicitly ? { topologySpreadConstraints: [{ maxSkew: 2, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway' as const, labelSelector: { matchLabels: { app: 'web' } } }] } : {};
            const pod = podInfo(makePod('p', resources(req), { tolerations, containers: [{ name: 'c', image: IMAGES[0]!, resources: { requests: resources(req) } }], ...spread }, { labels: { app: 'web' } }));
            const plugin = make(nodes);
            const state = new Map<string, unknown>();
            const pre = plugin.preScore?.(state, pod, nodes);
            if (pre !== undefined && pre !== null && pre.code === Code.Skip) return;
            const out: number[] = [];
            plugin.scoreAll!(state, pod, nodes, out);
            expect(out).toEqual(nodes.map((n) => plugin.score(state, pod, n)));
          },
        ),
        { numRuns: 200 },
      );
    });
  }
});
