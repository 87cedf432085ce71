/**
 * Cron schedules of CronJobs (pkg/controller/cronjob/utils.go, robfig/cron's standard parser): five fields
 * (minute hour day-of-month month day-of-week) or a descriptor (@hourly, @daily…), evaluated in UTC or the
 * CronJob's `timeZone`. Simulated time 0 is 1970-01-01T00:00:00Z, so `0 9 * * *` fires at 9 h, 33 h…
 * Parsing and iteration use the cron-parser library.
 */
import { CronExpressionParser } from 'cron-parser';
import type { Micros } from '../engine/time.js';

/** Why a schedule is invalid, or undefined. */
export function cronScheduleError(schedule: string, timeZone?: string): string | undefined {
  try {
    CronExpressionParser.parse(schedule.trim(), { currentDate: 0, tz: timeZone ?? 'UTC' });
    return undefined;
  } catch (e) {
    return `not a valid cron schedule: ${(e as Error).message}`;
  }
}

/** The first schedule time strictly after `afterUs` (µs of simulated time). */
export function nextScheduleUs(schedule: string, timeZone: string | undefined, afterUs: Micros): Micros {
  const it = CronExpressionParser.parse(schedule.trim(), { currentDate: Math.floor(afterUs / 1000), tz: timeZone ?? 'UTC' });
  return it.next().getTime() * 1000;
}

/** The last schedule time at or before `atUs`, or undefined if none since the epoch. */
export function prevScheduleUs(schedule: string, timeZone: string | undefined, atUs: Micros): Micros | undefined {
  const it = CronExpressionParser.parse(schedule.trim(), { currentDate: Math.floor(atUs / 1000) + 1, tz: timeZone ?? 'UTC' });
  const t = it.prev().getTime() * 1000;
  return t >= 0 ? t : undefined;
}
