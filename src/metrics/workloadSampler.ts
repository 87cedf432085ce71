/**
 * Samples every Deployment each metrics interval into `workloads.csv` (desired, total, updated, ready, available and
 * unavailable replicas from the Deployment's status, as `kubectl rollout status` reads them): the rollout timeline
 * and the availability during rollouts and failures. It also keeps the cluster-wide availability series, the share
 * of desired replicas available (each Deployment capped at its desired count, and counted only once it has been
 * fully available: the initial ramp-up is not an outage), for the summary's availability and time to recover, and
 * the time rollouts take.
 */
import type { Engine } from '../engine/engine.js';
import type { Micros } from '../engine/time.js';
import { formatSeconds } from '../engine/time.js';
import type { Change } from '../cluster/store.js';
import type { Deployment } from '../cluster/types.js';
import { objectKey } from '../cluster/types.js';
import { type CsvFile, ratio } from './csvFile.js';
import { sampleEvery } from './sampleTicks.js';

/** What the summary reports about availability. */
export interface Availability {
  /** Lowest sampled share of desired replicas available (1 when no Deployment). */
  min: number;
  mean: number;
  /**
   * From the first disruption (node failure or drain) to the first sample at full availability after it had
   * dropped: 0 if it never dropped, undefined if it did not recover by the end or there was no disruption.
   */
  recoveryUs: Micros | undefined;
  /**
   * From the first rollout or rollback event to the first sample where every Deployment is complete (all replicas
   * updated and available, none old); undefined without such an event or if it did not complete.
   */
  rolloutUs: Micros | undefined;
}

/** Per-interval sampler of Deployments. */
export class WorkloadSampler {
  private readonly deployments = new Map<string, Deployment>();
  private readonly series: { t: Micros; a: number; complete: boolean }[] = [];
  private readonly settled = new Set<string>();
  /** The Deployments' keys in sorted order, kept until one is added or deleted. */
  private sortedKeys: string[] | undefined;

  constructor(
    private readonly engine: Engine,
    private readonly intervalUs: Micros,
    private readonly endUs: Micros,
    private readonly csv: CsvFile,
  ) {}

  /** Schedules the samples. */
  start(): void {
    sampleEvery(this.engine, this.intervalUs, this.endUs, () => this.sample());
  }

  /** Store commit listener. */
  onCommit(c: Change): void {
    if (c.object.kind !== 'Deployment') return;
    const key = objectKey(c.object.metadata);
    if (c.type === 'DELETED') {
      if (this.deployments.delete(key)) this.sortedKeys = undefined;
    } else {
      if (!this.deployments.has(key)) this.sortedKeys = undefined;
      this.deployments.set(key, c.object);
    }
  }

  private sample(): void {
    const time = formatSeconds(this.engine.now);
    let want = 0;
    let have = 0;
    let complete = true;
    this.sortedKeys ??= [...this.deployments.keys()].sort();
    for (const key of this.sortedKeys) {
      const d = this.deployments.get(key)!;
      const s = d.status;
      const desired = d.spec.replicas ?? 1;
      const done = s.updatedReplicas === desired && s.replicas === desired && s.availableReplicas === desired;
      if (!done) complete = false;
      if (done) this.settled.add(key);
      if (this.settled.has(key)) {
        want += desired;
        have += Math.min(desired, s.availableReplicas ?? 0);
      }
      this.csv.row([time, 'Deployment', d.metadata.namespace ?? 'default', d.metadata.name, desired, s.replicas ?? 0, s.updatedReplicas ?? 0, s.readyReplicas ?? 0, s.availableReplicas ?? 0, s.unavailableReplicas ?? 0, ratio(desired > 0 ? Math.min(desired, s.availableReplicas ?? 0) / desired : 1)]);
    }
    this.series.push({ t: this.engine.now, a: want > 0 ? have / want : 1, complete });
  }

  /** Availability over the run, the time to recover from the first of `disruptions` and the first rollout's time (µs). */
  availability(disruptions: readonly Micros[], rollouts: readonly Micros[]): Availability {
    let min = 1;
    let sum = 0;
    for (const p of this.series) {
      min = Math.min(min, p.a);
      sum += p.a;
    }
    let recoveryUs: Micros | undefined;
    const t0 = disruptions.length > 0 ? Math.min(...disruptions) : undefined;
    if (t0 !== undefined) {
      let dropped = false;
      recoveryUs = 0;
      for (const p of this.series) {
        if (p.t < t0) continue;
        if (p.a < 1) {
          dropped = true;
          recoveryUs = undefined;
        } else if (dropped) {
          recoveryUs = p.t - t0;
          break;
        }
      }
    }
    let rolloutUs: Micros | undefined;
    const r0 = rollouts.length > 0 ? Math.min(...rollouts) : undefined;
    if (r0 !== undefined) {
      let started = false;
      for (const p of this.series) {
        if (p.t < r0) continue;
        if (!p.complete) started = true;
        else if (started) {
          rolloutUs = p.t - r0;
          break;
        }
      }
    }
    return { min, mean: this.series.length > 0 ? sum / this.series.length : 1, recoveryUs, rolloutUs };
  }
}
