/**
 * Observes every pod's life from the store's commits and the event log and writes one `pods.csv` row per pod when
 * it is deleted, and at the end for pods still present (in creation order). Keeps the latencies for the summary.
 */
import type { Micros } from '../engine/time.js';
import { formatSeconds } from '../engine/time.js';
import type { Change } from '../cluster/store.js';
import type { Pod } from '../cluster/types.js';
import type { ClusterEvent } from '../models/eventRecorder.js';
import { podQos } from '../cluster/qos.js';
import { podInfo } from '../models/scheduler/podInfo.js';
import type { SchedulingTimings } from '../models/scheduler/scheduler.js';
import type { CsvFile } from './csvFile.js';

interface PodRecord {
  pod: Pod;
  createdUs: Micros;
  boundUs?: Micros;
  runningUs?: Micros;
  readyUs?: Micros;
  finishedUs?: Micros;
  deletedUs?: Micros;
  attempts: number;
  timings?: SchedulingTimings;
  /** A cluster snapshot's pod (PodTracker.restoring). */
  restored: boolean;
}

const t = (us: Micros | undefined) => (us === undefined ? undefined : formatSeconds(us));

/** The pod tracker. */
export class PodTracker {
  private readonly live = new Map<string, PodRecord>();
  private readonly byName = new Map<string, string>();
  /** Scheduling latencies (created → bound), µs. */
  readonly schedulingLatencies: number[] = [];
  /** Queue waits of scheduled pods, µs. */
  readonly queueWaits: number[] = [];
  /** Startup latencies (created → Ready), µs. */
  readonly startupLatencies: number[] = [];
  created = 0;
  bound = 0;
  succeeded = 0;
  failed = 0;
  failedSchedulingEvents = 0;
  /**
   * Set while a cluster snapshot's pods are put in the store: they were created, scheduled and started before the
   * run, so their rows say t = 0 and they are not counted as created, bound or finished, nor in the latencies.
   */
  restoring = false;

  constructor(private readonly csv: CsvFile) {}

  /** Store commit listener. */
  onCommit(c: Change): void {
    if (c.object.kind !== 'Pod') return;
    const pod = c.object as Pod;
    const uid = pod.metadata.uid!;
    let r = this.live.get(uid);
    if (c.type === 'ADDED') {
      r = { pod, createdUs: c.time, attempts: 0, restored: this.restoring };
      this.live.set(uid, r);
      this.byName.set(`${pod.metadata.namespace}/${pod.metadata.name}`, uid);
      if (!r.restored) this.created++;
    }
    if (r === undefined) return;
    r.pod = pod;
    if (r.boundUs === undefined && pod.spec.nodeName) {
      r.boundUs = c.time;
      if (!r.restored) {
        this.bound++;
        this.schedulingLatencies.push(c.time - r.createdUs);
      }
    }
    if (r.runningUs === undefined && pod.status.phase === 'Running') r.runningUs = c.time;
    if (r.readyUs === undefined && pod.status.conditions?.some((x) => x.type === 'Ready' && x.status === 'True')) {
      r.readyUs = c.time;
      if (!r.restored) this.startupLatencies.push(c.time - r.createdUs);
    }
    if (r.finishedUs === undefined && (pod.status.phase === 'Succeeded' || pod.status.phase === 'Failed')) {
      r.finishedUs = c.time;
      if (r.restored) {
        // finished before the run
      } else if (pod.status.phase === 'Succeeded') this.succeeded++;
      else this.failed++;
    }
    if (c.type === 'DELETED') {
      r.deletedUs = c.time;
      this.write(r);
      this.live.delete(uid);
      const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
      if (this.byName.get(key) === uid) this.byName.delete(key);
    }
  }

  /** Scheduler callback: where a bound pod's scheduling time went. */
  onScheduled(pod: Pod, t: SchedulingTimings): void {
    const r = this.live.get(pod.metadata.uid!);
    if (r === undefined) return;
    r.timings = t;
    this.queueWaits.push(t.queueWaitUs);
  }

  /** Event listener: scheduling attempts. */
  onEvent(e: ClusterEvent): void {
    if (e.kind !== 'Pod') return;
    if (e.reason === 'FailedScheduling') this.failedSchedulingEvents++;
    if (e.reason !== 'FailedScheduling' && e.reason !== 'Scheduled') return;
    const uid = this.byName.get(`${e.namespace}/${e.name}`);
    const r = uid === undefined ? undefined : this.live.get(uid);
    if (r !== undefined) r.attempts++;
  }

  /** Pods still present, in creation order. */
  livePods(): IterableIterator<Pod> {
    return [...this.live.values()].map((r) => r.pod)[Symbol.iterator]();
  }

  /** Writes the rows of the pods still present. */
  finish(): void {
    for (const r of this.live.values()) this.write(r);
  }

  /** Container restarts summed over all pods (each pod's highest container restart count). */
  restarts = 0;

  private write(r: PodRecord): void {
    const p = r.pod;
    const owner = p.metadata.ownerReferences?.find((o) => o.controller) ?? p.metadata.ownerReferences?.[0];
    const info = podInfo(p);
    const restarts = Math.max(0, ...(p.status.containerStatuses ?? []).map((c) => c.restartCount), ...(p.status.initContainerStatuses ?? []).map((c) => c.restartCount));
    this.restarts += restarts;
    this.csv.row([
      p.metadata.namespace,
      p.metadata.name,
      p.metadata.uid,
      owner?.kind ?? '',
      owner?.name ?? '',
      p.spec.nodeName ?? '',
      p.status.phase,
      p.status.reason ?? (p.spec.nodeName ? '' : p.status.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False')?.reason ?? ''),
      p.spec.priority ?? 0,
      info.requests.milliCPU,
      info.requests.memory,
      t(r.createdUs),
      t(r.boundUs),
      t(r.runningUs),
      t(r.readyUs),
      t(r.finishedUs),
      t(r.deletedUs),
      r.attempts,
      r.boundUs === undefined ? undefined : formatSeconds(r.boundUs - r.createdUs),
      t(r.timings?.queueWaitUs),
      t(r.timings?.cycleUs),
      t(r.timings?.bindingUs),
      r.readyUs === undefined ? undefined : formatSeconds(r.readyUs - r.createdUs),
      restarts,
      p.status.conditions?.some((c) => c.type === 'DisruptionTarget' && c.status === 'True' && c.reason === 'PreemptionByScheduler') ? 1 : 0,
      podQos(p.spec),
    ]);
  }
}
