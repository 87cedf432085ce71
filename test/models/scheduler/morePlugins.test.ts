/**
 * SchedulingGates, NodePorts, ImageLocality and NodeResourcesFit's RequestedToCapacityRatio strategy against
 * upstream's formulas (schedulinggates/scheduling_gates.go, nodeports/node_ports.go,
 * imagelocality/image_locality.go, noderesources/requested_to_capacity_ratio.go, helper/shape_score.go).
 */
import { describe, expect, it } from 'vitest';
import type { Pod } from '../../../src/cluster/types.js';
import { NodeInfo, normalizedImageName } from '../../../src/models/scheduler/nodeInfo.js';
import { podInfo } from '../../../src/models/scheduler/podInfo.js';
import { Code } from '../../../src/models/scheduler/framework/status.js';
import { schedulingGates } from '../../../src/models/scheduler/plugins/schedulingGates.js';
import { ERR_REASON_NODE_PORTS, nodePorts } from '../../../src/models/scheduler/plugins/nodePorts.js';
import { imageLocality, imageLocalityPriority, MAX_CONTAINER_THRESHOLD, MIN_THRESHOLD } from '../../../src/models/scheduler/plugins/imageLocality.js';
import { brokenLinear, nodeResourcesFit } from '../../../src/models/scheduler/plugins/nodeResourcesFit.js';
import { dotProduct } from '../../../src/models/scheduler/plugins/policies.js';
import { PROFILE_PRESETS } from '../../../src/models/scheduler/framework/profile.js';
import { makeNode, makePod } from '../../helpers/objects.js';
import { fakeHandle } from '../../helpers/schedulerHandle.js';
import { world, withScheduler, s } from '../../helpers/world.js';

const MB = 1024 * 1024;
const state = new Map<string, unknown>();

describe('SchedulingGates (scheduling_gates.go)', () => {
  it('holds a gated pod with upstream\'s message and lets an ungated one through', () => {
    const p = schedulingGates();
    const gated = makePod('g', {}, { schedulingGates: [{ name: 'example.com/a' }, { name: 'example.com/b' }] });
    const st = p.preEnqueue(gated);
    expect(st?.code).toBe(Code.UnschedulableAndUnresolvable);
    expect(st?.reasons).toEqual(['waiting for scheduling gates: [example.com/a example.com/b]']);
    expect(p.preEnqueue(makePod('free'))).toBeNull();
  });

  it('a gated pod is not attempted until an update removes its gates, then it is scheduled', () => {
    const w = world();
    const sched = withScheduler(w);
    w.admin.create(makeNode('n1', { cpu: 4000, memory: 8e9 }));
    const pod = makePod('g', { cpu: 100 }, { schedulingGates: [{ name: 'wait' }] });
    w.admin.create(pod);
    w.engine.run(5 * s);
    expect(sched.stats.attempts).toBe(0);
    expect(sched.queueLengths().gated).toBe(1);
    w.admin.update('Pod', 'default/g', (p: Pod) => ({ ...p, spec: { ...p.spec, schedulingGates: [] } }));
    w.engine.run(10 * s);
    expect(w.store.get('Pod', 'default/g')?.spec.nodeName).toBe('n1');
    expect(sched.queueLengths().gated).toBe(0);
  });
});

