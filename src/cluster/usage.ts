/**
 * The resource-usage model of a pod, from the `kubesim.dev/cpu-usage`, `kubesim.dev/memory-usage` and
 * `kubesim.dev/ephemeral-storage-usage` annotations (DESIGN §5: usage over time, for utilisation, the HPA and the
 * kubelet's node-pressure eviction). The value is a quantity (a constant per pod) or a YAML
 * flow mapping:
 *
 *   kubesim.dev/cpu-usage: "250m"
 *   kubesim.dev/cpu-usage: "{perPod: 50m, shared: {diurnal: {min: 2, max: 12, peakAt: 14h}}, noise: 0.1}"
 *
 * - `perPod`: what every running pod uses on its own (its baseline);
 * - `shared`: a total load of the workload (the pods of one Deployment, StatefulSet, DaemonSet, Job or ReplicaSet),
 *   split evenly among its Ready pods, so more replicas means less per pod, as a load balancer spreads requests.
 *   The scenario event `load` multiplies it (a traffic change);
 * - `noise`: relative standard deviation of a Gaussian factor, drawn per pod and metrics-resolution window.
 *
 * A signal is a quantity, `{constant: q}`, `{phases: [{value: q, for: 5m}, …, {value: q}], repeat: true}` (per pod,
 * phases count from the pod's start; shared phases count from t = 0; the last phase holds unless `repeat`) or
 * `{diurnal: {min: q, max: q, peakAt: 14h, period: 24h}}` (a cosine over simulated time, t = 0 being midnight) or
 * `{ramp: {from: q, to: q, over: 30m}}` (linear from `from` to `to` over the duration, then holding: logs that grow,
 * a leak).
 */
import { parse } from 'yaml';
import { z } from 'zod';
import { CPU, EPHEMERAL_STORAGE, MEMORY, resourceAmount } from './quantity.js';
import type { Micros } from '../engine/time.js';
import { parseDuration } from './duration.js';
import { extend } from './extend.js';

export const CPU_USAGE_ANNOTATION = 'kubesim.dev/cpu-usage';
export const MEMORY_USAGE_ANNOTATION = 'kubesim.dev/memory-usage';
/** What the pod writes to the node's filesystem: container writable layers, logs and disk-backed emptyDirs. */
export const EPHEMERAL_STORAGE_USAGE_ANNOTATION = 'kubesim.dev/ephemeral-storage-usage';

/** The annotation of each modelled resource. */
export const USAGE_ANNOTATIONS: Readonly<Record<string, string>> = { [CPU]: CPU_USAGE_ANNOTATION, [MEMORY]: MEMORY_USAGE_ANNOTATION, [EPHEMERAL_STORAGE]: EPHEMERAL_STORAGE_USAGE_ANNOTATION };

/** A usage signal over time, in the resource's unit (milli-CPU, bytes). */
export type Signal =
  | { kind: 'constant'; value: number }
  | { kind: 'phases'; phases: { value: number; forUs: Micros | undefined }[]; repeat: boolean }
  | { kind: 'diurnal'; min: number; max: number; peakAtUs: Micros; periodUs: Micros }
  | { kind: 'ramp'; from: number; to: number; overUs: Micros };

/** The usage of one resource of one pod. */
export interface UsageSpec {
  perPod: Signal | undefined;
  shared: Signal | undefined;
  noise: number;
}

export const DAY_US = 24 * 3_600_000_000;
/** Default peak of diurnal curves: 14:00. */
export const DIURNAL_PEAK_US = 14 * 3_600_000_000;

/** A daily cosine between min (at peak − period/2) and max (at `peakAtUs`), over simulated time. */
export function diurnal(min: number, max: number, peakAtUs: Micros, periodUs: Micros, tUs: Micros): number {
  return min + ((max - min) * (1 + Math.cos((2 * Math.PI * (tUs - peakAtUs)) / periodUs))) / 2;
}

