/**
 * The FGD paper's policies and fragmentation measure against the unit vectors of its artefact
 * (pkg/simulator/plugin/gpu_packing_score_test.go, pkg/utils/frag_test.go; reference/fgd-policies.md) and hand-worked
 * cases.
 */
import { describe, expect, it } from 'vitest';
import { GpuDevices } from '../../../../src/models/scheduler/gpu/gpuDevices.js';
import { nodeFrag, podFrag, typicalPods, type TypicalPod } from '../../../../src/models/scheduler/gpu/fragmentation.js';
import type { GpuRequest } from '../../../../src/cluster/gpuRequest.js';
import { NodeInfo } from '../../../../src/models/scheduler/nodeInfo.js';
import { podInfo } from '../../../../src/models/scheduler/podInfo.js';
import { bestFit, dotProd, gpuClustering, gpuPacking, gpuPackingScore } from '../../../../src/models/scheduler/plugins/gpu/gpuPolicies.js';
import { fgd, fgdScore } from '../../../../src/models/scheduler/plugins/gpu/fgd.js';
import { randomPolicy } from '../../../../src/models/scheduler/plugins/policies.js';
import { makeNode, makePod } from '../../../helpers/objects.js';
import { fakeHandle } from '../../../helpers/schedulerHandle.js';

const req = (count: number, milli: number, models?: string[]): GpuRequest => ({ count, milli, models, shared: count === 1 && milli < 1000 });
const devices = (free: number[], model = 'V100'): GpuDevices => {
  const d = new GpuDevices(model, free.length);
  d.free.set(free);
  d.freeTotal = free.reduce((a, b) => a + b, 0);
  return d;
};
const gpuNode = (name: string, gpus: number, cpu = 96_000, model = 'G2') => new NodeInfo(makeNode(name, { cpu, memory: 400e9, 'nvidia.com/gpu': gpus }, { labels: { 'nvidia.com/gpu.product': model } }));
const sharePod = (name: string, milli: number, cpu = 4000) => makePod(name, { cpu }, {}, { annotations: { 'kubesim.dev/gpu-milli': String(milli) } });
const st = new Map<string, unknown>();

describe('GpuPacking (gpu_packing_score_test.go)', () => {
  it('scores the artefact\'s unit vectors', () => {
    expect(gpuPackingScore(req(2, 1000), devices([200, 1000, 1000, 500]))).toBe(48);
    expect(gpuPackingScore(req(2, 1000), devices([1000, 1000, 1000, 1000]))).toBe(29);
    expect(gpuPackingScore(req(1, 500), devices(Array(8).fill(1000)))).toBe(25);
    expect(gpuPackingScore(req(2, 200), devices([200, 1000, 1000, 500]))).toBe(93);
  });

  it('prefers a partly used GPU over a fresh GPU on a used node over an empty node', () => {
    const partly = gpuPackingScore(req(1, 300), devices([600, 1000]));
    const fresh = gpuPackingScore(req(1, 300), devices([200, 1000]));
    const empty = gpuPackingScore(req(1, 300), devices([1000, 1000]));
    expect(partly).toBeGreaterThan(fresh);
    expect(fresh).toBeGreaterThan(empty);
    expect(gpuPacking(fakeHandle([])).score(st, podInfo(makePod('cpu', { cpu: 100 })), gpuNode('n', 2))).toBe(0);
  });
});

