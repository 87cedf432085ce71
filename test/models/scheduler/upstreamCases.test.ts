/**
 * Upstream's table-driven plugin tests, ported case by case: each `it` is named after the upstream case (file and
 * test function in its describe), with upstream's inputs and expected statuses or scores. kubesim-only cases that
 * extend a table (sidecars, init containers with ports, host IPs) say so in their names.
 */
import { describe, expect, it } from 'vitest';
import type { Container, PersistentVolume, PersistentVolumeClaim, Pod, Taint, Toleration } from '../../../src/cluster/types.js';
import { NodeInfo } from '../../../src/models/scheduler/nodeInfo.js';
import { podInfo } from '../../../src/models/scheduler/podInfo.js';
import { CODE_NAMES, type Status } from '../../../src/models/scheduler/framework/status.js';
import type { CycleState } from '../../../src/models/scheduler/framework/interfaces.js';
import { nodePorts, ERR_REASON_NODE_PORTS } from '../../../src/models/scheduler/plugins/nodePorts.js';
import { nodeResourcesFit } from '../../../src/models/scheduler/plugins/nodeResourcesFit.js';
import { balancedAllocation } from '../../../src/models/scheduler/plugins/balancedAllocation.js';
import { taintToleration } from '../../../src/models/scheduler/plugins/taintToleration.js';
import { nodeAffinity } from '../../../src/models/scheduler/plugins/nodeAffinity.js';
import { nodeUnschedulable, ERR_REASON_UNSCHEDULABLE } from '../../../src/models/scheduler/plugins/nodeUnschedulable.js';
import { nodeName } from '../../../src/models/scheduler/plugins/nodeName.js';
import { imageLocality } from '../../../src/models/scheduler/plugins/imageLocality.js';
import { volumeZone } from '../../../src/models/scheduler/plugins/volumeZone.js';
import { fakeHandle } from '../../helpers/schedulerHandle.js';
import { makeNode, makePod } from '../../helpers/objects.js';

const fresh = (): CycleState => new Map();
const node = (name: string, alloc: Record<string, number>, pods: Pod[] = [], opts: Parameters<typeof makeNode>[2] = {}) => {
  const n = new NodeInfo(makeNode(name, alloc, opts));
  for (const p of pods) n.addPod(podInfo(p));
  return n;
};
const verdict = (s: Status | null) => (s === null ? 'Success' : `${CODE_NAMES[s.code]}: ${s.reasons.join(', ')}`);

describe('NodePorts (node_ports_test.go TestNodePorts)', () => {
  /** upstream's newPod("m1", "UDP/127.0.0.1/8080", …): one container with those host ports. */
  const ports = (...specs: string[]) =>
    specs.map((s) => {
      const [protocol, hostIP, port] = s.split('/') as ['TCP' | 'UDP', string, string];
      return { containerPort: Number(port), hostPort: Number(port), protocol, hostIP };
    });
  const pod = (...specs: string[]) => makePod('p', {}, { containers: [{ name: 'c', image: 'x', ports: ports(...specs) }] });
  const run = (incoming: Pod, existing: Pod[]) => {
    const p = nodePorts();
    const state = fresh();
    const pi = podInfo(incoming);
    const pre = p.preFilter!(state, pi, []);
    if (pre !== null) return `PreFilter ${CODE_NAMES[pre.code]}`;
    return verdict(p.filter(state, pi, node('m1', { cpu: 1000 }, existing)));
  };
  const conflict = `Unschedulable: ${ERR_REASON_NODE_PORTS}`;
  const cases: [string, Pod, Pod[], string][] = [
    ['skip filter', makePod('p'), [], 'PreFilter Skip'],
    ['other port', pod('UDP/127.0.0.1/8080'), [pod('UDP/127.0.0.1/9090')], 'Success'],
    ['same udp port', pod('UDP/127.0.0.1/8080'), [pod('UDP/127.0.0.1/8080')], conflict],
    ['same tcp port', pod('TCP/127.0.0.1/8080'), [pod('TCP/127.0.0.1/8080')], conflict],
    ['different host ip', pod('TCP/127.0.0.1/8080'), [pod('TCP/127.0.0.2/8080')], 'Success'],
    ['different protocol', pod('UDP/127.0.0.1/8080'), [pod('TCP/127.0.0.1/8080')], 'Success'],
    ['second udp port conflict', pod('UDP/127.0.0.1/8000', 'UDP/127.0.0.1/8080'), [pod('UDP/127.0.0.1/8080')], conflict],
    ['first tcp port conflict', pod('TCP/127.0.0.1/8001', 'UDP/127.0.0.1/8080'), [pod('TCP/127.0.0.1/8001', 'UDP/127.0.0.1/8081')], conflict],
    ['first tcp port conflict due to 0.0.0.0 hostIP', pod('TCP/0.0.0.0/8001'), [pod('TCP/127.0.0.1/8001')], conflict],
    ['TCP hostPort conflict due to 0.0.0.0 hostIP', pod('TCP/10.0.10.10/8001', 'TCP/0.0.0.0/8001'), [pod('TCP/127.0.0.1/8001')], conflict],
    ['second tcp port conflict to 0.0.0.0 hostIP', pod('TCP/127.0.0.1/8001'), [pod('TCP/0.0.0.0/8001')], conflict],
    ['second different protocol', pod('UDP/127.0.0.1/8001'), [pod('TCP/0.0.0.0/8001')], 'Success'],
    ['UDP hostPort conflict due to 0.0.0.0 hostIP', pod('UDP/127.0.0.1/8001'), [pod('TCP/0.0.0.0/8001', 'UDP/0.0.0.0/8001')], conflict],
  ];
  for (const [name, incoming, existing, want] of cases) it(`"${name}"`, () => expect(run(incoming, existing)).toBe(want));

  const init = (c: Partial<Container>, specs: string[]) => ({ name: 'i', image: 'x', ports: ports(...specs), ...c });
  it('kubesim: a regular init container\'s host port is not counted, on the pod or on the node (GetHostPorts)', () => {
    const withInit = makePod('p', {}, { initContainers: [init({}, ['TCP/0.0.0.0/9100'])] });
    expect(run(withInit, [])).toBe('PreFilter Skip');
    expect(run(pod('TCP/0.0.0.0/9100'), [withInit])).toBe('Success');
  });
  it('kubesim: a sidecar\'s host port is counted on both sides, honouring its hostIP', () => {
    const sidecar = (spec: string) => makePod('s', {}, { initContainers: [init({ restartPolicy: 'Always' }, [spec])] });
    expect(run(pod('TCP/0.0.0.0/9100'), [sidecar('TCP/127.0.0.1/9100')])).toBe(conflict);
    expect(run(sidecar('TCP/10.0.0.1/9100'), [pod('TCP/127.0.0.1/9100')])).toBe('Success');
    expect(run(sidecar('TCP/10.0.0.1/9100'), [pod('TCP/10.0.0.1/9100')])).toBe(conflict);
  });
});

