/**
 * A controller work queue with its workers (k8s.io/client-go/util/workqueue and the controllers' `worker` loops):
 * keys are deduplicated while waiting (the dirty set); a key being processed is not handed to a second worker, and
 * if it is added meanwhile it is queued again when the first sync is done (the processing set); `workers` syncs run
 * at once (kube-controller-manager's --concurrent-*-syncs, 5 by default); a failed sync is retried with
 * `addRateLimited` (per-key exponential back-off and an overall token bucket).
 *
 * A sync is asynchronous: it calls `done` when its API calls have returned, as a real worker blocks on them. That is
 * what makes events pile up and collapse into one sync when the controller's client is rate-limited. The sync's own
 * CPU time is taken as zero (GUESS: negligible next to API latency and rate limits).
 */
import type { Engine } from '../../engine/engine.js';
import type { Micros } from '../../engine/time.js';
import { TokenBucket } from '../apiserver/tokenBucket.js';

/** `ItemExponentialFailureRateLimiter(5ms, 1000s)`. */
const RATE_LIMIT_BASE_US = 5_000;
const RATE_LIMIT_MAX_US = 1_000_000_000;

/** A sync function: reconcile `key`, then call `done` once. */
export type SyncFn = (key: string, done: () => void) => void;

/** Default number of workers per controller (--concurrent-replicaset-syncs, --concurrent-deployment-syncs, --concurrent-job-syncs). */
export const DEFAULT_CONCURRENT_SYNCS = 5;

/** Deduplicating FIFO of keys served by a fixed number of workers. */
export class WorkQueue {
  private queue: string[] = [];
  private head = 0;
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  private busy = 0;
  private scheduled = false;
  private readonly failures = new Map<string, number>();
  private readonly bucket = new TokenBucket(10, 100);

  constructor(
    private readonly engine: Engine,
    private readonly sync: SyncFn,
    private readonly workers = DEFAULT_CONCURRENT_SYNCS,
  ) {}

  /** Number of keys waiting. */
  get length(): number {
    return this.queue.length - this.head;
  }

  /** Adds a key (no-op if already waiting). */
  add(key: string): void {
    if (this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    this.queue.push(key);
    this.kick();
  }

  /**
   * `AddRateLimited` with the controllers' default rate limiter (workqueue.DefaultControllerRateLimiter): the larger
   * of a per-key exponential back-off (5 ms doubling to 1000 s, reset by `forget`) and an overall token bucket
   * (10 qps, burst 100).
   */
  addRateLimited(key: string): void {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    const perItem = Math.min(RATE_LIMIT_BASE_US * 2 ** n, RATE_LIMIT_MAX_US);
    const bucket = this.bucket.reserve(this.engine.now);
    this.addAfter(key, Math.max(perItem, bucket));
  }

  /** `Forget`: the key's failures are over (its back-off restarts from 5 ms). */
  forget(key: string): void {
    this.failures.delete(key);
  }

  /** Adds a key after `delayUs`. */
  addAfter(key: string, delayUs: Micros): void {
    this.engine.schedule(Math.max(0, Math.round(delayUs)), () => this.add(key));
  }

  private kick(): void {
    if (this.scheduled || this.busy >= this.workers) return;
    this.scheduled = true;
    // Workers pick keys up in a separate event, so adds at the same instant are deduplicated first.
    this.engine.schedule(0, () => this.pump());
  }

  private pump(): void {
    this.scheduled = false;
    while (this.busy < this.workers && this.head < this.queue.length) {
      const key = this.queue[this.head++]!;
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.head);
        this.head = 0;
      }
      this.dirty.delete(key);
      this.processing.add(key);
      this.busy++;
      let finished = false;
      this.sync(key, () => {
        if (finished) return;
        finished = true;
        this.busy--;
        this.processing.delete(key);
        if (this.dirty.has(key)) this.queue.push(key);
        this.kick();
      });
    }
  }
}

/** Runs `then` once every hold taken before `seal()` has been released. */
export class Pending {
  private n = 0;
  private sealed = false;
  private fired = false;

  constructor(private readonly then: () => void) {}

  /** Takes a hold; call the returned function to release it (idempotent). */
  hold(): () => void {
    this.n++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.n--;
      this.check();
    };
  }

  /** No more holds will be taken. */
  seal(): void {
    this.sealed = true;
    this.check();
  }

  private check(): void {
    if (this.sealed && this.n === 0 && !this.fired) {
      this.fired = true;
      this.then();
    }
  }
}