describe('NodePorts (node_ports.go)', () => {
  const withPort = (name: string, port: number, protocol?: string) =>
    makePod(name, {}, { containers: [{ name: 'c', image: 'x:1', ports: [{ containerPort: 80, hostPort: port, ...(protocol ? { protocol } : {}) }] }] });
  it('rejects a node where the host port is taken for the same protocol, and skips pods without host ports', () => {
    const p = nodePorts();
    const n = new NodeInfo(makeNode('n', { cpu: 1000, memory: 1e9 }));
    n.addPod(podInfo(withPort('a', 8080)));
    expect(p.filter(state, podInfo(withPort('b', 8080)), n)?.reasons).toEqual([ERR_REASON_NODE_PORTS]);
    expect(p.filter(state, podInfo(withPort('c', 8080, 'UDP')), n)).toBeNull();
    expect(p.filter(state, podInfo(withPort('d', 8081)), n)).toBeNull();
    expect(p.preFilter(state, podInfo(makePod('e')), [n])?.code).toBe(Code.Skip);
    n.removePod(n.pods.keys().next().value!);
    expect(p.filter(state, podInfo(withPort('b', 8080)), n)).toBeNull();
  });

  // HostPortInfo.CheckConflict (pkg/scheduler/framework/types.go): a specific IP conflicts with itself and 0.0.0.0;
  // 0.0.0.0 (or no hostIP) conflicts with every IP on that protocol and port.
  const onIp = (name: string, port: number, hostIP?: string) =>
    makePod(name, {}, { containers: [{ name: 'c', image: 'x:1', ports: [{ containerPort: 80, hostPort: port, ...(hostIP !== undefined ? { hostIP } : {}) }] }] });
  it('honours hostIP: 127.0.0.1:9100 and 10.0.0.1:9100 coexist; 0.0.0.0 or no IP conflicts with any IP', () => {
    const p = nodePorts();
    const n = new NodeInfo(makeNode('n', { cpu: 1000, memory: 1e9 }));
    n.addPod(podInfo(onIp('a', 9100, '127.0.0.1')));
    expect(p.filter(state, podInfo(onIp('b', 9100, '10.0.0.1')), n)).toBeNull();
    expect(p.filter(state, podInfo(onIp('c', 9100, '127.0.0.1')), n)?.reasons).toEqual([ERR_REASON_NODE_PORTS]);
    expect(p.filter(state, podInfo(onIp('d', 9100, '0.0.0.0')), n)?.reasons).toEqual([ERR_REASON_NODE_PORTS]);
    expect(p.filter(state, podInfo(onIp('e', 9100)), n)?.reasons).toEqual([ERR_REASON_NODE_PORTS]);
    expect(p.filter(state, podInfo(onIp('f', 9100, '')), n)?.reasons).toEqual([ERR_REASON_NODE_PORTS]);
    const wild = new NodeInfo(makeNode('w', { cpu: 1000, memory: 1e9 }));
    wild.addPod(podInfo(onIp('g', 9100)));
    expect(p.filter(state, podInfo(onIp('h', 9100, '10.0.0.1')), wild)?.reasons).toEqual([ERR_REASON_NODE_PORTS]);
    expect(p.filter(state, podInfo(onIp('i', 9101, '10.0.0.1')), wild)).toBeNull();
    wild.removePod(wild.pods.keys().next().value!);
    expect(p.filter(state, podInfo(onIp('h', 9100, '10.0.0.1')), wild)).toBeNull();
  });

  it('counts the host ports of sidecars (restartPolicy Always) but not of regular init containers', () => {
    const p = nodePorts();
    const init = (restartPolicy?: 'Always') =>
      makePod('i', {}, { initContainers: [{ name: 'setup', image: 'x:1', ...(restartPolicy ? { restartPolicy } : {}), ports: [{ containerPort: 80, hostPort: 7000 }] }] });
    expect(podInfo(init()).hostPorts).toEqual([]);
    expect(p.preFilter(state, podInfo(init()), [])?.code).toBe(Code.Skip);
    expect(podInfo(init('Always')).hostPorts).toEqual(['TCP/7000/0.0.0.0']);
    const n = new NodeInfo(makeNode('n', { cpu: 1000, memory: 1e9 }));
    n.addPod(podInfo(init('Always')));
    expect(p.filter(state, podInfo(withPort('b', 7000)), n)?.reasons).toEqual([ERR_REASON_NODE_PORTS]);
    const m = new NodeInfo(makeNode('m', { cpu: 1000, memory: 1e9 }));
    m.addPod(podInfo(init()));
    expect(p.filter(state, podInfo(withPort('b', 7000)), m)).toBeNull();
  });
});

