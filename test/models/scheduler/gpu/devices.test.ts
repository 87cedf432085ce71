/**
 * The GPU device model: requests from resources and annotations, the per-GPU free share of a node, the within-node
 * choice rules (best, random) and the GpuShare filter.
 */
import { describe, expect, it } from 'vitest';
import { GpuDevices } from '../../../../src/models/scheduler/gpu/gpuDevices.js';
import { gpuAnnotationError, gpuRequest, type GpuRequest } from '../../../../src/cluster/gpuRequest.js';
import { NodeInfo } from '../../../../src/models/scheduler/nodeInfo.js';
import { podInfo } from '../../../../src/models/scheduler/podInfo.js';
import { gpuShare, ERR_REASON_GPU_MODEL, ERR_REASON_GPU_SHARE, ERR_REASON_NO_GPU } from '../../../../src/models/scheduler/plugins/gpu/gpuShare.js';
import { RngStreams } from '../../../../src/engine/rng.js';
import { makeNode, makePod } from '../../../helpers/objects.js';

const share = (milli: number, models?: string[]): GpuRequest => ({ count: 1, milli, models, shared: milli < 1000 });
const whole = (count: number): GpuRequest => ({ count, milli: 1000, models: undefined, shared: false });
const gpuNode = (name: string, gpus: number, model = 'T4', cpu = 32_000) => makeNode(name, { cpu, memory: 64e9, 'nvidia.com/gpu': gpus }, { labels: { 'nvidia.com/gpu.product': model } });
const sharePod = (name: string, milli: number, cpu = 1000, extra: Record<string, string> = {}) => makePod(name, { cpu }, {}, { annotations: { 'kubesim.dev/gpu-milli': String(milli), ...extra } });

describe('GPU requests', () => {
  it('reads whole GPUs from nvidia.com/gpu and a share from the gpu-milli annotation', () => {
    expect(gpuRequest(makePod('a', { cpu: 100, 'nvidia.com/gpu': 2 }))).toEqual({ count: 2, milli: 1000, models: undefined, shared: false });
    expect(gpuRequest(sharePod('b', 470))).toEqual({ count: 1, milli: 470, models: undefined, shared: true });
    expect(gpuRequest(sharePod('c', 300, 100, { 'kubesim.dev/gpu-model': 'G2|T4' }))).toEqual({ count: 1, milli: 300, models: ['G2', 'T4'], shared: true });
    expect(gpuRequest(makePod('d', { cpu: 100 }))).toBeUndefined();
  });

  it('a share applies to single-GPU pods only: with gpu-count above 1 every GPU is whole', () => {
    expect(gpuRequest(sharePod('a', 500, 100, { 'kubesim.dev/gpu-count': '4' }))).toEqual({ count: 4, milli: 1000, models: undefined, shared: false });
    expect(gpuRequest(sharePod('b', 500, 100, { 'kubesim.dev/gpu-count': '0' }))).toBeUndefined();
  });

  it('rejects annotations that are not a share of one GPU', () => {
    expect(gpuAnnotationError({ 'kubesim.dev/gpu-milli': '1500' })).toMatch(/gpu-milli: expected an integer 1–1000/);
    expect(gpuAnnotationError({ 'kubesim.dev/gpu-milli': 'half' })).toMatch(/got "half"/);
    expect(gpuAnnotationError({ 'kubesim.dev/gpu-count': '-1' })).toMatch(/gpu-count/);
    expect(gpuAnnotationError({ 'kubesim.dev/gpu-milli': '250' })).toBeUndefined();
  });
});

