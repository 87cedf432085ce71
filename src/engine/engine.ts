import { EventHeap } from './eventHeap.js';
import type { Micros } from './time.js';

/** Callback run when an event fires. `data` is whatever was passed to `schedule`. */
export type Handler<T = unknown> = (data: T) => void;

/**
 * Opaque cancellation handle: `generation × 2^24 + slot`. A stale handle (event already fired or cancelled) has an
 * older generation than its slot and cancels nothing.
 */
export type EventHandle = number;

const SLOT_BITS = 16_777_216; // 2^24 slots: 16M events pending at once
const BATCH = 1 << 16;

/**
 * The discrete-event engine: an integer-µs clock and a queue of events totally ordered by (time, sequence number).
 *
 * Like SimPy's core it knows nothing of the models: `now`, `schedule`, `cancel`, `peek`, `step`, `run`. Events live in
 * typed slots (handler + data arrays, a free list and a generation counter per slot), so scheduling allocates no
 * object, and cancellation is O(1): the slot's handler is cleared and the heap entry is skipped when it surfaces.
 */
export class Engine {
  /** Current simulated time in µs. */
  now: Micros = 0;
  /** Number of events fired so far (cancelled ones excluded). */
  eventsProcessed = 0;

  private readonly heap = new EventHeap(4096);
  private handlers: (Handler<never> | null)[] = [];
  private data: unknown[] = [];
  private generations = new Uint32Array(4096);
  private freeSlots: number[] = [];
  private nextSeq = 0;
  private live = 0;
  private stopRequested = false;

  /** Number of events scheduled and not yet fired or cancelled. */
  get pending(): number {
    return this.live;
  }

  /** Schedules `handler(data)` after `delayUs` (a non-negative integer) and returns a cancellation handle. */
  schedule<T>(delayUs: Micros, handler: Handler<T>, data?: T): EventHandle {
    if (!(delayUs >= 0) || !Number.isInteger(delayUs)) {
      throw new RangeError(`event delay must be a non-negative integer number of µs, got ${delayUs}`);
    }
    return this.insert(this.now + delayUs, handler as Handler<never>, data);
  }

  /** Schedules `handler(data)` at absolute time `timeUs` (not in the past). */
  at<T>(timeUs: Micros, handler: Handler<T>, data?: T): EventHandle {
    if (!(timeUs >= this.now) || !Number.isInteger(timeUs)) {
      throw new RangeError(`event time must be an integer µs ≥ now (${this.now}), got ${timeUs}`);
    }
    return this.insert(timeUs, handler as Handler<never>, data);
  }

  /** Cancels a pending event; returns false if it already fired or was cancelled. O(1). */
  cancel(handle: EventHandle): boolean {
    const slot = handle % SLOT_BITS;
    const gen = (handle - slot) / SLOT_BITS;
    if (slot >= this.handlers.length || this.generations[slot] !== gen || this.handlers[slot] === null) return false;
    this.handlers[slot] = null;
    this.data[slot] = undefined;
    this.live--;
    return true;
  }

  /** Time of the next live event, or Infinity when none is pending. Drops cancelled entries on the way. */
  peek(): Micros {
    const heap = this.heap;
    while (heap.size > 0) {
      const slot = heap.peekSlot();
      if (this.handlers[slot] !== null) return heap.peekTime();
      heap.pop();
      this.release(slot);
    }
    return Infinity;
  }

  /** Makes the current `run` return after the event being handled (used for interrupts and hold-model benches). */
  stop(): void {
    this.stopRequested = true;
  }

  /** Fires the next event; returns false when the queue is empty. */
  step(): boolean {
    return this.runBatch(Infinity, 1) > 0;
  }

  /**
   * Fires events in order until the next one is later than `untilUs`, none is left, or `stop()` is called. When stopped
   * by the bound, the clock is advanced to `untilUs`. Returns the number of events fired.
   */
  run(untilUs: Micros = Infinity): number {
    let fired = 0;
    this.stopRequested = false;
    // Bounded inner calls keep the hot loop out of on-stack-replacement code (engine-performance.md).
    for (;;) {
      const n = this.runBatch(untilUs, BATCH);
      fired += n;
      if (n < BATCH || this.stopRequested) break;
    }
    if (this.stopRequested) return fired;
    if (untilUs !== Infinity && this.now < untilUs) this.now = untilUs;
    return fired;
  }

  private runBatch(untilUs: Micros, max: number): number {
    const heap = this.heap;
    const handlers = this.handlers;
    const data = this.data;
    let fired = 0;
    while (fired < max && heap.size > 0) {
      const t = heap.peekTime();
      if (t > untilUs) break;
      const slot = heap.pop();
      const handler = handlers[slot];
      const payload = data[slot];
      this.release(slot);
      if (handler === null || handler === undefined) continue;
      this.live--;
      this.now = t;
      fired++;
      (handler as Handler<unknown>)(payload);
      if (this.stopRequested) break;
    }
    this.eventsProcessed += fired;
    return fired;
  }

  private insert(time: Micros, handler: Handler<never>, data: unknown): EventHandle {
    let slot = this.freeSlots.pop();
    if (slot === undefined) {
      slot = this.handlers.length;
      if (slot >= SLOT_BITS) throw new RangeError('more than 2^24 events pending at once');
      this.handlers.push(handler);
      this.data.push(data);
      if (slot >= this.generations.length) {
        const g = new Uint32Array(this.generations.length * 2);
        g.set(this.generations);
        this.generations = g;
      }
    } else {
      this.handlers[slot] = handler;
      this.data[slot] = data;
    }
    this.heap.push(time, this.nextSeq++, slot);
    this.live++;
    return this.generations[slot]! * SLOT_BITS + slot;
  }

  private release(slot: number): void {
    this.handlers[slot] = null;
    this.data[slot] = undefined;
    // Generations wrap at 2^29 so handles stay below 2^53.
    this.generations[slot] = (this.generations[slot]! + 1) & 0x1fffffff;
    this.freeSlots.push(slot);
  }
}
