/**
 * Simulation-only facts about a workload live in annotations on real manifests, so the same files still
 * `kubectl apply` cleanly (DESIGN §8).
 */
import { parseDuration } from './duration.js';
import type { Micros } from '../engine/time.js';
import { resourceAmount } from './quantity.js';

/** How long the pod's containers run before exiting 0. Absent: they run until deleted. */
export const DURATION_ANNOTATION = 'kubesim.dev/duration';

/** The run time a pod's annotations ask for, or undefined (run forever). Validated at load. */
export function runDurationUs(annotations: Record<string, string> | undefined): Micros | undefined {
  const v = annotations?.[DURATION_ANNOTATION];
  return v === undefined ? undefined : parseDuration(v);
}

/** The exit code of the pod's containers when they end after their duration (default 0). */
export const EXIT_CODE_ANNOTATION = 'kubesim.dev/exit-code';
/** The probability that a run of the pod's containers ends with exit code 1 instead (drawn per run). */
export const FAILURE_PROBABILITY_ANNOTATION = 'kubesim.dev/failure-probability';

/** The scripted exit code (validated at load: an integer 0–255). */
export function exitCode(annotations: Record<string, string> | undefined): number {
  const v = annotations?.[EXIT_CODE_ANNOTATION];
  return v === undefined ? 0 : Number(v);
}

/** The failure probability per run (validated at load: 0–1). */
export function failureProbability(annotations: Record<string, string> | undefined): number {
  const v = annotations?.[FAILURE_PROBABILITY_ANNOTATION];
  return v === undefined ? 0 : Number(v);
}

/** How long a preStop hook without a sleep action (exec, httpGet) runs. Default 0 (GUESS: unknown handler cost). */
export const PRESTOP_DURATION_ANNOTATION = 'kubesim.dev/prestop-duration';
/** After the containers have run this long they hang: liveness (and readiness) probes fail from then on. */
export const UNHEALTHY_AFTER_ANNOTATION = 'kubesim.dev/unhealthy-after';

/** A duration annotation in µs (validated at load), or undefined. */
export function durationAnnotationUs(annotations: Record<string, string> | undefined, key: string): Micros | undefined {
  const v = annotations?.[key];
  return v === undefined ? undefined : parseDuration(v);
}

/** The size of the pod's container images (a storage quantity), for images the scenario's `images` table does not list. */
export const IMAGE_SIZE_ANNOTATION = 'kubesim.dev/image-size';

/** The image size a pod's annotation gives, in bytes (validated at load), or undefined. */
export function imageSizeBytes(annotations: Record<string, string> | undefined): number | undefined {
  const v = annotations?.[IMAGE_SIZE_ANNOTATION];
  if (v === undefined) return undefined;
  try {
    return resourceAmount('storage', v);
  } catch {
    return undefined;
  }
}
