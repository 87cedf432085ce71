/**
 * The scheduler of a scenario: its profiles (a named preset or a KubeSchedulerConfiguration), settings, random
 * streams and the workload's typical pods for GPU fragmentation (FGD), from everything the scenario says it will run:
 * trace pods, Pods batches, bare Pods, and the pod templates of Deployments and StatefulSets (× replicas) and Jobs
 * (× parallelism).
 */
import type { Engine } from '../engine/engine.js';
import type { RngStreams } from '../engine/rng.js';
import type { Pod } from '../cluster/types.js';
import type { ApiServer } from '../models/apiserver/apiServer.js';
import type { EventRecorder } from '../models/eventRecorder.js';
import type { Registry } from '../models/scheduler/framework/registry.js';
import { PROFILE_PRESETS } from '../models/scheduler/framework/profile.js';
import { Scheduler } from '../models/scheduler/scheduler.js';
import { podInfo } from '../models/scheduler/podInfo.js';
import { typicalPods, type PodShape, type TypicalPod } from '../models/scheduler/gpu/fragmentation.js';
import { InputError } from '../workload/errors.js';
import type { Scenario } from '../workload/scenario.js';
import { extend } from '../cluster/extend.js';

/** The pod shape the fragmentation measure counts (cpu request and GPU demand). */
export function podShape(pod: Pod): PodShape {
  const info = podInfo(pod);
  return { cpu: info.requests.milliCPU, gpu: info.gpu };
}

/** The shapes of the pods a scenario says it will run (see the file's comment). */
export function scenarioShapes(scenario: Scenario): PodShape[] {
  const out: PodShape[] = [];
  const template = (spec: Pod['spec'], n: number) => {
    const s = podShape({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'probe' }, spec, status: { phase: 'Pending' } });
    for (let i = 0; i < n; i++) out.push(s);
  };
  for (const w of scenario.workloads) {
    if (w.kind === 'Trace') {
      for (const p of w.pods) {
        const s = { cpu: p.cpuMilli, gpu: p.gpu === undefined ? undefined : extend(p.gpu, { shared: p.gpu.count === 1 && p.gpu.milli < 1000 }) };
        for (let i = Math.min(p.instances ?? 1, 100_000); i > 0; i--) out.push(s);
      }
    }
    else if (w.kind === 'Pods') out.push(...Array<PodShape>(Math.min(w.count, 100_000)).fill(podShape(w.template)));
  }
  for (const o of scenario.objects) {
    if (o.kind === 'Pod') out.push(podShape(o));
    else if (o.kind === 'Deployment' || o.kind === 'StatefulSet') template(o.spec.template.spec, Math.min(o.spec.replicas ?? 1, 100_000));
    else if (o.kind === 'Job') template(o.spec.template.spec, Math.min(o.spec.parallelism ?? 1, 100_000));
  }
  return out;
}

/** Builds the scenario's scheduler (not started). `typical` overrides the typical pods. */
export function schedulerFor(scenario: Scenario, engine: Engine, api: ApiServer, streams: RngStreams, registry: Registry, recorder: EventRecorder, typical?: readonly TypicalPod[]): Scheduler {
  const config = extend(scenario.scheduler, {
    profiles: scenario.scheduler.profiles ?? [{ schedulerName: 'default-scheduler', plugins: PROFILE_PRESETS[scenario.scheduler.profile]! }],
    typicalPods: () => typical ?? typicalPods(scenarioShapes(scenario)),
    imageLayers: scenario.imageLayers,
    kubernetesMinor: scenario.kubernetesMinor,
  });
  try {
    return new Scheduler(engine, api, api.client('kube-scheduler', scenario.clients.scheduler), streams.stream('scheduler.tiebreak'), config, registry, recorder, streams.stream('scheduler.policy'), streams.stream('scheduler.preemption'));
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`${scenario.file}: spec.scheduler: ${(e as Error).message}`);
  }
}

/** The policy a run used, for summaries: the preset's name, or the first profile's schedulerName with a config. */
export function policyName(scenario: Scenario): string {
  return scenario.scheduler.profiles !== undefined ? scenario.scheduler.profiles[0]!.schedulerName : scenario.scheduler.profile;
}

/** The Trace workloads' names, joined by "+" (summaries' `trace`; empty without a trace). */
export function traceNames(scenario: Scenario): string {
  return scenario.workloads.filter((w) => w.kind === 'Trace').map((w) => w.name).join('+');
}
