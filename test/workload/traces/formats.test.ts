/**
 * The other trace formats on synthetic samples: DLRM serving (v2025), PAI machines (v2020), spot-GPU nodes (v2026),
 * batch tasks (v2018 as CloudSimPy's jobs.csv) and Google 2019 instance and machine events. Optional checks on the
 * real Alibaba files (skipped when ../shared/traces is absent) against ../shared/traces/README.md.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { batchTasks, dlrmPods, paiNodes, spotNodes } from '../../../src/workload/traces/alibaba.js';
import { googleInstances, googleMachines } from '../../../src/workload/traces/google.js';
import { tracePodObject } from '../../../src/models/generators/tracePods.js';
import { maxPerNode } from '../../../src/models/scheduler/plugins/maxPerNode.js';
import { NodeInfo } from '../../../src/models/scheduler/nodeInfo.js';
import { podInfo } from '../../../src/models/scheduler/podInfo.js';
import { makeNode } from '../../helpers/objects.js';

const samples = join(import.meta.dirname, 'samples');
const GIB = 1024 ** 3;

describe('alibaba-dlrm', () => {
  const pods = dlrmPods(join(samples, 'dlrm_sample.csv'));
  it('vCPUs → milli-CPU, GiB → bytes, limits apart, whole GPUs, per-node cap and app', () => {
    expect(pods[1]).toMatchObject({ name: 'instance_1', cpuMilli: 12000, cpuLimitMilli: 16000, memoryBytes: 120 * GIB, memoryLimitBytes: 128 * GIB, gpu: { count: 1, milli: 1000 }, creationUs: 300e6, deletionUs: undefined, app: 'app_0', maxPerNode: 2 });
    expect(pods[2]).toMatchObject({ cpuMilli: 8000, memoryBytes: 32.5 * GIB, gpu: undefined, deletionUs: 900e6 });
    expect(pods[2]!.maxPerNode).toBeUndefined();
    // Empty creation: before the trace's start.
    expect(pods[0]!.creationUs).toBeUndefined();
  });

  it('the cap becomes an annotation MaxPerNode enforces on the app label', () => {
    const w = { name: 'dlrm', namespace: 'default' };
    const withUid = (p: ReturnType<typeof tracePodObject>) => ({ ...p, metadata: { ...p.metadata, uid: `uid-${p.metadata.name}` } });
    const [a, b, c] = [withUid(tracePodObject(pods[0]!, w, 'a')), withUid(tracePodObject(pods[1]!, w, 'b')), withUid(tracePodObject(pods[3]!, w, 'c'))];
    expect(b.spec.containers[0]!.resources!.limits).toEqual({ cpu: 16000, memory: 128 * GIB, 'nvidia.com/gpu': 1 });
    expect(a.metadata.annotations).toEqual({ 'kubesim.dev/max-per-node': '2' });
    expect(a.metadata.labels).toMatchObject({ 'kubesim.dev/app': 'app_0' });
    const node = new NodeInfo(makeNode('n', { cpu: 96000, memory: 1024 * GIB, 'nvidia.com/gpu': 8 }));
    const f = maxPerNode();
    const st = new Map<string, unknown>();
    node.addPod(podInfo(a));
    expect(f.filter(st, podInfo(c), node)).toBeNull();
    node.addPod(podInfo(b));
    expect(f.filter(st, podInfo(c), node)?.reasons).toEqual(['node(s) already held the most pods of the application allowed per node']);
  });
});

describe('node lists', () => {
  it('PAI machines (no header row): cores, GB read as GiB, GPU count and model; CPU means none', () => {
    expect(paiNodes(join(samples, 'pai_machine_spec_sample.csv'))).toEqual([
      { name: 'm-cpu-0', cpuMilli: 96000, memoryBytes: 512 * GIB, gpus: 0, gpuModel: '' },
      { name: 'm-p100-0', cpuMilli: 64000, memoryBytes: 512 * GIB, gpus: 2, gpuModel: 'P100' },
      { name: 'm-v100-0', cpuMilli: 96000, memoryBytes: 384 * GIB, gpus: 8, gpuModel: 'V100M32' },
    ]);
  });

  it('spot-GPU nodes: no memory in the trace', () => {
    const nodes = spotNodes(join(samples, 'spot_node_info_sample.csv'));
    expect(nodes[1]).toEqual({ name: 'node-1', cpuMilli: 192000, memoryBytes: undefined, gpus: 8, gpuModel: 'A100-SXM4-80GB' });
  });
});

describe('alibaba-2018-batch (CloudSimPy jobs.csv)', () => {
  it('one record per task with its instances; memory a fraction of the stated machine; duration as run time', () => {
    const tasks = batchTasks(join(samples, 'batch_jobs_sample.csv'), 512 * GIB);
    expect(tasks[0]).toMatchObject({ name: 'job-1-task-1', cpuMilli: 1000, creationUs: 539e6, durationUs: 116.5e6, instances: 3, deletionUs: undefined });
    expect(tasks[1]!.memoryBytes).toBe(4 * GIB);
    expect(tracePodObject(tasks[0]!, { name: 'b', namespace: 'default' }, 'x').metadata.annotations).toEqual({ 'kubesim.dev/duration': '116500000us' });
  });
});

describe('google-2019', () => {
  const machine = { cpuMilli: 64_000, memoryBytes: 256 * GIB };
  it('instances: created at SUBMIT, gone at the first terminal event, requests scaled by the machine size', () => {
    const pods = googleInstances(join(samples, 'google_instance_events_sample.csv'), machine);
    expect(pods.map((p) => p.name)).toEqual(['collection-100-0', 'collection-100-1', 'collection-101-0']);
    // Time 0 means before the trace's start.
    expect(pods[0]).toMatchObject({ cpuMilli: 4000, memoryBytes: 8 * GIB, creationUs: undefined, deletionUs: undefined, qos: 'priority-200' });
    expect(pods[1]).toMatchObject({ creationUs: 5_000_000, deletionUs: 9_000_000 });
    expect(pods[2]).toMatchObject({ cpuMilli: 16000, memoryBytes: 32 * GIB, creationUs: 12_000_000, deletionUs: 13_000_000, qos: 'priority-0' });
  });

  it('machines: the ADDed ones, with their first capacity', () => {
    expect(googleMachines(join(samples, 'google_machine_events_sample.csv'), machine)).toEqual([
      { name: 'machine-7', cpuMilli: 32000, memoryBytes: 64 * GIB, gpus: 0, gpuModel: '' },
      { name: 'machine-8', cpuMilli: 64000, memoryBytes: 128 * GIB, gpus: 0, gpuModel: '' },
    ]);
  });
});

const traces = join(import.meta.dirname, '../../../../shared/traces');
describe.skipIf(!existsSync(traces))('the real Alibaba and CloudSimPy files (../shared/traces)', () => {
  it('DLRM: 23,871 instances, 7,386 with a GPU, 156 apps', () => {
    const pods = dlrmPods(join(traces, 'alibaba-clusterdata/cluster-trace-gpu-v2025/disaggregated_DLRM_trace.csv'));
    expect(pods).toHaveLength(23_871);
    expect(pods.filter((p) => p.gpu !== undefined)).toHaveLength(7386);
    expect(new Set(pods.map((p) => p.app)).size).toBe(156);
  });

  it('PAI: 1,897 machines with 6,742 GPUs; spot: 4,278 nodes with 10,412 GPUs', () => {
    const pai = paiNodes(join(traces, 'alibaba-clusterdata/cluster-trace-gpu-v2020/pai_machine_spec.csv'));
    expect(pai).toHaveLength(1897);
    expect(pai.reduce((a, n) => a + n.gpus, 0)).toBe(6742);
    const spot = spotNodes(join(traces, 'alibaba-clusterdata/cluster-trace-v2026-spot-gpu/node_info_df.csv'));
    expect(spot).toHaveLength(4278);
    expect(spot.reduce((a, n) => a + n.gpus, 0)).toBe(10_412);
  });

  it('CloudSimPy: 31,756 task rows, 5,216 jobs, 2.55 M instances', () => {
    const tasks = batchTasks(join(traces, 'CloudSimPy/jobs.csv'), 512 * GIB);
    expect(tasks).toHaveLength(31_756);
    expect(new Set(tasks.map((t) => t.name.split('-task-')[0])).size).toBe(5216);
    const instances = tasks.reduce((a, t) => a + (t.instances ?? 1), 0);
    expect(instances).toBeGreaterThan(2_545_000);
    expect(instances).toBeLessThan(2_555_000);
  });
});
