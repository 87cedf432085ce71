/**
 * A controller work queue (k8s.io/client-go/util/workqueue): keys are deduplicated while waiting, processed in the
 * order they were added, and can be added after a delay. Syncs take no simulated time (GUESS: controller CPU time is
 * negligible next to API latency and rate limits).
 */
import type { Engine } from '../../engine/engine.js';
import type { Micros } from '../../engine/time.js';

/** Deduplicating FIFO of keys. */
export class WorkQueue {
  private readonly pending = new Set<string>();
  private scheduled = false;

  constructor(
    private readonly engine: Engine,
    private readonly sync: (key: string) => void,
  ) {}

  /** Adds a key (no-op if already waiting). */
  add(key: string): void {
    if (this.pending.has(key)) return;
    this.pending.add(key);
    if (!this.scheduled) {
      this.scheduled = true;
      this.engine.schedule(0, () => this.drain());
    }
  }

  /** Adds a key after `delayUs`. */
  addAfter(key: string, delayUs: Micros): void {
    this.engine.schedule(Math.max(0, Math.round(delayUs)), () => this.add(key));
  }

  private drain(): void {
    this.scheduled = false;
    const keys = [...this.pending];
    this.pending.clear();
    for (const k of keys) this.sync(k);
  }
}
