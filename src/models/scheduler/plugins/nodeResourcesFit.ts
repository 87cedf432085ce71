/**
 * NodeResourcesFit (pkg/scheduler/framework/plugins/noderesources/fit.go, least_allocated.go).
 *
 * Filter (`fitsRequest`): "Too many pods" when the node already has `allocatable.pods` pods; then, for a pod that
 * requests anything, "Insufficient <resource>" for every resource whose request exceeds allocatable − requested
 * (cpu, memory, ephemeral-storage, extended). The status is Unschedulable, or UnschedulableAndUnresolvable when some
 * request exceeds the node's allocatable itself (`InsufficientResource.Unresolvable`: no preemption on that node can
 * make room, so DefaultPreemption does not try it).
 *
 * Score, LeastAllocated strategy (the default, resources cpu and memory with weight 1): per resource
 * (allocatable − requested) × 100 / allocatable in integer arithmetic (0 if over-requested), where requested is the
 * node's NonZeroRequested plus the pod's non-zero request; the node score is Σ score·weight / Σ weight over
 * resources with allocatable > 0. MostAllocated (most_allocated.go) scores requested × 100 / allocatable instead.
 * RequestedToCapacityRatio (requested_to_capacity_ratio.go) maps utilisation through a piecewise linear shape.
 * Args `ignoredResources` / `ignoredResourceGroups` make the filter skip those extended resources.
 */
import { CPU, MEMORY } from '../../../cluster/resources.js';
import { allocatableAndRequested } from './helpers/resourceAllocation.js';
import type { FilterPlugin, ScorePlugin } from '../framework/interfaces.js';
import { MAX_NODE_SCORE } from '../framework/interfaces.js';
import { Code, status, type Status, type StatusOrSuccess } from '../framework/status.js';
import type { NodeInfo } from '../nodeInfo.js';
import type { PodInfo } from '../podInfo.js';

export const NODE_RESOURCES_FIT = 'NodeResourcesFit';

/** A resource and its weight in scoring (config.ResourceSpec). */
export interface ResourceSpec {
  name: string;
  weight: number;
}

/** Default scoring resources: cpu and memory, weight 1 each (pkg/scheduler/apis/config/v1/defaults.go). */
export const DEFAULT_RESOURCES: ResourceSpec[] = [
  { name: CPU, weight: 1 },
  { name: MEMORY, weight: 1 },
];

/** The resources a pod does not fit on a node (empty when it fits). Reasons in upstream's order. */
export function insufficientResources(pod: PodInfo, node: NodeInfo, ignores?: (name: string) => boolean): string[] {
  const out: string[] = [];
  if (node.pods.size + 1 > node.allowedPodNumber) out.push('Too many pods');
  const r = pod.requests;
  if (r.milliCPU === 0 && r.memory === 0 && r.ephemeralStorage === 0 && r.scalar.length === 0) return out;
  if (r.milliCPU > 0 && r.milliCPU > node.allocMilliCPU - node.reqMilliCPU) out.push('Insufficient cpu');
  if (r.memory > 0 && r.memory > node.allocMemory - node.reqMemory) out.push('Insufficient memory');
  if (r.ephemeralStorage > 0 && r.ephemeralStorage > node.allocEphemeralStorage - node.reqEphemeralStorage) out.push('Insufficient ephemeral-storage');
  for (const [name, q] of r.scalar) {
    if (q === 0 || (ignores !== undefined && ignores(name))) continue;
    if (q > (node.allocScalar[name] ?? 0) - (node.reqScalar[name] ?? 0)) out.push(`Insufficient ${name}`);
  }
  return out;
}

/**
 * Whether a failing request exceeds the node's allocatable itself (fit.go `Unresolvable`: request > allocatable for
 * cpu, memory, ephemeral-storage and extended resources; "Too many pods" never is).
 */
export function beyondAllocatable(pod: PodInfo, node: NodeInfo, ignores?: (name: string) => boolean): boolean {
  const r = pod.requests;
  if (r.milliCPU > node.allocMilliCPU || r.memory > node.allocMemory || r.ephemeralStorage > node.allocEphemeralStorage) return true;
  for (const [name, q] of r.scalar) {
    if (q === 0 || (ignores !== undefined && ignores(name))) continue;
    if (q > (node.allocScalar[name] ?? 0)) return true;
  }
  return false;
}

