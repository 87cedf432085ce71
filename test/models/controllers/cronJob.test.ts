import { describe, expect, it } from 'vitest';
import type { CronJob } from '../../../src/cluster/types.js';
import { constant } from '../../../src/engine/distribution.js';
import { Kubelet } from '../../../src/models/kubelet/kubelet.js';
import { GarbageCollector } from '../../../src/models/controllers/garbageCollector.js';
import { JobController } from '../../../src/models/controllers/job.js';
import { CronJobController, SCHEDULED_TIMESTAMP_ANNOTATION } from '../../../src/models/controllers/cronJob.js';
import { cronScheduleError, nextScheduleUs } from '../../../src/cluster/cronSchedule.js';
import { defaultPodSpec } from '../../../src/cluster/podDefaults.js';
import { makeNode } from '../../helpers/objects.js';
import { ms, s, withScheduler, world } from '../../helpers/world.js';

const unlimited = { qps: 1e9, burst: 1e9 };
const advance = (w: ReturnType<typeof world>, dt: number) => w.engine.run(w.engine.now + dt);
const min = 60 * s;

function cluster() {
  const w = world();
  withScheduler(w);
  new JobController(w.engine, w.api, w.api.client('job', unlimited), w.recorder).start();
  new CronJobController(w.engine, w.api, w.api.client('cronjob', unlimited), w.recorder).start();
  new GarbageCollector(w.api, w.api.client('gc', unlimited)).start();
  const node = makeNode('n0', { cpu: 16_000, memory: 64e9 });
  new Kubelet(w.engine, w.api, w.api.client('kubelet', unlimited), node, w.streams.stream('k'), { sandboxLatency: constant(100 * ms), containerStartLatency: constant(400 * ms), containerStopLatency: constant(1 * s) }, { serializeImagePulls: true, registryPullQPS: 5, registryBurst: 10, bandwidth: 1e9, overhead: constant(0), sizeOf: () => 1e6 }, w.recorder).start();
  return w;
}

function cronJob(schedule: string, runFor: string, extra: Partial<CronJob['spec']> = {}): CronJob {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'report', namespace: 'default' },
    spec: {
      schedule,
      concurrencyPolicy: 'Allow',
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
      jobTemplate: { spec: { parallelism: 1, completions: 1, backoffLimit: 6, template: { metadata: { annotations: { 'kubesim.dev/duration': runFor } }, spec: defaultPodSpec({ restartPolicy: 'Never', containers: [{ name: 'c', image: 'r:1' }] }) } } },
      ...extra,
    },
    status: {},
  };
}

const createdAt = (w: ReturnType<typeof world>) => w.events.filter((e) => e.kind === 'CronJob' && e.reason === 'SuccessfulCreate').map((e) => e.timeUs / s);

describe('Cron schedules', () => {
  it('follow the standard 5-field syntax and descriptors in UTC from t = 0', () => {
    expect(nextScheduleUs('*/5 * * * *', undefined, 0)).toBe(5 * min);
    expect(nextScheduleUs('0 9 * * *', undefined, 0)).toBe(9 * 60 * min);
    expect(nextScheduleUs('@hourly', undefined, 61 * min)).toBe(120 * min);
    expect(cronScheduleError('61 * * * *')).toMatch(/not a valid cron schedule/);
  });
});

