/**
 * Memory as a resource kubesim manages. Every run (`kubesim run`, each sweep or capacity run) executes in a worker
 * thread with a V8 heap limit, its budget; a run that reaches it is stopped by V8 and reported as failed in one line
 * (the process itself survives). Before anything runs, the scenario's peak heap is estimated from its object counts
 * and a scenario whose estimate exceeds the budget is refused with both figures.
 *
 * The budget is three quarters of the machine's memory (or of the cgroup limit, when lower), shared by the workers:
 * the rest is for the main thread, the workers' young generations, code and the OS. `--max-memory` sets it per run.
 */
import { totalmem } from 'node:os';
import type { Deployment, KubeObject, StatefulSet, ReplicaSet, Job } from '../cluster/types.js';
import type { Scenario } from '../workload/scenario.js';
import { InputError } from '../workload/errors.js';
import { MEMORY, resourceAmount } from '../cluster/quantity.js';

const MiB = 1024 * 1024;

/** Share of the machine's memory the runs' heaps may use together. */
const MACHINE_SHARE = 0.75;
/** Smallest heap a run is given (a smaller budget fails every scenario at start-up). */
export const MIN_BUDGET_MB = 256;

/** The memory this process may use: the machine's, or the cgroup's limit when that is lower. */
export function machineMemoryBytes(): number {
  const total = totalmem();
  const limit = process.constrainedMemory?.() ?? 0;
  // constrainedMemory() is 0 (or a huge number) when no limit applies.
  return limit > 0 && limit < total ? limit : total;
}

/** The heap budget of one run in MiB: `--max-memory` when given, else the machine's share split over `workers`. */
export function heapBudgetMb(workers: number, maxMemory?: string): number {
  if (maxMemory !== undefined) {
    const bytes = parseMaxMemory(maxMemory);
    return Math.max(MIN_BUDGET_MB, Math.floor(bytes / MiB));
  }
  return Math.max(MIN_BUDGET_MB, Math.floor((machineMemoryBytes() * MACHINE_SHARE) / Math.max(1, workers) / MiB));
}

/** Parses `--max-memory` (a Kubernetes quantity such as 8Gi or 4096Mi, or bytes). */
export function parseMaxMemory(text: string): number {
  let bytes: number | undefined;
  try {
    bytes = /^\d+$/.test(text) ? Number(text) : resourceAmount(MEMORY, text);
  } catch {
    bytes = undefined;
  }
  if (bytes === undefined || !Number.isFinite(bytes) || bytes < MIN_BUDGET_MB * MiB) {
    throw new InputError(`--max-memory: expected a size of at least ${MIN_BUDGET_MB}Mi such as 4Gi or 8192Mi, found "${text}"`);
  }
  return bytes;
}

/**
 * Heap bytes per simulated object, measured on this repository's scale scenarios with Node 20 (peak RSS, which
 * bounds the heap from above): bench/scale-5k.yaml (5,000 nodes, ~54,000 pods) 792 MiB; bench/proxy-10k.yaml (10,000
 * Services × 10 endpoints, 5,000 nodes) 1,530 MiB; proxy-modes' 30,000-Service cell (300,000 pods) 3,724 MiB. Pods
 * carry their ReplicaSet's share, their endpoint and their proxy rules; a Service its slice and its rules in every
 * simulated kube-proxy. An estimate, rounded up: it refuses scenarios that cannot fit, it does not predict to the MiB.
 */
export const HEAP_COST = {
  baseBytes: 200 * MiB,
  perNodeBytes: 40 * 1024,
  perPodBytes: 12 * 1024,
  perServiceBytes: 16 * 1024,
  /** Jobs of a stream, pods of a trace: created over the run and mostly gone again; a pod record stays in pods.csv's tracker. */
  perTransientPodBytes: 2 * 1024,
};

/** The counts the estimate is made from. */
export interface MemoryEstimate {
  nodes: number;
  pods: number;
  transientPods: number;
  services: number;
  bytes: number;
}

function replicasOf(o: KubeObject): number {
  switch (o.kind) {
    case 'Deployment':
    case 'StatefulSet':
    case 'ReplicaSet':
      return (o as Deployment | StatefulSet | ReplicaSet).spec.replicas ?? 1;
    case 'Job':
      return (o as Job).spec.parallelism ?? 1;
    case 'Pod':
      return 1;
    default:
      return 0;
  }
}

/** Estimates a scenario's peak heap from its object counts. */
export function estimateMemory(s: Scenario): MemoryEstimate {
  let nodes = 0;
  for (const p of s.nodePools) nodes += Math.max(p.count, p.autoscaling?.max ?? 0);
  let pods = 0;
  let services = 0;
  let daemonSets = 0;
  for (const o of s.objects) {
    if (o.kind === 'Node') nodes++;
    else if (o.kind === 'Service') services++;
    else if (o.kind === 'DaemonSet') daemonSets++;
    else pods += replicasOf(o);
  }
  pods += daemonSets * nodes;
  let transientPods = 0;
  for (const w of s.workloads) {
    if (w.kind === 'Pods') pods += w.count;
    else if (w.kind === 'PoissonJobs') transientPods += Math.min(w.maxJobs, (w.ratePerSecond * Math.max(0, w.stopUs - w.startUs)) / 1e6) * (w.template.spec.completions ?? w.template.spec.parallelism ?? 1);
    else transientPods += w.pods.length;
  }
  const c = HEAP_COST;
  const bytes = c.baseBytes + nodes * c.perNodeBytes + pods * c.perPodBytes + services * c.perServiceBytes + transientPods * c.perTransientPodBytes;
  return { nodes, pods, transientPods: Math.round(transientPods), services, bytes };
}

/** Refuses a scenario whose estimated peak heap exceeds the budget (InputError naming both). */
export function checkMemory(s: Scenario, budgetMb: number, what = s.file ?? s.name): void {
  const e = estimateMemory(s);
  const mb = Math.ceil(e.bytes / MiB);
  if (mb <= budgetMb) return;
  throw new InputError(
    `${what}: the run would need about ${mb.toLocaleString('en-US')} MiB of memory (${e.nodes} nodes, ${e.pods} pods, ${e.services} Services` +
      `${e.transientPods > 0 ? `, ${e.transientPods} pods over time` : ''}); its budget is ${budgetMb.toLocaleString('en-US')} MiB ` +
      `(--max-memory sets it; --no-memory-check tries anyway)`,
  );
}

/** The one line of a run stopped at its heap budget. */
export function outOfMemoryMessage(budgetMb: number, inSweep: boolean): string {
  return `ran out of memory: the run's heap reached its budget of ${budgetMb.toLocaleString('en-US')} MiB (--max-memory raises it${inSweep ? '; fewer --workers give each run more' : ''})`;
}

/** Whether a worker error is V8 stopping the worker at its heap limit. */
export function isOutOfMemory(e: unknown): boolean {
  return (e as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY';
}