describe('DotProd, GpuClustering, BestFit', () => {
  it('DotProd prefers the node whose free vector is least aligned with the demand; cpu that does not fit scores 0', () => {
    const p = dotProd(fakeHandle([]));
    const pod = podInfo(sharePod('p', 500, 8000));
    const big = gpuNode('big', 8, 96_000);
    const small = gpuNode('small', 2, 16_000, 'P100');
    // 1 − ½(96000·8000/128000² + 8000·500/8000²) = 0.9453…, 1 − ½(16000·8000/128000² + 2000·500/8000²) = 0.9883…
    expect(p.score(st, pod, big)).toBe(94);
    expect(p.score(st, pod, small)).toBe(98);
    expect(p.score(st, podInfo(sharePod('q', 500, 20_000)), small)).toBe(0);
  });

  it('GpuClustering gathers pods of one GPU kind', () => {
    const p = gpuClustering(fakeHandle([]));
    const sharing = podInfo(sharePod('s', 500));
    const empty = gpuNode('e', 8);
    const withShare = gpuNode('ws', 8);
    withShare.addPod(podInfo(sharePod('x', 500)));
    const withWhole = gpuNode('ww', 8);
    withWhole.addPod(podInfo(makePod('w', { cpu: 100, 'nvidia.com/gpu': 1 })));
    const mixed = gpuNode('m', 8);
    mixed.addPod(podInfo(sharePod('y', 500)));
    mixed.addPod(podInfo(makePod('z', { cpu: 100, 'nvidia.com/gpu': 1 })));
    expect(p.score(st, sharing, empty)).toBe(25);
    expect(p.score(st, sharing, withShare)).toBe(75 + Math.trunc((25 * 500) / 8000));
    expect(p.score(st, sharing, withWhole)).toBe(0 + Math.trunc((25 * 1000) / 8000));
    expect(p.score(st, sharing, mixed)).toBe(50 + Math.trunc((25 * 1500) / 8000));
    expect(p.score(st, podInfo(makePod('c', { cpu: 100 })), withShare)).toBe(0);
  });

  it('BestFit takes the tightest node and normalises min–max', () => {
    const p = bestFit(fakeHandle([]));
    const pod = podInfo(sharePod('p', 500, 8000));
    const tight = gpuNode('t', 2, 16_000);
    const loose = gpuNode('l', 8, 96_000);
    const scores = [p.score(st, pod, tight), p.score(st, pod, loose)];
    // ⌊100(1 − ½·8000/128000 − ½·1500/8000)⌋ = 87, ⌊100(1 − ½·88000/128000 − ½·7500/8000)⌋ = 18
    expect(scores).toEqual([87, 18]);
    p.normalizeScore!(st, pod, scores);
    expect(scores).toEqual([100, 0]);
    const same = [40, 40];
    p.normalizeScore!(st, pod, same);
    expect(same).toEqual([0, 0]);
  });

  it('Random scores 100 on one feasible node chosen in PreScore and 0 elsewhere', () => {
    const nodes = [gpuNode('a', 2), gpuNode('b', 2), gpuNode('c', 2)];
    const p = randomPolicy(fakeHandle(nodes));
    const pod = podInfo(sharePod('p', 500));
    const hits = [0, 0, 0];
    for (let i = 0; i < 600; i++) {
      p.preScore(st, pod, nodes);
      const s = nodes.map((n) => p.score(st, pod, n));
      expect(s.filter((x) => x === 100)).toHaveLength(1);
      hits[s.indexOf(100)]!++;
    }
    for (const h of hits) expect(h).toBeGreaterThan(150);
  });
});

/** The artefact's "WithNonGpu" typical pods (frag_test.go): cpu milli, per-GPU milli, GPUs, percentage. */
const WITH_NON_GPU: [number, number, number, number][] = [
  [15700, 1000, 1, 28.69], [11900, 1000, 1, 18.93], [11400, 1000, 1, 12.27], [1000, 0, 0, 7.36], [18710, 1000, 1, 4.85], [8200, 1000, 1, 3.79],
  [16400, 1000, 1, 3.31], [9810, 1000, 1, 1.97], [15200, 1000, 1, 1.87], [11200, 1000, 1, 1.81], [14200, 1000, 1, 1.76], [12000, 0, 0, 1.65],
  [14900, 1000, 1, 1.39], [60200, 1000, 4, 1.23], [64200, 1000, 8, 1.07], [32200, 1000, 4, 1.01], [17400, 1000, 2, 0.91], [30200, 1000, 2, 0.69],
  [16000, 1000, 1, 0.64], [15000, 1000, 1, 0.59], [64000, 1000, 8, 0.53], [15000, 0, 0, 0.53], [11910, 1000, 1, 0.53], [120200, 1000, 8, 0.48],
  [11300, 1000, 1, 0.37], [30000, 1000, 2, 0.32], [9800, 1000, 1, 0.32], [8000, 1000, 1, 0.32], [2000, 1000, 1, 0.27], [2000, 80, 1, 0.27], [1000, 1000, 1, 0.27],
];
const withNonGpu: TypicalPod[] = WITH_NON_GPU.map(([cpu, milli, count, pct]) => ({ cpu, gpu: count === 0 ? undefined : req(count, milli), p: pct / 100 }));

