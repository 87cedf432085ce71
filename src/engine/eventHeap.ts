/**
 * Binary min-heap of event keys `(time, seq, slot)` held in typed arrays.
 *
 * Invariants (as ns-3's scheduler documents them): keys are compared by time, then by seq; seq is unique per
 * scheduled event, so no two entries compare equal and the pop order is a total order independent of the heap's
 * shape. `slot` is an opaque payload index owned by the caller. Keeping keys in Float64Arrays instead of one object
 * per event is what makes the queue fast (see reference/engine-performance.md: ~4–5× over an object heap).
 */
export class EventHeap {
  private times: Float64Array;
  private seqs: Float64Array;
  private slots: Int32Array;
  private count = 0;

  constructor(initialCapacity = 1024) {
    const cap = Math.max(16, initialCapacity);
    this.times = new Float64Array(cap);
    this.seqs = new Float64Array(cap);
    this.slots = new Int32Array(cap);
  }

  /** Number of entries in the heap. */
  get size(): number {
    return this.count;
  }

  /** Time of the minimum entry; only valid when size > 0. */
  peekTime(): number {
    return this.times[0]!;
  }

  /** Slot of the minimum entry; only valid when size > 0. */
  peekSlot(): number {
    return this.slots[0]!;
  }

  /** Inserts an entry. */
  push(time: number, seq: number, slot: number): void {
    if (this.count === this.times.length) this.grow();
    const times = this.times;
    const seqs = this.seqs;
    const slots = this.slots;
    let i = this.count++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = times[parent]!;
      if (pt < time || (pt === time && seqs[parent]! < seq)) break;
      times[i] = pt;
      seqs[i] = seqs[parent]!;
      slots[i] = slots[parent]!;
      i = parent;
    }
    times[i] = time;
    seqs[i] = seq;
    slots[i] = slot;
  }

  /** Removes the minimum entry and returns its slot; only valid when size > 0. */
  pop(): number {
    const times = this.times;
    const seqs = this.seqs;
    const slots = this.slots;
    const top = slots[0]!;
    const n = --this.count;
    if (n === 0) return top;
    const time = times[n]!;
    const seq = seqs[n]!;
    const slot = slots[n]!;
    let i = 0;
    const half = n >> 1;
    while (i < half) {
      let child = 2 * i + 1;
      let ct = times[child]!;
      let cs = seqs[child]!;
      const right = child + 1;
      if (right < n) {
        const rt = times[right]!;
        if (rt < ct || (rt === ct && seqs[right]! < cs)) {
          child = right;
          ct = rt;
          cs = seqs[right]!;
        }
      }
      if (time < ct || (time === ct && seq < cs)) break;
      times[i] = ct;
      seqs[i] = cs;
      slots[i] = slots[child]!;
      i = child;
    }
    times[i] = time;
    seqs[i] = seq;
    slots[i] = slot;
    return top;
  }

  private grow(): void {
    const cap = this.times.length * 2;
    const t = new Float64Array(cap);
    t.set(this.times);
    const s = new Float64Array(cap);
    s.set(this.seqs);
    const sl = new Int32Array(cap);
    sl.set(this.slots);
    this.times = t;
    this.seqs = s;
    this.slots = sl;
  }
}