describe('NodeResourcesFit Filter (fit_test.go TestEnoughRequests)', () => {
  // Node: allocatable 10m cpu, 20 bytes memory, 32 pods, 5 example.com/aaa, 5 hugepages-2Mi (fit_test.go
  // makeAllocatableResources(10, 20, 32, 5, 20, 5)).
  const EXT_A = 'example.com/aaa';
  const EXT_B = 'example.com/bbb';
  const HUGE = 'hugepages-2Mi';
  const alloc = { cpu: 10, memory: 20, pods: 32, [EXT_A]: 5, 'ephemeral-storage': 20, [HUGE]: 5 };
  type R = Record<string, number>;
  const containers = (...rs: R[]): Container[] => rs.map((r, i) => ({ name: `c${i}`, image: 'x', resources: { requests: r } }));
  const pod = (rs: R[], inits: R[] = [], extra: Partial<Pod['spec']> = {}) => makePod('p', {}, { containers: containers(...rs), ...(inits.length > 0 ? { initContainers: containers(...inits).map((c, i) => ({ ...c, name: `i${i}` })) } : {}), ...extra });
  const existing = (r: R) => makePod('e', {}, { containers: containers(r) });
  const run = (incoming: Pod, used: R, args?: Record<string, unknown>) => verdict(nodeResourcesFit(args).filter(fresh(), podInfo(incoming), node('n', alloc, [existing(used)])));
  const insufficient = (...rs: string[]) => `Unschedulable: ${rs.map((r) => `Insufficient ${r}`).join(', ')}`;
  const unresolvable = (r: string) => `UnschedulableAndUnresolvable: Insufficient ${r}`;
  const cases: [string, Pod, R, string, Record<string, unknown>?][] = [
    ['no resources requested always fits', makePod('p', {}, { containers: [{ name: 'c', image: 'x' }] }), { cpu: 10, memory: 20 }, 'Success'],
    ['too many resources fails', pod([{ cpu: 1, memory: 1 }]), { cpu: 10, memory: 20 }, insufficient('cpu', 'memory')],
    ['too many resources fails due to init container cpu', pod([{ cpu: 1, memory: 1 }], [{ cpu: 3, memory: 1 }]), { cpu: 8, memory: 19 }, insufficient('cpu')],
    ['too many resources fails due to highest init container cpu', pod([{ cpu: 1, memory: 1 }], [{ cpu: 3, memory: 1 }, { cpu: 2, memory: 1 }]), { cpu: 8, memory: 19 }, insufficient('cpu')],
    ['too many resources fails due to init container memory', pod([{ cpu: 1, memory: 1 }], [{ cpu: 1, memory: 3 }]), { cpu: 9, memory: 19 }, insufficient('memory')],
    ['init container fits because it\'s the max, not sum, of containers and init containers', pod([{ cpu: 1, memory: 1 }], [{ cpu: 1, memory: 1 }]), { cpu: 9, memory: 19 }, 'Success'],
    ['multiple init containers fit because it\'s the max, not sum, of containers and init containers', pod([{ cpu: 1, memory: 1 }], [{ cpu: 1, memory: 1 }, { cpu: 1, memory: 1 }]), { cpu: 9, memory: 19 }, 'Success'],
    ['both resources fit', pod([{ cpu: 1, memory: 1 }]), { cpu: 5, memory: 5 }, 'Success'],
    ['one resource memory fits', pod([{ cpu: 2, memory: 1 }]), { cpu: 9, memory: 5 }, insufficient('cpu')],
    ['one resource cpu fits', pod([{ cpu: 1, memory: 2 }]), { cpu: 5, memory: 19 }, insufficient('memory')],
    ['equal edge case', pod([{ cpu: 5, memory: 1 }]), { cpu: 5, memory: 19 }, 'Success'],
    ['equal edge case for init container', pod([{ cpu: 4, memory: 1 }], [{ cpu: 5, memory: 1 }]), { cpu: 5, memory: 19 }, 'Success'],
    ['extended resource fits', pod([{ [EXT_A]: 1 }]), {}, 'Success'],
    ['extended resource fits for init container', pod([{}], [{ [EXT_A]: 1 }]), {}, 'Success'],
    ['extended resource capacity enforced', pod([{ cpu: 1, memory: 1, [EXT_A]: 10 }]), { [EXT_A]: 0 }, unresolvable(EXT_A)],
    ['extended resource capacity enforced for init container', pod([{}], [{ cpu: 1, memory: 1, [EXT_A]: 10 }]), { [EXT_A]: 0 }, unresolvable(EXT_A)],
    ['extended resource allocatable enforced', pod([{ cpu: 1, memory: 1, [EXT_A]: 1 }]), { [EXT_A]: 5 }, insufficient(EXT_A)],
    ['extended resource allocatable enforced for multiple containers', pod([{ cpu: 1, memory: 1, [EXT_A]: 3 }, { cpu: 1, memory: 1, [EXT_A]: 3 }]), { [EXT_A]: 2 }, unresolvable(EXT_A)],
    ['extended resource allocatable admits multiple init containers', pod([{}], [{ cpu: 1, memory: 1, [EXT_A]: 3 }, { cpu: 1, memory: 1, [EXT_A]: 3 }]), { [EXT_A]: 2 }, 'Success'],
    ['extended resource allocatable enforced for multiple init containers', pod([{}], [{ cpu: 1, memory: 1, [EXT_A]: 6 }, { cpu: 1, memory: 1, [EXT_A]: 3 }]), { [EXT_A]: 2 }, unresolvable(EXT_A)],
    ['extended resource allocatable enforced for unknown resource', pod([{ cpu: 1, memory: 1, [EXT_B]: 1 }]), {}, unresolvable(EXT_B)],
    ['kubernetes.io resource capacity enforced', pod([{ cpu: 1, memory: 1, 'kubernetes.io/something': 10 }]), {}, unresolvable('kubernetes.io/something')],
    ['hugepages resource capacity enforced', pod([{ cpu: 1, memory: 1, [HUGE]: 10 }]), { [HUGE]: 0 }, unresolvable(HUGE)],
    ['hugepages resource allocatable enforced for multiple containers', pod([{ cpu: 1, memory: 1, [HUGE]: 3 }, { cpu: 1, memory: 1, [HUGE]: 3 }]), { [HUGE]: 2 }, unresolvable(HUGE)],
    ['skip checking ignored extended resource', pod([{ cpu: 1, memory: 1, [EXT_B]: 1 }]), {}, 'Success', { ignoredResources: [EXT_B] }],
    ['resources + pod overhead fits', pod([{ cpu: 1, memory: 1 }], [], { overhead: { cpu: 3, memory: 13 } }), { cpu: 5, memory: 5 }, 'Success'],
    ['requests + overhead does not fit for memory', pod([{ cpu: 1, memory: 1 }], [], { overhead: { cpu: 1, memory: 15 } }), { cpu: 5, memory: 5 }, insufficient('memory')],
    ['skip checking ignored extended resource via resource groups', pod([{ cpu: 1, memory: 1, [EXT_B]: 1, 'kubernetes.io/something': 1 }]), {}, unresolvable('kubernetes.io/something'), { ignoredResourceGroups: ['example.com'] }],
    ['skip checking extended resource request with quantity zero via resource groups', pod([{ cpu: 1, memory: 1, [EXT_A]: 0 }]), { [EXT_A]: 6 }, 'Success'],
  ];
  for (const [name, incoming, used, want, args] of cases) it(`"${name}"`, () => expect(run(incoming, used, args)).toBe(want));

  it('kubesim: a sidecar adds to the pod\'s request and to a later init container\'s peak (PodRequests)', () => {
    const side = (r: R): Container => ({ name: 's', image: 'x', restartPolicy: 'Always', resources: { requests: r } });
    // app 1 + sidecar 3 = 4 > 10 − 7 free: Insufficient cpu (as a plain init container of 3 would fit: max(1, 3) = 3).
    expect(run(makePod('p', {}, { containers: containers({ cpu: 1 }), initContainers: [side({ cpu: 3 })] }), { cpu: 7 })).toBe(insufficient('cpu'));
    expect(run(pod([{ cpu: 1 }], [{ cpu: 3 }]), { cpu: 7 })).toBe('Success');
    // sidecar 2 then init 2: peak 4 beats the sum 1 + 2 = 3.
    expect(run(makePod('p', {}, { containers: containers({ cpu: 1 }), initContainers: [side({ cpu: 2 }), { name: 'i', image: 'x', resources: { requests: { cpu: 2 } } }] }), { cpu: 7 })).toBe(insufficient('cpu'));
  });
});