describe('fragmentation (frag.go)', () => {
  it('matches the artefact\'s unit vectors on 8×P100 nodes', () => {
    expect(nodeFrag(withNonGpu, 64_000, 'P100', Int32Array.from(Array(8).fill(1000)), 8)).toBeCloseTo(887.2, 2);
    expect(nodeFrag(withNonGpu, 32_000, 'P100', Int32Array.from([1000, 1000, 1000, 1000, 0, 0, 0, 0]), 8)).toBeCloseTo(554.4, 2);
    // No free cpu: every typical pod lacks cpu, so all 4,000 free milli-GPU are fragmented (Σ p = 1).
    expect(nodeFrag(withNonGpu, 0, 'P100', Int32Array.from([1000, 1000, 1000, 1000, 0, 0, 0, 0]), 8)).toBeCloseTo(4000 * withNonGpu.reduce((a, m) => a + m.p, 0), 6);
  });

  it('counts the three cases: a CPU-only pod, a pod that cannot run, GPUs too small for the share', () => {
    const free = Int32Array.from([200, 1000, 600]);
    expect(podFrag({ cpu: 1000, gpu: undefined, p: 1 }, 8000, 'T4', free, 3)).toBe(1800);
    expect(podFrag({ cpu: 1000, gpu: req(1, 500, ['G2']), p: 1 }, 8000, 'T4', free, 3)).toBe(1800);
    expect(podFrag({ cpu: 9000, gpu: req(1, 500), p: 1 }, 8000, 'T4', free, 3)).toBe(1800);
    expect(podFrag({ cpu: 1000, gpu: req(2, 1000), p: 1 }, 8000, 'T4', free, 3)).toBe(1800);
    expect(podFrag({ cpu: 1000, gpu: req(1, 500), p: 1 }, 8000, 'T4', free, 3)).toBe(200);
    expect(podFrag({ cpu: 1000, gpu: req(1, 700), p: 1 }, 8000, 'T4', free, 3)).toBe(800);
  });

  it('typical pods: most frequent shapes up to 95 % of the pods, renormalised', () => {
    const shapes = [
      ...Array(60).fill({ cpu: 1000, gpu: req(1, 500) }),
      ...Array(30).fill({ cpu: 2000, gpu: undefined }),
      ...Array(6).fill({ cpu: 8000, gpu: req(2, 1000) }),
      ...Array(4).fill({ cpu: 500, gpu: req(1, 250) }),
    ];
    const t = typicalPods(shapes);
    expect(t.map((m) => m.cpu)).toEqual([1000, 2000, 8000]);
    expect(t.map((m) => m.p)).toEqual([60 / 96, 30 / 96, 6 / 96]);
  });
});

describe('FGD', () => {
  const typical: TypicalPod[] = [{ cpu: 0, gpu: req(1, 600), p: 1 }];
  it('moves a sharing pod to where it fragments least, and onto that GPU', () => {
    // Empty {1000,1000}: 500 on GPU 0 leaves 500 < 600 → ΔF = −500 → ⌊100σ(−0.5)⌋ = 37.
    expect(fgdScore(typical, 1000, req(1, 500), 8000, 'G2', Int32Array.from([1000, 1000]))).toEqual({ score: 37, gpu: 0 });
    // {600,1000}: on GPU 0 it leaves 100 (ΔF = −100 → 47), on GPU 1 500 (ΔF = −500 → 37): GPU 0.
    expect(fgdScore(typical, 1000, req(1, 500), 8000, 'G2', Int32Array.from([600, 1000]))).toEqual({ score: 47, gpu: 0 });
  });

  it('as a plugin: scores from the handle\'s typical pods, memoised per node state, and reserves the GPU it scored', () => {
    const a = gpuNode('a', 2);
    const b = gpuNode('b', 2);
    b.addPod(podInfo(sharePod('x', 400)));
    const h = fakeHandle([a, b], undefined, typical);
    const p = fgd(h);
    const pod = podInfo(sharePod('p', 500, 1000));
    p.preScore!(st, pod, [a, b]);
    expect([p.score(st, pod, a), p.score(st, pod, b)]).toEqual([37, 47]);
    // b's pod x sits on GPU 0 (free 600): FGD puts p there too.
    b.addPod(pod);
    p.reserve(st, pod, 'b');
    expect([...b.gpus!.free]).toEqual([100, 1000]);
    // The state changed: the memo follows the node's generation.
    const next = podInfo(sharePod('q', 500, 1000));
    p.preScore!(st, next, [b]);
    expect(p.score(st, next, b)).toBe(37);
  });

  it('a CPU-only pod is steered away from nodes where its cpu would strand GPUs', () => {
    const t: TypicalPod[] = [{ cpu: 8000, gpu: req(1, 1000), p: 1 }];
    // Taking 4000 of 10000 cpu leaves 6000 < 8000: both GPUs become unusable (ΔF = −2000 → 11).
    expect(fgdScore(t, 4000, undefined, 10_000, 'G2', Int32Array.from([1000, 1000])).score).toBe(11);
    expect(fgdScore(t, 4000, undefined, 64_000, 'G2', Int32Array.from([1000, 1000])).score).toBe(50);
  });
});
