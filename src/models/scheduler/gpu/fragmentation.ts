/**
 * GPU fragmentation as the FGD paper measures it (Weng et al., "Beware of Fragmentation", USENIX ATC'23; the
 * artefact's pkg/utils/frag.go, summarised in reference/fgd-policies.md §3).
 *
 * The workload is described by its "typical pods" M: the pod specs (cpu, per-GPU share, GPU count, allowed models)
 * most frequent in the trace, taken by decreasing count until they cover 95 % of the pods, their frequencies p_m
 * renormalised to sum 1. For node n with free cpu c_n and free share R_g on each GPU g:
 * - F_n(m) = Σ_g R_g when m asks for no GPU, or m does not accept n's GPU model, or c_n < c_m, or fewer than k_m GPUs
 *   have R_g ≥ d_m (m cannot run on n at all: all its free GPU share is fragmented for m);
 * - otherwise F_n(m) = Σ_g R_g · 1[R_g < d_m] (the GPUs too small for m), with d_m the per-GPU share (1000 whole).
 * F_n(M) = Σ_m p_m F_n(m); the cluster's F is Σ_n F_n(M) and its fragmentation rate F / Σ_n Σ_g R_g. Memory is not
 * part of the measure.
 */
import { acceptsModel, type GpuRequest } from '../../../cluster/gpuRequest.js';

/** One typical pod: its demand and its probability. */
export interface TypicalPod {
  cpu: number;
  /** GPU demand; undefined for a CPU-only pod. */
  gpu: GpuRequest | undefined;
  p: number;
}

/** The share of pods the typical pods cover (frag.go's 95 % cut). */
export const TYPICAL_COVERAGE = 0.95;

/** A pod's spec as the measure counts it. */
export interface PodShape {
  cpu: number;
  gpu: GpuRequest | undefined;
}

/** The identity of a shape (cpu, per-GPU share, GPU count, models). */
export function shapeKey(s: PodShape): string {
  const g = s.gpu;
  return g === undefined ? `${s.cpu}|0|0|` : `${s.cpu}|${g.milli}|${g.count}|${g.models?.join('|') ?? ''}`;
}

/**
 * The typical pods of a workload: shapes by decreasing count (ties by first appearance), until the cumulative share
 * reaches `coverage`, renormalised.
 */
export function typicalPods(pods: Iterable<PodShape>, coverage = TYPICAL_COVERAGE): TypicalPod[] {
  const counts = new Map<string, { shape: PodShape; n: number }>();
  let total = 0;
  for (const s of pods) {
    const k = shapeKey(s);
    const c = counts.get(k);
    if (c === undefined) counts.set(k, { shape: s, n: 1 });
    else c.n++;
    total++;
  }
  if (total === 0) return [];
  // Stable sort: equal counts keep first-appearance order.
  const sorted = [...counts.values()].sort((a, b) => b.n - a.n);
  const kept: { shape: PodShape; n: number }[] = [];
  let covered = 0;
  for (const c of sorted) {
    kept.push(c);
    covered += c.n;
    if (covered / total >= coverage) break;
  }
  return kept.map((c) => ({ cpu: c.shape.cpu, gpu: c.shape.gpu, p: c.n / covered }));
}

/** F_n(m) for one typical pod on a node state (free cpu, model, free share per GPU). */
export function podFrag(m: TypicalPod, cpuFree: number, model: string, free: ArrayLike<number>, count: number): number {
  let sum = 0;
  for (let g = 0; g < count; g++) sum += Math.max(0, free[g]!);
  const d = m.gpu;
  if (d === undefined || !acceptsModel(d, model) || cpuFree < m.cpu) return sum;
  let fitting = 0;
  let small = 0;
  for (let g = 0; g < count; g++) {
    const r = Math.max(0, free[g]!);
    if (r >= d.milli) fitting++;
    else small += r;
  }
  return fitting < d.count ? sum : small;
}

/** F_n(M): the node's expected fragmented GPU share (milli-GPU) for the typical pods. */
export function nodeFrag(typical: readonly TypicalPod[], cpuFree: number, model: string, free: ArrayLike<number>, count: number): number {
  let f = 0;
  for (const m of typical) f += m.p * podFrag(m, cpuFree, model, free, count);
  return f;
}