describe('ImageLocality (image_locality.go)', () => {
  it('calculatePriority clamps to [23 MiB, 1000 MiB × containers] and scales to 0–100', () => {
    expect(imageLocalityPriority(0, 1)).toBe(0);
    expect(imageLocalityPriority(MIN_THRESHOLD, 1)).toBe(0);
    expect(imageLocalityPriority(MAX_CONTAINER_THRESHOLD, 1)).toBe(100);
    expect(imageLocalityPriority(5 * MAX_CONTAINER_THRESHOLD, 1)).toBe(100);
    // 500 MiB with one container: 100 × (500 − 23) / (1000 − 23) = 48.8 → 48.
    expect(imageLocalityPriority(500 * MB, 1)).toBe(48);
    // Two containers double the ceiling: 100 × (500 − 23) / (2000 − 23) = 24.1 → 24.
    expect(imageLocalityPriority(500 * MB, 2)).toBe(24);
  });

  it('normalises untagged names with :latest and scales image size by its spread over nodes', () => {
    expect(normalizedImageName('nginx')).toBe('nginx:latest');
    expect(normalizedImageName('registry:5000/app')).toBe('registry:5000/app:latest');
    expect(normalizedImageName('gcr.io/app:1.0')).toBe('gcr.io/app:1.0');
    const withImage = (name: string) => {
      const node = makeNode(name, { cpu: 1000, memory: 1e9 });
      node.status.images = [{ names: ['example.com/big:1'], sizeBytes: 800 * MB }];
      return new NodeInfo(node);
    };
    const nodes = [withImage('a'), withImage('b'), new NodeInfo(makeNode('c', { cpu: 1000, memory: 1e9 })), new NodeInfo(makeNode('d', { cpu: 1000, memory: 1e9 }))];
    const plugin = imageLocality(fakeHandle(nodes));
    const pod = podInfo(makePod('p', {}, { containers: [{ name: 'c', image: 'example.com/big:1' }] }));
    // 800 MiB × 2/4 = 400 MiB → 100 × (400 − 23) / 977 = 38.
    expect(plugin.score(state, pod, nodes[0]!)).toBe(38);
    expect(plugin.score(state, pod, nodes[2]!)).toBe(0);
  });
});

describe('NodeResourcesFit RequestedToCapacityRatio (requested_to_capacity_ratio.go)', () => {
  it('BuildBrokenLinearFunction interpolates with Go integer division (truncation toward zero)', () => {
    const up = brokenLinear([{ utilization: 0, score: 0 }, { utilization: 30, score: 100 }]);
    expect(up(10)).toBe(33);
    expect(up(50)).toBe(100);
    const down = brokenLinear([{ utilization: 0, score: 100 }, { utilization: 30, score: 0 }]);
    expect(down(10)).toBe(67); // 100 + trunc(−33.3)
    const flat = brokenLinear([{ utilization: 20, score: 40 }, { utilization: 80, score: 60 }]);
    expect(flat(0)).toBe(40);
    expect(flat(90)).toBe(60);
  });

  it('bin-packing shape scores utilisation, leaves zero-scoring resources out and rounds the weighted mean', () => {
    const fit = nodeResourcesFit({ scoringStrategy: { type: 'RequestedToCapacityRatio', requestedToCapacityRatio: { shape: [{ utilization: 0, score: 0 }, { utilization: 100, score: 10 }] } } });
    const n = new NodeInfo(makeNode('n', { cpu: 4000, memory: 8 * 1024 * MB }));
    n.addPod(podInfo(makePod('a', { cpu: 2000, memory: 0 })));
    // cpu (2000 + 1000) / 4000 = 75; memory: node NonZeroRequested 0 → 0 + 1 GiB on 8 GiB = 12 → round((75 + 12) / 2) = 44.
    expect(fit.score(state, podInfo(makePod('p', { cpu: 1000, memory: 1024 * MB })), n)).toBe(44);
    const only = new NodeInfo(makeNode('m', { cpu: 4000, memory: 8 * 1024 * MB }));
    // memory 0 % scores 0 and is left out: the cpu score alone (1000 / 4000 = 25).
    expect(fit.score(state, podInfo(makePod('q', { cpu: 1000, memory: 1 })), only)).toBe(25);
  });

  it('rejects invalid shapes like upstream validation', () => {
    expect(() => nodeResourcesFit({ scoringStrategy: { type: 'RequestedToCapacityRatio', requestedToCapacityRatio: { shape: [{ utilization: 50, score: 1 }, { utilization: 40, score: 2 }] } } })).toThrow(/increasing/);
    expect(() => nodeResourcesFit({ scoringStrategy: { type: 'RequestedToCapacityRatio', requestedToCapacityRatio: { shape: [{ utilization: 50, score: 11 }] } } })).toThrow(/0–10/);
  });
});

