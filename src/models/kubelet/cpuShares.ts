/**
 * CPU contention on a node (the kernel's CFS with the cgroup weights the kubelet sets: cpu.shares ∝ the cpu request,
 * 2 for BestEffort pods, pkg/kubelet/cm/helpers_linux.go `MilliCPUToShares`; quota = the limit). Each running pod
 * wants `demand` milli-CPU (its own use, capped by its limit); when the node's pods want more than its cores, CFS
 * divides the cores by weight, work-conserving: weighted max–min fairness (a pod never gets more than it wants, what
 * it leaves goes to the others by weight). A run-to-completion pod carries a fixed amount of CPU work and ends when it
 * is done, so contention stretches it; a pod that runs until deleted only takes its share.
 * Nothing is rescheduled while the node is not contended: each run then ends exactly when it would alone.
 */
import type { Engine, EventHandle } from '../../engine/engine.js';
import type { Micros } from '../../engine/time.js';

/** MilliCPUToShares: 1024 per core, at least MinShares (2). */
export function cpuShares(requestMilli: number): number {
  return Math.max(2, Math.floor((requestMilli * 1024) / 1000));
}

/** Weighted max–min fair allocation of `capacity` among `demands` with `weights` (water-filling). */
export function fairShares(capacity: number, demands: readonly number[], weights: readonly number[]): number[] {
  const alloc = demands.map(() => 0);
  let left = capacity;
  let active = demands.map((_, i) => i).filter((i) => demands[i]! > 0);
  while (active.length > 0 && left > 1e-9) {
    const totalW = active.reduce((a, i) => a + weights[i]!, 0);
    // Pods whose remaining demand fits in their weighted slice are satisfied; the rest share what is left.
    const satisfied = active.filter((i) => demands[i]! - alloc[i]! <= (left * weights[i]!) / totalW);
    if (satisfied.length === 0) {
      for (const i of active) alloc[i]! += (left * weights[i]!) / totalW;
      break;
    }
    for (const i of satisfied) {
      left -= demands[i]! - alloc[i]!;
      alloc[i] = demands[i]!;
    }
    active = active.filter((i) => !satisfied.includes(i));
  }
  return alloc;
}

interface Entry {
  demand: number;
  weight: number;
  /** CPU work left (milli-CPU × µs); Infinity for a pod that runs until deleted. */
  work: number;
  rate: number;
  onDone: () => void;
  timer: EventHandle | undefined;
}

/** The CPU of one node. */
export class NodeCpu {
  private readonly entries = new Map<string, Entry>();
  private last: Micros = 0;

  constructor(
    private readonly engine: Engine,
    private readonly capacityMilli: number,
  ) {}

  /** A pod starts running: it wants `demand`, weighs `weight`, and ends after `durationUs` alone (undefined: never). */
  add(uid: string, demand: number, weight: number, durationUs: Micros | undefined, onDone: () => void): void {
    this.advance();
    const work = durationUs === undefined ? Infinity : durationUs * demand;
    this.entries.set(uid, { demand, weight, work, rate: demand, onDone, timer: undefined });
    this.allocate(uid);
  }

  /** A pod stops running (ended, killed, deleted). */
  remove(uid: string): void {
    const e = this.entries.get(uid);
    if (e === undefined) return;
    this.advance();
    if (e.timer !== undefined) this.engine.cancel(e.timer);
    this.entries.delete(uid);
    this.allocate(undefined);
  }

  /** The milli-CPU a pod gets now (tests, metrics). */
  rateOf(uid: string): number | undefined {
    return this.entries.get(uid)?.rate;
  }

  private advance(): void {
    const now = this.engine.now;
    const dt = now - this.last;
    if (dt > 0) for (const e of this.entries.values()) if (e.work !== Infinity) e.work = Math.max(0, e.work - e.rate * dt);
    this.last = now;
  }

  /** Recomputes the shares; reschedules the runs whose rate changed (and the newcomer's). */
  private allocate(added: string | undefined): void {
    const uids = [...this.entries.keys()];
    const list = uids.map((u) => this.entries.get(u)!);
    const total = list.reduce((a, e) => a + e.demand, 0);
    const rates = total <= this.capacityMilli ? list.map((e) => e.demand) : fairShares(this.capacityMilli, list.map((e) => e.demand), list.map((e) => e.weight));
    uids.forEach((uid, k) => {
      const e = list[k]!;
      const rate = rates[k]!;
      if (rate === e.rate && uid !== added) return;
      e.rate = rate;
      if (e.timer !== undefined) this.engine.cancel(e.timer);
      e.timer = undefined;
      if (e.work === Infinity) return;
      const left = e.rate > 0 ? Math.ceil(e.work / e.rate) : Infinity;
      if (left === Infinity) return;
      e.timer = this.engine.schedule(left, () => {
        e.timer = undefined;
        this.advance();
        this.entries.delete(uid);
        this.allocate(undefined);
        e.onDone();
      });
    });
  }
}