describe('NodeResourcesBalancedAllocation Score (balanced_allocation_test.go TestNodeResourcesBalancedAllocation)', () => {
  const cpuOnly = (n: string) => makePod(`cpu-${n}`, {}, { nodeName: n, containers: [{ name: 'a', image: 'x', resources: { requests: { cpu: 1000, memory: 0 } } }, { name: 'b', image: 'x', resources: { requests: { cpu: 2000, memory: 0 } } }] });
  const cpuAndMemory = (n: string) => makePod(`cm-${n}`, {}, { nodeName: n, containers: [{ name: 'a', image: 'x', resources: { requests: { cpu: 1000, memory: 2000 } } }, { name: 'b', image: 'x', resources: { requests: { cpu: 2000, memory: 3000 } } }] });
  const cpuAndMemoryAndGPU = (n: string) => makePod(`gpu-${n}`, {}, { nodeName: n, containers: [{ name: 'a', image: 'x', resources: { requests: { cpu: 1000, memory: 2000 } } }, { name: 'b', image: 'x', resources: { requests: { cpu: 2000, memory: 3000, 'nvidia.com/gpu': 3 } } }] });
  const score = (pod: Pod, nodes: NodeInfo[], args?: Record<string, unknown>) => {
    const p = balancedAllocation(args);
    const state = fresh();
    const pi = podInfo(pod);
    const pre = p.preScore!(state, pi, nodes);
    if (pre !== null) return CODE_NAMES[pre.code];
    return nodes.map((n) => p.score(state, pi, n));
  };
  const withGpu = { resources: [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }, { name: 'nvidia.com/gpu', weight: 1 }] };
  it('"nothing scheduled, nothing requested, skip in PreScore"', () => {
    expect(score(makePod('p', {}, { containers: [{ name: 'c', image: 'x' }] }), [node('node1', { cpu: 4000, memory: 10000 }), node('node2', { cpu: 4000, memory: 10000 })])).toBe('Skip');
  });
  it('"nothing scheduled, resources requested, differently sized nodes"', () => {
    expect(score(cpuAndMemory('x'), [node('node1', { cpu: 4000, memory: 10000 }), node('node2', { cpu: 6000, memory: 10000 })])).toEqual([87, 100]);
  });
  it('"resources requested, pods scheduled with resources"', () => {
    expect(score(cpuAndMemory('x'), [node('node1', { cpu: 10000, memory: 20000 }, [cpuOnly('node1')]), node('node2', { cpu: 10000, memory: 20000 }, [cpuAndMemory('node2')])])).toEqual([82, 95]);
  });
  it('"resources requested, pods scheduled with resources, differently sized nodes"', () => {
    expect(score(cpuAndMemory('x'), [node('node1', { cpu: 10000, memory: 20000 }, [cpuOnly('node1')]), node('node2', { cpu: 10000, memory: 50000 }, [cpuAndMemory('node2')])])).toEqual([82, 80]);
  });
  it('"requested resources at node capacity"', () => {
    expect(score(cpuOnly('x'), [node('node1', { cpu: 6000, memory: 10000 }, [cpuOnly('node1')]), node('node2', { cpu: 6000, memory: 10000 }, [cpuAndMemory('node2')])])).toEqual([50, 75]);
  });
  it('"include scalar resource on a node for balanced resource allocation"', () => {
    const pod = makePod('p', {}, { containers: [{ name: 'c', image: 'x', resources: { requests: { memory: 0, 'nvidia.com/gpu': 1 } } }] });
    const nodes = [node('node1', { cpu: 3500, memory: 40000, 'nvidia.com/gpu': 8 }, [cpuAndMemoryAndGPU('node1')]), node('node2', { cpu: 3500, memory: 40000, 'nvidia.com/gpu': 8 }, [cpuAndMemory('node2')])];
    expect(score(pod, nodes, withGpu)).toEqual([70, 65]);
  });
  it('"node without the scalar resource should skip the scalar resource"', () => {
    expect(score(cpuAndMemory('x'), [node('node1', { cpu: 3500, memory: 40000, 'nvidia.com/gpu': 8 }), node('node2', { cpu: 3500, memory: 40000 })], withGpu)).toEqual([63, 63]);
  });
});

