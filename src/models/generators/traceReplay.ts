/**
 * Replay of a Trace workload in simulated time: each pod is created at its recorded creation time (minus the
 * window's start, times `timeScale`; pods that existed before the window come at 0) and deleted at its recorded
 * deletion time, through a user's API client as kubectl would (a pending pod is deleted too: the trace's users gave up
 * on it). A pod with a recorded duration instead runs that long (`kubesim.dev/duration`) and completes.
 *
 * `load` scales the workload on the seeded `trace.<name>` stream: below 1 each pod is kept with that probability;
 * above 1, clones are added, each the shape and lifetime of a uniformly drawn pod arriving at the creation time of
 * another uniformly drawn pod, so the arrival profile over time is kept.
 */
import type { Engine } from '../../engine/engine.js';
import type { Micros } from '../../engine/time.js';
import type { Rng, RngStreams } from '../../engine/rng.js';
import { objectKey } from '../../cluster/types.js';
import type { TracePod } from '../../cluster/tracePod.js';
import { tracePodObject } from './tracePods.js';
import type { ApiClient } from '../apiserver/apiServer.js';
import { extend } from '../../cluster/extend.js';

/** A Trace workload, read. */
export interface TraceWorkload {
  kind: 'Trace';
  name: string;
  /** The trace's format (openb, alibaba-dlrm, …). */
  format: string;
  namespace: string;
  /** The trace's pods created in the window, in file order. */
  pods: TracePod[];
  /** Trace time of the window's start (subtracted from every time), µs. */
  startUs: Micros;
  timeScale: number;
  load: number;
  departures: 'recorded' | 'none';
}

/** A trace pod with its replay name. */
export interface NamedTracePod {
  name: string;
  pod: TracePod;
}

/** A DNS-1123 name from a trace's pod name. */
function podName(s: string): string {
  const n = s.toLowerCase().replace(/[^a-z0-9.-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '');
  return n === '' ? 'pod' : n.slice(0, 253);
}

/**
 * The trace's pods with `load` applied (file order, a record of n instances as n pods `<name>-<i>`; clones after the
 * originals), named uniquely.
 */
export function scaledTracePods(w: TraceWorkload, rng: Rng): NamedTracePod[] {
  const base: NamedTracePod[] = [];
  for (const p of w.pods) {
    const n = p.instances ?? 1;
    if (n === 1) base.push({ name: p.name, pod: p });
    else for (let i = 0; i < n; i++) base.push({ name: `${p.name}-${i}`, pod: p });
  }
  const out: NamedTracePod[] = [];
  const seen = new Map<string, number>();
  const add = (pod: TracePod, raw: string) => {
    let name = podName(raw);
    const k = seen.get(name) ?? 0;
    seen.set(name, k + 1);
    if (k > 0) name = `${name}-${k}`;
    out.push({ name, pod });
  };
  if (w.load < 1) {
    for (const p of base) if (rng.next() < w.load) add(p.pod, p.name);
    return out;
  }
  for (const p of base) add(p.pod, p.name);
  const clones = Math.round((w.load - 1) * base.length);
  for (let i = 0; i < clones && base.length > 0; i++) {
    const shape = base[rng.int(base.length)]!;
    const at = base[rng.int(base.length)]!.pod.creationUs;
    const s = shape.pod;
    const life = s.creationUs !== undefined && s.deletionUs !== undefined ? s.deletionUs - s.creationUs : undefined;
    const creationUs = at ?? s.creationUs;
    add(extend(s, { creationUs, deletionUs: life !== undefined && creationUs !== undefined ? creationUs + life : s.deletionUs }), `${shape.name}-clone`);
  }
  return out;
}

/** Starts the replay; returns a function giving the number of pods created so far. */
export function startTraceReplay(engine: Engine, streams: RngStreams, client: ApiClient, w: TraceWorkload): () => number {
  const pods = scaledTracePods(w, streams.stream(`trace.${w.name}`));
  const at = (t: number | undefined) => Math.max(0, Math.round(((t ?? 0) - w.startUs) * w.timeScale));
  // Arrival order: by time, file order among equals (a stable sort).
  const order = pods.map((p, i) => ({ i, t: at(p.pod.creationUs) })).sort((a, b) => a.t - b.t || a.i - b.i);
  let created = 0;
  const next = (k: number) => {
    if (k >= order.length) return;
    engine.at(order[k]!.t, () => {
      // Every pod due at this instant, then the next instant.
      let j = k;
      for (; j < order.length && order[j]!.t === order[k]!.t; j++) {
        const p = pods[order[j]!.i]!;
        const obj = tracePodObject(p.pod, w, p.name);
        client.create(obj);
        created++;
        if (w.departures === 'recorded' && p.pod.deletionUs !== undefined) {
          const end = Math.max(at(p.pod.deletionUs), engine.now);
          engine.at(end, () => client.delete('Pod', objectKey(obj.metadata)));
        }
      }
      next(j);
    });
  };
  next(0);
  return () => created;
}
