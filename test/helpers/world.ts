/** A small world for model tests: engine, store, API server with constant latencies, event log. */
import { Engine } from '../../src/engine/engine.js';
import { constant } from '../../src/engine/distribution.js';
import { RngStreams } from '../../src/engine/rng.js';
import { ObjectStore } from '../../src/cluster/store.js';
import { ApiServer } from '../../src/models/apiserver/apiServer.js';
import { type ClusterEvent, EventRecorder } from '../../src/models/eventRecorder.js';
import { Scheduler, type SchedulerConfig } from '../../src/models/scheduler/scheduler.js';
import { inTreeRegistry } from '../../src/models/scheduler/plugins/registry.js';

export const ms = 1_000;
export const s = 1_000_000;

/** Builds a world; API writes take 1 ms, watch delivery 1 ms. */
export function world(seed = 1) {
  const engine = new Engine();
  const streams = new RngStreams(seed);
  const store = new ObjectStore(streams.stream('apiserver.names'));
  const api = new ApiServer(engine, store, { writeLatency: constant(1 * ms), watchLatency: constant(1 * ms) }, streams.stream('apiserver.latency'));
  const recorder = new EventRecorder(() => engine.now);
  const events: ClusterEvent[] = [];
  recorder.onEvent((e) => events.push(e));
  const admin = api.client('admin', { qps: 1e9, burst: 1e9 });
  return { engine, streams, store, api, recorder, events, admin };
}

/** Scheduler defaults with a zero-cost cycle unless given. */
export function schedulerConfig(over: Partial<SchedulerConfig> = {}): SchedulerConfig {
  return { percentageOfNodesToScore: 0, podInitialBackoff: 1 * s, podMaxBackoff: 10 * s, cycleCost: { base: 0, perNodeFiltered: 0, perNodeScored: 0, perWorkUnit: 0, perFilterWorkUnit: 0 }, ...over };
}

/** Adds a started default scheduler to a world. */
export function withScheduler(w: ReturnType<typeof world>, over: Partial<SchedulerConfig> = {}, limits = { qps: 1e9, burst: 1e9 }) {
  const sched = new Scheduler(w.engine, w.api, w.api.client('kube-scheduler', limits), w.streams.stream('scheduler.tiebreak'), schedulerConfig(over), inTreeRegistry(), w.recorder);
  sched.start();
  return sched;
}
