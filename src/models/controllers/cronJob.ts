/**
 * CronJob controller (pkg/controller/cronjob/cronjob_controllerv2.go `syncCronJob`, utils.go).
 *
 * Each sync: finished Jobs leave `status.active` (SawCompletedJob, lastSuccessfulTime); a suspended CronJob stops
 * there. The most recent schedule time after the last one (or the creation time; with startingDeadlineSeconds, no
 * earlier than now − deadline) is due; more than 100 missed times give a TooManyMissedTimes warning. A due time later
 * than its starting deadline is skipped (MissSchedule). concurrencyPolicy Forbid skips while a Job is active
 * (JobAlreadyActive); Replace deletes the active Jobs first; Allow runs them side by side. The Job is named
 * `<cronjob>-<scheduled time in minutes>`, annotated `batch.kubernetes.io/cronjob-scheduled-timestamp`, owned by the
 * CronJob. Finished Jobs beyond successfulJobsHistoryLimit (3) and failedJobsHistoryLimit (1) are deleted, oldest
 * first. The CronJob is requeued at its next schedule time (+100 ms, as upstream).
 */
import type { Engine } from '../../engine/engine.js';
import type { Micros } from '../../engine/time.js';
import type { CronJob, Job } from '../../cluster/types.js';
import { objectKey } from '../../cluster/types.js';
import type { ApiClient, ApiServer } from '../apiserver/apiServer.js';
import type { EventRecorder } from '../eventRecorder.js';
import { nextScheduleUs, prevScheduleUs } from '../../cluster/cronSchedule.js';
import { controllerRef, getControllerOf } from './podControl.js';
import { Pending, WorkQueue } from './workQueue.js';
import { extend } from '../../cluster/extend.js';

export const CRONJOB_CONTROLLER = 'cronjob-controller';
export const SCHEDULED_TIMESTAMP_ANNOTATION = 'batch.kubernetes.io/cronjob-scheduled-timestamp';
/** `nextScheduleDelta`: requeue 100 ms after the next schedule time. */
const NEXT_SCHEDULE_DELTA_US = 100_000;
/** More missed start times than this is reported (utils.go). */
const TOO_MANY_MISSED = 100;

