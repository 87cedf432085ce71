/**
 * NodeResourcesBalancedAllocation (pkg/scheduler/framework/plugins/noderesources/balanced_allocation.go).
 * Uses the node's actual Requested (not the non-zero defaults) plus the pod's requests. Per resource the fraction
 * requested/allocatable is capped at 1; with two resources std = |f1 − f2| / 2, with more the population standard
 * deviation; score = int64((1 − std) × 100). Resources with allocatable 0 are skipped.
 */
import type { ScorePlugin } from '../framework/interfaces.js';
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

/** Creates the plugin (args: `resources: [{name, weight}]`, default cpu and memory). */
export function balancedAllocation(args?: Record<string, unknown>): ScorePlugin {
  const resources = (args?.resources as ResourceSpec[] | undefined) ?? DEFAULT_RESOURCES;
  const req = new Array<number>(resources.length).fill(0);
  const alloc = new Array<number>(resources.length).fill(0);
  return {
    name: BALANCED_ALLOCATION,
    score(_state, pod, node) {
      for (let i = 0; i < resources.length; i++) {
        const [a, r] = allocatableAndRequested(pod, node, resources[i]!.name, true);
        alloc[i] = a;
        req[i] = r;
      }
      return balancedResourceScore(req, alloc);
    },
  };
}
