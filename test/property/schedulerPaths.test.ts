/**
 * Property: on random clusters of up to 60 nodes (allocatable, zones — some nodes without one —, taints, cordons,
 * bound pods with labels, host ports and sidecars) and random pods (requests or none, sidecars, host ports with host
 * IPs, tolerations, node affinity preferences, topology spread and anti-affinity preferences), the scheduler's own
 * cycle (its filter loop, the batch `scoreAll` forms, normalisation and weights) finds the same feasible nodes and
 * the same top-scoring nodes as the default profile's plugins run node by node through `filter` and `score`, and
 * binds the pod to one of those top nodes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Container, ContainerPort, Node, Pod, Taint } from '../../src/cluster/types.js';
import { NodeInfo } from '../../src/models/scheduler/nodeInfo.js';
import { podInfo } from '../../src/models/scheduler/podInfo.js';
import { Code } from '../../src/models/scheduler/framework/status.js';
import { DEFAULT_PLUGINS, Profile } from '../../src/models/scheduler/framework/profile.js';
import type { CycleTrace } from '../../src/models/scheduler/cycleTrace.js';
import { inTreeRegistry } from '../../src/models/scheduler/plugins/registry.js';
import { makeNode, makePod } from '../helpers/objects.js';
import { fakeHandle } from '../helpers/schedulerHandle.js';
import { s, withScheduler, world } from '../helpers/world.js';

const ZONE = 'topology.kubernetes.io/zone';
const GiB = 1024 ** 3;

const portArb = fc.record({ port: fc.constantFrom(80, 9100), ip: fc.constantFrom(undefined, '0.0.0.0', '127.0.0.1', '10.0.0.1'), protocol: fc.constantFrom<'TCP' | 'UDP'>('TCP', 'UDP') });
const containerPorts = (ps: { port: number; ip: string | undefined; protocol: 'TCP' | 'UDP' }[]): ContainerPort[] => ps.map((p) => ({ containerPort: p.port, hostPort: p.port, protocol: p.protocol, ...(p.ip !== undefined ? { hostIP: p.ip } : {}) }));
const requestArb = fc.record({ cpu: fc.constantFrom(0, 100, 500, 1000, 2500), memory: fc.constantFrom(0, 256 * 1024 ** 2, GiB, 3 * GiB) });
const podShapeArb = fc.record({
  req: requestArb,
  sidecar: fc.option(fc.record({ req: requestArb, ports: fc.array(portArb, { maxLength: 1 }) }), { nil: undefined }),
  ports: fc.array(portArb, { maxLength: 2 }),
  app: fc.constantFrom('web', 'db', 'batch'),
});
const nodeArb = fc.record({
  cpu: fc.constantFrom(1000, 2000, 4000, 8000),
  memory: fc.constantFrom(2 * GiB, 8 * GiB, 16 * GiB),
  zone: fc.constantFrom('a', 'b', 'c', 'none', ''),
  taint: fc.constantFrom<'none' | Taint['effect']>('none', 'none', 'PreferNoSchedule', 'NoSchedule'),
  pods: fc.array(podShapeArb, { maxLength: 3 }),
});
const incomingArb = fc.record({
  shape: podShapeArb,
  tolerate: fc.boolean(),
  preferZone: fc.option(fc.constantFrom('a', 'b'), { nil: undefined }),
  spread: fc.constantFrom<'none' | 'ScheduleAnyway' | 'DoNotSchedule'>('none', 'ScheduleAnyway', 'DoNotSchedule'),
  antiAffinity: fc.boolean(),
});

type PodShape = typeof podShapeArb extends fc.Arbitrary<infer T> ? T : never;

function containersOf(name: string, shape: PodShape): { containers: Container[]; initContainers?: Container[] } {
  const requests: Record<string, number> = Object.fromEntries(Object.entries(shape.req).filter(([, v]) => v > 0));
  const containers: Container[] = [{ name, image: 'app:1', resources: { requests }, ...(shape.ports.length > 0 ? { ports: containerPorts(shape.ports) } : {}) }];
  if (shape.sidecar === undefined) return { containers };
  const sreq: Record<string, number> = Object.fromEntries(Object.entries(shape.sidecar.req).filter(([, v]) => v > 0));
  return { containers, initContainers: [{ name: `${name}-side`, image: 'side:1', restartPolicy: 'Always', resources: { requests: sreq }, ...(shape.sidecar.ports.length > 0 ? { ports: containerPorts(shape.sidecar.ports) } : {}) }] };
}

describe('scheduler paths (property)', () => {
  it('the cycle and the plugins node by node agree on the feasible nodes and the top-scoring nodes', () => {
    let compared = 0;
    let nodesScored = 0;
    fc.assert(
      fc.property(fc.array(nodeArb, { minLength: 1, maxLength: 60, size: 'max' }), incomingArb, (specs, inc) => {
        const w = world();
        const sched = withScheduler(w);
        const traces: CycleTrace[] = [];
        sched.tracer = { allNodes: true, wants: (_ns, name) => name === 'incoming', emit: (t) => traces.push(t) };
        specs.forEach((spec, i) => {
          const labels: Record<string, string> = spec.zone === 'none' ? {} : { [ZONE]: spec.zone };
          const taints: Taint[] = spec.taint === 'none' ? [] : [{ key: 'dedicated', value: 'gpu', effect: spec.taint }];
          w.admin.create(makeNode(`n${i}`, { cpu: spec.cpu, memory: spec.memory, pods: 110 }, { labels, ...(taints.length > 0 ? { taints } : {}) }));
          spec.pods.forEach((shape, k) => w.admin.create(makePod(`n${i}-p${k}`, {}, { nodeName: `n${i}`, ...containersOf('c', shape) }, { labels: { app: shape.app }, uid: undefined })));
        });
        w.engine.run(1 * s);
        const spread = inc.spread === 'none' ? {} : { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: ZONE, whenUnsatisfiable: inc.spread, labelSelector: { matchLabels: { app: inc.shape.app } } }] };
        const affinity = {
          ...(inc.preferZone !== undefined ? { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, preference: { matchExpressions: [{ key: ZONE, operator: 'In' as const, values: [inc.preferZone] }] } }] } } : {}),
          ...(inc.antiAffinity ? { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, podAffinityTerm: { labelSelector: { matchLabels: { app: inc.shape.app } }, topologyKey: ZONE } }] } } : {}),
        };
        const incoming = makePod('incoming', {}, {
          ...containersOf('main', inc.shape),
          ...spread,
          ...(Object.keys(affinity).length > 0 ? { affinity } : {}),
          ...(inc.tolerate ? { tolerations: [{ key: 'dedicated', operator: 'Exists' as const }] } : {}),
        }, { labels: { app: inc.shape.app }, uid: undefined });
        w.admin.create(incoming);
        w.engine.run(2 * s);
        expect(traces.length).toBeGreaterThan(0);
        const t = traces[0]!;

        // Node by node: the same nodes and bound pods, the default profile's plugins through filter and score.
        const nodes = [...w.store.list('Node')] as Node[];
        const pods = ([...w.store.list('Pod')] as Pod[]).filter((p) => p.metadata.name !== 'incoming');
        const infos = nodes.map((n) => {
          const info = new NodeInfo(n);
          for (const p of pods) if (p.spec.nodeName === n.metadata.name) info.addPod(podInfo(p));
          return info;
        });
        const profile = new Profile('default-scheduler', DEFAULT_PLUGINS, inTreeRegistry(), fakeHandle(infos));
        // The pod as admitted (defaults, priority), before its binding set spec.nodeName.
        const admitted = w.store.get('Pod', 'default/incoming')!;
        const { nodeName: _bound, ...unbound } = admitted.spec;
        const pod = podInfo({ ...admitted, spec: unbound });
        const state = new Map<string, unknown>();
        const skipped = new Set<unknown>();
        let rejected = false;
        for (const p of profile.preFilter) {
          const st = p.preFilter(state, pod, infos);
          if (st !== null && st.code === Code.Skip) skipped.add(p);
          else if (st !== null && st.code !== Code.Success) rejected = true;
        }
        const feasible = rejected ? [] : infos.filter((n) => profile.filter.every((p) => skipped.has(p) || p.filter(state, pod, n) === null));
        const cycleFeasible = t.nodes.filter((n) => n.filters.every((f) => f.code === 'Success' || f.code === 'Skip')).map((n) => n.name);
        expect(t.preFilter.some((f) => f.code !== 'Skip') ? [] : cycleFeasible.sort()).toEqual(feasible.map((n) => n.name).sort());
        if (feasible.length === 0) {
          expect(t.selected).toBeNull();
          return;
        }
        if (feasible.length === 1) {
          expect(t.selected).toBe(feasible[0]!.name);
          return;
        }
        const skippedScore = new Set<unknown>();
        for (const p of profile.preScore) {
          const st = p.preScore(state, pod, feasible);
          if (st !== null && st.code === Code.Skip) skippedScore.add(p);
        }
        const totals = feasible.map(() => 0);
        profile.score.forEach((p, k) => {
          if (skippedScore.has(p)) return;
          const scores = feasible.map((n) => p.score(state, pod, n));
          p.normalizeScore?.(state, pod, scores);
          scores.forEach((v, i) => (totals[i]! += v * profile.scoreWeights[k]!));
        });
        const best = Math.max(...totals);
        const top = feasible.filter((_, i) => totals[i] === best).map((n) => n.name).sort();
        const cycleTotals = t.nodes.filter((n) => n.total !== null);
        const cycleBest = Math.max(...cycleTotals.map((n) => n.total!));
        expect(cycleTotals.filter((n) => n.total === cycleBest).map((n) => n.name).sort()).toEqual(top);
        expect(top).toContain(t.selected);
        compared++;
        nodesScored += feasible.length;
      }),
      { numRuns: 300, seed: 22 },
    );
    // Not vacuous: most cases score several feasible nodes.
    expect(compared).toBeGreaterThan(150);
    expect(nodesScored).toBeGreaterThan(150 * 8);
  });
});
