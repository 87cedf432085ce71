/**
 * Scheduling policies beyond upstream, each an ordinary plugin a profile can enable (with upstream's filters):
 * - Random: PreScore picks one feasible node uniformly from the seeded `scheduler.policy` stream; it scores 100, the
 *   others 0 (the FGD paper's Random; a uniform choice whatever the tie-break); GPU pods take a random fitting GPU;
 * - FirstFit: filtering walks nodes from the first (in cache order) and stops at the first that fits;
 * - RoundRobin: filtering starts after the node chosen last and stops at the first that fits;
 * - DotProduct (Tetris-style alignment, Grandl et al., SIGCOMM 2014): score = Σ over cpu and memory of
 *   (pod request / allocatable) × (node free / allocatable), scaled ×10,000 and normalised so the best node gets
 *   100; a pod is steered to the node whose free resources point the same way as its demand.
 * Profile examples are in workloads/scheduler-policies.yaml; bin-packing uses NodeResourcesFit's MostAllocated or
 * RequestedToCapacityRatio strategies.
 */
import type { NodeWalkPlugin, PluginHandle, PreScorePlugin, ReservePlugin, ScorePlugin } from '../framework/interfaces.js';
import type { NodeInfo } from '../nodeInfo.js';
import { gpuReserve } from './gpu/gpuPolicies.js';
import { MAX_NODE_SCORE } from '../framework/interfaces.js';
import { defaultNormalizeScore } from './helpers/normalizeScore.js';

export const RANDOM = 'Random';
export const FIRST_FIT = 'FirstFit';
export const ROUND_ROBIN = 'RoundRobin';
export const DOT_PRODUCT = 'DotProduct';

/** A uniformly random feasible node. */
export function randomPolicy(handle: PluginHandle): PreScorePlugin & ScorePlugin & ReservePlugin {
  let chosen: NodeInfo | undefined;
  return {
    name: RANDOM,
    preScore(_state, _pod, nodes) {
      chosen = nodes.length === 0 ? undefined : nodes[handle.random().int(nodes.length)];
      return null;
    },
    score(_state, _pod, node) {
      return node === chosen ? MAX_NODE_SCORE : 0;
    },
    ...gpuReserve(handle, (gpus, req) => gpus.chooseRandom(req, handle.random())),
  };
}

/** First fit in node order. */
export function firstFit(): NodeWalkPlugin {
  return { name: FIRST_FIT, walk: () => ({ start: 0, limit: 1 }) };
}

/** Next fit after the last chosen node. */
export function roundRobin(handle: PluginHandle): NodeWalkPlugin & ReservePlugin {
  let last = -1;
  return {
    name: ROUND_ROBIN,
    walk: (n) => ({ start: (last + 1) % n, limit: 1 }),
    // Reserve (when the node is chosen), not PostBind: the next cycle starts before the binding completes.
    reserve(_state, _pod, nodeName) {
      const i = handle.nodes().findIndex((x) => x.name === nodeName);
      if (i >= 0) last = i;
      return null;
    },
    unreserve() {},
  };
}

/** Alignment of demand and free capacity. */
export function dotProduct(): ScorePlugin {
  return {
    name: DOT_PRODUCT,
    score(_state, pod, node) {
      let dot = 0;
      if (node.allocMilliCPU > 0) dot += (pod.requests.milliCPU / node.allocMilliCPU) * (Math.max(0, node.allocMilliCPU - node.reqMilliCPU) / node.allocMilliCPU);
      if (node.allocMemory > 0) dot += (pod.requests.memory / node.allocMemory) * (Math.max(0, node.allocMemory - node.reqMemory) / node.allocMemory);
      return Math.round(dot * 10_000);
    },
    normalizeScore(_state, _pod, scores) {
      defaultNormalizeScore(MAX_NODE_SCORE, false, scores);
    },
  };
}
