/**
 * Samples the autoscalers each metrics interval into `autoscaling.csv`: per HorizontalPodAutoscaler, its bounds, the
 * target's replicas, the HPA's desired replicas, ready replicas, its first metric's current and target value, the
 * workload's load factor and the CPU its running pods use (HPA replicas vs load); per cluster-autoscaler node group,
 * its bounds, registered nodes and target size. It also integrates the cluster's node count (node-hours, peak) for
 * the summary, with or without an autoscaler.
 */
import type { Engine } from '../engine/engine.js';
import type { Micros } from '../engine/time.js';
import { formatSeconds } from '../engine/time.js';
import type { Change } from '../cluster/store.js';
import type { HorizontalPodAutoscaler } from '../cluster/types.js';
import { objectKey } from '../cluster/types.js';
import type { ApiServer } from '../models/apiserver/apiServer.js';
import type { UsageModel } from '../models/metrics/usageModel.js';
import type { ClusterAutoscaler } from '../models/controllers/clusterAutoscaler/autoscaler.js';
import { type CsvFile, ratio } from './csvFile.js';
import { sampleEvery } from './sampleTicks.js';

/** What the summary reports about autoscaling and capacity. */
export interface AutoscalingSummary {
  nodeHours: number;
  nodesPeak: number;
}

/** Per-interval sampler of HPAs and node groups. */
export class AutoscalingSampler {
  private readonly hpas = new Map<string, HorizontalPodAutoscaler>();
  private nodeUs = 0;
  private nodesPeak = 0;
  private last: { t: Micros; nodes: number } | undefined;

  constructor(
    private readonly engine: Engine,
    private readonly api: ApiServer,
    private readonly intervalUs: Micros,
    private readonly endUs: Micros,
    private readonly csv: CsvFile,
    private readonly usage: UsageModel,
    private readonly nodeCount: () => number,
    private readonly autoscaler: ClusterAutoscaler | undefined,
  ) {}

  /** Schedules the samples. */
  start(): void {
    sampleEvery(this.engine, this.intervalUs, this.endUs, () => this.sample());
  }

  /** Store commit listener. */
  onCommit(c: Change): void {
    if (c.object.kind !== 'HorizontalPodAutoscaler') return;
    const key = objectKey(c.object.metadata);
    if (c.type === 'DELETED') this.hpas.delete(key);
    else this.hpas.set(key, c.object);
  }

  private sample(): void {
    const now = this.engine.now;
    const time = formatSeconds(now);
    const nodes = this.nodeCount();
    if (this.last !== undefined) this.nodeUs += this.last.nodes * (now - this.last.t);
    this.last = { t: now, nodes };
    this.nodesPeak = Math.max(this.nodesPeak, nodes);
    for (const key of [...this.hpas.keys()].sort()) {
      const h = this.hpas.get(key)!;
      const ns = h.metadata.namespace ?? 'default';
      const ref = h.spec.scaleTargetRef;
      const target = ref.kind === 'Deployment' || ref.kind === 'ReplicaSet' || ref.kind === 'StatefulSet' ? this.api.store.get(ref.kind, `${ns}/${ref.name}`) : undefined;
      const m = h.spec.metrics?.[0];
      const res = m?.resource ?? m?.containerResource;
      const cur = h.status.currentMetrics?.[0];
      const workload = `${ns}/${ref.kind}/${ref.name}`;
      this.csv.row([
        time,
        'HorizontalPodAutoscaler',
        ns,
        h.metadata.name,
        h.spec.minReplicas ?? 1,
        h.spec.maxReplicas,
        target?.spec.replicas ?? '',
        h.status.desiredReplicas ?? '',
        target?.status.readyReplicas ?? 0,
        res?.name ?? m?.type ?? '',
        cur?.averageUtilization ?? cur?.averageValue ?? '',
        res?.target.averageUtilization ?? res?.target.averageValue ?? '',
        ratio(this.usage.loadFactor(workload)),
        this.usage.workloadUsage(workload, res?.name ?? 'cpu', now),
      ]);
    }
    for (const g of this.autoscaler?.groupSizes() ?? []) this.csv.row([time, 'NodeGroup', '', g.name, g.min, g.max, g.registered, g.target, '', '', '', '', '', '']);
  }

  /** Node-hours over the run and the peak node count. */
  summary(): AutoscalingSummary {
    return { nodeHours: this.nodeUs / 3_600_000_000, nodesPeak: this.nodesPeak };
  }
}
