/**
 * The kubelet's eviction manager (pkg/kubelet/eviction/eviction_manager.go `synchronize`, helpers.go), one per
 * node, driven every evictionMonitoringPeriod (10 s). Each round:
 * 1. local storage isolation (`localStorageEviction`, LocalStorageCapacityIsolation): a pod whose ephemeral-storage
 *    use passes the sum of its containers' ephemeral-storage limits is evicted ("Pod ephemeral local storage usage
 *    exceeds the total limit of containers …"), whatever the node's state; if any was, the round ends there.
 * 2. the signals against the hard thresholds (DefaultEvictionHard on Linux):
 *    - memory.available = the node's memory capacity − the working set of its running pods (the usage model),
 *      threshold 100Mi. Upstream's allocatable already excludes the threshold and reserved memory; kubesim pools
 *      often set allocatable = capacity, so the capacity the signal uses is max(capacity, allocatable + threshold):
 *      pods using no more than the allocatable never cause pressure.
 *    - nodefs.available < 10 % and imagefs.available < 15 % of the node's filesystem (its `ephemeral-storage`
 *      capacity). kubesim models containerd's default layout, one filesystem holding the images, the containers'
 *      writable layers, logs and emptyDirs, so both signals observe the same bytes (images + the pods'
 *      ephemeral-storage use) and the imagefs threshold, at 85 % full, is met first.
 * 3. a met threshold turns its node condition True (MemoryPressure, DiskPressure) with the taint TaintNodesByCondition
 *    adds (`node.kubernetes.io/memory-pressure` / `disk-pressure`, NoSchedule); the condition clears
 *    evictionPressureTransitionPeriod (5 min) after the pressure ends.
 * 4. memory ranks before the other signals (`byEvictionPriority`), one threshold is acted on per round. Disk pressure
 *    first reclaims node-level resources (`buildSignalToNodeReclaimFuncs` without a dedicated imagefs: delete unused
 *    containers and images); if the signal then clears, no pod is evicted.
 * 5. one pod is evicted per round, ranked by rankMemoryPressure (use above the memory request first, then lower
 *    priority, then the larger use above the request) or rankDiskPressureFunc (the same with ephemeral-storage use
 *    over all the filesystem's stats: rootfs, logs, local volumes).
 */
import type { Engine } from '../../engine/engine.js';
import type { Micros } from '../../engine/time.js';
import type { Node, Pod } from '../../cluster/types.js';
import { EPHEMERAL_STORAGE, MEMORY } from '../../cluster/resources.js';
import type { ApiClient } from '../apiserver/apiServer.js';
import { podInfo } from '../scheduler/podInfo.js';
import type { UsageModel } from '../metrics/usageModel.js';
import type { Kubelet } from './kubelet.js';
import { extend } from '../../cluster/extend.js';

/** evictionMonitoringPeriod (housekeeping): 10 s. */
export const EVICTION_MONITORING_PERIOD_US = 10_000_000;
/** DefaultEvictionHard memory.available: 100Mi. */
export const MEMORY_AVAILABLE_THRESHOLD = 100 * 1024 * 1024;
/** DefaultEvictionHard nodefs.available: 10 %. */
export const NODEFS_AVAILABLE_PERCENT = 10;
/** DefaultEvictionHard imagefs.available: 15 %. */
export const IMAGEFS_AVAILABLE_PERCENT = 15;
/** evictionPressureTransitionPeriod: 5 min. */
export const EVICTION_PRESSURE_TRANSITION_US = 300_000_000;
export const MEMORY_PRESSURE_TAINT = { key: 'node.kubernetes.io/memory-pressure', effect: 'NoSchedule' as const };
export const DISK_PRESSURE_TAINT = { key: 'node.kubernetes.io/disk-pressure', effect: 'NoSchedule' as const };

/** A candidate for eviction with its use of the starved resource. */
export interface EvictionCandidate {
  pod: Pod;
  usage: number;
}

/** orderedBy(exceedRequests, priority, usage above request), with a stable final order by name. */
function rankBy(cands: EvictionCandidate[], request: (p: Pod) => number): EvictionCandidate[] {
  const exceeds = (c: EvictionCandidate) => (c.usage > request(c.pod) ? 1 : 0);
  return [...cands].sort((a, b) => exceeds(b) - exceeds(a) || (a.pod.spec.priority ?? 0) - (b.pod.spec.priority ?? 0) || b.usage - request(b.pod) - (a.usage - request(a.pod)) || (a.pod.metadata.name < b.pod.metadata.name ? -1 : 1));
}

