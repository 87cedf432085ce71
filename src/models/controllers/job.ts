/**
 * Job controller (pkg/controller/job/job_controller.go `syncJob`):
 * - keeps min(parallelism, remaining completions) pods active (NonIndexed), or one pod per missing completion index
 *   (Indexed, index in the `batch.kubernetes.io/job-completion-index` annotation and label); a Job without
 *   `completions` is a work queue, complete once any pod succeeded and none is active;
 * - counts succeeded and failed pods once each; after more than `backoffLimit` failures the Job fails
 *   (BackoffLimitExceeded) and its active pods are deleted; replacements of failed pods wait the pod-failure backoff
 *   (10 s doubling, at most 10 min: `DefaultJobPodFailureBackOff`, `MaxJobPodFailureBackOff`);
 * - `activeDeadlineSeconds` fails the Job with DeadlineExceeded;
 * - `podFailurePolicy` (pod_failure_policy.go): the first rule matching a failed pod's exit codes or conditions
 *   decides: FailJob fails the Job at once (reason PodFailurePolicy), Ignore keeps the failure out of the backoffLimit
 *   count (the pod is still replaced), Count counts it as usual;
 * - pod events are batched for 1 s (`syncJobBatchPeriod`) before a sync; at most 500 pods are created per sync.
 */
import type { Engine } from '../../engine/engine.js';
import type { Micros } from '../../engine/time.js';
import type { Job, JobCondition, Pod } from '../../cluster/types.js';
import type { ApiClient, ApiServer } from '../apiserver/apiServer.js';
import type { EventRecorder } from '../eventRecorder.js';
import { Expectations } from './expectations.js';
import { OwnedPods } from './ownedPods.js';
import { deletionOrder, isActive, podFromTemplate, slowStartBatch } from './podControl.js';
import { Pending, WorkQueue } from './workQueue.js';
import { extend } from '../../cluster/extend.js';

export const JOB_CONTROLLER = 'job-controller';
/** `syncJobBatchPeriod`. */
export const SYNC_JOB_BATCH_PERIOD_US = 1_000_000;
/** `MaxPodCreateDeletePerSync`. */
export const MAX_POD_CREATE_DELETE_PER_SYNC = 500;
/** `DefaultJobPodFailureBackOff` and `MaxJobPodFailureBackOff`. */
export const JOB_POD_FAILURE_BACKOFF_US = 10_000_000;
export const MAX_JOB_POD_FAILURE_BACKOFF_US = 600_000_000;
/** Completion index annotation and label (`batch.kubernetes.io/job-completion-index`). */
export const JOB_COMPLETION_INDEX = 'batch.kubernetes.io/job-completion-index';

interface Tally {
  succeeded: Set<string>;
  failed: Set<string>;
  /** Failed pods a podFailurePolicy Ignore rule keeps out of the count. */
  ignored: Set<string>;
  succeededIndexes: Set<number>;
  lastFailureUs: Micros;
  /** Set when a FailJob rule matched: the Job's failure message. */
  failJob?: string;
}

/**
 * The first podFailurePolicy rule matching a failed pod (pkg/controller/job/pod_failure_policy.go
 * `matchPodFailurePolicy`): exit-code rules look at the containers' non-zero exit codes (operator In or NotIn),
 * condition rules at the pod's conditions.
 */
export function matchPodFailurePolicy(job: Job, pod: Pod): { action: 'FailJob' | 'FailIndex' | 'Ignore' | 'Count'; index: number; message: string } | undefined {
  const rules = job.spec.podFailurePolicy?.rules ?? [];
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i]!;
    if (r.onExitCodes !== undefined) {
      const e = r.onExitCodes;
      for (const cs of pod.status.containerStatuses ?? []) {
        if (cs.exitCode === undefined || cs.exitCode === 0) continue;
        if (e.containerName !== undefined && cs.name !== e.containerName) continue;
        const inValues = e.values.includes(cs.exitCode);
        if (e.operator === 'In' ? inValues : !inValues) {
          return { action: r.action, index: i, message: `Container ${cs.name} for pod ${pod.metadata.namespace}/${pod.metadata.name} failed with exit code ${cs.exitCode} matching ${r.action} rule at index ${i}` };
        }
      }
    }
    for (const pattern of r.onPodConditions ?? []) {
      const c = pod.status.conditions?.find((x) => x.type === pattern.type && x.status === (pattern.status ?? 'True'));
      if (c !== undefined) return { action: r.action, index: i, message: `Pod ${pod.metadata.namespace}/${pod.metadata.name} has condition ${pattern.type} matching ${r.action} rule at index ${i}` };
    }
  }
  return undefined;
}

