/**
 * StatefulSet controller (pkg/controller/statefulset/stateful_set_control.go `updateStatefulSet`,
 * stateful_set_utils.go): pods with stable identities `<set>-<ordinal>` (ordinals from `spec.ordinals.start`),
 * labelled `statefulset.kubernetes.io/pod-name`, `apps.kubernetes.io/pod-index` and `controller-revision-hash`.
 *
 * Each sync, over the ordinals [start, start + replicas):
 * - a Failed or Succeeded pod is deleted, so it is recreated with the same name; a missing pod is created once the
 *   old one with that name is gone (identity is kept across rescheduling: a pod evicted from a failed node comes back
 *   under the same name on another node);
 * - OrderedReady (the default) is monotonic: pods are created one at a time in ordinal order, each waiting for the
 *   previous to be Running and Ready (and available for minReadySeconds), and nothing proceeds while a pod is
 *   terminating or unhealthy; Parallel creates and deletes without waiting;
 * - pods beyond the replicas are deleted from the highest ordinal down (one at a time under OrderedReady);
 * - RollingUpdate: from the highest ordinal down to `partition`, a pod of an old revision is deleted (and recreated
 *   at the update revision) one at a time, each only after the ones above it are Running and Ready; pods below the
 *   partition keep the current revision, even when recreated. OnDelete: pods get the new template only when deleted.
 * Status: replicas, ready, available, current and updated replicas, currentRevision (becomes the update revision
 * once every pod runs it) and updateRevision. Revisions are template hashes (ControllerRevisions are not stored as
 * objects; the controller keeps the templates it has seen).
 */
import type { Engine } from '../../engine/engine.js';
import type { PersistentVolumeClaim, Pod, PodTemplateSpec, StatefulSet } from '../../cluster/types.js';
import { objectKey } from '../../cluster/types.js';
import type { ApiClient, ApiServer } from '../apiserver/apiServer.js';
import type { EventRecorder } from '../eventRecorder.js';
import { computeHash } from './deployment.js';
import { Expectations } from './expectations.js';
import { OwnedPods } from './ownedPods.js';
import { podFromTemplate, readySince } from './podControl.js';
import { Pending, WorkQueue } from './workQueue.js';
import { extend } from '../../cluster/extend.js';

export const STATEFULSET_CONTROLLER = 'statefulset-controller';
export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';
export const REVISION_LABEL = 'controller-revision-hash';

/** The ordinal of a pod of `set`, from its name (-1 if it does not follow the pattern). */
export function ordinalOf(set: string, pod: Pod): number {
  const name = pod.metadata.name;
  if (!name.startsWith(`${set}-`)) return -1;
  const tail = name.slice(set.length + 1);
  return /^\d+$/.test(tail) ? Number(tail) : -1;
}

/** The StatefulSet controller. */
export class StatefulSetController {
  private readonly queue: WorkQueue;
  private readonly expectations = new Expectations();
  private readonly owned = new OwnedPods('StatefulSet');
  /** Templates seen per set, by revision hash (the controller's ControllerRevision history). */
  private readonly templates = new Map<string, Map<string, PodTemplateSpec>>();

  constructor(
    private readonly engine: Engine,
    private readonly api: ApiServer,
    private readonly client: ApiClient,
    private readonly recorder: EventRecorder,
  ) {
    this.queue = new WorkQueue(engine, (key, done) => this.sync(key, done));
  }

  /** Starts the informers. */
  start(): void {
    this.api.watch('StatefulSet', {}, (ev) => {
      const key = objectKey(ev.object.metadata);
      if (ev.type === 'DELETED') {
        this.expectations.delete(key);
        this.owned.forget(key);
        this.templates.delete(key);
        return;
      }
      this.remember(key, ev.object.spec.template);
      this.queue.add(key);
    });
    this.owned.watch(this.api, this.expectations, (key) => this.queue.add(key));
  }

  private remember(key: string, t: PodTemplateSpec): string {
    const hash = computeHash(t);
    let m = this.templates.get(key);
    if (m === undefined) this.templates.set(key, (m = new Map()));
    if (!m.has(hash)) m.set(hash, t);
    return hash;
  }

  private runningAndAvailable(p: Pod, minReadyUs: number): boolean {
    if (p.status.phase !== 'Running') return false;
    const since = readySince(p);
    return since !== undefined && since + minReadyUs <= this.engine.now;
  }