describe('TaintToleration (taint_toleration_test.go)', () => {
  const tainted = (name: string, taints: Taint[]) => node(name, { cpu: 1000 }, [], { taints });
  const tolerating = (tolerations: Toleration[]) => makePod('pod1', {}, { tolerations });
  const scores = (pod: Pod, nodes: NodeInfo[]) => {
    const p = taintToleration();
    const state = fresh();
    const pi = podInfo(pod);
    p.preScore!(state, pi, nodes);
    const s = nodes.map((n) => p.score(state, pi, n));
    p.normalizeScore!(state, pi, s);
    return s;
  };
  const prefer = (key: string, value: string): Taint => ({ key, value, effect: 'PreferNoSchedule' });
  describe('TestTaintTolerationScore', () => {
    it('"node with taints tolerated by the pod, gets a higher score than those node with intolerable taints"', () => {
      expect(scores(tolerating([{ key: 'foo', operator: 'Equal', value: 'bar', effect: 'PreferNoSchedule' }]), [tainted('nodeA', [prefer('foo', 'bar')]), tainted('nodeB', [prefer('foo', 'blah')])])).toEqual([100, 0]);
    });
    it('"the nodes that all of their taints are tolerated by the pod, get the same score, no matter how many tolerable taints a node has"', () => {
      const pod = tolerating([{ key: 'cpu-type', operator: 'Equal', value: 'arm64', effect: 'PreferNoSchedule' }, { key: 'disk-type', operator: 'Equal', value: 'ssd', effect: 'PreferNoSchedule' }]);
      expect(scores(pod, [tainted('nodeA', []), tainted('nodeB', [prefer('cpu-type', 'arm64')]), tainted('nodeC', [prefer('cpu-type', 'arm64'), prefer('disk-type', 'ssd')])])).toEqual([100, 100, 100]);
    });
    it('"the more intolerable taints a node has, the lower score it gets."', () => {
      const pod = tolerating([{ key: 'foo', operator: 'Equal', value: 'bar', effect: 'PreferNoSchedule' }]);
      expect(scores(pod, [tainted('nodeA', []), tainted('nodeB', [prefer('cpu-type', 'arm64')]), tainted('nodeC', [prefer('cpu-type', 'arm64'), prefer('disk-type', 'ssd')])])).toEqual([100, 50, 0]);
    });
    it('"only taints and tolerations that have effect PreferNoSchedule are checked by taints-tolerations priority function"', () => {
      const pod = tolerating([{ key: 'cpu-type', operator: 'Equal', value: 'arm64', effect: 'NoSchedule' }, { key: 'disk-type', operator: 'Equal', value: 'ssd', effect: 'NoSchedule' }]);
      const nodes = [tainted('nodeA', []), tainted('nodeB', [{ key: 'cpu-type', value: 'arm64', effect: 'NoSchedule' }]), tainted('nodeC', [prefer('cpu-type', 'arm64'), prefer('disk-type', 'ssd')])];
      expect(scores(pod, nodes)).toEqual([100, 100, 0]);
    });
    it('"Default behaviour No taints and tolerations, lands on node with no taints"', () => {
      expect(scores(tolerating([]), [tainted('nodeA', []), tainted('nodeB', [prefer('cpu-type', 'arm64')])])).toEqual([100, 0]);
    });
  });
  describe('TestTaintTolerationFilter', () => {
    const filter = (pod: Pod, taints: Taint[]) => verdict(taintToleration().filter(fresh(), podInfo(pod), tainted('nodeA', taints)));
    const user1 = [{ key: 'dedicated', value: 'user1', effect: 'NoSchedule' as const }];
    const rejected = (t: string) => `UnschedulableAndUnresolvable: node(s) had untolerated taint {${t}}`;
    const cases: [string, Toleration[], Taint[], string][] = [
      ["A pod having no tolerations can't be scheduled onto a node with nonempty taints", [], user1, rejected('dedicated: user1')],
      ['A pod which can be scheduled on a dedicated node assigned to user1 with effect NoSchedule', [{ key: 'dedicated', value: 'user1', effect: 'NoSchedule' }], user1, 'Success'],
      ["A pod which can't be scheduled on a dedicated node assigned to user2 with effect NoSchedule", [{ key: 'dedicated', operator: 'Equal', value: 'user2', effect: 'NoSchedule' }], user1, rejected('dedicated: user1')],
      ['A pod can be scheduled onto the node, with a toleration uses operator Exists that tolerates the taints on the node', [{ key: 'foo', operator: 'Exists', effect: 'NoSchedule' }], [{ key: 'foo', value: 'bar', effect: 'NoSchedule' }], 'Success'],
      [
        'A pod has multiple tolerations, node has multiple taints, all the taints are tolerated, pod can be scheduled onto the node',
        [{ key: 'dedicated', operator: 'Equal', value: 'user2', effect: 'NoSchedule' }, { key: 'foo', operator: 'Exists', effect: 'NoSchedule' }],
        [{ key: 'dedicated', value: 'user2', effect: 'NoSchedule' }, { key: 'foo', value: 'bar', effect: 'NoSchedule' }],
        'Success',
      ],
      ["A pod has a toleration that keys and values match the taint on the node, but (non-empty) effect doesn't match, can't be scheduled onto the node", [{ key: 'foo', operator: 'Equal', value: 'bar', effect: 'PreferNoSchedule' }], [{ key: 'foo', value: 'bar', effect: 'NoSchedule' }], rejected('foo: bar')],
      ['The pod has a toleration that keys and values match the taint on the node, the effect of toleration is empty, and the effect of taint is NoSchedule. Pod can be scheduled onto the node', [{ key: 'foo', operator: 'Equal', value: 'bar' }], [{ key: 'foo', value: 'bar', effect: 'NoSchedule' }], 'Success'],
      ["The pod has a toleration that key and value don't match the taint on the node, but the effect of taint on node is PreferNoSchedule. Pod can be scheduled onto the node", [{ key: 'dedicated', operator: 'Equal', value: 'user2', effect: 'NoSchedule' }], [{ key: 'dedicated', value: 'user1', effect: 'PreferNoSchedule' }], 'Success'],
      ['The pod has no toleration, but the effect of taint on node is PreferNoSchedule. Pod can be scheduled onto the node', [], [{ key: 'dedicated', value: 'user1', effect: 'PreferNoSchedule' }], 'Success'],
    ];
    for (const [name, tolerations, taints, want] of cases) it(`"${name}"`, () => expect(filter(tolerating(tolerations), taints)).toBe(want));
  });
});