/** rankMemoryPressure: exceeding requests first, then lower priority, then the larger use above the request. */
export function rankMemoryPressure(cands: EvictionCandidate[]): EvictionCandidate[] {
  return rankBy(cands, (p) => podInfo(p).requests.memory);
}

/** rankDiskPressureFunc (one filesystem): the same order with ephemeral-storage use and requests. */
export function rankDiskPressure(cands: EvictionCandidate[]): EvictionCandidate[] {
  return rankBy(cands, (p) => podInfo(p).requests.ephemeralStorage);
}

/** The sum of the containers' ephemeral-storage limits (`PodLimits`), or undefined when none sets one. */
export function ephemeralStorageLimit(pod: Pod): number | undefined {
  let sum: number | undefined;
  for (const c of pod.spec.containers) {
    const l = c.resources?.limits?.[EPHEMERAL_STORAGE];
    if (l !== undefined) sum = (sum ?? 0) + l;
  }
  return sum;
}

/** What the eviction managers watch. */
export interface EvictionSignals {
  /** memory.available (pods declare memory use). */
  memory: boolean;
  /** nodefs/imagefs.available and local storage limits (pods declare ephemeral-storage use). */
  disk: boolean;
}

type Condition = 'MemoryPressure' | 'DiskPressure';
const CONDITIONS: Record<Condition, { taint: { key: string; effect: 'NoSchedule' }; on: string; off: string }> = {
  MemoryPressure: { taint: MEMORY_PRESSURE_TAINT, on: 'KubeletHasInsufficientMemory', off: 'KubeletHasSufficientMemory' },
  DiskPressure: { taint: DISK_PRESSURE_TAINT, on: 'KubeletHasDiskPressure', off: 'KubeletHasNoDiskPressure' },
};

const Ki = (bytes: number) => `${Math.floor(bytes / 1024)}Ki`;

/** The eviction managers of every node. */
export class EvictionManagers {
  private readonly pressureSince = new Map<string, Micros>();
  private readonly lastPressure = new Map<string, Micros>();
  /** Pods evicted. */
  evictions = 0;

  constructor(
    private readonly engine: Engine,
    private readonly usage: UsageModel,
    private readonly kubelets: () => ReadonlyMap<string, { kubelet: Kubelet; node: Node }>,
    private readonly client: ApiClient,
    private readonly signals: EvictionSignals = { memory: true, disk: false },
  ) {}

  /** Starts the monitoring rounds. */
  start(): void {
    const round = () => {
      this.synchronize();
      this.engine.schedule(EVICTION_MONITORING_PERIOD_US, round);
    };
    this.engine.schedule(EVICTION_MONITORING_PERIOD_US, round);
  }

  /** Running pods per node with their use of a resource (computed once per round, when some node needs it). */
  private byNode(resource: string, now: Micros): Map<string, EvictionCandidate[]> {
    const out = new Map<string, EvictionCandidate[]>();
    this.usage.forEachRunningOf(resource, now, (pod, usage) => {
      const n = pod.spec.nodeName;
      if (n === undefined) return;
      let list = out.get(n);
      if (list === undefined) out.set(n, (list = []));
      list.push({ pod, usage });
    });
    return out;
  }

