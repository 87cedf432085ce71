/**
 * The DefaultTolerationSeconds admission plugin (plugin/pkg/admission/defaulttolerationseconds/admission.go): a pod
 * that does not already tolerate the `node.kubernetes.io/not-ready` and `node.kubernetes.io/unreachable` NoExecute
 * taints gets tolerations for them with tolerationSeconds 300 (the --default-not-ready-toleration-seconds and
 * --default-unreachable-toleration-seconds defaults), so its pods are evicted 5 minutes after their node fails.
 */
import type { Pod, PodSpec, Toleration } from '../../cluster/types.js';
import { extend } from '../../cluster/extend.js';

/** The node-lifecycle taint keys (k8s.io/api/core/v1 well_known_taints.go). */
export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
/** The default tolerationSeconds of both. */
export const DEFAULT_TOLERATION_SECONDS = 300;

/** Admitted specs per input spec, so pods stamped from one template keep sharing one spec object. */
const admitted = new WeakMap<PodSpec, PodSpec>();

/** Whether a toleration covers `key` with effect NoExecute the way the plugin checks (empty key or effect = any). */
function covers(t: Toleration, key: string): boolean {
  return (t.key === key || t.key === undefined || t.key === '') && (t.effect === 'NoExecute' || t.effect === undefined);
}

/** The pod with the default not-ready/unreachable tolerations added where missing. */
export function admitDefaultTolerations(pod: Pod, seconds = DEFAULT_TOLERATION_SECONDS): Pod {
  let spec = admitted.get(pod.spec);
  if (spec === undefined) {
    const tolerations = pod.spec.tolerations ?? [];
    const add: Toleration[] = [];
    if (!tolerations.some((t) => covers(t, TAINT_NOT_READY))) add.push({ key: TAINT_NOT_READY, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: seconds });
    if (!tolerations.some((t) => covers(t, TAINT_UNREACHABLE))) add.push({ key: TAINT_UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: seconds });
    spec = add.length === 0 ? pod.spec : extend(pod.spec, { tolerations: [...tolerations, ...add] });
    admitted.set(pod.spec, spec);
  }
  return spec === pod.spec ? pod : extend(pod, { spec });
}