  /** `updateStatefulSet` + `updateStatefulSetStatus`. */
  private sync(key: string, done: () => void): void {
    const set = this.client.get('StatefulSet', key);
    if (set === undefined) return done();
    const name = set.metadata.name;
    const updateRevision = this.remember(key, set.spec.template);
    const currentRevision = set.status.currentRevision ?? updateRevision;
    const pods = this.owned.pods(key).filter((p) => p.metadata.ownerReferences?.some((r) => r.uid === set.metadata.uid));
    const replicas = set.spec.replicas ?? 1;
    const start = set.spec.ordinals?.start ?? 0;
    const monotonic = (set.spec.podManagementPolicy ?? 'OrderedReady') === 'OrderedReady';
    const minReadyUs = (set.spec.minReadySeconds ?? 0) * 1_000_000;
    const partition = set.spec.updateStrategy?.type === 'OnDelete' ? Number.MAX_SAFE_INTEGER : (set.spec.updateStrategy?.rollingUpdate?.partition ?? 0);
    const slots: (Pod | undefined)[] = new Array(replicas).fill(undefined);
    const condemned: Pod[] = [];
    for (const p of pods) {
      const o = ordinalOf(name, p);
      if (o >= start && o < start + replicas) slots[o - start] = p;
      else condemned.push(p);
    }
    condemned.sort((a, b) => ordinalOf(name, b) - ordinalOf(name, a));
    const revisionOf = (p: Pod) => p.metadata.labels?.[REVISION_LABEL];
    const finish = () => this.updateStatus(key, set, pods, currentRevision, updateRevision, minReadyUs, done);
    if (!this.expectations.satisfied(key, this.engine.now)) return finish();

    const pending = new Pending(finish);
    const act = (): void => {
      // Replicas in ordinal order.
      for (let i = 0; i < replicas; i++) {
        const p = slots[i];
        const ordinal = start + i;
        if (p !== undefined && (p.status.phase === 'Failed' || p.status.phase === 'Succeeded') && p.metadata.deletionTimestamp === undefined) {
          this.deletePod(key, set, p, pending, `delete Pod ${p.metadata.name} in StatefulSet ${name} successful`);
          if (monotonic) return;
          continue;
        }
        if (p === undefined) {
          const rev = ordinal < partition + start && currentRevision !== updateRevision ? currentRevision : updateRevision;
          this.createPod(key, set, ordinal, rev, pending);
          if (monotonic) return;
          continue;
        }
        if (p.metadata.deletionTimestamp !== undefined && monotonic) return;
        if (monotonic && !this.runningAndAvailable(p, minReadyUs)) return;
      }
      // Condemned pods, highest ordinal first.
      const unhealthy = slots.some((p) => p === undefined || p.metadata.deletionTimestamp !== undefined || !this.runningAndAvailable(p, minReadyUs));
      for (const p of condemned) {
        if (p.metadata.deletionTimestamp !== undefined) {
          if (monotonic) return;
          continue;
        }
        if (monotonic && unhealthy) return;
        this.deletePod(key, set, p, pending, `delete Pod ${p.metadata.name} in StatefulSet ${name} successful`);
        if (monotonic) return;
      }
      // Rolling update, highest ordinal first, down to the partition.
      if (set.spec.updateStrategy?.type === 'OnDelete') return;
      for (let i = replicas - 1; i >= Math.max(0, partition); i--) {
        const p = slots[i];
        if (p === undefined) return;
        if (revisionOf(p) !== updateRevision && p.metadata.deletionTimestamp === undefined) {
          this.deletePod(key, set, p, pending, `delete Pod ${p.metadata.name} in StatefulSet ${name} successful`);
          return;
        }
        if (p.metadata.deletionTimestamp !== undefined || !this.runningAndAvailable(p, minReadyUs)) return;
      }
    };
    act();
    pending.seal();
  }