describe('NodeAffinity Score (node_affinity_test.go TestNodeAffinityPriority)', () => {
  const label1 = { foo: 'bar' };
  const label2 = { key: 'value' };
  const label3 = { az: 'az1' };
  const label4 = { abc: 'az11', def: 'az22' };
  const label5 = { foo: 'bar', key: 'value', az: 'az1' };
  const req = (key: string, value: string) => ({ key, operator: 'In' as const, values: [value] });
  const affinity1 = { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 2, preference: { matchExpressions: [req('foo', 'bar')] } }] } };
  const affinity2 = {
    nodeAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [
        { weight: 2, preference: { matchExpressions: [req('foo', 'bar')] } },
        { weight: 4, preference: { matchExpressions: [req('key', 'value')] } },
        { weight: 5, preference: { matchExpressions: [req('foo', 'bar'), req('key', 'value'), req('az', 'az1')] } },
      ],
    },
  };
  const nodes = (...labels: Record<string, string>[]) => labels.map((l, i) => node(`node${i + 1}`, { cpu: 1000 }, [], { labels: l }));
  const scores = (pod: Pod, ns: NodeInfo[], args?: Record<string, unknown>) => {
    const p = nodeAffinity(args);
    const state = fresh();
    const pi = podInfo(pod);
    const pre = p.preScore!(state, pi, ns);
    if (pre !== null) return CODE_NAMES[pre.code];
    const s = ns.map((n) => p.score(state, pi, n));
    p.normalizeScore!(state, pi, s);
    return s;
  };
  it('"Skip is returned in PreScore when NodeAffinity is nil"', () => expect(scores(makePod('p'), nodes(label1))).toBe('Skip'));
  it('"no node matches preferred scheduling requirements in NodeAffinity of pod so all nodes\' priority is zero"', () => {
    expect(scores(makePod('p', {}, { affinity: affinity1 }), nodes(label4, label2, label3))).toEqual([0, 0, 0]);
  });
  it('"only node1 matches the preferred scheduling requirements of pod"', () => {
    expect(scores(makePod('p', {}, { affinity: affinity1 }), nodes(label1, label2, label3))).toEqual([100, 0, 0]);
  });
  it('"all nodes matches the preferred scheduling requirements of pod but with different priorities "', () => {
    expect(scores(makePod('p', {}, { affinity: affinity2 }), nodes(label1, label5, label2))).toEqual([18, 100, 36]);
  });
  it('"added affinity"', () => {
    expect(scores(makePod('p'), nodes(label1, label2), { addedAffinity: affinity1.nodeAffinity })).toEqual([100, 0]);
  });
  it('"added affinity and pod has default affinity"', () => {
    const args = { addedAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 3, preference: { matchExpressions: [req('key', 'value')] } }] } };
    expect(scores(makePod('p', {}, { affinity: affinity1 }), nodes(label1, label2, label5), args)).toEqual([40, 60, 100]);
  });
});