/** The Job controller. */
export class JobController {
  private readonly queue: WorkQueue;
  private readonly expectations = new Expectations();
  private readonly owned = new OwnedPods('Job');
  private readonly tallies = new Map<string, Tally>();
  private readonly batched = new Set<string>();
  /** Jobs this controller has finished (their status write may still be in flight). */
  private readonly finishedKeys = new Set<string>();

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
    this.api.watch('Job', {}, (ev) => {
      const key = `${ev.object.metadata.namespace}/${ev.object.metadata.name}`;
      if (ev.type === 'DELETED') {
        this.expectations.delete(key);
        this.tallies.delete(key);
        this.finishedKeys.delete(key);
        this.owned.forget(key);
        return;
      }
      this.queue.add(key);
    });
    this.owned.watch(this.api, this.expectations, (key, ev) => {
      this.tally(key, ev.object);
      if (!this.batched.has(key)) {
        this.batched.add(key);
        this.engine.schedule(SYNC_JOB_BATCH_PERIOD_US, () => {
          this.batched.delete(key);
          this.queue.add(key);
        });
      }
    });
  }

  private tally(key: string, pod: Pod): void {
    if (pod.status.phase !== 'Succeeded' && pod.status.phase !== 'Failed') return;
    let t = this.tallies.get(key);
    if (t === undefined) {
      t = { succeeded: new Set(), failed: new Set(), ignored: new Set(), succeededIndexes: new Set(), lastFailureUs: 0 };
      this.tallies.set(key, t);
    }
    if (pod.status.phase === 'Failed' && !t.failed.has(pod.metadata.uid!) && !t.ignored.has(pod.metadata.uid!)) {
      const job = this.client.get('Job', key);
      const m = job !== undefined ? matchPodFailurePolicy(job, pod) : undefined;
      if (m?.action === 'Ignore') {
        t.ignored.add(pod.metadata.uid!);
        return;
      }
      if (m?.action === 'FailJob' && t.failJob === undefined) t.failJob = m.message;
    }
    const uid = pod.metadata.uid!;
    if (pod.status.phase === 'Succeeded' && !t.succeeded.has(uid)) {
      t.succeeded.add(uid);
      const idx = pod.metadata.annotations?.[JOB_COMPLETION_INDEX];
      if (idx !== undefined) t.succeededIndexes.add(Number(idx));
    } else if (pod.status.phase === 'Failed' && !t.failed.has(uid)) {
      t.failed.add(uid);
      t.lastFailureUs = this.engine.now;
    }
  }

  /** `syncJob`: finish the Job, or manage its pods (blocking on the creates/deletes); then write the status. */
  private sync(key: string, done: () => void): void {
    const job = this.client.get('Job', key);
    if (job === undefined || isFinished(job) || this.finishedKeys.has(key)) return done();
    const now = this.engine.now;
    const pods = this.owned.pods(key).filter((p) => p.metadata.ownerReferences?.some((r) => r.uid === job.metadata.uid));
    const active = pods.filter(isActive);
    const t: Tally = this.tallies.get(key) ?? { succeeded: new Set<string>(), failed: new Set<string>(), ignored: new Set<string>(), succeededIndexes: new Set<number>(), lastFailureUs: 0 };
    const succeeded = t.succeeded.size;
    const failed = t.failed.size;
    const startTime = job.status.startTime ?? now;
    const indexed = job.spec.completionMode === 'Indexed';
    const completions = job.spec.completions;

    let finished: JobCondition | undefined;
    const deadline = job.spec.activeDeadlineSeconds;
    if (t.failJob !== undefined) {
      finished = { type: 'Failed', status: 'True', reason: 'PodFailurePolicy', message: t.failJob, lastTransitionTime: now };
    } else if (deadline !== undefined && now - startTime >= deadline * 1_000_000) {
      finished = { type: 'Failed', status: 'True', reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline', lastTransitionTime: now };
    } else if (failed > (job.spec.backoffLimit ?? 6) || pastBackoffLimitOnFailure(job, active)) {
      finished = { type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit', lastTransitionTime: now };
    } else if (completions !== undefined ? (indexed ? t.succeededIndexes.size : succeeded) >= completions : succeeded > 0 && active.length === 0) {
      finished = { type: 'Complete', status: 'True', lastTransitionTime: now };
    }
    if (finished !== undefined) {
      this.finishedKeys.add(key);
      const pending = new Pending(() => this.writeStatus(key, { active: 0, succeeded, failed, startTime, ...(finished.type === 'Complete' ? { completionTime: now } : {}), conditions: [finished] }, done));
      for (const p of active) this.client.delete('Pod', `${p.metadata.namespace}/${p.metadata.name}`, {}, pending.hold());
      if (finished.type === 'Complete') this.recorder.record(job, 'Normal', 'Completed', JOB_CONTROLLER, 'Job completed');
      else this.recorder.record(job, 'Warning', finished.reason!, JOB_CONTROLLER, finished.message!);
      pending.seal();
      return;
    }
    if (deadline !== undefined && job.status.startTime === undefined) this.queue.addAfter(key, deadline * 1_000_000);

    const afterManage = () => this.writeStatus(key, { active: active.length, succeeded, failed, startTime }, done);
    if (!job.spec.suspend && this.expectations.satisfied(key, now)) this.manage(key, job, active, t, failed, now, afterManage);
    else afterManage();
  }

  private manage(key: string, job: Job, active: Pod[], t: Tally, failed: number, now: Micros, done: () => void): void {
    const indexed = job.spec.completionMode === 'Indexed';
    const completions = job.spec.completions;
    const parallelism = job.spec.parallelism ?? 1;
    let want: number;
    if (completions === undefined) want = t.succeeded.size > 0 ? 0 : parallelism;
    else want = Math.min(parallelism, completions - (indexed ? t.succeededIndexes.size : t.succeeded.size));
    want = Math.max(0, want);
    const diff = want - active.length;
    if (diff > 0) {
      if (failed > 0) {
        const backoff = Math.min(JOB_POD_FAILURE_BACKOFF_US * 2 ** (failed - 1), MAX_JOB_POD_FAILURE_BACKOFF_US);
        const wait = t.lastFailureUs + backoff - now;
        if (wait > 0) {
          this.queue.addAfter(key, wait);
          return done();
        }
      }
      const n = Math.min(diff, MAX_POD_CREATE_DELETE_PER_SYNC);
      const indexes: number[] = [];
      if (indexed) {
        const busy = new Set(active.map((p) => Number(p.metadata.annotations?.[JOB_COMPLETION_INDEX])));
        for (let i = 0; i < completions! && indexes.length < n; i++) if (!t.succeededIndexes.has(i) && !busy.has(i)) indexes.push(i);
      }
      const count = indexed ? indexes.length : n;
      if (count === 0) return done();
      this.expectations.expect(key, count, 0, now);
      const labels = { 'batch.kubernetes.io/controller-uid': job.metadata.uid!, 'batch.kubernetes.io/job-name': job.metadata.name, 'controller-uid': job.metadata.uid!, 'job-name': job.metadata.name };
      slowStartBatch(
        this.client,
        count,
        (i) =>
          indexed
            ? podFromTemplate(job.spec.template, job, `${job.metadata.name}-${indexes[i]}-`, extend(labels, { [JOB_COMPLETION_INDEX]: String(indexes[i]) }), { [JOB_COMPLETION_INDEX]: String(indexes[i]) })
            : podFromTemplate(job.spec.template, job, `${job.metadata.name}-`, labels),
        (pod) => this.recorder.record(job, 'Normal', 'SuccessfulCreate', JOB_CONTROLLER, `Created pod: ${pod.metadata.name}`),
        (skipped) => {
          for (let i = 0; i < skipped; i++) this.expectations.creationObserved(key);
        },
        done,
      );
    } else if (diff < 0) {
      const victims = [...active].sort(deletionOrder).slice(0, Math.min(-diff, MAX_POD_CREATE_DELETE_PER_SYNC));
      this.expectations.expect(key, 0, victims.length, now);
      const pending = new Pending(done);
      for (const p of victims) {
        const release = pending.hold();
        this.client.delete('Pod', `${p.metadata.namespace}/${p.metadata.name}`, {}, (r) => {
          if (!r.ok) this.expectations.deletionObserved(key);
          release();
        });
      }
      pending.seal();
    } else {
      done();
    }
  }

  private writeStatus(key: string, s: Job['status'], done: () => void): void {
    const job = this.client.get('Job', key);
    if (job === undefined) return done();
    const cur = job.status;
    if (cur.active === s.active && cur.succeeded === s.succeeded && cur.failed === s.failed && cur.startTime === s.startTime && s.conditions === undefined) return done();
    this.client.update('Job', key, (j) => extend(j, { status: Object.assign({}, j.status, s, { conditions: s.conditions ?? j.status.conditions ?? [] }) }), () => done());
  }
}

/**
 * `pastBackoffLimitOnFailure`: with restartPolicy OnFailure failed containers restart in place, so the container
 * restarts of the active pods count against backoffLimit.
 */
function pastBackoffLimitOnFailure(job: Job, active: readonly Pod[]): boolean {
  if (job.spec.template.spec.restartPolicy !== 'OnFailure') return false;
  let restarts = 0;
  for (const p of active) for (const c of p.status.containerStatuses ?? []) restarts += c.restartCount;
  return restarts >= (job.spec.backoffLimit ?? 6);
}

/** Whether the Job has a Complete or Failed condition. */
export function isFinished(job: Job): boolean {
  return job.status.conditions?.some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True') ?? false;
}
