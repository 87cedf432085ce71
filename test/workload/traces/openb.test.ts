/**
 * The openb importer (Alibaba cluster-trace-gpu-v2023) on synthetic samples in its format: field mapping, units,
 * malformed rows; trace nodes as pools; trace pods as Pods. Optional checks on the real trace in ../shared/traces
 * (skipped when absent) against the row counts and totals of its README.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openbNodes, openbPods } from '../../../src/workload/traces/openb.js';
import { nodePools, traceName } from '../../../src/workload/traces/traceWorkload.js';
import { tracePodObject } from '../../../src/models/generators/tracePods.js';
import { InputError } from '../../../src/workload/errors.js';
import { gpuRequest } from '../../../src/cluster/gpuRequest.js';

const samples = join(import.meta.dirname, 'samples');
const MIB = 1024 * 1024;

describe('openb pods', () => {
  const pods = openbPods(join(samples, 'openb_pod_list_sample.csv'));
  it('maps every row: milli-CPU, MiB → bytes, seconds → µs, QoS', () => {
    expect(pods).toHaveLength(8);
    expect(pods[1]).toEqual({ name: 'openb-pod-0001', cpuMilli: 6000, memoryBytes: 12288 * MIB, gpu: { count: 1, milli: 460, models: undefined }, creationUs: 100e6, deletionUs: 700e6, durationUs: undefined, qos: 'LS' });
    expect(pods[2]!.gpu).toBeUndefined();
  });

  it('a share matters for single-GPU pods only, clipped to one GPU; gpu_spec lists the accepted models', () => {
    expect(pods[3]!.gpu).toEqual({ count: 2, milli: 1000, models: undefined });
    expect(pods[4]!.gpu).toEqual({ count: 1, milli: 500, models: ['T4', 'P100'] });
    expect(pods[5]!.gpu).toEqual({ count: 1, milli: 1000, models: undefined });
    expect(pods[6]!.gpu).toEqual({ count: 8, milli: 1000, models: ['G2'] });
  });

  it('an empty time is unknown: created before the trace, or never deleted', () => {
    expect(pods[3]!.deletionUs).toBeUndefined();
    expect(pods[7]!.creationUs).toBeUndefined();
    expect(pods[7]!.deletionUs).toBe(800e6);
  });

  it('a malformed row names the file, its line and the column', () => {
    expect(() => openbPods(join(samples, 'openb_pod_list_bad.csv'))).toThrow(InputError);
    expect(() => openbPods(join(samples, 'openb_pod_list_bad.csv'))).toThrow(/openb_pod_list_bad\.csv line 3, column cpu_milli: expected an integer ≥ 0, found "-6000"/);
    expect(() => openbPods(join(samples, 'openb_pod_list_nogpu_column.csv'))).toThrow(/no column "num_gpu"; found name, cpu_milli, memory_mib, gpu_milli/);
    expect(() => openbPods(join(samples, 'missing.csv'))).toThrow(/missing\.csv: cannot read the trace file \(no such file\)/);
  });

  it('feeds the bytes it reads into the scenario hash', () => {
    const a = createHash('sha256');
    openbPods(join(samples, 'openb_pod_list_sample.csv'), a);
    const b = createHash('sha256');
    openbPods(join(samples, 'openb_pod_list_bad.csv').replace('_bad', '_sample'), b);
    expect(a.digest('hex')).toBe(b.digest('hex'));
  });
});

describe('openb nodes', () => {
  const nodes = openbNodes(join(samples, 'openb_node_list_sample.csv'));
  it('maps shape, GPUs and model; a CPU-only node has no model', () => {
    expect(nodes).toHaveLength(5);
    expect(nodes[2]).toEqual({ name: 'openb-node-0002', cpuMilli: 96000, memoryBytes: 393216 * MIB, gpus: 8, gpuModel: 'G2' });
    expect(nodes[4]).toEqual({ name: 'openb-node-0004', cpuMilli: 32000, memoryBytes: 262144 * MIB, gpus: 0, gpuModel: '' });
  });

  it('become node pools of identical nodes, labelled with their GPU model', () => {
    const pools = nodePools(nodes, 'sample');
    expect(pools.map((p) => [p.name, p.count])).toEqual([['sample-p100-2g-0', 2], ['sample-g2-8g-1', 1], ['sample-t4-2g-2', 1], ['sample-cpu-3', 1]]);
    expect(pools[1]!.capacity).toEqual({ cpu: 96000, memory: 393216 * MIB, pods: 110, 'nvidia.com/gpu': 8 });
    expect(pools[1]!.labels).toEqual({ 'nvidia.com/gpu.product': 'G2' });
    expect(pools[3]!.labels).toBeUndefined();
  });
});

describe('trace pods as Pods', () => {
  const pods = openbPods(join(samples, 'openb_pod_list_sample.csv'));
  const w = { name: 'sample', namespace: 'team' };
  it('a shared GPU becomes annotations; whole GPUs the nvidia.com/gpu resource; limits equal requests', () => {
    const shared = tracePodObject(pods[4]!, w, 'p4');
    expect(shared.metadata.annotations).toEqual({ 'kubesim.dev/gpu-milli': '500', 'kubesim.dev/gpu-count': '1', 'kubesim.dev/gpu-model': 'T4|P100' });
    expect(gpuRequest(shared)).toEqual({ count: 1, milli: 500, models: ['T4', 'P100'], shared: true });
    const whole = tracePodObject(pods[3]!, w, 'p3');
    expect(whole.spec.containers[0]!.resources).toEqual({ requests: { cpu: 16000, memory: 65536 * MIB, 'nvidia.com/gpu': 2 }, limits: { cpu: 16000, memory: 65536 * MIB, 'nvidia.com/gpu': 2 } });
    expect(whole.metadata).toMatchObject({ name: 'p3', namespace: 'team', labels: { 'kubesim.dev/trace': 'sample', 'kubesim.dev/trace-qos': 'LS' } });
  });

  it('names a trace by its file, openb variants by their variant', () => {
    expect(traceName('x/openb_pod_list_gpushare40.csv')).toBe('gpushare40');
    expect(traceName('/data/My Jobs.CSV')).toBe('my-jobs');
  });
});

const real = join(import.meta.dirname, '../../../../shared/traces/alibaba-clusterdata/cluster-trace-gpu-v2023');
describe.skipIf(!existsSync(real))('the real openb trace (../shared/traces)', () => {
  it('default pod list: 8,152 pods, the README\'s GPU histogram and 3,078 sharing pods', () => {
    const pods = openbPods(join(real, 'openb_pod_list_default.csv'));
    expect(pods).toHaveLength(8152);
    const hist = new Map<number, number>();
    for (const p of pods) hist.set(p.gpu?.count ?? 0, (hist.get(p.gpu?.count ?? 0) ?? 0) + 1);
    expect(Object.fromEntries(hist)).toEqual({ 0: 1088, 1: 6989, 2: 16, 4: 15, 8: 44 });
    expect(pods.filter((p) => p.gpu?.count === 1 && p.gpu.milli < 1000)).toHaveLength(3078);
    // Total GPU request 6,086,800 milli-GPU: 97.98 % of the 6,212 GPUs (reference/fgd-policies.md §1).
    expect(pods.reduce((a, p) => a + (p.gpu === undefined ? 0 : p.gpu.count * p.gpu.milli), 0)).toBe(6_086_800);
  });

  it('node lists: 1,213 GPU nodes with 6,212 GPUs and 107,018 cores; 1,523 nodes with 125,514 cores in all', () => {
    const gpu = openbNodes(join(real, 'openb_node_list_gpu_node.csv'));
    expect(gpu).toHaveLength(1213);
    expect(gpu.reduce((a, n) => a + n.gpus, 0)).toBe(6212);
    expect(gpu.reduce((a, n) => a + n.cpuMilli, 0)).toBe(107_018_000);
    const all = openbNodes(join(real, 'openb_node_list_all_node.csv'));
    expect(all).toHaveLength(1523);
    expect(all.reduce((a, n) => a + n.cpuMilli, 0)).toBe(125_514_000);
  });

  it('variants: gpuspec33 constrains 2,388 pods; multigpu50 has 9,061 pods and no times', () => {
    expect(openbPods(join(real, 'openb_pod_list_gpuspec33.csv')).filter((p) => p.gpu?.models !== undefined)).toHaveLength(2388);
    const multi = openbPods(join(real, 'openb_pod_list_multigpu50.csv'));
    expect(multi).toHaveLength(9061);
    expect(multi.every((p) => p.creationUs === undefined && p.deletionUs === undefined)).toBe(true);
  });
});
