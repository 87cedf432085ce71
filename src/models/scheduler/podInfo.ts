/**
 * A pod as the scheduler sees it, with its resource requests computed once per pod spec:
 * - `requests`: k8s.io/component-helpers/resource `PodRequests` (cluster/podResources.ts): the sum over the app
 *   containers and sidecars, raised to each init container's peak, plus `spec.overhead`;
 * - `nonZero`: the same with upstream's scoring defaults for a container that sets no cpu or memory request
 *   (100 m and 200 MB: pkg/scheduler/util/pod_resources.go), used by NodeResourcesFit scoring and NonZeroRequested.
 */
import type { Container, Pod, PodSpec } from '../../cluster/types.js';
import { gpuRequest, type GpuRequest } from '../../cluster/gpuRequest.js';
import { aggregateContainers, longRunningContainers, podRequestList } from '../../cluster/podResources.js';
import { CPU, DEFAULT_MEMORY_REQUEST, DEFAULT_MILLI_CPU_REQUEST, EPHEMERAL_STORAGE, MEMORY, PODS } from '../../cluster/resources.js';

/** Requests in the scheduler's layout (framework.Resource). */
export interface Resource {
  milliCPU: number;
  memory: number;
  ephemeralStorage: number;
  /** Extended and hugepages resources, as [name, amount] pairs in a stable order. */
  scalar: [string, number][];
}

/** A pod plus its precomputed requests. */
export interface PodInfo {
  pod: Pod;
  requests: Resource;
  nonZeroMilliCPU: number;
  nonZeroMemory: number;
  /** Host ports the pod's app containers and sidecars ask for, as `protocol/port/hostIP` keys. */
  hostPorts: readonly string[];
  /** The app containers' host ports alone (what NodePorts counted before v1.34). */
  appHostPorts: readonly string[];
  /** What the pod asks of GPUs (whole or a share), undefined when nothing. */
  gpu: GpuRequest | undefined;
}

/** Requests per containers array when the spec has no init containers or overhead (binding keeps the array), else per spec. */
const cache = new WeakMap<object, Omit<PodInfo, 'pod' | 'gpu'>>();
const infos = new WeakMap<Pod, PodInfo>();

/** The PodInfo of a pod (requests cached per spec object, the PodInfo per pod object: both are immutable). */
export function podInfo(pod: Pod): PodInfo {
  let info = infos.get(pod);
  if (info !== undefined) return info;
  const spec = pod.spec;
  const key: object = spec.initContainers === undefined && spec.overhead === undefined ? spec.containers : spec;
  let c = cache.get(key);
  if (c === undefined) {
    c = computeRequests(spec);
    cache.set(key, c);
  }
  info = { pod, requests: c.requests, nonZeroMilliCPU: c.nonZeroMilliCPU, nonZeroMemory: c.nonZeroMemory, hostPorts: c.hostPorts, appHostPorts: c.appHostPorts, gpu: gpuRequest(pod) };
  infos.set(pod, info);
  return info;
}

function computeRequests(spec: PodSpec): Omit<PodInfo, 'pod' | 'gpu'> {
  // Requests as PodRequests computes them (cluster/podResources.ts: sidecars add to the sum and to later init peaks).
  const sum = podRequestList(spec);
  // The non-zero requests the same way, each container's unset cpu or memory taken at upstream's scoring default.
  const nonZeroOf = (c: Container) => ({ [CPU]: nonZero(c, CPU, DEFAULT_MILLI_CPU_REQUEST), [MEMORY]: nonZero(c, MEMORY, DEFAULT_MEMORY_REQUEST) });
  const nz = aggregateContainers(spec, nonZeroOf);
  const nzCpu = (nz[CPU] ?? 0) + (spec.overhead?.[CPU] ?? 0);
  const nzMem = (nz[MEMORY] ?? 0) + (spec.overhead?.[MEMORY] ?? 0);
  const scalar: [string, number][] = Object.keys(sum)
    .filter((k) => k !== CPU && k !== MEMORY && k !== EPHEMERAL_STORAGE && k !== PODS)
    .sort()
    .map((k) => [k, sum[k]!]);
  // Host ports of the app containers and of the sidecars (init containers with restartPolicy Always), as
  // pkg/scheduler/util GetHostPorts counts them since v1.34; regular init containers have exited before the app
  // containers start. Each entry is `protocol/port/ip`, the IP defaulting to 0.0.0.0 (HostPortInfo.sanitize).
  const ports = (cs: readonly Container[]) => {
    const out: string[] = [];
    for (const c of cs) for (const p of c.ports ?? []) if (p.hostPort !== undefined && p.hostPort > 0) out.push(hostPortKey(p.protocol ?? 'TCP', p.hostPort, p.hostIP));
    return out;
  };
  const hostPorts = ports(longRunningContainers(spec));
  const app = ports(spec.containers);
  const appHostPorts = app.length === hostPorts.length ? hostPorts : app;
  return {
    requests: { milliCPU: sum[CPU] ?? 0, memory: sum[MEMORY] ?? 0, ephemeralStorage: sum[EPHEMERAL_STORAGE] ?? 0, scalar },
    nonZeroMilliCPU: nzCpu,
    nonZeroMemory: nzMem,
    hostPorts,
    appHostPorts,
  };
}

/** The wildcard host IP a host port without one binds (pkg/scheduler/framework DefaultBindAllHostIP). */
export const BIND_ALL_HOST_IP = '0.0.0.0';

/** A host port entry `protocol/port/ip`. */
export function hostPortKey(protocol: string, port: number, ip: string | undefined): string {
  return `${protocol}/${port}/${ip === undefined || ip === '' ? BIND_ALL_HOST_IP : ip}`;
}

/** The `protocol/port` part of a host port entry (what a 0.0.0.0 binding conflicts on). */
export function hostPortAnyIp(key: string): string {
  return key.slice(0, key.lastIndexOf('/'));
}

function nonZero(c: Container, resource: string, dflt: number): number {
  const v = c.resources?.requests?.[resource];
  return v === undefined ? dflt : v;
}