/** Fast fit check with no allocation (the common case); falls back to the full reasons on failure. */
function fits(pod: PodInfo, node: NodeInfo): boolean {
  if (node.podCount + 1 > node.allowedPodNumber) return false;
  const r = pod.requests;
  if (r.milliCPU > 0 && r.milliCPU > node.allocMilliCPU - node.reqMilliCPU) return false;
  if (r.memory > 0 && r.memory > node.allocMemory - node.reqMemory) return false;
  if (r.ephemeralStorage > 0 && r.ephemeralStorage > node.allocEphemeralStorage - node.reqEphemeralStorage) return false;
  for (const [name, q] of r.scalar) if (q > 0 && q > (node.allocScalar[name] ?? 0) - (node.reqScalar[name] ?? 0)) return false;
  return true;
}

/**
 * `mostRequestedScore` (most_allocated.go): requested × MaxNodeScore / capacity, integer, with requested capped at
 * capacity (pods without requests count their non-zero defaults and may push it over).
 */
export function mostRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0) return 0;
  return Math.trunc((Math.min(requested, capacity) * MAX_NODE_SCORE) / capacity);
}

/** `leastRequestedScore`: (capacity − requested) × MaxNodeScore / capacity, integer; 0 when over capacity. */
export function leastRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

/**
 * Failure statuses are values: the same reasons give the same (frozen) Status object, so an infeasible pod scanned
 * against thousands of nodes allocates no Status per node.
 */
const statusCache = new Map<string, Status>();
function unschedulable(reasons: string[], unresolvable: boolean): Status {
  const key = `${unresolvable ? 'U' : 'u'}${reasons.join('\u0000')}`;
  let s = statusCache.get(key);
  if (s === undefined) {
    s = Object.freeze(status(unresolvable ? Code.UnschedulableAndUnresolvable : Code.Unschedulable, ...reasons));
    statusCache.set(key, s);
  }
  return s;
}

/** Statuses of failures on pods/cpu/memory/ephemeral-storage only, by bit mask (and twice that for Unresolvable). */
const byMask: (Status | undefined)[] = [];
/** Statuses of failures including extended resources, per requests object (shared by a spec's pods), by bit mask. */
const byRequests = new WeakMap<PodInfo['requests'], (Status | undefined)[]>();
const byRequestsUnresolvable = new WeakMap<PodInfo['requests'], (Status | undefined)[]>();

/**
 * The failing resources as a bit mask (no allocation): bits 0–3 pods, cpu, memory, ephemeral-storage, bit 4 + i the
 * pod's i-th extended resource; −1 when the pod has more extended resources than the mask holds.
 */
function failures(pod: PodInfo, node: NodeInfo): number {
  const r = pod.requests;
  let mask = node.pods.size + 1 > node.allowedPodNumber ? 1 : 0;
  if (r.milliCPU === 0 && r.memory === 0 && r.ephemeralStorage === 0 && r.scalar.length === 0) return mask;
  if (r.milliCPU > 0 && r.milliCPU > node.allocMilliCPU - node.reqMilliCPU) mask |= 2;
  if (r.memory > 0 && r.memory > node.allocMemory - node.reqMemory) mask |= 4;
  if (r.ephemeralStorage > 0 && r.ephemeralStorage > node.allocEphemeralStorage - node.reqEphemeralStorage) mask |= 8;
  if (r.scalar.length > 24) return -1;
  for (let i = 0; i < r.scalar.length; i++) {
    const [name, q] = r.scalar[i]!;
    if (q > 0 && q > (node.allocScalar[name] ?? 0) - (node.reqScalar[name] ?? 0)) mask |= 16 << i;
  }
  return mask;
}

/** The status of a fit failure, shared by every node failing the same way. */
function failureStatus(pod: PodInfo, node: NodeInfo): Status {
  const mask = failures(pod, node);
  const beyond = beyondAllocatable(pod, node);
  if (mask < 0) return unschedulable(insufficientResources(pod, node), beyond);
  if (mask < 16) return (byMask[beyond ? mask + 16 : mask] ??= unschedulable(insufficientResources(pod, node), beyond));
  const lists = beyond ? byRequestsUnresolvable : byRequests;
  let list = lists.get(pod.requests);
  if (list === undefined) lists.set(pod.requests, (list = []));
  return (list[mask] ??= unschedulable(insufficientResources(pod, node), beyond));
}