describe('CronJob controller (cronjob_controllerv2.go)', () => {
  it('creates a Job at each schedule time, named after the scheduled minute, and keeps 3 successful Jobs', () => {
    const w = cluster();
    w.admin.create(cronJob('*/5 * * * *', '1m'));
    advance(w, 31 * min);
    const times = createdAt(w);
    expect(times).toHaveLength(6);
    times.forEach((t, i) => {
      expect(t).toBeGreaterThanOrEqual((i + 1) * 300);
      expect(t).toBeLessThan((i + 1) * 300 + 1);
    });
    const jobs = [...w.store.list('Job')].filter((j) => j.metadata.deletionTimestamp === undefined);
    // The three newest complete Jobs, and the one still running.
    expect(jobs.map((j) => j.metadata.name)).toEqual(['report-15', 'report-20', 'report-25', 'report-30']);
    expect(jobs[0]!.metadata.annotations?.[SCHEDULED_TIMESTAMP_ANNOTATION]).toBe('1970-01-01T00:15:00Z');
    const cj = w.store.get('CronJob', 'default/report')!;
    expect(cj.status.lastScheduleTime).toBe(30 * min);
    expect(cj.status.lastSuccessfulTime).toBeGreaterThan(26 * min);
    expect(w.events.filter((e) => e.reason === 'SawCompletedJob').length).toBeGreaterThanOrEqual(5);
  });

  it('Forbid holds a run while the previous Job is active: it starts late when that one ends, or is missed past its deadline', () => {
    const w = cluster();
    w.admin.create(cronJob('*/5 * * * *', '7m', { concurrencyPolicy: 'Forbid' }));
    advance(w, 13 * min);
    // 5 min: runs until ≈12 min; 10 min: held (JobAlreadyActive), then started as soon as the first Job completes,
    // as upstream does without startingDeadlineSeconds.
    const t = createdAt(w);
    expect(t[0]).toBeLessThan(301);
    expect(t[1]).toBeGreaterThan(720);
    expect(t[1]).toBeLessThan(723);
    expect(w.events.some((e) => e.reason === 'JobAlreadyActive')).toBe(true);
    const w2 = cluster();
    w2.admin.create(cronJob('*/5 * * * *', '7m', { concurrencyPolicy: 'Forbid', startingDeadlineSeconds: 60 }));
    advance(w2, 16 * min);
    // With a 60 s starting deadline the 10 min run is no longer due when the first Job ends at ≈12 min.
    expect(createdAt(w2).map((x) => Math.floor(x))).toEqual([300, 900]);
  });

  it('Replace deletes the running Job and starts the new one', () => {
    const w = cluster();
    w.admin.create(cronJob('*/5 * * * *', '7m', { concurrencyPolicy: 'Replace' }));
    advance(w, 11 * min);
    expect(createdAt(w)).toHaveLength(2);
    expect(w.events.some((e) => e.reason === 'SuccessfulDelete' && e.message === 'Deleted job report-5')).toBe(true);
    expect(w.store.get('Job', 'default/report-5')).toBeUndefined();
  });

  it('a suspended CronJob creates nothing; a missed time older than startingDeadlineSeconds is skipped', () => {
    const w = cluster();
    w.admin.create(cronJob('*/5 * * * *', '1m', { suspend: true, startingDeadlineSeconds: 30 }));
    advance(w, 12 * min);
    expect(createdAt(w)).toHaveLength(0);
    w.admin.update('CronJob', 'default/report', (c) => ({ ...c, spec: { ...c.spec, suspend: false } }));
    advance(w, 1 * min);
    // Resumed at 12 min: the 10 min time is past its 30 s deadline; the next run is at 15 min.
    expect(createdAt(w)).toHaveLength(0);
    advance(w, 3 * min);
    expect(createdAt(w).map((t) => Math.floor(t))).toEqual([900]);
  });
});

describe('CronJob schedules as upstream validates them (cron.ParseStandard, validateScheduleFormat)', () => {
  it('takes five fields, names in the month and day-of-week fields, ? in the day fields, and the descriptors', async () => {
    const { cronScheduleError } = await import('../../../src/cluster/cronSchedule.js');
    for (const ok of ['*/15 * * * *', '0 9 * * MON-FRI', '30 2 1 JAN,JUL ?', '0 0 ? * SUN', '@hourly', '@daily', '@midnight', '@yearly', '5-10/2 0-23 1-31 1-12 0-6']) expect(cronScheduleError(ok), ok).toBeUndefined();
  });
  it('refuses what the standard parser refuses, with its message', async () => {
    const { cronScheduleError } = await import('../../../src/cluster/cronSchedule.js');
    expect(cronScheduleError('0 0 * * * *')).toBe('not a valid cron schedule: expected exactly 5 fields, found 6: [0 0 * * * *]');
    expect(cronScheduleError('0 0 L * *')).toBe('not a valid cron schedule: failed to parse day of month field "L": unknown value "L"');
    expect(cronScheduleError('0 0 * * 5#3')).toBe('not a valid cron schedule: failed to parse day of week field "5#3"');
    expect(cronScheduleError('? 0 * * *')).toMatch(/"\?" is allowed only in the day-of-month and day-of-week fields/);
    expect(cronScheduleError('CRON_TZ=Asia/Tokyo 0 9 * * *')).toBe('not a valid cron schedule: cannot use TZ or CRON_TZ in schedule, use timeZone field instead');
    expect(cronScheduleError('@fortnightly')).toBe('not a valid cron schedule: unrecognized descriptor: @fortnightly');
    expect(cronScheduleError('0 9 * * *', 'Asia/Tokyo')).toBeUndefined();
  });
});
