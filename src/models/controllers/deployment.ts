/**
 * Deployment controller (pkg/controller/deployment): `syncDeployment` dispatches, as upstream, to
 *   - status only for a Deployment being deleted;
 *   - `sync` (scaling only, proportional across ReplicaSets, plus history cleanup) when paused or when
 *     `spec.replicas` changed (the active ReplicaSets' desired-replicas annotation differs: `isScalingEvent`);
 *   - `rolloutRecreate` (recreate.go): old ReplicaSets to 0, wait until none of their pods is left running, then
 *     the new ReplicaSet to the desired replicas;
 *   - `rolloutRolling` (rolling.go): grow the new ReplicaSet within maxSurge, else shrink old ones within
 *     maxUnavailable (unhealthy replicas first), then clean up history once complete.
 * Each ReplicaSet is named `<deployment>-<pod-template-hash>` and carries the revision, desired-replicas and
 * max-replicas annotations. `syncRolloutStatus` (progress.go) keeps the Available and Progressing conditions,
 * including ProgressDeadlineExceeded after progressDeadlineSeconds without progress, and requeues stuck rollouts.
 *
 * kubesim folds the condition writes upstream makes along the way (checkPausedConditions, NewReplicaSetCreated,
 * FoundNewReplicaSet) into the one status write that ends each sync; the resulting status is the same.
 */
import type { Engine } from '../../engine/engine.js';
import type { Deployment, ReplicaSet } from '../../cluster/types.js';
import type { ApiClient, ApiServer } from '../apiserver/apiServer.js';
import type { EventRecorder } from '../eventRecorder.js';
import { controllerRef, getControllerOf } from './podControl.js';
import { Pending, WorkQueue } from './workQueue.js';
import {
  availableReplicas,
  byCreation,
  byRevision,
  calculateStatus,
  DEFAULT_PROGRESS_DEADLINE_SECONDS,
  DEFAULT_REVISION_HISTORY_LIMIT,
  DESIRED_REPLICAS_ANNOTATION,
  deploymentComplete,
  deploymentProgressing,
  deploymentTimedOut,
  desired,
  findActiveOrLatest,
  getCondition,
  intAnnotation,
  isRollingUpdate,
  isSaturated,
  MAX_REPLICAS_ANNOTATION,
  maxRevision,
  maxSurge,
  maxUnavailable,
  newRSNewReplicas,
  proportionalSizes,
  REASON,
  REVISION_ANNOTATION,
  revision,
  rsReplicas,
  setCondition,
  specReplicas,
} from './deploymentUtil.js';
import { extend } from '../../cluster/extend.js';