/** Scoring strategies (config.ScoringStrategyType). */
export type ScoringStrategyType = 'LeastAllocated' | 'MostAllocated' | 'RequestedToCapacityRatio';

/** One point of a RequestedToCapacityRatio shape: utilization 0–100 → score 0–10 (config.UtilizationShapePoint). */
export interface UtilizationShapePoint {
  utilization: number;
  score: number;
}

/** config.MaxCustomPriorityScore: shape scores are 0–10 and scaled by MaxNodeScore / 10. */
export const MAX_CUSTOM_PRIORITY_SCORE = 10;

/**
 * helper.BuildBrokenLinearFunction (pkg/scheduler/framework/plugins/helper/shape_score.go): piecewise linear through
 * the shape's points, flat before the first and after the last, with Go's truncating integer division.
 */
export function brokenLinear(shape: readonly UtilizationShapePoint[]): (p: number) => number {
  return (p) => {
    for (let i = 0; i < shape.length; i++) {
      const cur = shape[i]!;
      if (p <= cur.utilization) {
        if (i === 0) return cur.score;
        const prev = shape[i - 1]!;
        return prev.score + Math.trunc(((cur.score - prev.score) * (p - prev.utilization)) / (cur.utilization - prev.utilization));
      }
    }
    return shape[shape.length - 1]!.score;
  };
}

/**
 * requested_to_capacity_ratio.go `buildRequestedToCapacityRatioScorerFunction`: per resource the shape at
 * requested × 100 / capacity (at 100 when capacity is 0 or over-requested); resources scoring 0 are left out of the
 * weighted mean, which is rounded to the nearest integer.
 */
export function requestedToCapacityRatioScorer(shape: readonly UtilizationShapePoint[]): (requested: number, capacity: number) => number {
  const scaled = shape.map((p) => ({ utilization: p.utilization, score: p.score * (MAX_NODE_SCORE / MAX_CUSTOM_PRIORITY_SCORE) }));
  const f = brokenLinear(scaled);
  return (requested, capacity) => (capacity === 0 || requested > capacity ? f(100) : f(Math.trunc((requested * 100) / capacity)));
}

/** NodeResourcesFitArgs. */
export interface NodeResourcesFitArgs {
  scoringStrategy?: { type?: ScoringStrategyType; resources?: ResourceSpec[]; requestedToCapacityRatio?: { shape: UtilizationShapePoint[] } };
  /** Extended resources the filter ignores. */
  ignoredResources?: string[];
  /** Groups (prefixes before "/") of extended resources the filter ignores. */
  ignoredResourceGroups?: string[];
}

/** Checks NodeResourcesFitArgs like upstream's validation (pkg/scheduler/apis/config/validation); returns problems. */
export function validateNodeResourcesFitArgs(args: NodeResourcesFitArgs): string[] {
  const out: string[] = [];
  const st = args.scoringStrategy;
  if (st === undefined) return out;
  if (st.type !== undefined && !['LeastAllocated', 'MostAllocated', 'RequestedToCapacityRatio'].includes(st.type)) out.push(`scoringStrategy.type: unsupported "${st.type}" (expected LeastAllocated, MostAllocated or RequestedToCapacityRatio)`);
  for (const [i, r] of (st.resources ?? []).entries()) if (!(r.weight >= 1 && r.weight <= 100)) out.push(`scoringStrategy.resources[${i}].weight: expected 1–100`);
  if (st.type === 'RequestedToCapacityRatio') {
    const shape = st.requestedToCapacityRatio?.shape ?? [];
    if (shape.length === 0) out.push('scoringStrategy.requestedToCapacityRatio.shape: at least one point is required');
    shape.forEach((p, i) => {
      if (!(p.utilization >= 0 && p.utilization <= 100)) out.push(`scoringStrategy.requestedToCapacityRatio.shape[${i}].utilization: expected 0–100`);
      if (!(p.score >= 0 && p.score <= MAX_CUSTOM_PRIORITY_SCORE)) out.push(`scoringStrategy.requestedToCapacityRatio.shape[${i}].score: expected 0–10`);
      if (i > 0 && p.utilization <= shape[i - 1]!.utilization) out.push(`scoringStrategy.requestedToCapacityRatio.shape[${i}].utilization: expected values in increasing order`);
    });
  }
  return out;
}

