/**
 * A node as the scheduler's cache sees it (pkg/scheduler/framework/types.go `NodeInfo`): allocatable, the sum of the
 * requests of the pods on it (`Requested`, and `NonZeroRequested` with the scoring defaults), and its pods.
 */
import type { Node } from '../../cluster/types.js';
import { CPU, EPHEMERAL_STORAGE, MEMORY, PODS } from '../../cluster/resources.js';
import { hostPortAnyIp, type PodInfo } from './podInfo.js';
import { affinityTerms } from './plugins/helpers/affinityTerms.js';
import { GpuDevices } from './gpu/gpuDevices.js';
import { GPU_MODEL_LABEL, GPU_RESOURCE } from '../../cluster/gpuRequest.js';

/**
 * The CRI-compliant name of an image (imagelocality `normalizedImageName`): ":latest" is appended when the name has
 * no tag.
 */
export function normalizedImageName(name: string): string {
  return name.lastIndexOf(':') <= name.lastIndexOf('/') ? `${name}:latest` : name;
}

const LABEL_ZONE = 'topology.kubernetes.io/zone';
const LABEL_HOSTNAME = 'kubernetes.io/hostname';

/** A node label, with the zone and hostname labels read from fields. */
export function topologyValue(n: NodeInfo, key: string): string | undefined {
  return key === LABEL_ZONE ? n.zone : key === LABEL_HOSTNAME ? n.hostname : n.labels[key];
}

/** Scheduler-side state of one node. */
export class NodeInfo {
  node: Node;
  readonly name: string;
  allocMilliCPU = 0;
  allocMemory = 0;
  allocEphemeralStorage = 0;
  allowedPodNumber = 0;
  allocScalar: Record<string, number> = {};
  reqMilliCPU = 0;
  reqMemory = 0;
  reqEphemeralStorage = 0;
  reqScalar: Record<string, number> = {};
  nonZeroMilliCPU = 0;
  nonZeroMemory = 0;
  /** `pods.size`, as a plain field for the fit check. */
  podCount = 0;
  /** Pods on the node (bound or assumed), by uid, in arrival order. */
  readonly pods = new Map<string, PodInfo>();
  /** Pods with any pod affinity or anti-affinity, and those with required anti-affinity (upstream's lists). */
  readonly podsWithAffinity = new Set<PodInfo>();
  readonly podsWithRequiredAntiAffinity = new Set<PodInfo>();
  /** Host ports in use, `protocol/port/ip` → pods using it (HostPortInfo). */
  readonly usedPorts = new Map<string, number>();
  /** Host ports in use on any IP, `protocol/port` → pods (what a 0.0.0.0 binding conflicts with). */
  readonly usedPortsAnyIp = new Map<string, number>();
  /** Images on the node (normalised name → size in bytes), from `status.images`. */
  images = new Map<string, number>();
  /** `spec.unschedulable` and `spec.taints`, read by filters on every node of every cycle (kept here to save derefs). */
  unschedulable = false;
  taints: Node['spec']['taints'] = undefined;
  /** `metadata.labels` (never undefined), kept here for the topology lookups of every cycle. */
  labels: Record<string, string> = {};
  /** The zone and hostname labels, read in every cycle by the topology plugins (fields: no lookup in a cold object). */
  zone: string | undefined;
  hostname: string | undefined;
  /** The node's GPUs (allocatable `nvidia.com/gpu` > 0), per-GPU free share and holders; undefined without GPUs. */
  gpus: GpuDevices | undefined;
  /** Bumped on every change, like upstream's generation. */
  generation = 0;

  constructor(node: Node) {
    this.node = node;
    this.name = node.metadata.name;
    this.setNode(node);
  }

