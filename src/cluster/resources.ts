import { CPU, EPHEMERAL_STORAGE, MEMORY, PODS } from './quantity.js';

/**
 * A resource list as kubesim stores it: resource name → amount (milli-CPU for cpu, bytes for memory and storage,
 * counts for pods and extended resources). Parsed once at load; models never see quantity text.
 */
export type ResourceList = Record<string, number>;

/** The requests kube-scheduler assumes for a container with none, when scoring only (pkg/scheduler/util/pod_resources.go). */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
/** 200 MB: `DefaultMemoryRequest` in pkg/scheduler/util/pod_resources.go. */
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

/** Adds `b` into `a` (a += b) for every resource of b. */
export function addInto(a: ResourceList, b: ResourceList): void {
  for (const k in b) a[k] = (a[k] ?? 0) + b[k]!;
}

/** Subtracts `b` from `a` (a -= b) for every resource of b. */
export function subtractInto(a: ResourceList, b: ResourceList): void {
  for (const k in b) a[k] = (a[k] ?? 0) - b[k]!;
}

/** Element-wise maximum into `a`. */
export function maxInto(a: ResourceList, b: ResourceList): void {
  for (const k in b) if ((a[k] ?? 0) < b[k]!) a[k] = b[k]!;
}

export { CPU, EPHEMERAL_STORAGE, MEMORY, PODS };
