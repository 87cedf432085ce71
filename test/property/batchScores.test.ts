/**
 * Property: a score plugin's batch form (`scoreAll`, one call per cycle) writes exactly the scores its per-node
 * `score` gives, for NodeResourcesFit under each strategy and resource set, NodeResourcesBalancedAllocation and
 * TaintToleration, over random nodes (allocatable, bound pods, PreferNoSchedule taints) and pods.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NodeInfo } from '../../src/models/scheduler/nodeInfo.js';
import { podInfo } from '../../src/models/scheduler/podInfo.js';
import type { ScorePlugin } from '../../src/models/scheduler/framework/interfaces.js';
import { nodeResourcesFit } from '../../src/models/scheduler/plugins/nodeResourcesFit.js';
import { balancedAllocation } from '../../src/models/scheduler/plugins/balancedAllocation.js';
import { taintToleration } from '../../src/models/scheduler/plugins/taintToleration.js';
import type { Taint, Toleration } from '../../src/cluster/types.js';
import { makeNode, makePod } from '../helpers/objects.js';

const plugins: [string, ScorePlugin][] = [
  ['NodeResourcesFit LeastAllocated', nodeResourcesFit()],
  ['NodeResourcesFit MostAllocated', nodeResourcesFit({ scoringStrategy: { type: 'MostAllocated' } })],
  ['NodeResourcesFit weighted cpu, memory, gpu', nodeResourcesFit({ scoringStrategy: { resources: [{ name: 'cpu', weight: 3 }, { name: 'memory', weight: 1 }, { name: 'example.com/gpu', weight: 2 }] } })],
  [
    'NodeResourcesFit RequestedToCapacityRatio',
    nodeResourcesFit({ scoringStrategy: { type: 'RequestedToCapacityRatio', requestedToCapacityRatio: { shape: [{ utilization: 0, score: 0 }, { utilization: 100, score: 10 }] } } }),
  ],
  ['NodeResourcesBalancedAllocation', balancedAllocation()],
  ['NodeResourcesBalancedAllocation cpu, memory, gpu', balancedAllocation({ resources: [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }, { name: 'example.com/gpu', weight: 1 }] })],
  ['TaintToleration', taintToleration()],
];

const request = fc.record({ cpu: fc.integer({ min: 0, max: 4000 }), memory: fc.integer({ min: 0, max: 8e9 }), gpu: fc.integer({ min: 0, max: 2 }) });
const taint = fc.record({ key: fc.constantFrom('a', 'b'), value: fc.constantFrom('x', 'y'), effect: fc.constantFrom<Taint['effect']>('PreferNoSchedule', 'NoSchedule') });
const toleration = fc.record({ key: fc.constantFrom('a', 'b'), operator: fc.constantFrom<'Equal'>('Equal'), value: fc.constantFrom('x', 'y'), effect: fc.constantFrom<Toleration['effect']>('PreferNoSchedule') });
const resources = (r: { cpu: number; memory: number; gpu: number }) => ({ cpu: r.cpu, memory: r.memory, ...(r.gpu > 0 ? { 'example.com/gpu': r.gpu } : {}) });

describe('batch scores (property)', () => {
  for (const [name, plugin] of plugins) {
    it(`${name}: scoreAll equals score node by node`, () => {
      fc.assert(
        fc.property(
          fc.array(fc.record({ alloc: request, bound: fc.array(request, { maxLength: 3 }), taints: fc.array(taint, { maxLength: 2 }) }), { minLength: 1, maxLength: 8 }),
          request,
          fc.array(toleration, { maxLength: 2 }),
          (specs, req, tolerations) => {
            const nodes = specs.map((s, i) => {
              const n = new NodeInfo(makeNode(`n${i}`, { cpu: s.alloc.cpu, memory: s.alloc.memory, 'example.com/gpu': s.alloc.gpu }, s.taints.length > 0 ? { taints: s.taints } : {}));
              s.bound.forEach((b, k) => n.addPod(podInfo(makePod(`b${i}-${k}`, resources(b)))));
              return n;
            });
            const pod = podInfo(makePod('p', resources(req), { tolerations }));
            const state = new Map<string, unknown>();
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
