/**
 * Expanders: which node group a scale-up grows (cluster-autoscaler/expander). least-waste (the default,
 * expander/waste): the option whose new nodes would have the least idle CPU and memory, as the sum of the two idle
 * fractions; most-pods: the option that schedules the most pending pods; random. Ties go to the random expander,
 * on the autoscaler's seeded stream.
 */
import type { Rng } from '../../../engine/rng.js';

/** A possible scale-up (expander.Option). */
export interface Option {
  group: string;
  nodeCount: number;
  /** Pods the new nodes would take. */
  pods: number;
  /** Requests of those pods and allocatable of the new nodes: milli-CPU and bytes. */
  cpuRequested: number;
  memoryRequested: number;
  cpuAllocatable: number;
  memoryAllocatable: number;
}

export type ExpanderName = 'least-waste' | 'most-pods' | 'random';

/** The wasted-resources score of least-waste (lower is better). */
export function wasteScore(o: Option): number {
  const cpu = o.cpuAllocatable > 0 ? (o.cpuAllocatable - o.cpuRequested) / o.cpuAllocatable : 0;
  const mem = o.memoryAllocatable > 0 ? (o.memoryAllocatable - o.memoryRequested) / o.memoryAllocatable : 0;
  return cpu + mem;
}

/** Picks the best option (options in group-name order, so ties break the same way for the same seed). */
export function bestOption(name: ExpanderName, options: readonly Option[], rng: Rng): Option | undefined {
  if (options.length === 0) return undefined;
  let best: Option[] = [...options];
  if (name === 'least-waste') {
    const min = Math.min(...options.map(wasteScore));
    best = options.filter((o) => wasteScore(o) === min);
  } else if (name === 'most-pods') {
    const max = Math.max(...options.map((o) => o.pods));
    best = options.filter((o) => o.pods === max);
  }
  return best.length === 1 ? best[0] : best[rng.int(best.length)];
}