  /** Replaces the node object (allocatable, labels, taints may change). */
  setNode(node: Node): void {
    this.node = node;
    this.unschedulable = node.spec.unschedulable === true;
    this.labels = node.metadata.labels ?? {};
    this.zone = this.labels[LABEL_ZONE];
    this.hostname = this.labels[LABEL_HOSTNAME];
    this.taints = node.spec.taints !== undefined && node.spec.taints.length > 0 ? node.spec.taints : undefined;
    const a = node.status.allocatable;
    this.allocMilliCPU = a[CPU] ?? 0;
    this.allocMemory = a[MEMORY] ?? 0;
    this.allocEphemeralStorage = a[EPHEMERAL_STORAGE] ?? 0;
    this.allowedPodNumber = a[PODS] ?? 0;
    const scalar: Record<string, number> = {};
    for (const k in a) if (k !== CPU && k !== MEMORY && k !== EPHEMERAL_STORAGE && k !== PODS) scalar[k] = a[k]!;
    this.allocScalar = scalar;
    const gpuCount = scalar[GPU_RESOURCE] ?? 0;
    const gpuModel = this.labels[GPU_MODEL_LABEL] ?? '';
    if (gpuCount === 0) this.gpus = undefined;
    else if (this.gpus === undefined || this.gpus.count !== gpuCount || this.gpus.model !== gpuModel) {
      this.gpus = new GpuDevices(gpuModel, gpuCount);
      for (const p of this.pods.values()) if (p.gpu !== undefined) this.gpus.allocate(p.pod.metadata.uid!, p.gpu);
    }
    const images = new Map<string, number>();
    for (const img of node.status.images ?? []) for (const n of img.names) images.set(normalizedImageName(n), img.sizeBytes);
    this.images = images;
    this.generation++;
  }

  /** A copy with the same pods and GPU holdings, for dry runs (upstream's NodeInfo.Snapshot). */
  snapshot(): NodeInfo {
    const copy = new NodeInfo(this.node);
    for (const p of this.pods.values()) copy.addPod(p);
    if (this.gpus !== undefined) copy.gpus!.copyFrom(this.gpus);
    return copy;
  }

  /** Moves a counted pod onto the given GPUs (a policy's within-node choice, at Reserve). */
  assignGpus(uid: string, indices: readonly number[]): void {
    const p = this.pods.get(uid);
    if (p === undefined || p.gpu === undefined || this.gpus === undefined) return;
    this.gpus.allocate(uid, p.gpu, indices);
    this.generation++;
  }

  /** Adds a pod's requests. */
  addPod(p: PodInfo): void {
    const uid = p.pod.metadata.uid!;
    if (this.pods.has(uid)) return;
    this.pods.set(uid, p);
    this.podCount++;
    this.apply(p, 1);
  }

  /** Removes a pod's requests; returns false if it was not here. */
  removePod(uid: string): boolean {
    const p = this.pods.get(uid);
    if (p === undefined) return false;
    this.pods.delete(uid);
    this.podCount--;
    this.apply(p, -1);
    return true;
  }

  private apply(p: PodInfo, sign: 1 | -1): void {
    const r = p.requests;
    this.reqMilliCPU += sign * r.milliCPU;
    this.reqMemory += sign * r.memory;
    this.reqEphemeralStorage += sign * r.ephemeralStorage;
    for (const [k, v] of r.scalar) this.reqScalar[k] = (this.reqScalar[k] ?? 0) + sign * v;
    this.nonZeroMilliCPU += sign * p.nonZeroMilliCPU;
    this.nonZeroMemory += sign * p.nonZeroMemory;
    if (p.gpu !== undefined && this.gpus !== undefined) {
      if (sign > 0) this.gpus.allocate(p.pod.metadata.uid!, p.gpu);
      else this.gpus.release(p.pod.metadata.uid!);
    }
    const terms = affinityTerms(p.pod);
    if (terms.any) {
      if (sign > 0) this.podsWithAffinity.add(p);
      else this.podsWithAffinity.delete(p);
      if (terms.requiredAntiAffinity.length > 0) {
        if (sign > 0) this.podsWithRequiredAntiAffinity.add(p);
        else this.podsWithRequiredAntiAffinity.delete(p);
      }
    }
    for (const port of p.hostPorts) {
      const n = (this.usedPorts.get(port) ?? 0) + sign;
      if (n > 0) this.usedPorts.set(port, n);
      else this.usedPorts.delete(port);
      const any = hostPortAnyIp(port);
      const m = (this.usedPortsAnyIp.get(any) ?? 0) + sign;
      if (m > 0) this.usedPortsAnyIp.set(any, m);
      else this.usedPortsAnyIp.delete(any);
    }
    this.generation++;
  }
}
