/**
 * Probe timing (pkg/kubelet/prober/worker.go): a probe worker probes at once when its container starts and then
 * every periodSeconds; before initialDelaySeconds it reports nothing. Probes succeed and take no time (GUESS), unless
 * the pod's `kubesim.dev/unhealthy-after` makes them fail from a moment on. All offsets are µs from the container's
 * start.
 */
import type { Micros } from '../../engine/time.js';
import type { Container, Probe } from '../../cluster/types.js';

/** Probe defaults (pkg/apis/core/v1/defaults.go `SetDefaults_Probe`): period 10 s, failureThreshold 3. */
export const PROBE_DEFAULT_PERIOD_S = 10;
export const PROBE_DEFAULT_FAILURE_THRESHOLD = 3;

/** The first probe tick at or after `notBefore` µs, ticks at 0, period, 2 × period… after the container started. */
export function tickAtOrAfter(notBefore: Micros, periodS: number): Micros {
  const period = periodS * 1_000_000;
  return notBefore <= 0 ? 0 : Math.ceil(notBefore / period) * period;
}

/**
 * When the container counts as started: its startup probe's first tick after the initial delay, or at once without
 * one (`Started` in its status; a sidecar's next init container waits for it, kuberuntime_container.go
 * `computeInitContainerActions`).
 */
export function startedDelayUs(c: Container): Micros {
  const s = c.startupProbe;
  return s === undefined ? 0 : tickAtOrAfter((s.initialDelaySeconds ?? 0) * 1_000_000, s.periodSeconds ?? PROBE_DEFAULT_PERIOD_S);
}

/** When the container is ready: its first readiness tick at or after both its start and the initial delay. */
export function containerReadyDelayUs(c: Container): Micros {
  const started = startedDelayUs(c);
  const r = c.readinessProbe;
  return r === undefined ? started : tickAtOrAfter(Math.max(started, (r.initialDelaySeconds ?? 0) * 1_000_000), r.periodSeconds ?? PROBE_DEFAULT_PERIOD_S);
}

/** How long after the containers start together all of them are ready (the slowest). */
export function readyDelayUs(containers: readonly Container[]): Micros {
  let ready = 0;
  for (const c of containers) ready = Math.max(ready, containerReadyDelayUs(c));
  return ready;
}

/** The tick at which a probe reaches failureThreshold failures when the container hangs at `hangUs`. */
export function probeFailsAtUs(p: Probe, hangUs: Micros): Micros {
  const period = p.periodSeconds ?? PROBE_DEFAULT_PERIOD_S;
  const first = tickAtOrAfter(Math.max(hangUs, (p.initialDelaySeconds ?? 0) * 1_000_000), period);
  return first + ((p.failureThreshold ?? PROBE_DEFAULT_FAILURE_THRESHOLD) - 1) * period * 1_000_000;
}
