/**
 * FGD, Fragmentation Gradient Descent (Weng et al., USENIX ATC'23; reference/fgd-policies.md §2): place the pod
 * where it grows the expected GPU fragmentation of the workload's typical pods least. The score of node n is
 * ⌊100·σ((F_n(M) − F_n′(M)) / 1000)⌋, σ the logistic function and n′ the node after placing the pod (its cpu taken,
 * and its GPUs: a sharing pod tries every fitting GPU and keeps the best, first index on ties; whole GPUs are the
 * lowest-index free ones). That choice is also where Reserve puts the pod.
 *
 * The score depends only on the node's state (model, free cpu, the multiset of free GPU shares) and the pod's shape,
 * so it is memoised per (state, shape): a cluster has far fewer distinct states than nodes (every empty node of a
 * shape is one state), and a node's state changes only when a pod lands on or leaves it.
 */
import type { PluginHandle, PreScorePlugin, ReservePlugin, ScorePlugin } from '../../framework/interfaces.js';
import type { NodeInfo } from '../../nodeInfo.js';
import type { PodInfo } from '../../podInfo.js';
import { nodeFrag, shapeKey, type TypicalPod } from '../../gpu/fragmentation.js';
import type { GpuRequest } from '../../../../cluster/gpuRequest.js';
import { gpuReserve } from './gpuPolicies.js';

export const FGD = 'FGD';

/** The logistic score of a fragmentation change (milli-GPU). */
function sigmoidScore(delta: number): number {
  return Math.trunc(100 / (1 + Math.exp(-delta / 1000)));
}

/**
 * FGD's score of a pod on a node state, and (for a sharing pod) the GPU it would use. `free` is left as it was.
 */
export function fgdScore(typical: readonly TypicalPod[], cpu: number, req: GpuRequest | undefined, cpuFree: number, model: string, free: Int32Array): { score: number; gpu: number } {
  const count = free.length;
  const before = nodeFrag(typical, cpuFree, model, free, count);
  const after = cpuFree - cpu;
  if (req === undefined) return { score: sigmoidScore(before - nodeFrag(typical, after, model, free, count)), gpu: -1 };
  if (req.shared) {
    let best = -1;
    let bestGpu = -1;
    for (let g = 0; g < count; g++) {
      const f = free[g]!;
      if (f < req.milli) continue;
      // GPUs with the same free share give the same score: the first one stands for them.
      let seen = false;
      for (let h = 0; h < g && !seen; h++) seen = free[h] === f;
      if (seen) continue;
      free[g] = f - req.milli;
      const s = sigmoidScore(before - nodeFrag(typical, after, model, free, count));
      free[g] = f;
      if (s > best) {
        best = s;
        bestGpu = g;
      }
    }
    return { score: Math.max(best, 0), gpu: bestGpu };
  }
  const taken: number[] = [];
  for (let g = 0; g < count && taken.length < req.count; g++) if (free[g]! >= req.milli) taken.push(g);
  for (const g of taken) free[g]! -= req.milli;
  const s = sigmoidScore(before - nodeFrag(typical, after, model, free, count));
  for (const g of taken) free[g]! += req.milli;
  return { score: s, gpu: taken[0] ?? -1 };
}

/** Creates the plugin. */
export function fgd(handle: PluginHandle): PreScorePlugin & ScorePlugin & ReservePlugin {
  let typical: readonly TypicalPod[] | undefined;
  // Memo: state key → id; per node its state id at a generation; per state a score per shape id (−1: unknown).
  let stateIds = new Map<string, number>();
  let nodeState = new WeakMap<NodeInfo, { generation: number; id: number }>();
  let table: Int8Array[] = [];
  let shapeIds = new Map<string, number>();
  let shape = -1;
  let shapePod: PodInfo | undefined;
  const setShape = (pod: PodInfo) => {
    const key = shapeKey({ cpu: pod.requests.milliCPU, gpu: pod.gpu });
    let id = shapeIds.get(key);
    if (id === undefined) {
      id = shapeIds.size;
      shapeIds.set(key, id);
    }
    shape = id;
    shapePod = pod;
  };
  const refresh = () => {
    const t = handle.typicalPods();
    if (t === typical) return;
    typical = t;
    shapePod = undefined;
    stateIds = new Map();
    nodeState = new WeakMap();
    table = [];
    shapeIds = new Map();
  };
  const stateOf = (n: NodeInfo): number => {
    let s = nodeState.get(n);
    if (s === undefined || s.generation !== n.generation) {
      const gpus = n.gpus!;
      const key = `${gpus.model}|${n.allocMilliCPU - n.reqMilliCPU}|${[...gpus.free].sort((a, b) => a - b).join(',')}`;
      let id = stateIds.get(key);
      if (id === undefined) {
        id = stateIds.size;
        stateIds.set(key, id);
        table.push(new Int8Array(64).fill(-1));
      }
      s = { generation: n.generation, id };
      nodeState.set(n, s);
    }
    return s.id;
  };
  const compute = (pod: PodInfo, n: NodeInfo) => fgdScore(typical!, pod.requests.milliCPU, pod.gpu, n.allocMilliCPU - n.reqMilliCPU, n.gpus!.model, n.gpus!.free);
  return {
    name: FGD,
    preScore(_state, pod) {
      refresh();
      setShape(pod);
      return null;
    },
    score(_state, pod, node) {
      if (pod !== shapePod) {
        refresh();
        setShape(pod);
      }
      // A node without GPUs has no GPU fragmentation to change.
      if (node.gpus === undefined) return 50;
      const id = stateOf(node);
      let row = table[id]!;
      if (shape >= row.length) {
        const grown = new Int8Array(Math.max(shape + 1, row.length * 2)).fill(-1);
        grown.set(row);
        table[id] = row = grown;
      }
      let s = row[shape]!;
      if (s < 0) row[shape] = s = compute(pod, node).score;
      return s;
    },
    ...gpuReserve(handle, (_gpus, req, node, pod) => {
      refresh();
      if (!req.shared) return undefined;
      const g = compute(pod, node).gpu;
      return g < 0 ? undefined : [g];
    }),
  };
}
