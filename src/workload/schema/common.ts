/**
 * Building blocks of kubesim's input schemas (zod). Conversions from text (durations, quantities, rates,
 * distributions) happen inside the schema, so a bad value is reported at its own path.
 */
import { z } from 'zod';
import type { Distribution } from '../../engine/distribution.js';
import type { Micros } from '../../engine/time.js';
import { isValidResourceName, QuantityError, resourceAmount } from '../../cluster/quantity.js';
import type { ResourceList } from '../../cluster/resources.js';
import { DURATION_EXPECTATION, parseDuration, parseDurationFine } from '../../cluster/duration.js';
import { didYouMean } from '../errors.js';

/** A strict object: unknown fields are errors, with a "did you mean" when a known field is close. */
export function strict<T extends z.ZodRawShape>(shape: T, what?: string) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (iss) => {
      if (iss.code === 'unrecognized_keys') {
        const key = iss.keys[0]!;
        const guess = didYouMean(key, known);
        return `unknown field "${key}"${what ? ` in ${what}` : ''}${guess ? ` (did you mean "${guess}"?)` : `; expected one of: ${known.join(', ')}`}`;
      }
      if (iss.code === 'invalid_type') return `expected a mapping${what ? ` (${what})` : ''}`;
      return undefined;
    },
  });
}

/** A Kubernetes object part whose unmodelled fields are accepted but must still be known Kubernetes fields. */
export function k8sObject<T extends z.ZodRawShape>(shape: T, unmodelled: readonly string[], what: string) {
  const full: Record<string, z.core.$ZodType> = { ...shape };
  for (const f of unmodelled) full[f] = z.unknown().optional();
  return strict(full, what) as unknown as z.ZodObject<T, z.core.$strict>;
}

/** What a duration looks like, as a pattern editors can check (Go's time.ParseDuration syntax). */
const DURATION_PATTERN = /^\s*(0|((\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h))+)\s*$/;

/** A duration string → integer µs. */
export const duration = z
  .string({ error: `expected ${DURATION_EXPECTATION}` })
  .regex(DURATION_PATTERN, { error: `expected ${DURATION_EXPECTATION}` })
  .describe(`A duration: ${DURATION_EXPECTATION}`)
  .transform((s, ctx): Micros => {
    const us = parseDuration(s.trim());
    if (us === undefined) {
      ctx.addIssue({ code: 'custom', message: `expected ${DURATION_EXPECTATION}` });
      return z.NEVER;
    }
    return us;
  });

/** A short duration → µs with nanosecond resolution (fractional µs kept), e.g. "450ns" → 0.45. */
export const fineDuration = z
  .string({ error: `expected ${DURATION_EXPECTATION}` })
  .regex(DURATION_PATTERN, { error: `expected ${DURATION_EXPECTATION}` })
  .describe(`A duration with nanosecond resolution: ${DURATION_EXPECTATION}, or e.g. 450ns`)
  .transform((s, ctx): number => {
    const us = parseDurationFine(s.trim());
    if (us === undefined) {
      ctx.addIssue({ code: 'custom', message: `expected ${DURATION_EXPECTATION}` });
      return z.NEVER;
    }
    return us;
  });

/** A duration no longer than `maxUs`. */
export function boundedDuration(maxUs: Micros, label: string) {
  return duration.refine((us) => us <= maxUs, { message: `expected a duration of at most ${label}` });
}

/** A non-negative integer. */
export const nonNegativeInt = z.int({ error: 'expected an integer' }).min(0, { error: 'expected an integer ≥ 0' });
/** A positive integer. */
export const positiveInt = z.int({ error: 'expected an integer' }).min(1, { error: 'expected an integer ≥ 1' });
/** A positive number. */
export const positiveNumber = z.number({ error: 'expected a number' }).positive({ error: 'expected a number > 0' });

const TEN_YEARS_US = 10 * 365 * 24 * 3_600_000_000;

const distributionForms = 'a duration (constant), or one of {constant: D}, {uniform: {min: D, max: D}}, {exponential: {mean: D}}, {lognormal: {median: D, sigma: N}}, {normal: {mean: D, stddev: D}}';