describe('policies beyond upstream (policies.ts)', () => {
  const placeAll = (profile: string, pods: number) => {
    const w = world();
    const sched = withScheduler(w, { profiles: [{ schedulerName: 'default-scheduler', plugins: PROFILE_PRESETS[profile]! }] });
    for (let i = 0; i < 4; i++) w.admin.create(makeNode(`n${i}`, { cpu: 4000, memory: 8e9 }));
    w.engine.run(1 * s);
    for (let i = 0; i < pods; i++) w.admin.create(makePod(`p${i}`, { cpu: 1000, memory: 1e9 }, {}, { uid: undefined }));
    w.engine.run(30 * s);
    expect(sched.stats.scheduled).toBe(pods);
    return Array.from({ length: pods }, (_, i) => w.store.get('Pod', `default/p${i}`)!.spec.nodeName);
  };

  it('FirstFit fills the first node before the next', () => {
    expect(placeAll('first-fit', 6)).toEqual(['n0', 'n0', 'n0', 'n0', 'n1', 'n1']);
  });

  it('RoundRobin cycles through the nodes', () => {
    expect(placeAll('round-robin', 6)).toEqual(['n0', 'n1', 'n2', 'n3', 'n0', 'n1']);
  });

  it('Random spreads pods over nodes reproducibly from the seed', () => {
    const a = placeAll('random', 12);
    expect(placeAll('random', 12)).toEqual(a);
    expect(new Set(a).size).toBeGreaterThan(1);
  });

  it('DotProduct prefers the node whose free resources align with the demand', () => {
    const p = dotProduct();
    const cpuFree = new NodeInfo(makeNode('cpu-free', { cpu: 4000, memory: 4000 }));
    cpuFree.addPod(podInfo(makePod('a', { cpu: 0, memory: 3000 })));
    const memFree = new NodeInfo(makeNode('mem-free', { cpu: 4000, memory: 4000 }));
    memFree.addPod(podInfo(makePod('b', { cpu: 3000, memory: 0 })));
    const cpuHeavy = podInfo(makePod('c', { cpu: 1000, memory: 100 }));
    const scores = [p.score(state, cpuHeavy, cpuFree), p.score(state, cpuHeavy, memFree)];
    p.normalizeScore!(state, cpuHeavy, scores);
    expect(scores[0]).toBe(100);
    expect(scores[1]).toBeLessThan(50);
  });
});

describe('NodeAffinity PreFilterResult (node_affinity_test.go TestNodeAffinityPreFilter…)', () => {
  it('narrows the cycle to the nodes named by metadata.name matchFields, like a DaemonSet pod', () => {
    const w = world();
    const sched = withScheduler(w, { cycleCost: { base: 0, perNodeFiltered: 1000, perNodeScored: 0, perWorkUnit: 0, perFilterWorkUnit: 0 } });
    for (let i = 0; i < 50; i++) w.admin.create(makeNode(`n${i}`, { cpu: 4000, memory: 8e9 }));
    w.engine.run(1 * s);
    const pinned = makePod('ds-n37', { cpu: 100 }, { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n37'] }] }] } } } });
    const t0 = w.engine.now;
    w.admin.create(pinned);
    w.engine.run(t0 + 1 * s);
    expect(w.store.get('Pod', 'default/ds-n37')?.spec.nodeName).toBe('n37');
    // One node filtered: the cycle took 1 ms of the per-node cost, not 50.
    const bound = w.events.find((e) => e.reason === 'Scheduled')!.timeUs - t0;
    expect(bound).toBeLessThan(10_000);
    expect(sched.stats.scheduled).toBe(1);
  });

  it('conflicting terms reject the pod at PreFilter; a name outside the cluster leaves no node', () => {
    const w = world();
    withScheduler(w);
    w.admin.create(makeNode('a', { cpu: 4000, memory: 8e9 }));
    w.admin.create(makeNode('b', { cpu: 4000, memory: 8e9 }));
    const term = (values: string[]) => ({ matchFields: [{ key: 'metadata.name', operator: 'In' as const, values }] });
    const conflict = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [...term(['a']).matchFields, ...term(['b']).matchFields] }] } } };
    w.admin.create(makePod('x', {}, { affinity: conflict }));
    w.admin.create(makePod('y', {}, { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [term(['zz'])] } } } }));
    w.engine.run(1 * s);
    const msg = (name: string) => w.events.find((e) => e.reason === 'FailedScheduling' && e.name === name)?.message;
    expect(msg('x')).toMatch(/^0\/2 nodes are available: pod affinity terms conflict\./);
    expect(msg('y')).toMatch(/^0\/2 nodes are available: 2 node\(s\) didn't satisfy plugin\(s\) \[NodeAffinity\]\./);
  });
});
