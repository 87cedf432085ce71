/**
 * Simulation-only facts about a workload live in annotations on real manifests, so the same files still
 * `kubectl apply` cleanly (DESIGN §8).
 */
import { parseDuration } from './duration.js';
import type { Micros } from '../engine/time.js';

/** How long the pod's containers run before exiting 0. Absent: they run until deleted. */
export const DURATION_ANNOTATION = 'kubesim.dev/duration';

/** The run time a pod's annotations ask for, or undefined (run forever). Validated at load. */
export function runDurationUs(annotations: Record<string, string> | undefined): Micros | undefined {
  const v = annotations?.[DURATION_ANNOTATION];
  return v === undefined ? undefined : parseDuration(v);
}
