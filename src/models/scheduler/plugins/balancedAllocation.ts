/**
 * NodeResourcesBalancedAllocation (pkg/scheduler/framework/plugins/noderesources/balanced_allocation.go).
 * Uses the node's actual Requested (not the non-zero defaults) plus the pod's requests. Per resource the fraction
 * requested/allocatable is capped at 1; with two resources std = |f1 − f2| / 2, with more the population standard
 * deviation; score = int64((1 − std) × 100). Resources with allocatable 0 are skipped. Best-effort pods are not
 * scored (PreScore Skip).
 */
import { KUBERNETES_MINOR, SINCE } from '../../../cluster/kubernetesVersion.js';
import { CPU, EPHEMERAL_STORAGE, MEMORY } from '../../../cluster/resources.js';
import type { PreScorePlugin, ScorePlugin } from '../framework/interfaces.js';
import { SKIP } from '../framework/status.js';
import type { PodInfo } from '../podInfo.js';
import type { NodeInfo } from '../nodeInfo.js';
import { MAX_NODE_SCORE } from '../framework/interfaces.js';
import { DEFAULT_RESOURCES, type ResourceSpec } from './nodeResourcesFit.js';
import { allocatableAndRequested } from './helpers/resourceAllocation.js';

export const BALANCED_ALLOCATION = 'NodeResourcesBalancedAllocation';

/** `balancedResourceScorer` over parallel requested/allocatable lists. */
export function balancedResourceScore(requested: readonly number[], allocatable: readonly number[]): number {
  const fractions: number[] = [];
  let total = 0;
  for (let i = 0; i < requested.length; i++) {
    if (allocatable[i] === 0) continue;
    const f = Math.min(requested[i]! / allocatable[i]!, 1);
    total += f;
    fractions.push(f);
  }
  let std = 0;
  if (fractions.length === 2) {
    std = Math.abs((fractions[0]! - fractions[1]!) / 2);
  } else if (fractions.length > 2) {
    const mean = total / fractions.length;
    let sum = 0;
    for (const f of fractions) sum += (f - mean) * (f - mean);
    std = Math.sqrt(sum / fractions.length);
  }
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
}

/**
 * Creates the plugin (args: `resources: [{name, weight}]`, default cpu and memory). PreScore returns Skip for a pod
 * that requests none of the scored resources (upstream's `isBestEffortPod` check, kubernetes#129138, since v1.33), so
 * best-effort pods are not all packed onto the same node; a scenario following v1.31 or v1.32 scores them.
 */
export function balancedAllocation(args?: Record<string, unknown>, kubernetesMinor = KUBERNETES_MINOR): PreScorePlugin & ScorePlugin {
  const skipsBestEffort = kubernetesMinor >= SINCE.balancedAllocationSkipsBestEffort;
  const resources = (args?.resources as ResourceSpec[] | undefined) ?? DEFAULT_RESOURCES;
  const isDefault = resources.length === 2 && resources[0]!.name === CPU && resources[1]!.name === MEMORY;
  const req = new Array<number>(resources.length).fill(0);
  const alloc = new Array<number>(resources.length).fill(0);
  return {
    name: BALANCED_ALLOCATION,
    preScore(_state, pod) {
      if (!skipsBestEffort) return null;
      for (const r of resources) if (podRequest(pod, r.name) !== 0) return null;
      return SKIP;
    },
    score(_state, pod, node) {
      return isDefault ? cpuMemoryScore(pod, node) : resourcesScore(pod, node);
    },
    scoreAll(_state, pod, nodes, out) {
      if (isDefault) for (let i = 0; i < nodes.length; i++) out[i] = cpuMemoryScore(pod, nodes[i]!);
      else for (let i = 0; i < nodes.length; i++) out[i] = resourcesScore(pod, nodes[i]!);
    },
  };

  function resourcesScore(pod: PodInfo, node: NodeInfo): number {
    for (let i = 0; i < resources.length; i++) {
      const [a, r] = allocatableAndRequested(pod, node, resources[i]!.name, true);
      alloc[i] = a;
      req[i] = r;
    }
    return balancedResourceScore(req, alloc);
  }
}

/** The default resources (cpu and memory), inline: the same arithmetic as balancedResourceScore with two resources. */
function cpuMemoryScore(pod: PodInfo, node: NodeInfo): number {
  const ac = node.allocMilliCPU;
  const am = node.allocMemory;
  if (ac === 0 || am === 0) return MAX_NODE_SCORE; // at most one fraction: std = 0
  const fc = Math.min((node.reqMilliCPU + pod.requests.milliCPU) / ac, 1);
  const fm = Math.min((node.reqMemory + pod.requests.memory) / am, 1);
  return Math.trunc((1 - Math.abs((fc - fm) / 2)) * MAX_NODE_SCORE);
}

/** The pod's actual request of one resource. */
function podRequest(pod: PodInfo, resource: string): number {
  switch (resource) {
    case CPU:
      return pod.requests.milliCPU;
    case MEMORY:
      return pod.requests.memory;
    case EPHEMERAL_STORAGE:
      return pod.requests.ephemeralStorage;
    default:
      return pod.requests.scalar.find(([n]) => n === resource)?.[1] ?? 0;
  }
}
