/**
 * Score policies of the FGD paper's comparison (Weng et al., USENIX ATC'23; its artefact's pkg/simulator/plugin, as
 * reference/fgd-policies.md §2 reads them). Scores are integers 0–100 with Go's truncation, so many nodes tie. Each
 * also makes its within-node GPU choice at Reserve (`best`, see gpu/gpuDevices.ts). Free resources are allocatable −
 * requested; 128,000 milli-CPU and 8,000 milli-GPU are the artefact's normalisers (the largest node).
 * - DotProd: 0 when the cpu does not fit, else ⌊100·(1 − ½(cpuFree·cpuReq/128000² + gpuFree·gpuReq/8000²))⌋: the
 *   node whose free vector is least aligned with the demand (smallest dot product) wins.
 * - GpuClustering: pods of one GPU kind ("share-gpu", or "k-gpu" for k whole GPUs) gather: 75 when the node's GPU
 *   pods are all of the pod's kind, 50 when that kind is among others, 25 with no GPU pod, 0 otherwise; plus
 *   ⌊25·(8000 − gpuFree)/8000⌋. CPU-only pods score 0.
 * - GpuPacking: prefer partly used GPUs, then partly used nodes, then small empty nodes. All GPUs free: max(33 − G, G)
 *   for G GPUs; else the fitting GPUs in ascending free order: with a fully free one among the chosen,
 *   max(50 − k, 33) for k fully free used; otherwise max(100 − ⌊Σ⌊100·free/1000⌋ / 10⌋, 50). CPU-only pods score 0.
 * - BestFit: ⌊100·(1 − ½(cpuFree − cpuReq)/128000 − ½(gpuFree − gpuReq)/8000)⌋, then min–max normalised over the
 *   feasible nodes ((s − min)·100/(max − min), integer; all equal → 0).
 */
import type { PluginHandle, ReservePlugin, ScorePlugin } from '../../framework/interfaces.js';
import type { NodeInfo } from '../../nodeInfo.js';
import type { PodInfo } from '../../podInfo.js';
import { GPU_MILLI, type GpuRequest } from '../../../../cluster/gpuRequest.js';
import type { GpuDevices } from '../../gpu/gpuDevices.js';

export const DOT_PROD = 'DotProd';
export const GPU_CLUSTERING = 'GpuClustering';
export const GPU_PACKING = 'GpuPacking';
export const BEST_FIT = 'BestFit';

/** The artefact's normalisers: the largest node's milli-CPU and milli-GPU. */
const MAX_CPU = 128_000;
const MAX_GPU = 8 * GPU_MILLI;

const cpuFree = (n: NodeInfo): number => n.allocMilliCPU - n.reqMilliCPU;
const gpuFree = (n: NodeInfo): number => n.gpus?.freeTotal ?? 0;
const gpuTotal = (r: GpuRequest | undefined): number => (r === undefined ? 0 : r.count * r.milli);

/**
 * Reserve with a within-node GPU choice: the pod (already counted on the node with the `best` rule) moves to the GPUs
 * `choose` picks.
 */
export function gpuReserve(handle: PluginHandle, choose: (gpus: GpuDevices, req: GpuRequest, node: NodeInfo, pod: PodInfo) => readonly number[] | undefined): Pick<ReservePlugin, 'reserve' | 'unreserve'> {
  return {
    reserve(_state, pod, nodeName) {
      const req = pod.gpu;
      if (req === undefined) return null;
      const node = handle.nodeInfo(nodeName);
      const gpus = node?.gpus;
      if (node === undefined || gpus === undefined) return null;
      // The pod is counted already: its own share is back in `free` while choosing.
      const uid = pod.pod.metadata.uid!;
      const held = gpus.indicesOf(uid);
      gpus.release(uid);
      const idx = choose(gpus, req, node, pod) ?? held;
      node.assignGpus(uid, idx);
      return null;
    },
    unreserve() {},
  };
}

const best = (gpus: GpuDevices, req: GpuRequest): readonly number[] | undefined => gpus.chooseBest(req);

