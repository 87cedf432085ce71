/**
 * What controllers share for managing pods (pkg/controller/controller_utils.go): pods from a template with a
 * controller owner reference, `slowStartBatch` creation, and the ranking of pods to delete first.
 */
import type { Micros } from '../../engine/time.js';
import type { KubeObject, OwnerReference, Pod, PodTemplateSpec } from '../../cluster/types.js';
import type { ApiClient } from '../apiserver/apiServer.js';

/** `SlowStartInitialBatchSize`. */
export const SLOW_START_INITIAL_BATCH_SIZE = 1;
/** `BurstReplicas`: most pods a ReplicaSet sync creates or deletes. */
export const BURST_REPLICAS = 500;

/** The controller owner reference of `owner`. */
export function controllerRef(owner: KubeObject): OwnerReference {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid!, controller: true, blockOwnerDeletion: true };
}

/** The controller owner reference of an object, if any. */
export function getControllerOf(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller === true);
}

/** A pod from a template (the spec object is shared, so per-spec caches stay warm). */
export function podFromTemplate(template: PodTemplateSpec, owner: KubeObject, generateName: string, extraLabels: Record<string, string> = {}, extraAnnotations: Record<string, string> = {}): Pod {
  const annotations = Object.assign({}, template.metadata?.annotations ?? {}, extraAnnotations);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: '',
      generateName,
      namespace: owner.metadata.namespace ?? 'default',
      labels: Object.assign({}, template.metadata?.labels ?? {}, extraLabels),
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
      ownerReferences: [controllerRef(owner)],
    },
    spec: template.spec,
    status: { phase: 'Pending' },
  };
}

/**
 * `slowStartBatch`: creates `count` pods in batches of 1, 2, 4… each batch after the previous one has answered;
 * stops at the first failure. `onSkipped(n)` reports creations never attempted (so expectations can be lowered);
 * `onDone` runs when the last batch has answered (the worker blocks until then upstream).
 */
export function slowStartBatch(client: ApiClient, count: number, make: (i: number) => Pod, onCreated: (pod: Pod) => void, onSkipped: (n: number) => void, onDone: () => void, onFailed?: (message: string) => void): void {
  let created = 0;
  let batch = Math.min(count, SLOW_START_INITIAL_BATCH_SIZE);
  const next = () => {
    if (batch <= 0) return onDone();
    let answered = 0;
    let failed = false;
    const size = batch;
    for (let i = 0; i < size; i++) {
      client.create(make(created + i), (r) => {
        answered++;
        if (r.ok) onCreated(r.object);
        else {
          failed = true;
          onFailed?.(r.message);
        }
        if (answered < size) return;
        created += size;
        if (failed) {
          onSkipped(count - created);
          return onDone();
        }
        batch = Math.min(2 * size, count - created);
        next();
      });
    }
  };
  next();
}

const PHASE_RANK: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

/** When the pod last became Ready, if it is Ready. */
export function readySince(p: Pod): Micros | undefined {
  const c = p.status.conditions?.find((x) => x.type === 'Ready');
  return c?.status === 'True' ? c.lastTransitionTime ?? 0 : undefined;
}

/**
 * `ActivePods` order, the pods to delete first: unassigned before assigned; Pending before Unknown before Running;
 * not ready before ready; ready for a shorter time first; newer first (then by name, for a total order).
 */
export function deletionOrder(a: Pod, b: Pod): number {
  const aa = a.spec.nodeName ? 1 : 0;
  const ba = b.spec.nodeName ? 1 : 0;
  if (aa !== ba) return aa - ba;
  const ap = PHASE_RANK[a.status.phase] ?? 3;
  const bp = PHASE_RANK[b.status.phase] ?? 3;
  if (ap !== bp) return ap - bp;
  const ar = readySince(a);
  const br = readySince(b);
  if ((ar === undefined) !== (br === undefined)) return ar === undefined ? -1 : 1;
  if (ar !== undefined && br !== undefined && ar !== br) return br - ar;
  const ac = a.metadata.creationTimestamp ?? 0;
  const bc = b.metadata.creationTimestamp ?? 0;
  if (ac !== bc) return bc - ac;
  return a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
}

/** Whether a pod counts as active for its controller (not terminal, not being deleted). */
export function isActive(p: Pod): boolean {
  return p.status.phase !== 'Succeeded' && p.status.phase !== 'Failed' && p.metadata.deletionTimestamp === undefined;
}

/** Whether a pod is Ready. */
export function isReady(p: Pod): boolean {
  return p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}
