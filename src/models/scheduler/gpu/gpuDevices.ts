/**
 * The GPUs of one node as the scheduler accounts them (a node with allocatable `nvidia.com/gpu: N` has N GPUs of
 * its `nvidia.com/gpu.product` model): the free share of each GPU in milli-GPU and which GPUs each pod holds.
 *
 * Within-node GPU choice rules of GPU-sharing schedulers (Open-GPU-Share, as the FGD paper's artefact uses them):
 * - `best`: a sharing pod goes to the GPU with the least free share that still fits (lowest index on ties); a pod
 *   of whole GPUs takes the lowest-index fully free GPUs;
 * - `random`: a sharing pod goes to a uniformly random fitting GPU; whole GPUs as `best`.
 */
import type { Rng } from '../../../engine/rng.js';
import { acceptsModel, GPU_MILLI, type GpuRequest } from '../../../cluster/gpuRequest.js';

/** One pod's GPUs: their indices and the share taken on each. */
interface Holding {
  indices: number[];
  milli: number;
}

/** Per-node GPU state. */
export class GpuDevices {
  /** Free share of each GPU (milli-GPU, 1000 = whole; may go negative only for pods bound past the check). */
  readonly free: Int32Array;
  private readonly held = new Map<string, Holding>();
  /** Σ free over the GPUs. */
  freeTotal: number;

  constructor(
    readonly model: string,
    readonly count: number,
  ) {
    this.free = new Int32Array(count).fill(GPU_MILLI);
    this.freeTotal = count * GPU_MILLI;
  }

  /** Whether the pod's GPU demand fits: an accepted model and at least `count` GPUs with `milli` free each. */
  fits(req: GpuRequest): boolean {
    if (!acceptsModel(req, this.model)) return false;
    let n = 0;
    for (let g = 0; g < this.count; g++) if (this.free[g]! >= req.milli && ++n >= req.count) return true;
    return false;
  }

  /** The `best` rule's GPUs for a request that fits, or undefined when it does not fit. */
  chooseBest(req: GpuRequest): number[] | undefined {
    if (req.count === 1 && req.milli < GPU_MILLI) {
      let best = -1;
      for (let g = 0; g < this.count; g++) {
        const f = this.free[g]!;
        if (f >= req.milli && (best < 0 || f < this.free[best]!)) best = g;
      }
      return best < 0 ? undefined : [best];
    }
    return this.lowestFitting(req);
  }

  /** The `random` rule: a uniformly random fitting GPU for a sharing pod (one draw), whole GPUs as `best`. */
  chooseRandom(req: GpuRequest, rng: Rng): number[] | undefined {
    if (req.count === 1 && req.milli < GPU_MILLI) {
      const fitting: number[] = [];
      for (let g = 0; g < this.count; g++) if (this.free[g]! >= req.milli) fitting.push(g);
      return fitting.length === 0 ? undefined : [fitting[rng.int(fitting.length)]!];
    }
    return this.lowestFitting(req);
  }

  /** The `count` lowest-index GPUs with `milli` free, or undefined. */
  lowestFitting(req: GpuRequest): number[] | undefined {
    const out: number[] = [];
    for (let g = 0; g < this.count && out.length < req.count; g++) if (this.free[g]! >= req.milli) out.push(g);
    return out.length === req.count ? out : undefined;
  }

  /**
   * Gives a pod its GPUs: `indices` when given, else the `best` rule's; a pod that does not fit (bound past the
   * scheduler's check) takes the GPUs with the most free share, which may go negative.
   */
  allocate(uid: string, req: GpuRequest, indices?: readonly number[]): void {
    this.release(uid);
    const idx = indices !== undefined ? [...indices] : (this.chooseBest(req) ?? this.mostFree(req.count));
    for (const g of idx) this.free[g]! -= req.milli;
    this.freeTotal -= req.milli * idx.length;
    this.held.set(uid, { indices: idx, milli: req.milli });
  }

  /** Returns a pod's GPUs. */
  release(uid: string): void {
    const h = this.held.get(uid);
    if (h === undefined) return;
    this.held.delete(uid);
    for (const g of h.indices) this.free[g]! += h.milli;
    this.freeTotal += h.milli * h.indices.length;
  }

  /** The GPUs a pod holds (empty when none). */
  indicesOf(uid: string): readonly number[] {
    return this.held.get(uid)?.indices ?? [];
  }

  /** Copies another node's GPU state (same model and count), holders included. */
  copyFrom(other: GpuDevices): void {
    this.free.set(other.free);
    this.freeTotal = other.freeTotal;
    this.held.clear();
    for (const [uid, h] of other.held) this.held.set(uid, { indices: [...h.indices], milli: h.milli });
  }

  private mostFree(count: number): number[] {
    const order = [...this.free.keys()].sort((a, b) => this.free[b]! - this.free[a]! || a - b);
    return order.slice(0, Math.min(count, this.count));
  }
}