/** Simulated time as RFC 3339 UTC (t = 0 is the epoch). */
function rfc3339(us: Micros): string {
  const s = Math.floor(us / 1_000_000);
  const d = Math.floor(s / 86400);
  // Civil date from days since the epoch (Howard Hinnant's algorithm), so no Date object is needed.
  const z = d + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const sod = s - d * 86400;
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(year, 4)}-${p(month)}-${p(day)}T${p(Math.floor(sod / 3600))}:${p(Math.floor((sod % 3600) / 60))}:${p(sod % 60)}Z`;
}

function finished(j: Job): 'Complete' | 'Failed' | undefined {
  const c = j.status.conditions?.find((x) => (x.type === 'Complete' || x.type === 'Failed') && x.status === 'True');
  return c?.type as 'Complete' | 'Failed' | undefined;
}

/** The CronJob controller. */
export class CronJobController {
  private readonly queue: WorkQueue;
  private readonly jobsByOwner = new Map<string, Map<string, Job>>();
  private readonly wakeAt = new Map<string, Micros>();

  constructor(
    private readonly engine: Engine,
    private readonly api: ApiServer,
    private readonly client: ApiClient,
    private readonly recorder: EventRecorder,
  ) {
    this.queue = new WorkQueue(engine, (key, done) => this.sync(key, done));
  }

  /** Starts the informers. */
  start(): void {
    this.api.watch('CronJob', {}, (ev) => {
      const key = objectKey(ev.object.metadata);
      if (ev.type === 'DELETED') {
        this.jobsByOwner.delete(key);
        this.wakeAt.delete(key);
        return;
      }
      this.queue.add(key);
    });
    this.api.watch('Job', {}, (ev) => {
      const ref = getControllerOf(ev.object);
      if (ref?.kind !== 'CronJob') return;
      const key = `${ev.object.metadata.namespace ?? 'default'}/${ref.name}`;
      let m = this.jobsByOwner.get(key);
      if (m === undefined) this.jobsByOwner.set(key, (m = new Map()));
      if (ev.type === 'DELETED') m.delete(ev.object.metadata.uid!);
      else m.set(ev.object.metadata.uid!, ev.object);
      this.queue.add(key);
    });
  }

  private requeueAt(key: string, t: Micros): void {
    const prev = this.wakeAt.get(key);
    if (prev !== undefined && prev <= t && prev > this.engine.now) return;
    this.wakeAt.set(key, t);
    this.engine.at(t, () => {
      if (this.wakeAt.get(key) === t) this.wakeAt.delete(key);
      this.queue.add(key);
    });
  }

  private sync(key: string, done: () => void): void {
    const cj = this.client.get('CronJob', key);
    if (cj === undefined || cj.metadata.deletionTimestamp !== undefined) return done();
    const now = this.engine.now;
    const jobs = [...(this.jobsByOwner.get(key)?.values() ?? [])].filter((j) => j.metadata.ownerReferences?.some((r) => r.uid === cj.metadata.uid));
    const byName = new Map(jobs.map((j) => [j.metadata.name, j]));
    // Reconcile the active list with the Jobs that exist and have not finished.
    let active = (cj.status.active ?? []).filter((a) => {
      const j = byName.get(a.name);
      if (j === undefined) return false;
      const f = finished(j);
      if (f !== undefined) this.recorder.record(cj, 'Normal', 'SawCompletedJob', CRONJOB_CONTROLLER, `Saw completed job: ${j.metadata.name}, status: ${f}`);
      return f === undefined;
    });
    for (const j of jobs) if (finished(j) === undefined && j.metadata.deletionTimestamp === undefined && !active.some((a) => a.name === j.metadata.name)) active.push({ name: j.metadata.name, uid: j.metadata.uid });
    let lastSuccessfulTime = cj.status.lastSuccessfulTime;
    for (const j of jobs) if (finished(j) === 'Complete' && j.status.completionTime !== undefined && (lastSuccessfulTime === undefined || j.status.completionTime > lastSuccessfulTime)) lastSuccessfulTime = j.status.completionTime;
    let lastScheduleTime = cj.status.lastScheduleTime;
    const pending = new Pending(() => {
      this.cleanup(cj, jobs);
      const status: CronJob['status'] = Object.assign({}, active.length > 0 ? { active } : {}, lastScheduleTime !== undefined ? { lastScheduleTime } : {}, lastSuccessfulTime !== undefined ? { lastSuccessfulTime } : {});
      if (JSON.stringify(status) === JSON.stringify(cj.status)) return done();
      this.client.update('CronJob', key, (c) => extend(c, { status }), () => done());
    });
    const schedule = cj.spec.schedule;
    const tz = cj.spec.timeZone;
    const deadlineUs = cj.spec.startingDeadlineSeconds !== undefined ? cj.spec.startingDeadlineSeconds * 1_000_000 : undefined;
    if (cj.spec.suspend) return pending.seal();
    // mostRecentScheduleTime: the latest schedule time in (earliest, now].
    let earliest = lastScheduleTime ?? cj.metadata.creationTimestamp ?? 0;
    if (deadlineUs !== undefined) earliest = Math.max(earliest, now - deadlineUs);
    const latest = prevScheduleUs(schedule, tz, now);
    const due = latest !== undefined && latest > earliest ? latest : undefined;
    if (due !== undefined) {
      let missed = 0;
      for (let t = nextScheduleUs(schedule, tz, earliest); t <= now && missed <= TOO_MANY_MISSED; t = nextScheduleUs(schedule, tz, t)) missed++;
      if (missed > TOO_MANY_MISSED) this.recorder.record(cj, 'Warning', 'TooManyMissedTimes', CRONJOB_CONTROLLER, 'too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew');
    }
    this.requeueAt(key, nextScheduleUs(schedule, tz, now) + NEXT_SCHEDULE_DELTA_US);
    if (due === undefined) return pending.seal();
    if (deadlineUs !== undefined && due + deadlineUs < now) {
      this.recorder.record(cj, 'Warning', 'MissSchedule', CRONJOB_CONTROLLER, `Missed scheduled time to start a job: ${rfc3339(due)}`);
      return pending.seal();
    }
    const name = `${cj.metadata.name}-${Math.floor(due / 60_000_000)}`;
    if (byName.has(name)) return pending.seal();
    const policy = cj.spec.concurrencyPolicy ?? 'Allow';
    if (policy === 'Forbid' && active.length > 0) {
      this.recorder.record(cj, 'Normal', 'JobAlreadyActive', CRONJOB_CONTROLLER, 'Not starting job because prior execution is running and concurrency policy is Forbid');
      return pending.seal();
    }
    if (policy === 'Replace') {
      for (const a of active) {
        const release = pending.hold();
        this.client.delete('Job', `${cj.metadata.namespace ?? 'default'}/${a.name}`, {}, (r) => {
          if (r.ok) this.recorder.record(cj, 'Normal', 'SuccessfulDelete', CRONJOB_CONTROLLER, `Deleted job ${a.name}`);
          release();
        });
      }
      active = [];
    }
    const t = cj.spec.jobTemplate;
    const job: Job = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name,
        namespace: cj.metadata.namespace ?? 'default',
        labels: { ...(t.metadata?.labels ?? {}) },
        annotations: extend(t.metadata?.annotations ?? {}, { [SCHEDULED_TIMESTAMP_ANNOTATION]: rfc3339(due) }),
        ownerReferences: [controllerRef(cj)],
      },
      spec: t.spec,
      status: {},
    };
    const release = pending.hold();
    lastScheduleTime = due;
    this.client.create(job, (r) => {
      if (r.ok) {
        this.recorder.record(cj, 'Normal', 'SuccessfulCreate', CRONJOB_CONTROLLER, `Created job ${name}`);
        active = [...active, { name, uid: r.object.metadata.uid }];
      } else this.recorder.record(cj, 'Warning', 'FailedCreate', CRONJOB_CONTROLLER, `Error creating job: ${r.message}`);
      release();
    });
    pending.seal();
  }

  /** `cleanupFinishedJobs`: keep the newest successfulJobsHistoryLimit complete and failedJobsHistoryLimit failed Jobs. */
  private cleanup(cj: CronJob, jobs: Job[]): void {
    const ns = cj.metadata.namespace ?? 'default';
    for (const [kind, limit] of [['Complete', cj.spec.successfulJobsHistoryLimit ?? 3], ['Failed', cj.spec.failedJobsHistoryLimit ?? 1]] as const) {
      const done = jobs.filter((j) => finished(j) === kind && j.metadata.deletionTimestamp === undefined).sort((a, b) => (a.status.startTime ?? a.metadata.creationTimestamp ?? 0) - (b.status.startTime ?? b.metadata.creationTimestamp ?? 0));
      for (const j of done.slice(0, Math.max(0, done.length - limit))) {
        this.client.delete('Job', `${ns}/${j.metadata.name}`, {}, (r) => {
          if (r.ok) this.recorder.record(cj, 'Normal', 'SuccessfulDelete', CRONJOB_CONTROLLER, `Deleted job ${j.metadata.name}`);
        });
      }
    }
  }
}
