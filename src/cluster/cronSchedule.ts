/**
 * Cron schedules of CronJobs (pkg/controller/cronjob/utils.go, robfig/cron's standard parser): five fields
 * (minute hour day-of-month month day-of-week) or a descriptor (@hourly, @daily…), evaluated in UTC or the
 * CronJob's `timeZone`. Simulated time 0 is 1970-01-01T00:00:00Z, so `0 9 * * *` fires at 9 h, 33 h…
 * Parsing and iteration use the cron-parser library, after a check that the schedule is one robfig/cron's standard
 * parser takes (cron-parser takes more: seconds, L, W, #).
 */
import { CronExpressionParser } from 'cron-parser';
import type { Micros } from '../engine/time.js';

/** robfig/cron's descriptors (cron.ParseStandard); `@every` is one too, but its interval schedule is not modelled. */
const DESCRIPTORS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);
const MONTHS = new Set(['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC']);
const DAYS = new Set(['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT']);
const FIELD_NAMES = ['minute', 'hour', 'day of month', 'month', 'day of week'];
/** One comma-separated part of a field: `*`, `?`, a value or a range, with an optional `/step`. */
const PART = /^(\*|\?|[A-Za-z0-9]+(-[A-Za-z0-9]+)?)(\/[0-9]+)?$/;

/**
 * What cron.ParseStandard and the CronJob validation (pkg/apis/batch/validation `validateScheduleFormat`) refuse that
 * the library would take: a TZ or CRON_TZ prefix (new objects use `timeZone`), other than five fields, seconds,
 * `L`, `W` and `#`, `?` outside the day fields, names outside the month and day-of-week fields.
 */
function standardError(schedule: string): string | undefined {
  const s = schedule.trim();
  if (s.includes('TZ')) return 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead';
  if (s.startsWith('@')) {
    if (DESCRIPTORS.has(s.toLowerCase())) return undefined;
    if (s.startsWith('@every ')) return 'an @every schedule is accepted by Kubernetes but not modelled by kubesim; use a five-field schedule';
    return `unrecognized descriptor: ${s}`;
  }
  const fields = s.split(/\s+/);
  if (fields.length !== 5) return `expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`;
  for (let i = 0; i < 5; i++) {
    for (const part of fields[i]!.split(',')) {
      if (!PART.test(part)) return `failed to parse ${FIELD_NAMES[i]} field "${fields[i]}"`;
      if (part === '?' && i !== 2 && i !== 4) return `"?" is allowed only in the day-of-month and day-of-week fields, found it in the ${FIELD_NAMES[i]} field`;
      for (const token of part.replace(/\/[0-9]+$/, '').split('-')) {
        if (/^[0-9]+$/.test(token) || token === '*' || token === '?') continue;
        const names = i === 3 ? MONTHS : i === 4 ? DAYS : undefined;
        if (names === undefined || !names.has(token.toUpperCase())) return `failed to parse ${FIELD_NAMES[i]} field "${fields[i]}": unknown value "${token}"`;
      }
    }
  }
  return undefined;
}

/** The schedule as the library reads it: robfig's @midnight and @annually are its @daily and @yearly. */
function forLibrary(schedule: string): string {
  const s = schedule.trim();
  const lower = s.toLowerCase();
  return lower === '@midnight' ? '@daily' : lower === '@annually' ? '@yearly' : s;
}

/** Why a schedule is invalid, or undefined. */
export function cronScheduleError(schedule: string, timeZone?: string): string | undefined {
  const standard = standardError(schedule);
  if (standard !== undefined) return `not a valid cron schedule: ${standard}`;
  try {
    CronExpressionParser.parse(forLibrary(schedule), { currentDate: 0, tz: timeZone ?? 'UTC' });
    return undefined;
  } catch (e) {
    return `not a valid cron schedule: ${(e as Error).message}`;
  }
}

/** The first schedule time strictly after `afterUs` (µs of simulated time). */
export function nextScheduleUs(schedule: string, timeZone: string | undefined, afterUs: Micros): Micros {
  const it = CronExpressionParser.parse(forLibrary(schedule), { currentDate: Math.floor(afterUs / 1000), tz: timeZone ?? 'UTC' });
  return it.next().getTime() * 1000;
}

/** The last schedule time at or before `atUs`, or undefined if none since the epoch. */
export function prevScheduleUs(schedule: string, timeZone: string | undefined, atUs: Micros): Micros | undefined {
  const it = CronExpressionParser.parse(forLibrary(schedule), { currentDate: Math.floor(atUs / 1000) + 1, tz: timeZone ?? 'UTC' });
  const t = it.prev().getTime() * 1000;
  return t >= 0 ? t : undefined;
}
