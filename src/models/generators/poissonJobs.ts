/**
 * A stream of Jobs with Poisson arrivals (exponential inter-arrival times at `rate`) between `start` and `stop`,
 * stamped from a template as `<name>-<n>`. Each Job's pods get a run time drawn from the workload's distribution in
 * the `kubesim.dev/duration` annotation. Arrivals and durations come from their own named streams
 * (`workload/<name>/arrivals`, `workload/<name>/durations`), so other changes to a scenario do not move them.
 * Jobs are submitted through a user's API client (like kubectl), subject to API latency.
 */
import type { Engine } from '../../engine/engine.js';
import { sample } from '../../engine/distribution.js';
import type { Distribution } from '../../engine/distribution.js';
import type { Micros } from '../../engine/time.js';
import type { RngStreams } from '../../engine/rng.js';
import { formatDuration } from '../../cluster/duration.js';
import { DURATION_ANNOTATION } from '../../cluster/annotations.js';
import type { Job } from '../../cluster/types.js';
import type { ApiClient } from '../apiserver/apiServer.js';
import { extend } from '../../cluster/extend.js';

/** A stream of Jobs with Poisson arrivals, stamped from a template. */
export interface PoissonJobsWorkload {
  kind: 'PoissonJobs';
  name: string;
  /** Jobs per second. */
  ratePerSecond: number;
  template: Job;
  /** Run time of each Job's pods (written as the `kubesim.dev/duration` annotation); none keeps the template's. */
  duration: Distribution | undefined;
  startUs: Micros;
  stopUs: Micros;
  maxJobs: number;
}

/** Starts the generator; returns a function giving the number of Jobs submitted so far. */
export function startPoissonJobs(engine: Engine, streams: RngStreams, client: ApiClient, w: PoissonJobsWorkload): () => number {
  const arrivals = streams.stream(`workload/${w.name}/arrivals`);
  const durations = streams.stream(`workload/${w.name}/durations`);
  const meanGapUs = 1_000_000 / w.ratePerSecond;
  let submitted = 0;
  const next = (fromUs: number) => {
    const at = fromUs + Math.max(1, Math.round(arrivals.exponential(meanGapUs)));
    if (at >= w.stopUs || submitted >= w.maxJobs) return;
    engine.at(at, () => {
      submitted++;
      client.create(stamp(w, submitted, w.duration === undefined ? undefined : sample(w.duration, durations)));
      next(at);
    });
  };
  if (w.ratePerSecond > 0) next(w.startUs);
  return () => submitted;
}

function stamp(w: PoissonJobsWorkload, n: number, durationUs: number | undefined): Job {
  const t = w.template;
  const meta = t.spec.template.metadata ?? {};
  const annotations = durationUs === undefined ? meta.annotations : extend(meta.annotations ?? {}, { [DURATION_ANNOTATION]: formatDuration(durationUs) });
  return extend(t, { metadata: extend(t.metadata, { name: `${w.name}-${n}` }), spec: extend(t.spec, { template: extend(t.spec.template, { metadata: Object.assign({}, meta, annotations ? { annotations } : {}) }) }), status: {} });
}
