/**
 * The kubelet's eviction manager under memory pressure (pkg/kubelet/eviction/eviction_manager.go `synchronize`,
 * helpers.go), one per node, driven every evictionMonitoringPeriod (10 s):
 * - signal memory.available = the node's memory capacity − the working set of its running pods (the usage model);
 *   the hard threshold is memory.available < 100Mi (DefaultEvictionHard). Upstream's allocatable already excludes
 *   the threshold and reserved memory; kubesim pools often set allocatable = capacity, so the capacity the signal
 *   uses is max(capacity, allocatable + threshold): pods using no more than the allocatable never cause pressure.
 * - under pressure the node condition MemoryPressure turns True (with the taint
 *   `node.kubernetes.io/memory-pressure:NoSchedule` that TaintNodesByCondition adds) and one pod is evicted per
 *   round, ranked by rankMemoryPressure: pods whose use exceeds their memory request first, then lower priority,
 *   then the larger use above the request; the condition clears evictionPressureTransitionPeriod (5 min) after the
 *   pressure ends.
 */
import type { Engine } from '../../engine/engine.js';
import type { Micros } from '../../engine/time.js';
import type { Node, Pod } from '../../cluster/types.js';
import { MEMORY } from '../../cluster/resources.js';
import type { ApiClient } from '../apiserver/apiServer.js';
import { podInfo } from '../scheduler/podInfo.js';
import type { UsageModel } from '../metrics/usageModel.js';
import type { Kubelet } from './kubelet.js';

/** evictionMonitoringPeriod (housekeeping): 10 s. */
export const EVICTION_MONITORING_PERIOD_US = 10_000_000;
/** DefaultEvictionHard memory.available: 100Mi. */
export const MEMORY_AVAILABLE_THRESHOLD = 100 * 1024 * 1024;
/** evictionPressureTransitionPeriod: 5 min. */
export const EVICTION_PRESSURE_TRANSITION_US = 300_000_000;
export const MEMORY_PRESSURE_TAINT = { key: 'node.kubernetes.io/memory-pressure', effect: 'NoSchedule' as const };

/** A candidate for eviction with its memory use. */
export interface EvictionCandidate {
  pod: Pod;
  usage: number;
}

/** rankMemoryPressure: exceeding requests first, then lower priority, then the larger use above the request. */
export function rankMemoryPressure(cands: EvictionCandidate[]): EvictionCandidate[] {
  const req = (c: EvictionCandidate) => podInfo(c.pod).requests.memory;
  const exceeds = (c: EvictionCandidate) => (c.usage > req(c) ? 1 : 0);
  return [...cands].sort((a, b) => exceeds(b) - exceeds(a) || (a.pod.spec.priority ?? 0) - (b.pod.spec.priority ?? 0) || b.usage - req(b) - (a.usage - req(a)) || (a.pod.metadata.name < b.pod.metadata.name ? -1 : 1));
}

/** The eviction managers of every node. */
export class EvictionManagers {
  private readonly pressureSince = new Map<string, Micros>();
  private readonly lastPressure = new Map<string, Micros>();
  evictions = 0;

  constructor(
    private readonly engine: Engine,
    private readonly usage: UsageModel,
    private readonly kubelets: () => ReadonlyMap<string, { kubelet: Kubelet; node: Node }>,
    private readonly client: ApiClient,
  ) {}

  /** Starts the monitoring rounds. */
  start(): void {
    const round = () => {
      this.synchronize();
      this.engine.schedule(EVICTION_MONITORING_PERIOD_US, round);
    };
    this.engine.schedule(EVICTION_MONITORING_PERIOD_US, round);
  }

  private synchronize(): void {
    const now = this.engine.now;
    const used = this.usage.byNode(now);
    let byNode: Map<string, EvictionCandidate[]> | undefined;
    for (const [name, { kubelet, node }] of this.kubelets()) {
      if (kubelet.failed) continue;
      const capacity = Math.max(node.status.capacity[MEMORY] ?? 0, (node.status.allocatable[MEMORY] ?? 0) + MEMORY_AVAILABLE_THRESHOLD);
      const available = capacity - (used.get(name)?.[1] ?? 0);
      const pressure = available < MEMORY_AVAILABLE_THRESHOLD;
      if (pressure) {
        this.lastPressure.set(name, now);
        if (!this.pressureSince.has(name)) {
          this.pressureSince.set(name, now);
          this.setCondition(name, true);
        }
        if (byNode === undefined) {
          byNode = new Map();
          this.usage.forEachRunning(now, (pod, _cpu, memory) => {
            const n = pod.spec.nodeName;
            if (n === undefined) return;
            let list = byNode!.get(n);
            if (list === undefined) byNode!.set(n, (list = []));
            list.push({ pod, usage: memory });
          });
        }
        for (const c of rankMemoryPressure(byNode.get(name) ?? [])) {
          const message = `The node was low on resource: memory. Threshold quantity: 100Mi, available: ${Math.floor(available / 1024)}Ki. Container ${c.pod.spec.containers[0]?.name ?? ''} was using ${Math.floor(c.usage / 1024)}Ki, request is ${Math.floor(podInfo(c.pod).requests.memory / 1024)}Ki, has larger consumption of memory.`;
          if (kubelet.evict(c.pod.metadata.uid!, message)) {
            this.evictions++;
            break;
          }
        }
      } else if (this.pressureSince.has(name) && now - (this.lastPressure.get(name) ?? 0) >= EVICTION_PRESSURE_TRANSITION_US) {
        this.pressureSince.delete(name);
        this.setCondition(name, false);
      }
    }
  }

  /** The MemoryPressure condition and its NoSchedule taint. */
  private setCondition(name: string, on: boolean): void {
    const now = this.engine.now;
    this.client.update('Node', name, (n) => {
      const conditions = [...(n.status.conditions ?? []).filter((c) => c.type !== 'MemoryPressure'), { type: 'MemoryPressure', status: on ? 'True' : 'False', reason: on ? 'KubeletHasInsufficientMemory' : 'KubeletHasSufficientMemory', lastTransitionTime: now }];
      const others = (n.spec.taints ?? []).filter((t) => t.key !== MEMORY_PRESSURE_TAINT.key);
      const taints = on ? [...others, { ...MEMORY_PRESSURE_TAINT }] : others;
      return { ...n, spec: { ...n.spec, taints: taints.length > 0 ? taints : undefined }, status: { ...n.status, conditions } } as Node;
    });
  }
}