  private createPod(key: string, set: StatefulSet, ordinal: number, revision: string, pending: Pending): void {
    const name = `${set.metadata.name}-${ordinal}`;
    const template = this.templates.get(key)?.get(revision) ?? set.spec.template;
    const pod = podFromTemplate(template, set, '', { [POD_NAME_LABEL]: name, [POD_INDEX_LABEL]: String(ordinal), [REVISION_LABEL]: revision });
    pod.metadata.name = name;
    delete pod.metadata.generateName;
    // volumeClaimTemplates (stateful_set_utils.go `getPersistentVolumeClaims`, `createPersistentVolumeClaims`): the
    // claim `<template>-<set>-<ordinal>` is created if missing and kept afterwards, so a recreated pod finds its data;
    // the pod's volume of the template's name points at it.
    const claims = set.spec.volumeClaimTemplates ?? [];
    const toCreate: PersistentVolumeClaim[] = [];
    if (claims.length > 0) {
      const ns = set.metadata.namespace ?? 'default';
      const volumes = (pod.spec.volumes ?? []).filter((v) => !claims.some((c) => c.metadata.name === v.name));
      for (const c of claims) {
        const claimName = `${c.metadata.name}-${set.metadata.name}-${ordinal}`;
        volumes.push({ name: c.metadata.name, persistentVolumeClaim: { claimName } });
        if (this.client.get('PersistentVolumeClaim', `${ns}/${claimName}`) !== undefined) continue;
        const labels = Object.assign({}, set.spec.selector.matchLabels ?? {}, c.metadata.labels ?? {});
        toCreate.push({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: claimName, namespace: ns, labels }, spec: { ...c.spec }, status: { phase: 'Pending' } });
      }
      pod.spec = extend(pod.spec, { volumes });
    }
    this.expectations.expect(key, 1, 0, this.engine.now);
    const release = pending.hold();
    const createPod = () =>
      this.client.create(pod, (r) => {
        if (r.ok) this.recorder.record(set, 'Normal', 'SuccessfulCreate', STATEFULSET_CONTROLLER, `create Pod ${name} in StatefulSet ${set.metadata.name} successful`);
        else this.expectations.creationObserved(key);
        release();
      });
    if (toCreate.length === 0) return createPod();
    // The claims first, the pod once they exist (createPersistentVolumeClaims returns before the pod is created); a
    // claim that cannot be created leaves the pod uncreated until the next sync.
    let left = toCreate.length;
    let failed = false;
    for (const claim of toCreate) {
      this.client.create(claim, (r) => {
        if (!r.ok && r.reason !== 'AlreadyExists') {
          failed = true;
          this.recorder.record(set, 'Warning', 'FailedCreate', STATEFULSET_CONTROLLER, `create Claim ${claim.metadata.name} for Pod ${name} in StatefulSet ${set.metadata.name} failed error: ${r.message}`);
        } else if (r.ok) this.recorder.record(set, 'Normal', 'SuccessfulCreate', STATEFULSET_CONTROLLER, `create Claim ${claim.metadata.name} Pod ${name} in StatefulSet ${set.metadata.name} success`);
        if (--left > 0) return;
        if (!failed) return createPod();
        this.expectations.creationObserved(key);
        release();
      });
    }
  }

  private deletePod(key: string, set: StatefulSet, p: Pod, pending: Pending, message: string): void {
    this.expectations.expect(key, 0, 1, this.engine.now);
    const release = pending.hold();
    this.client.delete('Pod', objectKey(p.metadata), {}, (r) => {
      if (r.ok) this.recorder.record(set, 'Normal', 'SuccessfulDelete', STATEFULSET_CONTROLLER, message);
      else this.expectations.deletionObserved(key);
      release();
    });
  }

  private updateStatus(key: string, set: StatefulSet, pods: Pod[], currentRevision: string, updateRevision: string, minReadyUs: number, done: () => void): void {
    let replicas = 0;
    let ready = 0;
    let available = 0;
    let current = 0;
    let updated = 0;
    for (const p of pods) {
      if (p.metadata.deletionTimestamp !== undefined || p.status.phase === 'Failed' || p.status.phase === 'Succeeded') continue;
      replicas++;
      const since = p.status.phase === 'Running' ? readySince(p) : undefined;
      if (since !== undefined) {
        ready++;
        if (since + minReadyUs <= this.engine.now) available++;
      }
      const rev = p.metadata.labels?.[REVISION_LABEL];
      if (rev === currentRevision) current++;
      if (rev === updateRevision) updated++;
    }
    const want = set.spec.replicas ?? 1;
    // completeRollingUpdate: once every replica runs the update revision, it becomes the current one.
    const complete = updated === want && ready === want && replicas === want;
    const status: StatefulSet['status'] = {
      replicas,
      readyReplicas: ready,
      availableReplicas: available,
      currentReplicas: complete ? updated : current,
      updatedReplicas: updated,
      currentRevision: complete ? updateRevision : currentRevision,
      updateRevision,
      observedGeneration: set.metadata.generation ?? 1,
    };
    if (minReadyUs > 0 && ready > available) this.queue.addAfter(key, minReadyUs);
    if (JSON.stringify(status) === JSON.stringify(set.status)) return done();
    this.client.update('StatefulSet', key, (s) => extend(s, { status: extend(status, { observedGeneration: s.metadata.generation ?? 1 }) }), () => done());
  }
}
