/** Pods placed in a SchedulerCache by property tests, changed by random operations as informer updates would. */
import type { Pod } from '../../src/cluster/types.js';
import type { SchedulerCache } from '../../src/models/scheduler/cache.js';

/** A change to one placed pod: removed, marked terminating, or relabelled `app`. */
export type PlacementChange = { op: 'remove' | 'terminate'; pick: number } | { op: 'relabel'; pick: number; app: string };

/** The pods placed so far, with the cache they are counted in. */
export class Placements {
  private readonly placed: { pod: Pod; node: string }[] = [];

  constructor(private readonly cache: SchedulerCache) {}

  add(pod: Pod, node: string): void {
    this.cache.addPod(pod, node);
    this.placed.push({ pod, node });
  }

  /** Applies a change to the pod `pick` designates (modulo the count); nothing when no pod is placed. */
  change(c: PlacementChange): void {
    if (this.placed.length === 0) return;
    const i = c.pick % this.placed.length;
    const { pod, node } = this.placed[i]!;
    if (c.op === 'remove') {
      this.cache.removePod(pod.metadata.uid!);
      this.placed.splice(i, 1);
      return;
    }
    const next = c.op === 'relabel' ? { ...pod, metadata: { ...pod.metadata, labels: { app: c.app } } } : { ...pod, metadata: { ...pod.metadata, deletionTimestamp: 5 } };
    this.cache.addPod(next, node);
    this.placed[i] = { pod: next, node };
  }
}