/** A distribution of durations: a plain duration (constant) or a named form. */
export const distribution = z.union(
  [
    boundedDuration(TEN_YEARS_US, '10 years').transform((valueUs): Distribution => ({ kind: 'constant', valueUs })),
    strict({ constant: boundedDuration(TEN_YEARS_US, '10 years') }).transform((d): Distribution => ({ kind: 'constant', valueUs: d.constant })),
    strict({ uniform: strict({ min: duration, max: duration }).refine((u) => u.min <= u.max, { message: 'uniform needs min ≤ max' }) }).transform(
      (d): Distribution => ({ kind: 'uniform', minUs: d.uniform.min, maxUs: d.uniform.max }),
    ),
    strict({ exponential: strict({ mean: duration }) }).transform((d): Distribution => ({ kind: 'exponential', meanUs: d.exponential.mean })),
    strict({ lognormal: strict({ median: duration, sigma: z.number().min(0).max(10) }) }).transform(
      (d): Distribution => ({ kind: 'lognormal', medianUs: d.lognormal.median, sigma: d.lognormal.sigma }),
    ),
    strict({ normal: strict({ mean: duration, stddev: duration }) }).transform(
      (d): Distribution => ({ kind: 'normal', meanUs: d.normal.mean, stddevUs: d.normal.stddev }),
    ),
  ],
  { error: `expected a distribution: ${distributionForms}` },
);

/** A quantity for `resource` (text or YAML number) → kubesim amount (milli-CPU, bytes, counts). */
export function quantity(resource: string) {
  return z.union([z.string().describe('A Kubernetes quantity such as 100m, 1.5, 512Mi or 2Gi'), z.number()], { error: 'expected a quantity such as 100m, 1.5, 512Mi or 2Gi' }).transform((v, ctx) => {
    try {
      return resourceAmount(resource, v);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: `${(e as QuantityError).message}; expected a quantity such as 100m, 1.5, 512Mi or 2Gi` });
      return z.NEVER;
    }
  });
}

/** A v1.ResourceList: resource name → quantity. */
export const resourceList = z
  .record(z.string(), z.union([z.string(), z.number()]), { error: 'expected a mapping of resource name to quantity' })
  .transform((m, ctx): ResourceList => {
    const out: ResourceList = {};
    for (const [name, v] of Object.entries(m)) {
      if (!isValidResourceName(name)) {
        ctx.addIssue({ code: 'custom', path: [name], message: `"${name}" is not a resource name; expected cpu, memory, pods, ephemeral-storage, hugepages-<size> or an extended resource like example.com/gpu` });
        continue;
      }
      try {
        out[name] = resourceAmount(name, v);
      } catch (e) {
        ctx.addIssue({ code: 'custom', path: [name], message: `${(e as Error).message}; expected a quantity such as 100m, 1.5, 512Mi or 2Gi` });
      }
    }
    return out;
  });

/**
 * A ResourceQuota's `hard`: resource names, `requests.<name>`, `limits.<name>` and `count/<resource>` (object
 * counts), each parsed as the quantity of its resource.
 */
export const quotaResourceList = z
  .record(z.string(), z.union([z.string(), z.number()]), { error: 'expected a mapping of quota resource to quantity' })
  .transform((m, ctx): ResourceList => {
    const out: ResourceList = {};
    for (const [name, v] of Object.entries(m)) {
      const base = name.startsWith('requests.') ? name.slice(9) : name.startsWith('limits.') ? name.slice(7) : name.startsWith('count/') ? 'pods' : name;
      if (!isValidResourceName(base)) {
        ctx.addIssue({ code: 'custom', path: [name], message: `"${name}" is not a quota resource; expected pods, cpu, memory, requests.<resource>, limits.<resource> or count/<resource>` });
        continue;
      }
      try {
        out[name] = resourceAmount(base, v);
      } catch (e) {
        ctx.addIssue({ code: 'custom', path: [name], message: `${(e as Error).message}; expected a quantity such as 100m, 1.5, 512Mi or 2Gi` });
      }
    }
    return out;
  });

/** A rate `N/s`, `N/min` or `N/h` → events per second. */
export const rate = z.string({ error: 'expected a rate such as 2/min, 0.5/s or 30/h' }).describe('A rate: N/s, N/min or N/h').transform((s, ctx) => {
  const m = /^\s*(\d+\.?\d*|\.\d+)\s*\/\s*(s|sec|second|m|min|minute|h|hour)\s*$/.exec(s);
  if (m === null) {
    ctx.addIssue({ code: 'custom', message: 'expected a rate such as 2/min, 0.5/s or 30/h' });
    return z.NEVER;
  }
  const per = m[2]!.startsWith('s') ? 1 : m[2]!.startsWith('h') ? 3600 : 60;
  return Number(m[1]) / per;
});

/** A label map (values are strings, as in Kubernetes). */
export const labelMap = z.record(z.string(), z.string({ error: 'expected a string label value (quote numbers and booleans)' }));
