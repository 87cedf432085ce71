/**
 * The Priority admission plugin (plugin/pkg/admission/priority/admission.go `admitPod`): on pod creation it resolves
 * `spec.priorityClassName` to `spec.priority` and `spec.preemptionPolicy`. A pod naming no class gets the global
 * default class (the lowest value if several are marked default) or priority 0 with PreemptLowerPriority
 * (scheduling.DefaultPriorityWhenNoDefaultClassExists). The two system classes always exist
 * (pkg/apis/scheduling/types.go: system-cluster-critical 2000000000, system-node-critical 2000001000).
 *
 * kubesim extension: a pod that names no class but sets `spec.priority` keeps it (upstream forbids setting the
 * integer), so scheduler_perf-style scenarios can give pods priorities without declaring classes.
 */
import type { Pod, PodSpec, PriorityClass } from './types.js';
import { extend } from './extend.js';

/** scheduling.SystemCriticalPriority and the built-in classes. */
export const SYSTEM_CRITICAL_PRIORITY = 2_000_000_000;
export const SYSTEM_PRIORITY_CLASSES: ReadonlyMap<string, number> = new Map([
  ['system-cluster-critical', SYSTEM_CRITICAL_PRIORITY],
  ['system-node-critical', SYSTEM_CRITICAL_PRIORITY + 1000],
]);

/** Resolves a pod's priority from the classes; returns the admitted pod, or the Forbidden message. */
export function admitPodPriority(pod: Pod, classes: (name: string) => PriorityClass | undefined, all: () => Iterable<PriorityClass>): Pod | string {
  const name = pod.spec.priorityClassName ?? '';
  let priority: number;
  let policy: 'PreemptLowerPriority' | 'Never' = 'PreemptLowerPriority';
  let className = name;
  if (name === '') {
    if (pod.spec.priority !== undefined) return pod.spec.preemptionPolicy === undefined ? extend(pod, { spec: admittedSpec(pod.spec, pod.spec.priority, policy, '') }) : pod;
    let def: PriorityClass | undefined;
    for (const pc of all()) if (pc.globalDefault && (def === undefined || def.value > pc.value)) def = pc;
    priority = def?.value ?? 0;
    policy = def?.preemptionPolicy ?? policy;
    className = def?.metadata.name ?? '';
  } else {
    const system = SYSTEM_PRIORITY_CLASSES.get(name);
    const pc = classes(name);
    if (system !== undefined) priority = system;
    else if (pc !== undefined) {
      priority = pc.value;
      policy = pc.preemptionPolicy ?? policy;
    } else return `no PriorityClass with name ${name} was found`;
  }
  if (pod.spec.priority !== undefined && pod.spec.priority !== priority) {
    return `the integer value of priority (${pod.spec.priority}) must not be provided in pod spec; priority admission controller computed ${priority} from the given PriorityClass name`;
  }
  if (pod.spec.preemptionPolicy !== undefined && pod.spec.preemptionPolicy !== policy) {
    return `the string value of PreemptionPolicy (${pod.spec.preemptionPolicy}) must not be provided in pod spec; priority admission controller computed ${policy} from the given PriorityClass name`;
  }
  return extend(pod, { spec: admittedSpec(pod.spec, priority, policy, className) });
}

/** Admitted specs per input spec: pods stamped from one template keep sharing one spec object (per-spec caches). */
const admitted = new WeakMap<PodSpec, { priority: number; policy: string; className: string; spec: PodSpec }>();

function admittedSpec(spec: PodSpec, priority: number, policy: 'PreemptLowerPriority' | 'Never', className: string): PodSpec {
  const hit = admitted.get(spec);
  if (hit !== undefined && hit.priority === priority && hit.policy === policy && hit.className === className) return hit.spec;
  const out: PodSpec = Object.assign({}, spec, { priority, preemptionPolicy: policy }, className !== '' ? { priorityClassName: className } : {});
  admitted.set(spec, { priority, policy, className, spec: out });
  return out;
}