function signalSchema(resource: string) {
  const q = z.union([z.string(), z.number()]).transform((v, ctx) => {
    try {
      return resourceAmount(resource, v);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: `expected a ${resource} quantity: ${(e as Error).message}` });
      return z.NEVER;
    }
  });
  const dur = z.string().transform((v, ctx) => {
    const us = parseDuration(v);
    if (us === undefined) {
      ctx.addIssue({ code: 'custom', message: `expected a duration such as 90s, 10m or 6h, found "${v}"` });
      return z.NEVER;
    }
    return us;
  });
  return z.union([
    q.transform((value): Signal => ({ kind: 'constant', value })),
    z.strictObject({ constant: q }).transform((s): Signal => ({ kind: 'constant', value: s.constant })),
    z
      .strictObject({ phases: z.array(z.strictObject({ value: q, for: dur.optional() })).min(1), repeat: z.boolean().optional() })
      .refine((s) => s.phases.slice(0, -1).every((p) => p.for !== undefined && p.for > 0), { message: 'every phase but the last needs a positive `for`' })
      .refine((s) => !s.repeat || s.phases.every((p) => p.for !== undefined && p.for > 0), { message: 'repeating phases all need a positive `for`' })
      .transform((s): Signal => ({ kind: 'phases', phases: s.phases.map((p) => ({ value: p.value, forUs: p.for })), repeat: s.repeat ?? false })),
    z
      .strictObject({ diurnal: z.strictObject({ min: q, max: q, peakAt: dur.optional(), period: dur.optional() }) })
      .refine((s) => s.diurnal.min <= s.diurnal.max, { message: 'diurnal min must be ≤ max' })
      .refine((s) => s.diurnal.period === undefined || s.diurnal.period > 0, { message: 'diurnal period must be positive' })
      .transform((s): Signal => ({ kind: 'diurnal', min: s.diurnal.min, max: s.diurnal.max, peakAtUs: s.diurnal.peakAt ?? DIURNAL_PEAK_US, periodUs: s.diurnal.period ?? DAY_US })),
    z
      .strictObject({ ramp: z.strictObject({ from: q.optional(), to: q, over: dur }) })
      .refine((s) => s.ramp.over > 0, { message: 'ramp `over` must be a positive duration' })
      .transform((s): Signal => ({ kind: 'ramp', from: s.ramp.from ?? 0, to: s.ramp.to, overUs: s.ramp.over })),
  ]);
}

function usageSchema(resource: string) {
  const signal = signalSchema(resource);
  return z.union([
    signal.transform((s): UsageSpec => ({ perPod: s, shared: undefined, noise: 0 })),
    z
      .strictObject({ perPod: signal.optional(), shared: signal.optional(), noise: z.number().min(0).max(1).optional() })
      .refine((s) => s.perPod !== undefined || s.shared !== undefined, { message: 'give perPod, shared or both' })
      .transform((s): UsageSpec => ({ perPod: s.perPod, shared: s.shared, noise: s.noise ?? 0 })),
  ]);
}

const SCHEMAS = new Map([CPU, MEMORY, EPHEMERAL_STORAGE].map((r) => [r, usageSchema(r)]));
const cache = new Map<string, UsageSpec>();

/** Parses a usage annotation; throws an Error with the reason when it is not valid. */
export function parseUsage(resource: string, text: string): UsageSpec {
  const key = `${resource}\u0000${text}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  let raw: unknown;
  try {
    raw = /^[{[]/.test(text.trim()) ? parse(text) : text;
  } catch (e) {
    throw new Error(`not a YAML flow mapping: ${(e as Error).message.split('\n')[0]}`);
  }
  const r = SCHEMAS.get(resource)!.safeParse(raw);
  if (!r.success) {
    const i = specific(r.error.issues) ?? r.error.issues[0]!;
    const where = i.path.length > 0 ? `at ${i.path.join('.')}: ` : '';
    throw new Error(`${where}${i.message === 'Invalid input' ? 'expected a quantity or {perPod, shared, noise} with signals constant, phases, diurnal or ramp' : i.message}`);
  }
  cache.set(key, r.data);
  return r.data;
}

type Issue = { code: string; message: string; path: PropertyKey[]; errors?: Issue[][] };

/** The most specific issue inside union errors: the first custom (refinement) issue, with its full path. */
function specific(issues: readonly Issue[], prefix: PropertyKey[] = []): Issue | undefined {
  for (const i of issues) {
    const path = [...prefix, ...i.path];
    if (i.code === 'custom') return extend(i, { path });
    for (const branch of i.errors ?? []) {
      const found = specific(branch, path);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** The value of a signal `tUs` after its origin. */
export function signalAt(s: Signal, tUs: Micros): number {
  switch (s.kind) {
    case 'constant':
      return s.value;
    case 'diurnal':
      return diurnal(s.min, s.max, s.peakAtUs, s.periodUs, tUs);
    case 'ramp':
      return s.from + ((s.to - s.from) * Math.min(1, Math.max(0, tUs) / s.overUs));
    case 'phases': {
      let t = tUs;
      if (s.repeat) {
        const cycle = s.phases.reduce((a, p) => a + p.forUs!, 0);
        t %= cycle;
      }
      for (const p of s.phases) {
        if (p.forUs === undefined || t < p.forUs) return p.value;
        t -= p.forUs;
      }
      return s.phases[s.phases.length - 1]!.value;
    }
  }
}