/**
 * Creates the plugin (args: NodeResourcesFitArgs; default LeastAllocated on cpu and memory with weight 1).
 */
export function nodeResourcesFit(rawArgs?: Record<string, unknown>): FilterPlugin & ScorePlugin {
  const args = (rawArgs ?? {}) as NodeResourcesFitArgs;
  const problems = validateNodeResourcesFitArgs(args);
  if (problems.length > 0) throw new Error(`NodeResourcesFit args: ${problems.join('; ')}`);
  const strategy = args.scoringStrategy ?? {};
  const resources = strategy.resources ?? DEFAULT_RESOURCES;
  const type = strategy.type ?? 'LeastAllocated';
  const ratio = type === 'RequestedToCapacityRatio';
  const scorer = type === 'MostAllocated' ? mostRequestedScore : ratio ? requestedToCapacityRatioScorer(strategy.requestedToCapacityRatio!.shape) : leastRequestedScore;
  const isDefault = !ratio && resources.length === 2 && resources[0]!.name === CPU && resources[1]!.name === MEMORY;
  const cpuWeight = resources[0]?.weight ?? 0;
  const memoryWeight = resources[1]?.weight ?? 0;
  const ignored = new Set(args.ignoredResources ?? []);
  const ignoredGroups = new Set(args.ignoredResourceGroups ?? []);
  const ignores = ignored.size > 0 || ignoredGroups.size > 0 ? (name: string) => ignored.has(name) || ignoredGroups.has(name.split('/')[0]!) : undefined;
  return {
    name: NODE_RESOURCES_FIT,
    events: ['NodeAdd', 'NodeUpdate', 'AssignedPodDelete'],
    filter(_state, pod, node): StatusOrSuccess {
      if (ignores !== undefined) {
        const reasons = insufficientResources(pod, node, ignores);
        return reasons.length === 0 ? null : unschedulable(reasons, beyondAllocatable(pod, node, ignores));
      }
      if (fits(pod, node)) return null;
      return failureStatus(pod, node);
    },
    score(_state, pod, node) {
      return isDefault ? cpuMemoryScore(pod, node) : resourcesScore(pod, node);
    },
    scoreAll(_state, pod, nodes, out) {
      if (isDefault) for (let i = 0; i < nodes.length; i++) out[i] = cpuMemoryScore(pod, nodes[i]!);
      else for (let i = 0; i < nodes.length; i++) out[i] = resourcesScore(pod, nodes[i]!);
    },
  };

  /** The default resources (cpu and memory), inline: the hot path. */
  function cpuMemoryScore(pod: PodInfo, node: NodeInfo): number {
    let total = 0;
    let wsum = 0;
    if (node.allocMilliCPU > 0) {
      total += scorer(node.nonZeroMilliCPU + pod.nonZeroMilliCPU, node.allocMilliCPU) * cpuWeight;
      wsum += cpuWeight;
    }
    if (node.allocMemory > 0) {
      total += scorer(node.nonZeroMemory + pod.nonZeroMemory, node.allocMemory) * memoryWeight;
      wsum += memoryWeight;
    }
    return wsum === 0 ? 0 : Math.trunc(total / wsum);
  }

  /** Any configured resources and strategy (per resource through allocatableAndRequested). */
  function resourcesScore(pod: PodInfo, node: NodeInfo): number {
    let total = 0;
    let wsum = 0;
    for (const r of resources) {
      const [alloc, req] = allocatableAndRequested(pod, node, r.name, false);
      if (alloc === 0) continue;
      const s = scorer(req, alloc);
      if (ratio && s <= 0) continue; // RequestedToCapacityRatio counts only resources that score > 0
      total += s * r.weight;
      wsum += r.weight;
    }
    if (wsum === 0) return 0;
    return ratio ? Math.round(total / wsum) : Math.trunc(total / wsum);
  }
}
