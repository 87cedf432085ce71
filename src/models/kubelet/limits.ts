/**
 * What a container's limits do to its run (kubesim's model of the cgroup limits the kubelet sets):
 * - CPU: above its limit a container is throttled by CFS quota (pkg/kubelet/cm: cpu.cfs_quota_us = limit ×
 *   cfs_period). The model is work-conserving: a run-to-completion pod whose `kubesim.dev/cpu-usage` (its own
 *   per-pod use, a constant) exceeds the pod's cpu limit needs usage × duration cpu-seconds and gets limit per second,
 *   so its `kubesim.dev/duration` stretches by usage / limit.
 * - Memory: a container whose memory use passes its limit is OOM-killed by the kernel (exit code 137, reason
 *   OOMKilled), then the restart policy applies (CrashLoopBackOff under Always/OnFailure). The model compares the pod's
 *   own `kubesim.dev/memory-usage` (a constant, or phases from the container start) with the pod's memory limit.
 * Limits count when every container sets one (the pod-level cgroup limit is their sum); shared and diurnal usage are
 * not a run's own work and are not used here.
 */
import type { Micros } from '../../engine/time.js';
import type { Pod } from '../../cluster/types.js';
import { CPU, MEMORY } from '../../cluster/resources.js';
import { podLimitList, podRequestList } from '../../cluster/podResources.js';
import { CPU_USAGE_ANNOTATION, MEMORY_USAGE_ANNOTATION, parseUsage, type Signal } from '../../cluster/usage.js';

/**
 * The pod's limit of a resource: PodLimits (sidecars and init peaks included) when every container, init containers
 * too, sets one (pkg/kubelet/cm/helpers_linux.go `ResourceConfigForPod`: the pod cgroup is limited only then), else
 * undefined.
 */
export function podLimit(pod: Pod, resource: string): number | undefined {
  for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
    const l = c.resources?.limits?.[resource];
    if (l === undefined || l <= 0) return undefined;
  }
  return podLimitList(pod.spec)[resource];
}

function perPod(pod: Pod, resource: string, annotation: string): Signal | undefined {
  const text = pod.metadata.annotations?.[annotation];
  if (text === undefined) return undefined;
  try {
    return parseUsage(resource, text).perPod;
  } catch {
    return undefined;
  }
}

/** The run time of a run-to-completion pod after CPU throttling (work-conserving): duration × max(1, usage / limit). */
export function throttledDurationUs(pod: Pod, durationUs: Micros): Micros {
  const limit = podLimit(pod, CPU);
  const usage = perPod(pod, CPU, CPU_USAGE_ANNOTATION);
  if (limit === undefined || usage === undefined || usage.kind !== 'constant' || usage.value <= limit) return durationUs;
  return Math.round((durationUs * usage.value) / limit);
}

/** When, after the container start, the pod's memory use first passes its limit; undefined if never. */
export function oomAfterUs(pod: Pod): Micros | undefined {
  const limit = podLimit(pod, MEMORY);
  const usage = perPod(pod, MEMORY, MEMORY_USAGE_ANNOTATION);
  if (limit === undefined || usage === undefined) return undefined;
  if (usage.kind === 'constant') return usage.value > limit ? 0 : undefined;
  if (usage.kind !== 'phases') return undefined;
  let at = 0;
  for (const p of usage.phases) {
    if (p.value > limit) return at;
    if (p.forUs === undefined) return undefined;
    at += p.forUs;
  }
  // Repeating phases reach the first phase over the limit in the first round already.
  return undefined;
}

/**
 * The milli-CPU a running pod wants: its own constant `kubesim.dev/cpu-usage` capped by its limit, else its cpu
 * request (what the usage model assumes of a pod that says nothing); 0 when neither is known.
 */
export function cpuDemand(pod: Pod): number {
  const limit = podLimit(pod, CPU);
  const usage = perPod(pod, CPU, CPU_USAGE_ANNOTATION);
  let d: number;
  if (usage !== undefined && usage.kind === 'constant') d = usage.value;
  else {
    d = podRequestList(pod.spec)[CPU] ?? 0;
  }
  return limit !== undefined ? Math.min(d, limit) : d;
}
