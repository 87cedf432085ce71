/**
 * Property tests: random small clusters and workloads, run through the whole simulation, must keep Kubernetes'
 * invariants at every commit:
 * - no node is ever over-committed (requests of its non-terminated pods ≤ allocatable, pod count ≤ allocatable.pods);
 * - a pod is bound at most once and never to a node whose NoSchedule taint it does not tolerate;
 * - a Job never has more than `parallelism` active pods and never more succeeded pods than completions… plus in-flight;
 * - the same inputs give the same outputs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { constant } from '../../src/engine/distribution.js';
import { RngStreams } from '../../src/engine/rng.js';
import { ObjectStore } from '../../src/cluster/store.js';
import type { Job, Node, Pod } from '../../src/cluster/types.js';
import { ApiServer } from '../../src/models/apiserver/apiServer.js';
import { EventRecorder } from '../../src/models/eventRecorder.js';
import { Kubelet } from '../../src/models/kubelet/kubelet.js';
import { Scheduler } from '../../src/models/scheduler/scheduler.js';
import { inTreeRegistry } from '../../src/models/scheduler/plugins/registry.js';
import { JobController } from '../../src/models/controllers/job.js';
import { ReplicaSetController } from '../../src/models/controllers/replicaSet.js';
import { defaultPodSpec } from '../../src/cluster/podDefaults.js';
import { podInfo } from '../../src/models/scheduler/podInfo.js';

const ms = 1000;
const s = 1_000_000;

const nodeArb = fc.record({
  cpu: fc.integer({ min: 1, max: 8 }).map((c) => c * 1000),
  memGi: fc.integer({ min: 1, max: 16 }),
  pods: fc.integer({ min: 1, max: 10 }),
  tainted: fc.boolean(),
});
const jobArb = fc.record({
  cpu: fc.integer({ min: 100, max: 4000 }),
  memMi: fc.integer({ min: 64, max: 8192 }),
  completions: fc.integer({ min: 1, max: 6 }),
  parallelism: fc.integer({ min: 1, max: 4 }),
  durationS: fc.integer({ min: 1, max: 120 }),
  tolerates: fc.boolean(),
  at: fc.integer({ min: 0, max: 60 }),
});

type NodeSpec = typeof nodeArb extends fc.Arbitrary<infer T> ? T : never;
type JobSpec = typeof jobArb extends fc.Arbitrary<infer T> ? T : never;

interface Trace {
  violations: string[];
  placements: string;
}

function simulate(nodesSpec: NodeSpec[], jobs: JobSpec[], seed: number, bypassPods = 0): Trace {
  const engine = new Engine();
  const streams = new RngStreams(seed);
  const store = new ObjectStore(streams.stream('names'));
  const api = new ApiServer(engine, store, { writeLatency: { kind: 'exponential', meanUs: 3 * ms }, watchLatency: { kind: 'exponential', meanUs: 2 * ms } }, streams.stream('lat'));
  const recorder = new EventRecorder(() => engine.now);
  const violations: string[] = [];
  const nodes = new Map<string, Node>();
  const bound = new Map<string, string>();
  const used = new Map<string, { cpu: number; mem: number; pods: number; uids: Set<string> }>();
  const jobPods = new Map<string, Map<string, Pod>>();

  store.onCommit((c) => {
    if (c.object.kind === 'Node') nodes.set(c.object.metadata.name, c.object);
    if (c.object.kind !== 'Pod') return;
    const pod = c.object as Pod;
    const uid = pod.metadata.uid!;
    const job = pod.metadata.ownerReferences?.[0]?.name;
    if (job) {
      const m = jobPods.get(job) ?? new Map();
      if (c.type === 'DELETED') m.delete(uid);
      else m.set(uid, pod);
      jobPods.set(job, m);
      const active = [...m.values()].filter((p) => p.status.phase !== 'Succeeded' && p.status.phase !== 'Failed' && !p.metadata.deletionTimestamp).length;
      const spec = jobs[Number(job.slice(4))]!;
      if (active > spec.parallelism) violations.push(`${job} has ${active} active pods > parallelism ${spec.parallelism}`);
    }
    const node = pod.spec.nodeName;
    if (!node) return;
    const prev = bound.get(uid);
    if (prev !== undefined && prev !== node) violations.push(`${pod.metadata.name} rebound from ${prev} to ${node}`);
    bound.set(uid, node);
    const n = nodes.get(node)!;
    if (prev === undefined && n.spec.taints?.some((t) => t.effect === 'NoSchedule') && !pod.spec.tolerations?.length) violations.push(`${pod.metadata.name} bound to tainted ${node}`);
    const u = used.get(node) ?? { cpu: 0, mem: 0, pods: 0, uids: new Set<string>() };
    used.set(node, u);
    const live = c.type !== 'DELETED' && pod.status.phase !== 'Succeeded' && pod.status.phase !== 'Failed';
    const r = podInfo(pod).requests;
    if (live && !u.uids.has(uid)) {
      u.uids.add(uid);
      u.cpu += r.milliCPU;
      u.mem += r.memory;
      u.pods++;
    } else if (!live && u.uids.has(uid)) {
      u.uids.delete(uid);
      u.cpu -= r.milliCPU;
      u.mem -= r.memory;
      u.pods--;
    }
    const a = n.status.allocatable;
    if (u.cpu > a.cpu! || u.mem > a.memory! || u.pods > a.pods!) violations.push(`${node} over-committed: cpu ${u.cpu}/${a.cpu}, memory ${u.mem}/${a.memory}, pods ${u.pods}/${a.pods}`);
  });

  const limits = { qps: 50, burst: 100 };
  new Scheduler(engine, api, api.client('sched', limits), streams.stream('scheduler.tiebreak'), { percentageOfNodesToScore: 0, podInitialBackoff: 1 * s, podMaxBackoff: 10 * s, cycleCost: { base: 200, perNodeFiltered: 1, perNodeScored: 1, perWorkUnit: 0, perFilterWorkUnit: 0 } }, inTreeRegistry(), recorder).start();
  new JobController(engine, api, api.client('job', { qps: 20, burst: 30 }), recorder).start();
  new ReplicaSetController(engine, api, api.client('rs', { qps: 20, burst: 30 }), recorder).start();
  const admin = api.client('admin', { qps: 1e9, burst: 1e9 });
  nodesSpec.forEach((ns, i) => {
    const node: Node = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: `n${i}`, labels: {} },
      spec: ns.tainted ? { taints: [{ key: 'dedicated', value: 'x', effect: 'NoSchedule' }] } : {},
      status: { capacity: { cpu: ns.cpu, memory: ns.memGi * 2 ** 30, pods: ns.pods }, allocatable: { cpu: ns.cpu, memory: ns.memGi * 2 ** 30, pods: ns.pods }, images: [{ names: ['w:1'], sizeBytes: 1 }] },
    };
    // The kubelet registers its Node.
    new Kubelet(engine, api, api.client(`kubelet-${i}`, limits), node, streams.stream(`k${i}`), { sandboxLatency: constant(50 * ms), containerStartLatency: constant(100 * ms), containerStopLatency: constant(500 * ms) }, { serializeImagePulls: true, registryPullQPS: 5, registryBurst: 10, bandwidth: 1e8, overhead: constant(0), sizeOf: () => 1 }, recorder).start();
  });
  jobs.forEach((j, i) => {
    const job: Job = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: `job-${i}`, namespace: 'default' },
      spec: {
        completions: j.completions,
        parallelism: j.parallelism,
        backoffLimit: 6,
        template: {
          metadata: { annotations: { 'kubesim.dev/duration': `${j.durationS}s` } },
          spec: defaultPodSpec({ restartPolicy: 'Never', containers: [{ name: 'c', image: 'w:1', resources: { requests: { cpu: j.cpu, memory: j.memMi * 2 ** 20 } } }], ...(j.tolerates ? { tolerations: [{ key: 'dedicated', operator: 'Exists' }] } : {}) }),
        },
      },
      status: {},
    };
    engine.at(j.at * s, () => admin.create(job));
  });
  // Pods created with spec.nodeName skip the scheduler (as upstream): used to check that the checker can fail.
  for (let i = 0; i < bypassPods; i++) {
    engine.at(1 * s, () => admin.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `bypass-${i}`, namespace: 'default' }, spec: defaultPodSpec({ nodeName: 'n0', containers: [{ name: 'c', image: 'w:1', resources: { requests: { cpu: 1000 } } }] }), status: { phase: 'Pending' } }));
  }
  engine.run(15 * 60 * s);
  const placements = [...store.list('Pod')].map((p) => `${p.metadata.name}@${p.spec.nodeName ?? '-'}:${p.status.phase}`).join(',');
  return { violations, placements };
}

describe('simulation invariants (fast-check)', () => {
  it('never over-commits a node, never rebinds a pod, honours NoSchedule taints and Job parallelism', () => {
    let boundPods = 0;
    let succeeded = 0;
    fc.assert(
      fc.property(fc.array(nodeArb, { minLength: 1, maxLength: 5 }), fc.array(jobArb, { minLength: 1, maxLength: 6 }), fc.integer(), (nodes, jobs, seed) => {
        const t = simulate(nodes, jobs, seed);
        expect(t.violations).toEqual([]);
        boundPods += (t.placements.match(/@n\d/g) ?? []).length;
        succeeded += (t.placements.match(/:Succeeded/g) ?? []).length;
      }),
      { numRuns: 40 },
    );
    // The property ran real workloads: many pods were placed and ran to completion.
    expect(boundPods).toBeGreaterThan(100);
    expect(succeeded).toBeGreaterThan(50);
  });

  it('the checker itself flags an over-committed node (pods bound past the scheduler)', () => {
    const ok = simulate([{ cpu: 1000, memGi: 1, pods: 4, tainted: false }], [{ cpu: 1000, memMi: 64, completions: 1, parallelism: 1, durationS: 10, tolerates: false, at: 0 }], 1);
    expect(ok.violations).toEqual([]);
    expect(ok.placements).toMatch(/@n0:Succeeded/);
    const bad = simulate([{ cpu: 1000, memGi: 1, pods: 4, tainted: false }], [], 1, 2);
    expect(bad.violations.some((v) => v.startsWith('n0 over-committed: cpu 2000/1000'))).toBe(true);
  });

  it('is deterministic: the same inputs give the same placements and phases', () => {
    fc.assert(
      fc.property(fc.array(nodeArb, { minLength: 1, maxLength: 4 }), fc.array(jobArb, { minLength: 1, maxLength: 4 }), fc.integer(), (nodes, jobs, seed) => {
        expect(simulate(nodes, jobs, seed).placements).toBe(simulate(nodes, jobs, seed).placements);
      }),
      { numRuns: 15 },
    );
  });
});