describe('NodeUnschedulable (node_unschedulable_test.go TestNodeUnschedulable)', () => {
  const run = (pod: Pod, unschedulable: boolean) => verdict(nodeUnschedulable().filter(fresh(), podInfo(pod), node('n', { cpu: 1000 }, [], { unschedulable })));
  it('"Does not schedule pod to unschedulable node (node.Spec.Unschedulable==true)"', () => expect(run(makePod('p'), true)).toBe(`UnschedulableAndUnresolvable: ${ERR_REASON_UNSCHEDULABLE}`));
  it('"Schedule pod to normal node"', () => expect(run(makePod('p'), false)).toBe('Success'));
  it('"Schedule pod with toleration to unschedulable node (node.Spec.Unschedulable==true)"', () => {
    expect(run(makePod('p', {}, { tolerations: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }] }), true)).toBe('Success');
  });
});

describe('NodeName (node_name_test.go TestNodeName)', () => {
  const run = (pod: Pod) => verdict(nodeName().filter(fresh(), podInfo(pod), node('foo', { cpu: 1000 })));
  it('"no host specified"', () => expect(run(makePod('p'))).toBe('Success'));
  it('"host matches"', () => expect(run(makePod('p', {}, { nodeName: 'foo' }))).toBe('Success'));
  it('"host doesn\'t match"', () => expect(run(makePod('p', {}, { nodeName: 'bar' }))).toBe("UnschedulableAndUnresolvable: node(s) didn't match the requested node name"));
});

describe('ImageLocality Score (image_locality_test.go TestImageLocalityPriority)', () => {
  const mb = 1024 * 1024;
  const images = (...list: [string[], number][]) => list.map(([names, size]) => ({ names, sizeBytes: size * mb }));
  const node403002000 = images([['gcr.io/40:latest', 'gcr.io/40:v1', 'gcr.io/40:v1'], 40], [['gcr.io/300:latest', 'gcr.io/300:v1'], 300], [['gcr.io/2000:latest'], 2000]);
  const node25010 = images([['gcr.io/250:latest'], 250], [['gcr.io/10:latest', 'gcr.io/10:v1'], 10]);
  const node60040900 = images([['gcr.io/600:latest'], 600], [['gcr.io/40:latest'], 40], [['gcr.io/900:latest'], 900]);
  const node300600900 = images([['gcr.io/300:latest'], 300], [['gcr.io/600:latest'], 600], [['gcr.io/900:latest'], 900]);
  const node400030 = images([['gcr.io/4000:latest'], 4000], [['gcr.io/30:latest'], 30]);
  const node203040 = images([['gcr.io/20:latest'], 20], [['gcr.io/30:latest'], 30], [['gcr.io/40:latest'], 40]);
  const imageNode = (name: string, list: ReturnType<typeof images>) => {
    const n = makeNode(name, { cpu: 1000 });
    n.status.images = list;
    return new NodeInfo(n);
  };
  const spec = (imgs: string[], init: string[] = []) => makePod('p', {}, { containers: imgs.map((image, i) => ({ name: `c${i}`, image })), ...(init.length > 0 ? { initContainers: init.map((image, i) => ({ name: `i${i}`, image })) } : {}) });
  const scores = (pod: Pod, nodes: NodeInfo[]) => {
    const p = imageLocality(fakeHandle(nodes));
    const state = fresh();
    const pi = podInfo(pod);
    p.preScore?.(state, pi, nodes);
    return nodes.map((n) => p.score(state, pi, n));
  };
  it('"two images spread on two nodes, prefer the larger image one"', () => {
    expect(scores(spec(['gcr.io/40', 'gcr.io/250']), [imageNode('node1', node403002000), imageNode('node2', node25010)])).toEqual([0, 5]);
  });
  it('"two images on one node, prefer this node"', () => {
    expect(scores(spec(['gcr.io/40', 'gcr.io/300']), [imageNode('node1', node403002000), imageNode('node2', node25010)])).toEqual([7, 0]);
  });
  it('"if exceed limit, use limit"', () => {
    expect(scores(spec(['gcr.io/10', 'gcr.io/4000']), [imageNode('node1', node400030), imageNode('node2', node25010)])).toEqual([100, 0]);
  });
  it('"if exceed limit, use limit (with node which has no images present)"', () => {
    expect(scores(spec(['gcr.io/10', 'gcr.io/4000']), [imageNode('node1', node400030), imageNode('node2', node25010), imageNode('node3', [])])).toEqual([66, 0, 0]);
  });
  it('"pod with multiple large images, node2 is preferred"', () => {
    expect(scores(spec(['gcr.io/300', 'gcr.io/600', 'gcr.io/900']), [imageNode('node1', node60040900), imageNode('node2', node300600900), imageNode('node3', [])])).toEqual([32, 36, 0]);
  });
  it('"pod with multiple small images"', () => {
    expect(scores(spec(['gcr.io/30', 'gcr.io/40']), [imageNode('node1', node203040), imageNode('node2', node400030)])).toEqual([1, 0]);
  });
  it('"include InitContainers: two images spread on two nodes, prefer the larger image one"', () => {
    expect(scores(spec(['gcr.io/30'], ['gcr.io/300']), [imageNode('node1', node403002000), imageNode('node2', node203040)])).toEqual([6, 0]);
  });
});