/** DotProd. */
export function dotProd(handle: PluginHandle): ScorePlugin & ReservePlugin {
  return {
    name: DOT_PROD,
    score(_state, pod, node) {
      const c = cpuFree(node);
      const req = pod.requests.milliCPU;
      if (c < req) return 0;
      const s = 1 - 0.5 * ((c * req) / (MAX_CPU * MAX_CPU) + (gpuFree(node) * gpuTotal(pod.gpu)) / (MAX_GPU * MAX_GPU));
      return Math.trunc(100 * s);
    },
    ...gpuReserve(handle, best),
  };
}

/** The GPU kind of a request: "share-gpu" or "<k>-gpu". */
function kind(r: GpuRequest): string {
  return r.shared ? 'share-gpu' : `${r.count}-gpu`;
}

/** GpuClustering. */
export function gpuClustering(handle: PluginHandle): ScorePlugin & ReservePlugin {
  // The kinds of GPU pods on each node, recomputed when the node changes.
  const kinds = new WeakMap<NodeInfo, { generation: number; kinds: Set<string> }>();
  const kindsOf = (n: NodeInfo): Set<string> => {
    let k = kinds.get(n);
    if (k === undefined || k.generation !== n.generation) {
      const set = new Set<string>();
      for (const p of n.pods.values()) if (p.gpu !== undefined) set.add(kind(p.gpu));
      k = { generation: n.generation, kinds: set };
      kinds.set(n, k);
    }
    return k.kinds;
  };
  return {
    name: GPU_CLUSTERING,
    score(_state, pod, node) {
      if (pod.gpu === undefined) return 0;
      const a = kindsOf(node);
      const t = kind(pod.gpu);
      const base = a.size === 0 ? 25 : a.has(t) ? (a.size === 1 ? 75 : 50) : 0;
      return base + Math.trunc((25 * (MAX_GPU - gpuFree(node))) / MAX_GPU);
    },
    ...gpuReserve(handle, best),
  };
}

/** The GpuPacking score of a request on a node's GPUs. */
export function gpuPackingScore(req: GpuRequest, gpus: GpuDevices): number {
  const n = gpus.count;
  if (gpus.freeTotal === n * GPU_MILLI) return Math.max(33 - n, n);
  const order = [...gpus.free.keys()].filter((g) => gpus.free[g]! >= req.milli).sort((a, b) => gpus.free[a]! - gpus.free[b]! || a - b);
  const chosen = order.slice(0, req.count);
  const whole = chosen.filter((g) => gpus.free[g] === GPU_MILLI).length;
  if (whole > 0) return Math.max(50 - whole, 33);
  let sum = 0;
  for (const g of chosen) sum += Math.trunc((100 * gpus.free[g]!) / GPU_MILLI);
  return Math.max(100 - Math.trunc(sum / 10), 50);
}

/** GpuPacking. */
export function gpuPacking(handle: PluginHandle): ScorePlugin & ReservePlugin {
  return {
    name: GPU_PACKING,
    score(_state, pod, node) {
      if (pod.gpu === undefined || node.gpus === undefined) return 0;
      return gpuPackingScore(pod.gpu, node.gpus);
    },
    ...gpuReserve(handle, best),
  };
}

/** BestFit. */
export function bestFit(handle: PluginHandle): ScorePlugin & ReservePlugin {
  return {
    name: BEST_FIT,
    score(_state, pod, node) {
      const s = 1 - (0.5 * (cpuFree(node) - pod.requests.milliCPU)) / MAX_CPU - (0.5 * (gpuFree(node) - gpuTotal(pod.gpu))) / MAX_GPU;
      return Math.trunc(100 * s);
    },
    normalizeScore(_state, _pod, scores) {
      let min = Infinity;
      let max = -Infinity;
      for (const s of scores) {
        if (s < min) min = s;
        if (s > max) max = s;
      }
      for (let i = 0; i < scores.length; i++) scores[i] = max === min ? 0 : Math.trunc(((scores[i]! - min) * 100) / (max - min));
    },
    ...gpuReserve(handle, best),
  };
}