describe('GpuDevices', () => {
  it('best rule: a sharing pod takes the fitting GPU with the least free share, lowest index on ties', () => {
    const d = new GpuDevices('T4', 4);
    d.free.set([200, 1000, 600, 600]);
    expect(d.chooseBest(share(500))).toEqual([2]);
    expect(d.chooseBest(share(100))).toEqual([0]);
    expect(d.chooseBest(share(700))).toEqual([1]);
    expect(d.chooseBest(share(1000))).toEqual([1]);
  });

  it('whole GPUs are the lowest-index fully free ones; no fit gives undefined', () => {
    const d = new GpuDevices('T4', 4);
    d.free.set([1000, 300, 1000, 1000]);
    expect(d.chooseBest(whole(2))).toEqual([0, 2]);
    expect(d.chooseBest(whole(3))).toEqual([0, 2, 3]);
    expect(d.chooseBest(whole(4))).toBeUndefined();
    expect(d.fits(whole(3))).toBe(true);
    expect(d.fits(whole(4))).toBe(false);
    expect(d.fits(share(300, ['G2']))).toBe(false);
  });

  it('random rule: uniform over the fitting GPUs, never a GPU that does not fit', () => {
    const d = new GpuDevices('T4', 4);
    d.free.set([200, 1000, 600, 600]);
    const rng = new RngStreams(7).stream('scheduler.policy');
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 3000; i++) counts[d.chooseRandom(share(500), rng)![0]!]!++;
    expect(counts[0]).toBe(0);
    for (const g of [1, 2, 3]) expect(counts[g]).toBeGreaterThan(900);
  });

  it('allocate and release keep the free shares and their total', () => {
    const d = new GpuDevices('T4', 2);
    d.allocate('a', share(300));
    d.allocate('b', share(500));
    expect([...d.free]).toEqual([200, 1000]);
    d.allocate('c', whole(1));
    expect([...d.free]).toEqual([200, 0]);
    expect(d.freeTotal).toBe(200);
    d.release('b');
    expect([...d.free]).toEqual([700, 0]);
    expect(d.indicesOf('c')).toEqual([1]);
    d.release('c');
    d.release('a');
    expect(d.freeTotal).toBe(2000);
  });
});

describe('NodeInfo GPUs', () => {
  it('a node with nvidia.com/gpu has that many GPUs of its model; pods take and return their share', () => {
    const n = new NodeInfo(gpuNode('n', 2, 'G2'));
    expect(n.gpus?.model).toBe('G2');
    const a = podInfo(sharePod('a', 400));
    const b = podInfo(sharePod('b', 700));
    n.addPod(a);
    n.addPod(b);
    expect([...n.gpus!.free]).toEqual([600, 300]);
    n.assignGpus(a.pod.metadata.uid!, [1]);
    // Moved past the check (Reserve trusts its policy): GPU 1 is over-committed by 100.
    expect([...n.gpus!.free]).toEqual([1000, -100]);
    n.removePod(b.pod.metadata.uid!);
    n.removePod(a.pod.metadata.uid!);
    expect([...n.gpus!.free]).toEqual([1000, 1000]);
    expect(new NodeInfo(makeNode('cpu', { cpu: 1000 })).gpus).toBeUndefined();
  });

  it('a snapshot keeps which GPU each pod holds', () => {
    const n = new NodeInfo(gpuNode('n', 2));
    const a = podInfo(sharePod('a', 400));
    n.addPod(a);
    n.assignGpus(a.pod.metadata.uid!, [1]);
    const c = n.snapshot();
    expect([...c.gpus!.free]).toEqual([1000, 600]);
    c.removePod(a.pod.metadata.uid!);
    expect([...n.gpus!.free]).toEqual([1000, 600]);
  });
});

describe('GpuShare filter', () => {
  const f = gpuShare();
  const st = new Map<string, unknown>();
  it('passes pods without GPUs everywhere and checks model and per-GPU share for the others', () => {
    const cpuNode = new NodeInfo(makeNode('c', { cpu: 8000 }));
    const t4 = new NodeInfo(gpuNode('t', 2, 'T4'));
    t4.addPod(podInfo(sharePod('x', 800)));
    t4.addPod(podInfo(sharePod('y', 600)));
    expect(f.filter(st, podInfo(makePod('p', { cpu: 100 })), cpuNode)).toBeNull();
    expect(f.filter(st, podInfo(sharePod('s', 300)), cpuNode)?.reasons).toEqual([ERR_REASON_NO_GPU]);
    expect(f.filter(st, podInfo(sharePod('s', 300, 100, { 'kubesim.dev/gpu-model': 'G2' })), t4)?.reasons).toEqual([ERR_REASON_GPU_MODEL]);
    expect(f.filter(st, podInfo(sharePod('s', 400)), t4)).toBeNull();
    expect(f.filter(st, podInfo(sharePod('s', 500)), t4)?.reasons).toEqual([ERR_REASON_GPU_SHARE]);
    // A whole GPU: NodeResourcesFit counts 2 − 0 whole GPUs free, but both are shared.
    expect(f.filter(st, podInfo(makePod('w', { cpu: 100, 'nvidia.com/gpu': 1 })), t4)?.reasons).toEqual([ERR_REASON_GPU_SHARE]);
  });
});