describe('VolumeZone Filter (volume_zone_test.go)', () => {
  const BETA_ZONE = 'failure-domain.beta.kubernetes.io/zone';
  const BETA_REGION = 'failure-domain.beta.kubernetes.io/region';
  const ZONE = 'topology.kubernetes.io/zone';
  const REGION = 'topology.kubernetes.io/region';
  const pv = (name: string, labels: Record<string, string>): PersistentVolume => ({ apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name, labels }, spec: { storage: 1, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Delete' }, status: { phase: 'Bound' } }) as unknown as PersistentVolume;
  const pvc = (name: string, volumeName: string): PersistentVolumeClaim => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, namespace: 'default' }, spec: { volumeName }, status: { phase: 'Bound' } }) as unknown as PersistentVolumeClaim;
  const run = (pvs: PersistentVolume[], pvcs: PersistentVolumeClaim[], claim: string | undefined, nodeLabels: Record<string, string>) => {
    const n = new NodeInfo(makeNode('host1', { cpu: 1000 }));
    n.node.metadata.labels = nodeLabels;
    const handle = fakeHandle([n]);
    handle.getObject = ((kind: string, key: string) => (kind === 'PersistentVolume' ? pvs.find((x) => x.metadata.name === key) : pvcs.find((x) => `default/${x.metadata.name}` === key))) as typeof handle.getObject;
    const p = volumeZone(handle);
    const pod = podInfo(makePod('pod_1', {}, claim === undefined ? {} : { volumes: [{ name: 'v', persistentVolumeClaim: { claimName: claim } }] }));
    const state = fresh();
    const pre = p.preFilter!(state, pod, [n]);
    if (pre !== null) return `PreFilter ${CODE_NAMES[pre.code]}`;
    return verdict(p.filter(state, pod, new NodeInfo(n.node)));
  };
  const conflict = 'UnschedulableAndUnresolvable: node(s) had no available volume zone';
  describe('TestSingleZone', () => {
    const pvs = [pv('Vol_1', { [BETA_ZONE]: 'us-west1-a' }), pv('Vol_2', { [BETA_REGION]: 'us-west1', uselessLabel: 'none' }), pv('Vol_3', { [BETA_REGION]: 'us-west1' }), pv('Vol_Stable_1', { [ZONE]: 'us-west1-a' }), pv('Vol_Stable_2', { [REGION]: 'us-west1', uselessLabel: 'none' }), pv('Vol_Stable_3', { [ZONE]: 'us-west1-a', [REGION]: 'us-west1-a' })];
    const pvcs = [pvc('PVC_1', 'Vol_1'), pvc('PVC_2', 'Vol_2'), pvc('PVC_3', 'Vol_3'), pvc('PVC_4', 'Vol_not_exist'), pvc('PVC_Stable_1', 'Vol_Stable_1'), pvc('PVC_Stable_2', 'Vol_Stable_2'), pvc('PVC_Stable_3', 'Vol_Stable_3')];
    const cases: [string, string | undefined, Record<string, string>, string][] = [
      ['pod without volume', undefined, { [BETA_ZONE]: 'us-west1-a' }, 'PreFilter Skip'],
      ['node without labels', 'PVC_1', {}, 'Success'],
      ['beta zone label matched', 'PVC_1', { [BETA_ZONE]: 'us-west1-a', uselessLabel: 'none' }, 'Success'],
      ['beta region label matched', 'PVC_2', { [BETA_REGION]: 'us-west1', uselessLabel: 'none' }, 'Success'],
      ["beta region label doesn't match", 'PVC_2', { [BETA_REGION]: 'no_us-west1', uselessLabel: 'none' }, conflict],
      ["beta zone label doesn't match", 'PVC_1', { [BETA_ZONE]: 'no_us-west1-a', uselessLabel: 'none' }, conflict],
      ['zone label matched', 'PVC_Stable_1', { [ZONE]: 'us-west1-a', uselessLabel: 'none' }, 'Success'],
      ['region label matched', 'PVC_Stable_2', { [REGION]: 'us-west1', uselessLabel: 'none' }, 'Success'],
      ["region label doesn't match", 'PVC_Stable_2', { [REGION]: 'no_us-west1', uselessLabel: 'none' }, conflict],
      ["zone label doesn't match", 'PVC_Stable_1', { [ZONE]: 'no_us-west1-a', uselessLabel: 'none' }, conflict],
      ['pv with zone and region, node with only zone', 'PVC_Stable_3', { [ZONE]: 'us-west1-a' }, conflict],
      ['pv with zone,node with beta zone', 'PVC_Stable_1', { [BETA_ZONE]: 'us-west1-a' }, conflict],
      ['pv with beta label,node with ga label, matched', 'PVC_1', { [ZONE]: 'us-west1-a' }, 'Success'],
      ["pv with beta label,node with ga label, don't match", 'PVC_1', { [ZONE]: 'us-west1-b' }, conflict],
    ];
    for (const [name, claim, labels, want] of cases) it(`"${name}"`, () => expect(run(pvs, pvcs, claim, labels)).toBe(want));
  });
  describe('TestMultiZone', () => {
    const pvs = [pv('Vol_1', { [BETA_ZONE]: 'us-west1-a' }), pv('Vol_2', { [BETA_ZONE]: 'us-west1-b', uselessLabel: 'none' }), pv('Vol_3', { [BETA_ZONE]: 'us-west1-c__us-west1-a' }), pv('Vol_Stable_1', { [ZONE]: 'us-west1-a' }), pv('Vol_Stable_2', { [ZONE]: 'us-west1-c__us-west1-a' })];
    const pvcs = [pvc('PVC_1', 'Vol_1'), pvc('PVC_2', 'Vol_2'), pvc('PVC_3', 'Vol_3'), pvc('PVC_4', 'Vol_not_exist'), pvc('PVC_Stable_1', 'Vol_Stable_1'), pvc('PVC_Stable_2', 'Vol_Stable_2')];
    const cases: [string, string, Record<string, string>, string][] = [
      ['node without labels', 'PVC_3', {}, 'Success'],
      ['beta zone label matched', 'PVC_3', { [BETA_ZONE]: 'us-west1-a', uselessLabel: 'none' }, 'Success'],
      ["beta zone label doesn't match", 'PVC_1', { [BETA_ZONE]: 'us-west1-b', uselessLabel: 'none' }, conflict],
      ['zone label matched', 'PVC_Stable_2', { [ZONE]: 'us-west1-a', uselessLabel: 'none' }, 'Success'],
      ["zone label doesn't match", 'PVC_Stable_1', { [ZONE]: 'us-west1-b', uselessLabel: 'none' }, conflict],
    ];
    for (const [name, claim, labels, want] of cases) it(`"${name}"`, () => expect(run(pvs, pvcs, claim, labels)).toBe(want));
  });
});

