/**
 * A pod's resources from its containers, as k8s.io/component-helpers/resource `PodRequests` and `PodLimits` compute
 * them (and pkg/api/v1/resource before them): the app containers' sum; a sidecar (an init container with
 * `restartPolicy: Always`, KEP-753) keeps running, so it adds to that sum and to every later init container's peak;
 * a regular init container runs alone beside the sidecars started before it. The pod needs, per resource, the larger
 * of the sum and the highest init peak. `spec.overhead` is added to requests, and to the limits the pod sets.
 * The scheduler, the kubelet's admission, ResourceQuota, LimitRanger (plugin/pkg/admission/limitranger `podRequests`,
 * `podLimits`), the autoscalers and pods.csv all read pods through these.
 */
import type { Container, PodSpec } from './types.js';
import type { ResourceList } from './resources.js';

/** A sidecar container: an init container with restartPolicy Always (pkg/kubelet/types `IsRestartableInitContainer`). */
export function isSidecar(c: Container): boolean {
  return c.restartPolicy === 'Always';
}

/** The containers that run beside each other once the pod has started: its sidecars in order, then the app containers. */
export function longRunningContainers(spec: PodSpec): Container[] {
  const side = (spec.initContainers ?? []).filter(isSidecar);
  return side.length === 0 ? spec.containers : [...side, ...spec.containers];
}

/** PodRequests / PodLimits over any per-container amounts (`of` gives a container's, e.g. its requests). */
export function aggregateContainers(spec: PodSpec, of: (c: Container) => ResourceList | undefined): ResourceList {
  const sum: ResourceList = {};
  for (const c of spec.containers) {
    const r = of(c);
    if (r !== undefined) for (const k in r) sum[k] = (sum[k] ?? 0) + r[k]!;
  }
  const inits = spec.initContainers;
  if (inits === undefined || inits.length === 0) return sum;
  const sidecars: ResourceList = {};
  const peak: ResourceList = {};
  for (const c of inits) {
    const r = of(c) ?? {};
    if (isSidecar(c)) {
      for (const k in r) {
        sum[k] = (sum[k] ?? 0) + r[k]!;
        sidecars[k] = (sidecars[k] ?? 0) + r[k]!;
      }
      for (const k in sidecars) if ((peak[k] ?? 0) < sidecars[k]!) peak[k] = sidecars[k]!;
    } else {
      for (const k of new Set([...Object.keys(r), ...Object.keys(sidecars)])) {
        const v = (r[k] ?? 0) + (sidecars[k] ?? 0);
        if ((peak[k] ?? 0) < v) peak[k] = v;
      }
    }
  }
  for (const k in peak) if ((sum[k] ?? 0) < peak[k]!) sum[k] = peak[k]!;
  return sum;
}

/** PodRequests: the requests the pod needs, with its overhead. */
export function podRequestList(spec: PodSpec): ResourceList {
  const out = aggregateContainers(spec, (c) => c.resources?.requests);
  for (const k in spec.overhead ?? {}) out[k] = (out[k] ?? 0) + spec.overhead![k]!;
  return out;
}

/** PodLimits: the limits the pod's containers set, with the overhead added to each limit set. */
export function podLimitList(spec: PodSpec): ResourceList {
  const out = aggregateContainers(spec, (c) => c.resources?.limits);
  for (const k in spec.overhead ?? {}) if (out[k] !== undefined && out[k]! > 0) out[k] = out[k]! + spec.overhead![k]!;
  return out;
}
