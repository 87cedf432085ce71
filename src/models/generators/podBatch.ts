/**
 * A batch of bare Pods stamped from a template as `<name>-<n>` (n from 1), like scheduler_perf's `createPods` op:
 * all at `start`, or evenly spaced at `rate` pods per second. Pods are submitted through a user's API client (like
 * kubectl), subject to API latency.
 */
import type { Engine } from '../../engine/engine.js';
import type { Micros } from '../../engine/time.js';
import type { Pod } from '../../cluster/types.js';
import type { ApiClient } from '../apiserver/apiServer.js';
import { extend } from '../../cluster/extend.js';

/** A batch of bare Pods from a template (all at `startUs`, or one every 1/`ratePerSecond` s). */
export interface PodBatchWorkload {
  kind: 'Pods';
  name: string;
  count: number;
  template: Pod;
  /** Pods per second; undefined creates them all at once. */
  ratePerSecond: number | undefined;
  startUs: Micros;
}

/** Starts the batch; returns a function giving the number of Pods submitted so far. */
export function startPodBatch(engine: Engine, client: ApiClient, w: PodBatchWorkload): () => number {
  let submitted = 0;
  const submit = () => {
    submitted++;
    client.create(stamp(w.template, `${w.name}-${submitted}`));
  };
  if (w.ratePerSecond === undefined) {
    engine.at(w.startUs, () => {
      while (submitted < w.count) submit();
    });
  } else {
    const gap = 1_000_000 / w.ratePerSecond;
    const next = (i: number) => {
      if (i >= w.count) return;
      engine.at(w.startUs + Math.round(i * gap), () => {
        submit();
        next(i + 1);
      });
    };
    next(0);
  }
  return () => submitted;
}

function stamp(t: Pod, name: string): Pod {
  return extend(t, { metadata: extend(t.metadata, { name }), status: { phase: 'Pending' as const } });
}