describe('NodeResourcesFit LeastAllocated Score (least_allocated_test.go TestLeastAllocatedScoringStrategy)', () => {
  type R = Record<string, number>;
  /** st.MakePod().Req(a).Req(b): one container per Req; st.MakePod() alone has no container at all. */
  const pod = (...reqs: R[]) => makePod('p', {}, { containers: reqs.map((r, i) => ({ name: `c${i}`, image: 'x', resources: { requests: r } })) });
  const nodeOf = (name: string, cap: R, pods: R[] = []) => node(name, cap, pods.map((r, i) => makePod(`${name}-${i}`, {}, { nodeName: name, containers: [{ name: 'c', image: 'x', resources: { requests: r } }] })));
  const scores = (incoming: Pod, nodes: NodeInfo[], resources?: { name: string; weight: number }[]) => {
    const p = nodeResourcesFit(resources === undefined ? undefined : { scoringStrategy: { type: 'LeastAllocated', resources } });
    const state = fresh();
    const pi = podInfo(incoming);
    return nodes.map((n) => p.score(state, pi, n));
  };
  const big = { cpu: 1000, memory: 2000 };
  const big2 = { cpu: 2000, memory: 3000 };
  it('"nothing scheduled, nothing requested"', () => expect(scores(pod(), [nodeOf('node1', { cpu: 4000, memory: 10000 }), nodeOf('node2', { cpu: 4000, memory: 10000 })])).toEqual([100, 100]));
  it('"nothing scheduled, resources requested, differently sized nodes"', () => expect(scores(pod(big, big2), [nodeOf('node1', { cpu: 4000, memory: 10000 }), nodeOf('node2', { cpu: 6000, memory: 10000 })])).toEqual([37, 50]));
  it('"no resources requested, pods scheduled"', () => {
    const empty = (name: string) => node(name, { cpu: 4000, memory: 10000 }, [makePod(`${name}-a`, {}, { nodeName: name, containers: [] }), makePod(`${name}-b`, {}, { nodeName: name, containers: [] })]);
    expect(scores(pod(), [empty('node1'), empty('node2')])).toEqual([100, 100]);
  });
  it('"no resources requested, pods scheduled with resources"', () => {
    const nodes = [nodeOf('node1', { cpu: 10000, memory: 20000 }, [{ cpu: 3000, memory: 0 }, { cpu: 3000, memory: 0 }]), nodeOf('node2', { cpu: 10000, memory: 20000 }, [{ cpu: 3000, memory: 0 }, { cpu: 3000, memory: 5000 }])];
    expect(scores(pod(), nodes)).toEqual([70, 57]);
  });
  it('"resources requested, pods scheduled with resources"', () => {
    const nodes = [nodeOf('node1', { cpu: 10000, memory: 20000 }, [{ cpu: 3000, memory: 0 }]), nodeOf('node2', { cpu: 10000, memory: 20000 }, [{ cpu: 3000, memory: 5000 }])];
    expect(scores(pod(big, big2), nodes)).toEqual([57, 45]);
  });
  it('"resources requested, pods scheduled with resources, differently sized nodes"', () => {
    const nodes = [nodeOf('node1', { cpu: 10000, memory: 20000 }, [{ cpu: 3000, memory: 0 }]), nodeOf('node2', { cpu: 10000, memory: 50000 }, [{ cpu: 3000, memory: 5000 }])];
    expect(scores(pod(big, big2), nodes)).toEqual([57, 60]);
  });
  it('"requested resources exceed node capacity"', () => {
    const nodes = [nodeOf('node1', { cpu: 4000, memory: 10000 }, [{ cpu: 3000, memory: 0 }]), nodeOf('node2', { cpu: 4000, memory: 10000 }, [{ cpu: 3000, memory: 5000 }])];
    expect(scores(pod({ cpu: 3000, memory: 0 }), nodes)).toEqual([50, 25]);
  });
  it('"zero node resources, pods scheduled with resources"', () => {
    const nodes = [nodeOf('node1', {}, [{ cpu: 3000, memory: 0 }]), nodeOf('node2', {}, [{ cpu: 3000, memory: 5000 }])];
    expect(scores(pod(), nodes)).toEqual([0, 0]);
  });
  it('"nothing scheduled, resources requested with different weight on CPU and memory, differently sized nodes"', () => {
    expect(scores(pod(big, big2), [nodeOf('node1', { cpu: 4000, memory: 10000 }), nodeOf('node2', { cpu: 6000, memory: 10000 })], [{ name: 'memory', weight: 2 }, { name: 'cpu', weight: 1 }])).toEqual([41, 50]);
  });
  it('"honor extended resource if the pod requests"', () => {
    const res = [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }, { name: 'extended.resource.dra.io/something', weight: 1 }];
    const nodes = [nodeOf('node1', { cpu: 6000, memory: 10000, 'extended.resource.dra.io/something': 4 }), nodeOf('node2', { cpu: 6000, memory: 10000, 'extended.resource.dra.io/something': 10 })];
    expect(scores(pod({ cpu: 3000, memory: 5000, 'extended.resource.dra.io/something': 2 }), nodes, res)).toEqual([50, 60]);
  });
  it('"bypass extended resource if the pod does not request"', () => {
    const res = [{ name: 'cpu', weight: 1 }, { name: 'memory', weight: 1 }, { name: 'extended.resource.dra.io/something', weight: 1 }];
    const nodes = [nodeOf('node1', { cpu: 6000, memory: 10000 }), nodeOf('node2', { cpu: 6000, memory: 10000, 'extended.resource.dra.io/something': 4 })];
    expect(scores(pod(big, big2), nodes, res)).toEqual([50, 50]);
  });
});