export const DEPLOYMENT_CONTROLLER = 'deployment-controller';
/** `DefaultDeploymentUniqueLabelKey`. */
export const POD_TEMPLATE_HASH = 'pod-template-hash';

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** JSON with object keys sorted, so equal templates print equally whatever order their fields were written in. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v).filter((k) => (v as Record<string, unknown>)[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/**
 * `controller.ComputeHash`: FNV-32a of the template, printed in decimal and passed through `rand.SafeEncodeString`.
 * kubesim hashes the template's canonical JSON rather than Go's spew dump, so values differ from a real cluster's
 * but have the same form and change exactly when the template changes.
 */
export function computeHash(template: object): string {
  const cached = hashes.get(template);
  if (cached !== undefined) return cached;
  const text = canonical(template);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  let out = '';
  for (const ch of String(h)) out += SAFE_ALPHABET[ch.charCodeAt(0) % SAFE_ALPHABET.length];
  hashes.set(template, out);
  return out;
}

const hashes = new WeakMap<object, string>();

/** A ReplicaSet's template without the pod-template-hash label (what `EqualIgnoreHash` compares). */
export function templateWithoutHash(rs: ReplicaSet): ReplicaSet['spec']['template'] {
  const t = rs.spec.template;
  const labels = { ...(t.metadata?.labels ?? {}) };
  delete labels[POD_TEMPLATE_HASH];
  return extend(t, { metadata: extend(t.metadata ?? {}, { labels }) });
}

const rsHashes = new WeakMap<object, string>();

/** The hash of a ReplicaSet's template, ignoring its pod-template-hash label. */
function rsTemplateHash(rs: ReplicaSet): string {
  let h = rsHashes.get(rs.spec.template);
  if (h === undefined) {
    h = computeHash(templateWithoutHash(rs));
    rsHashes.set(rs.spec.template, h);
  }
  return h;
}

/** The Deployment controller. */
export class DeploymentController {
  private readonly queue: WorkQueue;
  /** ReplicaSet keys per Deployment key (the controller's lister index). */
  private readonly rsByDeployment = new Map<string, Set<string>>();
  /** Deployment key per owned ReplicaSet uid, and pods of each ReplicaSet not yet Succeeded/Failed (for Recreate). */
  private readonly deploymentOfRS = new Map<string, string>();
  private readonly livePods = new Map<string, number>();
  private readonly podOwner = new Map<string, string>();

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
    this.api.watch('Deployment', {}, (ev) => {
      const key = `${ev.object.metadata.namespace}/${ev.object.metadata.name}`;
      if (ev.type !== 'DELETED') this.queue.add(key);
    });
    this.api.watch('ReplicaSet', {}, (ev) => {
      const ref = getControllerOf(ev.object);
      if (ref?.kind !== 'Deployment') return;
      const key = `${ev.object.metadata.namespace}/${ref.name}`;
      const rsKey = `${ev.object.metadata.namespace}/${ev.object.metadata.name}`;
      if (ev.type === 'DELETED') {
        this.rsByDeployment.get(key)?.delete(rsKey);
        this.deploymentOfRS.delete(ev.object.metadata.uid!);
      } else {
        this.index(key, rsKey);
        this.deploymentOfRS.set(ev.object.metadata.uid!, key);
      }
      this.queue.add(key);
    });
    // `deletePod`: a Recreate rollout waits until the old ReplicaSets have no pods left.
    this.api.watch('Pod', {}, (ev) => {
      const ref = getControllerOf(ev.object);
      if (ref?.kind !== 'ReplicaSet') return;
      const uid = ev.object.metadata.uid!;
      const live = ev.type !== 'DELETED' && ev.object.status.phase !== 'Succeeded' && ev.object.status.phase !== 'Failed';
      const had = this.podOwner.has(uid);
      if (live && !had) {
        this.podOwner.set(uid, ref.uid);
        this.livePods.set(ref.uid, (this.livePods.get(ref.uid) ?? 0) + 1);
      } else if (!live && had) {
        this.podOwner.delete(uid);
        const n = (this.livePods.get(ref.uid) ?? 1) - 1;
        if (n > 0) this.livePods.set(ref.uid, n);
        else {
          this.livePods.delete(ref.uid);
          const d = this.deploymentOfRS.get(ref.uid);
          if (d !== undefined) this.queue.add(d);
        }
      }
    });
  }

  private index(key: string, rsKey: string): void {
    let s = this.rsByDeployment.get(key);
    if (s === undefined) {
      s = new Set();
      this.rsByDeployment.set(key, s);
    }
    s.add(rsKey);
  }

  /** The ReplicaSets this Deployment controls, as stored now. */
  private owned(key: string, d: Deployment): ReplicaSet[] {
    const out: ReplicaSet[] = [];
    for (const k of this.rsByDeployment.get(key) ?? []) {
      const rs = this.client.get('ReplicaSet', k);
      if (rs !== undefined && getControllerOf(rs)?.uid === d.metadata.uid) out.push(rs);
    }
    return out.sort(byCreation);
  }

  /** `syncDeployment`. */
  private sync(key: string, done: () => void): void {
    const stored = this.client.get('Deployment', key);
    if (stored === undefined) return done();
    // A working copy: the sync's condition changes accumulate in its status until the final write.
    const d = this.withPausedConditions(extend(stored, { metadata: { ...stored.metadata }, status: extend(stored.status, { conditions: [...(stored.status.conditions ?? [])] }) }));
    const rsList = this.owned(key, d);
    if (d.metadata.deletionTimestamp !== undefined) return this.syncStatus(key, d, done);
    if (d.spec.paused === true || this.isScalingEvent(d, rsList)) return this.scaleOnly(key, d, rsList, done);
    if (isRollingUpdate(d)) return this.rolloutRolling(key, d, rsList, done);
    return this.rolloutRecreate(key, d, rsList, done);
  }

  /** `checkPausedConditions`, applied to a working copy whose status the sync's final write carries. */
  private withPausedConditions(d: Deployment): Deployment {
    if (!hasProgressDeadline(d)) return d;
    const cond = getCondition(d.status, 'Progressing');
    const paused = d.spec.paused === true;
    if (cond?.reason === REASON.timedOut) return d;
    const status = d.status;
    if (paused && cond?.reason !== REASON.paused) setCondition(status, { type: 'Progressing', status: 'Unknown', reason: REASON.paused, message: 'Deployment is paused' }, this.engine.now);
    else if (!paused && cond?.reason === REASON.paused) setCondition(status, { type: 'Progressing', status: 'Unknown', reason: REASON.resumed, message: 'Deployment is resumed' }, this.engine.now);
    return d;
  }

  /** `FindNewReplicaSet` / `FindOldReplicaSets`: the oldest ReplicaSet with the Deployment's template, and the rest. */
  private split(d: Deployment, rsList: ReplicaSet[]): [ReplicaSet | undefined, ReplicaSet[]] {
    const hash = computeHash(d.spec.template);
    const newRS = rsList.find((rs) => rsTemplateHash(rs) === hash);
    return [newRS, rsList.filter((rs) => rs !== newRS)];
  }

  /**
   * `getAllReplicaSetsAndSyncRevision`: the new ReplicaSet (created when `create`, with the next revision and the
   * size `NewRSNewReplicas` allows) and the old ones; an existing new ReplicaSet is brought to the next revision
   * (a rollback reuses an old ReplicaSet) and the Deployment's revision annotation follows it.
   */
  private getAll(key: string, d: Deployment, rsList: ReplicaSet[], create: boolean, then: (newRS: ReplicaSet | undefined, old: ReplicaSet[]) => void): void {
    const [found, old] = this.split(d, rsList);
    const next = maxRevision(old) + 1;
    if (found !== undefined) {
      const needsRevision = revision(found) < next;
      const minReady = d.spec.minReadySeconds ?? 0;
      const needsMinReady = (found.spec.minReadySeconds ?? 0) !== minReady;
      const syncDeploymentRevision = (rs: ReplicaSet) => {
        if (hasProgressDeadline(d) && getCondition(d.status, 'Progressing') === undefined) {
          setCondition(d.status, { type: 'Progressing', status: 'True', reason: REASON.foundNewRS, message: `Found new replica set "${rs.metadata.name}"` }, this.engine.now);
        }
        this.setDeploymentRevision(key, d, String(revision(rs)), () => then(rs, old));
      };
      if (!needsRevision && !needsMinReady) return syncDeploymentRevision(found);
      const rsKey = `${found.metadata.namespace}/${found.metadata.name}`;
      this.client.update(
        'ReplicaSet',
        rsKey,
        (rs) => extend(rs, { metadata: extend(rs.metadata, { annotations: Object.assign({}, rs.metadata.annotations ?? {}, needsRevision ? { [REVISION_ANNOTATION]: String(next) } : {}) }), spec: extend(rs.spec, { minReadySeconds: minReady }) }),
        (r) => syncDeploymentRevision(r.ok ? r.object : found),
      );
      return;
    }
    if (!create) return then(undefined, old);
    const hash = computeHash(d.spec.template);
    const replicas = newRSNewReplicas(d, old, 0);
    const labels = extend(d.spec.template.metadata?.labels ?? {}, { [POD_TEMPLATE_HASH]: hash });
    const rs: ReplicaSet = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${d.metadata.name}-${hash}`,
        namespace: d.metadata.namespace ?? 'default',
        labels,
        annotations: { [REVISION_ANNOTATION]: String(next), [DESIRED_REPLICAS_ANNOTATION]: String(desired(d)), [MAX_REPLICAS_ANNOTATION]: String(desired(d) + maxSurge(d)) },
        ownerReferences: [controllerRef(d)],
      },
      spec: {
        replicas,
        minReadySeconds: d.spec.minReadySeconds ?? 0,
        selector: extend(d.spec.selector, { matchLabels: extend(d.spec.selector.matchLabels ?? {}, { [POD_TEMPLATE_HASH]: hash }) }),
        template: extend(d.spec.template, { metadata: extend(d.spec.template.metadata ?? {}, { labels }) }),
      },
      status: { replicas: 0 },
    };
    this.client.create(rs, (r) => {
      if (!r.ok) {
        // AlreadyExists: a sync that raced this one created it; the next sync finds it.
        const existing = this.client.get('ReplicaSet', `${rs.metadata.namespace}/${rs.metadata.name}`);
        return then(existing, old);
      }
      this.index(key, `${rs.metadata.namespace}/${rs.metadata.name}`);
      this.deploymentOfRS.set(r.object.metadata.uid!, key);
      if (replicas > 0) this.recorder.record(d, 'Normal', 'ScalingReplicaSet', DEPLOYMENT_CONTROLLER, `Scaled up replica set ${rs.metadata.name} from 0 to ${replicas}`);
      if (hasProgressDeadline(d)) setCondition(d.status, { type: 'Progressing', status: 'True', reason: REASON.newRSCreated, message: `Created new replica set "${rs.metadata.name}"` }, this.engine.now);
      this.setDeploymentRevision(key, d, String(next), () => then(r.object, old));
    });
  }

  /** `SetDeploymentRevision`: the Deployment's revision annotation follows its new ReplicaSet's. */
  private setDeploymentRevision(key: string, d: Deployment, rev: string, then: () => void): void {
    if (d.metadata.annotations?.[REVISION_ANNOTATION] === rev) return then();
    d.metadata = extend(d.metadata, { annotations: extend(d.metadata.annotations ?? {}, { [REVISION_ANNOTATION]: rev }) });
    this.client.update('Deployment', key, (cur) => extend(cur, { metadata: extend(cur.metadata, { annotations: extend(cur.metadata.annotations ?? {}, { [REVISION_ANNOTATION]: rev }) }) }), () => then());
  }

  /** `isScalingEvent`: an active ReplicaSet was sized for a different `spec.replicas`. */
  private isScalingEvent(d: Deployment, rsList: ReplicaSet[]): boolean {
    for (const rs of rsList) {
      if (rsReplicas(rs) === 0) continue;
      const want = intAnnotation(rs, DESIRED_REPLICAS_ANNOTATION);
      if (want !== undefined && want !== desired(d)) return true;
    }
    return false;
  }

  /**
   * `scaleReplicaSetAndRecordEvent` for several ReplicaSets at once: each gets its new size and the Deployment's
   * desired/max-replicas annotations; `then(changed)` once all have answered.
   */
  private scaleAll(d: Deployment, sizes: Map<ReplicaSet, number>, then: (changed: boolean) => void): void {
    const pending = new Pending(() => then(changed));
    let changed = false;
    const want = String(desired(d));
    const max = String(desired(d) + maxSurge(d));
    for (const [rs, size] of sizes) {
      const from = rsReplicas(rs);
      const annotationsOk = rs.metadata.annotations?.[DESIRED_REPLICAS_ANNOTATION] === want && rs.metadata.annotations?.[MAX_REPLICAS_ANNOTATION] === max;
      if (from === size && annotationsOk) continue;
      if (from !== size) changed = true;
      const release = pending.hold();
      this.client.update(
        'ReplicaSet',
        `${rs.metadata.namespace}/${rs.metadata.name}`,
        (cur) => extend(cur, { metadata: extend(cur.metadata, { annotations: extend(cur.metadata.annotations ?? {}, { [DESIRED_REPLICAS_ANNOTATION]: want, [MAX_REPLICAS_ANNOTATION]: max }) }), spec: extend(cur.spec, { replicas: size }) }),
        (r) => {
          if (r.ok && from !== size) this.recorder.record(d, 'Normal', 'ScalingReplicaSet', DEPLOYMENT_CONTROLLER, `Scaled ${size > from ? 'up' : 'down'} replica set ${rs.metadata.name} from ${from} to ${size}`);
          release();
        },
      );
    }
    pending.seal();
  }

  /** `sync` (sync.go): scale without rolling, clean up history when paused, then the status. */
  private scaleOnly(key: string, d: Deployment, rsList: ReplicaSet[], done: () => void): void {
    this.getAll(key, d, rsList, false, (newRS, old) => {
      const sizes = new Map<ReplicaSet, number>();
      const only = findActiveOrLatest(newRS, old);
      if (only !== undefined) {
        sizes.set(only, desired(d));
      } else if (isSaturated(d, newRS)) {
        for (const rs of old) if (rsReplicas(rs) > 0) sizes.set(rs, 0);
      } else if (isRollingUpdate(d)) {
        const active = [...old, ...(newRS !== undefined ? [newRS] : [])].filter((rs) => rsReplicas(rs) > 0);
        const by = proportionalSizes(d, active);
        for (const rs of active) sizes.set(rs, by.get(rs.metadata.name)!);
      }
      this.scaleAll(d, sizes, () => {
        const after = () => this.syncStatus(key, d, done);
        if (d.spec.paused === true) this.cleanup(key, d, after);
        else after();
      });
    });
  }

  /** `rolloutRolling` (rolling.go). */
  private rolloutRolling(key: string, d: Deployment, rsList: ReplicaSet[], done: () => void): void {
    this.getAll(key, d, rsList, true, (newRS, old) => {
      if (newRS === undefined) return this.syncRolloutStatus(key, d, done);
      const all = [...old, newRS];
      const status = () => this.syncRolloutStatus(key, d, done);
      // reconcileNewReplicaSet
      const cur = rsReplicas(newRS);
      const target = cur > desired(d) ? desired(d) : cur < desired(d) ? newRSNewReplicas(d, all, cur) : cur;
      if (target !== cur) return this.scaleAll(d, new Map([[newRS, target]]), status);
      // reconcileOldReplicaSets
      const sizes = this.oldScaleDown(d, old, newRS);
      if (sizes.size > 0) return this.scaleAll(d, sizes, status);
      if (deploymentComplete(d, d.status)) return this.cleanup(key, d, status);
      status();
    });
  }

  /**
   * `reconcileOldReplicaSets`: at most allPods − minAvailable − newRSUnavailable replicas go; first the old
   * ReplicaSets' unavailable replicas (`cleanupUnhealthyReplicas`, oldest ReplicaSet first), then available ones
   * down to minAvailable (`scaleDownOldReplicaSetsForRollingUpdate`).
   */
  private oldScaleDown(d: Deployment, oldRSs: ReplicaSet[], newRS: ReplicaSet): Map<ReplicaSet, number> {
    const sizes = new Map<ReplicaSet, number>();
    if (specReplicas(oldRSs) === 0) return sizes;
    const all = [...oldRSs, newRS];
    const minAvailable = desired(d) - maxUnavailable(d);
    const newUnavailable = rsReplicas(newRS) - (newRS.status.availableReplicas ?? 0);
    const maxScaledDown = specReplicas(all) - minAvailable - newUnavailable;
    if (maxScaledDown <= 0) return sizes;
    const old = [...oldRSs].sort(byCreation);
    const size = (rs: ReplicaSet) => sizes.get(rs) ?? rsReplicas(rs);
    let cleaned = 0;
    for (const rs of old) {
      if (cleaned >= maxScaledDown) break;
      const unavailable = rsReplicas(rs) - (rs.status.availableReplicas ?? 0);
      if (rsReplicas(rs) === 0 || unavailable <= 0) continue;
      const n = Math.min(maxScaledDown - cleaned, unavailable);
      sizes.set(rs, rsReplicas(rs) - n);
      cleaned += n;
    }
    const available = availableReplicas(all);
    if (available > minAvailable) {
      const total = available - minAvailable;
      let scaled = 0;
      for (const rs of old) {
        if (scaled >= total) break;
        if (size(rs) === 0) continue;
        const n = Math.min(size(rs), total - scaled);
        sizes.set(rs, size(rs) - n);
        scaled += n;
      }
    }
    return sizes;
  }

  /** `rolloutRecreate` (recreate.go). */
  private rolloutRecreate(key: string, d: Deployment, rsList: ReplicaSet[], done: () => void): void {
    this.getAll(key, d, rsList, false, (found, old) => {
      const status = () => this.syncRolloutStatus(key, d, done);
      const activeOld = old.filter((rs) => rsReplicas(rs) > 0);
      if (activeOld.length > 0) return this.scaleAll(d, new Map(activeOld.map((rs) => [rs, 0])), status);
      // oldPodsRunning: any old ReplicaSet still reporting replicas, or any of its pods not yet Succeeded/Failed.
      if (old.some((rs) => (rs.status.replicas ?? 0) > 0 || (this.livePods.get(rs.metadata.uid!) ?? 0) > 0)) return status();
      const scaleUp = (newRS: ReplicaSet | undefined) => {
        if (newRS === undefined) return status();
        const sizes = rsReplicas(newRS) === desired(d) ? new Map<ReplicaSet, number>() : new Map([[newRS, desired(d)]]);
        this.scaleAll(d, sizes, () => (deploymentComplete(d, d.status) ? this.cleanup(key, d, status) : status()));
      };
      if (found !== undefined) return scaleUp(found);
      this.getAll(key, d, rsList, true, (created) => scaleUp(created));
    });
  }

  /** `cleanupDeployment`: deletes the oldest revisions beyond revisionHistoryLimit that have no replicas left. */
  private cleanup(key: string, d: Deployment, then: () => void): void {
    const limit = d.spec.revisionHistoryLimit ?? DEFAULT_REVISION_HISTORY_LIMIT;
    const [, old] = this.split(d, this.owned(key, d));
    const cleanable = old.filter((rs) => rs.metadata.deletionTimestamp === undefined).sort(byRevision);
    const diff = cleanable.length - limit;
    if (diff <= 0) return then();
    const pending = new Pending(then);
    for (const rs of cleanable.slice(0, diff)) {
      if ((rs.status.replicas ?? 0) !== 0 || rsReplicas(rs) !== 0 || (rs.metadata.generation ?? 1) > (rs.status.observedGeneration ?? 0)) continue;
      this.client.delete('ReplicaSet', `${rs.metadata.namespace}/${rs.metadata.name}`, {}, pending.hold());
    }
    pending.seal();
  }

  /** `syncDeploymentStatus`: the status from the ReplicaSets as stored now, written if it changed. */
  private syncStatus(key: string, d: Deployment, done: () => void): void {
    const [newRS, old] = this.split(d, this.owned(key, d));
    const status = calculateStatus(d, [...old, ...(newRS ? [newRS] : [])], newRS, this.engine.now);
    this.writeStatus(key, status, done);
  }

  /** `syncRolloutStatus` (progress.go): status plus the Progressing condition, and the stuck-rollout requeue. */
  private syncRolloutStatus(key: string, d: Deployment, done: () => void): void {
    const now = this.engine.now;
    const [newRS, old] = this.split(d, this.owned(key, d));
    const status = calculateStatus(d, [...old, ...(newRS ? [newRS] : [])], newRS, now);
    const cur = getCondition(d.status, 'Progressing');
    const complete = status.replicas === status.updatedReplicas && cur?.reason === REASON.newRSAvailable;
    if (!hasProgressDeadline(d)) status.conditions = status.conditions?.filter((c) => c.type !== 'Progressing');
    else if (!complete) {
      const who = newRS !== undefined ? `ReplicaSet "${newRS.metadata.name}"` : `Deployment "${d.metadata.name}"`;
      if (deploymentComplete(d, status)) {
        setCondition(status, { type: 'Progressing', status: 'True', reason: REASON.newRSAvailable, message: `${who} has successfully progressed.` }, now);
      } else if (deploymentProgressing(d, status)) {
        // Progress refreshes lastUpdateTime (the deadline's reference); lastTransitionTime stays while True.
        const since = cur?.status === 'True' ? cur.lastTransitionTime : now;
        status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== 'Progressing'), { type: 'Progressing', status: 'True', reason: REASON.rsUpdated, message: `${who} is progressing.`, lastUpdateTime: now, lastTransitionTime: since }];
      } else if (deploymentTimedOut(d, status, now)) {
        setCondition(status, { type: 'Progressing', status: 'False', reason: REASON.timedOut, message: `${who} has timed out progressing.` }, now);
        if (cur?.reason !== REASON.timedOut) this.recorder.record(d, 'Warning', REASON.timedOut, DEPLOYMENT_CONTROLLER, `${who} has timed out progressing.`);
      }
    }
    this.writeStatus(key, status, done, () => this.requeueStuck(key, d, status));
  }

  /** `requeueStuckDeployment`: an unchanged, unfinished rollout is checked again when its deadline would pass. */
  private requeueStuck(key: string, d: Deployment, status: Deployment['status']): void {
    const now = this.engine.now;
    const p = getCondition(status, 'Progressing');
    if (hasProgressDeadline(d) && p !== undefined && !deploymentComplete(d, status) && p.reason !== REASON.timedOut && p.reason !== REASON.paused) {
      const deadline = (d.spec.progressDeadlineSeconds ?? DEFAULT_PROGRESS_DEADLINE_SECONDS) * 1_000_000;
      const after = (p.lastUpdateTime ?? now) + deadline - now;
      this.queue.addAfter(key, Math.max(after, 0) + 1_000_000);
    }
  }

  private writeStatus(key: string, status: Deployment['status'], done: () => void, unchanged?: () => void): void {
    const latest = this.client.get('Deployment', key);
    if (latest === undefined) return done();
    if (sameStatus(latest.status, status)) {
      unchanged?.();
      return done();
    }
    this.client.update('Deployment', key, (cur) => extend(cur, { status }), () => done());
  }
}

/** `HasProgressDeadline`: set and not MaxInt32 (kubesim: always, with the default 600 s). */
function hasProgressDeadline(d: Deployment): boolean {
  return (d.spec.progressDeadlineSeconds ?? DEFAULT_PROGRESS_DEADLINE_SECONDS) < 2_147_483_647;
}

function sameStatus(a: Deployment['status'], b: Deployment['status']): boolean {
  return sameValue(a, b);
}

/** Deep equality of JSON-like values, a key holding undefined being the same as an absent key (as in JSON). */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  for (const k in x) if (!sameValue(x[k], y[k])) return false;
  for (const k in y) if (x[k] === undefined && y[k] !== undefined) return false;
  return true;
}