  private synchronize(): void {
    const now = this.engine.now;
    const memUsed = this.signals.memory ? this.usage.byNode(now) : undefined;
    const disk = this.signals.disk ? this.byNode(EPHEMERAL_STORAGE, now) : undefined;
    let memByNode: Map<string, EvictionCandidate[]> | undefined;
    for (const [name, { kubelet, node }] of this.kubelets()) {
      if (kubelet.failed) continue;
      const pods = disk?.get(name) ?? [];
      // 1. Local storage limits.
      let limited = false;
      for (const c of pods) {
        const limit = ephemeralStorageLimit(c.pod);
        if (limit === undefined || c.usage <= limit) continue;
        if (kubelet.evict(c.pod.metadata.uid!, `Pod ephemeral local storage usage exceeds the total limit of containers ${Ki(limit)}.`)) {
          this.evictions++;
          limited = true;
        }
      }
      // 2. Signals.
      let memAvailable = Infinity;
      if (memUsed !== undefined) {
        const capacity = Math.max(node.status.capacity[MEMORY] ?? 0, (node.status.allocatable[MEMORY] ?? 0) + MEMORY_AVAILABLE_THRESHOLD);
        memAvailable = capacity - (memUsed.get(name)?.[1] ?? 0);
      }
      const memPressure = memAvailable < MEMORY_AVAILABLE_THRESHOLD;
      const fs = disk === undefined ? undefined : this.filesystem(kubelet);
      const diskPressure = fs !== undefined && fs.met !== undefined;
      // 3. Conditions.
      this.condition(name, 'MemoryPressure', memPressure, now);
      this.condition(name, 'DiskPressure', diskPressure, now);
      if (limited) continue;
      // 4–5. Reclaim and evict, memory first.
      if (memPressure) {
        memByNode ??= this.byNode(MEMORY, now);
        for (const c of rankMemoryPressure(memByNode.get(name) ?? [])) {
          const message = `The node was low on resource: memory. Threshold quantity: 100Mi, available: ${Ki(memAvailable)}. Container ${c.pod.spec.containers[0]?.name ?? ''} was using ${Ki(c.usage)}, request is ${Ki(podInfo(c.pod).requests.memory)}, has larger consumption of memory.`;
          if (kubelet.evict(c.pod.metadata.uid!, message)) {
            this.evictions++;
            break;
          }
        }
      } else if (diskPressure && fs !== undefined) {
        const freed = kubelet.images.deleteUnusedImages();
        if (fs.available + freed >= fs.threshold) continue;
        for (const c of rankDiskPressure(pods)) {
          const request = podInfo(c.pod).requests.ephemeralStorage;
          const message = `The node was low on resource: ephemeral-storage. Threshold quantity: ${fs.threshold}, available: ${Ki(fs.available + freed)}. ${c.usage > request ? `Container ${c.pod.spec.containers[0]?.name ?? ''} was using ${Ki(c.usage)}, request is ${Ki(request)}, has larger consumption of ephemeral-storage.` : ''}`.trimEnd();
          if (kubelet.evict(c.pod.metadata.uid!, message)) {
            this.evictions++;
            break;
          }
        }
      }
    }
  }

  /**
   * The node's one filesystem (its `ephemeral-storage` capacity, the kubelet's image filesystem; used by the images
   * and what the pods wrote): bytes available and the threshold met (nodefs 10 % before imagefs 15 %, upstream's
   * order in its threshold list), if any.
   */
  private filesystem(kubelet: Kubelet): { available: number; threshold: number; met: 'nodefs' | 'imagefs' | undefined } | undefined {
    const capacity = kubelet.images.fsBytes ?? 0;
    if (capacity <= 0) return undefined;
    const available = capacity - kubelet.images.fsUsageBytes();
    const nodefs = Math.floor((capacity * NODEFS_AVAILABLE_PERCENT) / 100);
    const imagefs = Math.floor((capacity * IMAGEFS_AVAILABLE_PERCENT) / 100);
    if (available < nodefs) return { available, threshold: nodefs, met: 'nodefs' };
    if (available < imagefs) return { available, threshold: imagefs, met: 'imagefs' };
    return { available, threshold: imagefs, met: undefined };
  }

  /** Tracks a pressure: the condition turns True at once and False after the transition period without it. */
  private condition(name: string, type: Condition, pressure: boolean, now: Micros): void {
    const key = `${name}\u0000${type}`;
    if (pressure) {
      this.lastPressure.set(key, now);
      if (!this.pressureSince.has(key)) {
        this.pressureSince.set(key, now);
        this.setCondition(name, type, true);
      }
    } else if (this.pressureSince.has(key) && now - (this.lastPressure.get(key) ?? 0) >= EVICTION_PRESSURE_TRANSITION_US) {
      this.pressureSince.delete(key);
      this.setCondition(name, type, false);
    }
  }

  /** The node condition and its NoSchedule taint. */
  private setCondition(name: string, type: Condition, on: boolean): void {
    const now = this.engine.now;
    const c = CONDITIONS[type];
    this.client.update('Node', name, (n) => {
      const conditions = [...(n.status.conditions ?? []).filter((x) => x.type !== type), { type, status: on ? 'True' : 'False', reason: on ? c.on : c.off, lastTransitionTime: now }];
      const others = (n.spec.taints ?? []).filter((t) => t.key !== c.taint.key);
      const taints = on ? [...others, { ...c.taint }] : others;
      return extend(n, { spec: extend(n.spec, { taints: taints.length > 0 ? taints : undefined }), status: extend(n.status, { conditions }) }) as Node;
    });
  }
}
