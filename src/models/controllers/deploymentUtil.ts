/**
 * The arithmetic of Deployment rollouts, ported from pkg/controller/deployment/util/deployment_util.go: fenceposts
 * (maxSurge rounds up, maxUnavailable rounds down, both 0 → maxUnavailable 1), the new ReplicaSet's next size,
 * proportional scaling, revisions, and the status/completeness predicates. Pure functions over API objects.
 */
import type { Deployment, DeploymentCondition, ReplicaSet } from '../../cluster/types.js';
import type { Micros } from '../../engine/time.js';
import { scaledValue } from '../../cluster/intstr.js';
import { extend } from '../../cluster/extend.js';

/** `RevisionAnnotation`. */
export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
/** `DesiredReplicasAnnotation`. */
export const DESIRED_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
/** `MaxReplicasAnnotation`. */
export const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas';

/** apps/v1 defaults (pkg/apis/apps/v1/defaults.go `SetDefaults_Deployment`). */
export const DEFAULT_MAX_SURGE = '25%';
export const DEFAULT_MAX_UNAVAILABLE = '25%';
export const DEFAULT_REVISION_HISTORY_LIMIT = 10;
export const DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;

/** Condition reasons (deployment_util.go). */
export const REASON = {
  newRSCreated: 'NewReplicaSetCreated',
  foundNewRS: 'FoundNewReplicaSet',
  newRSAvailable: 'NewReplicaSetAvailable',
  rsUpdated: 'ReplicaSetUpdated',
  timedOut: 'ProgressDeadlineExceeded',
  paused: 'DeploymentPaused',
  resumed: 'DeploymentResumed',
  minimumAvailable: 'MinimumReplicasAvailable',
  minimumUnavailable: 'MinimumReplicasUnavailable',
} as const;

/** `*deployment.Spec.Replicas` with its default of 1. */
export function desired(d: Deployment): number {
  return d.spec.replicas ?? 1;
}

/** `*rs.Spec.Replicas`. */
export function rsReplicas(rs: ReplicaSet): number {
  return rs.spec.replicas ?? 1;
}

export function isRollingUpdate(d: Deployment): boolean {
  return (d.spec.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
}

/** `ResolveFenceposts`: [surge, unavailable]; both zero makes unavailable 1 so a rollout can progress. */
export function resolveFenceposts(maxSurge: number | string | undefined, maxUnavailable: number | string | undefined, replicas: number): [number, number] {
  const surge = scaledValue(maxSurge ?? 0, replicas, true);
  let unavailable = scaledValue(maxUnavailable ?? 0, replicas, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return [surge, unavailable];
}

function rollingParams(d: Deployment): [number | string, number | string] {
  const ru = d.spec.strategy?.rollingUpdate;
  return [ru?.maxSurge ?? DEFAULT_MAX_SURGE, ru?.maxUnavailable ?? DEFAULT_MAX_UNAVAILABLE];
}

/** `MaxUnavailable`: 0 for Recreate or zero replicas; never more than the replicas. */
export function maxUnavailable(d: Deployment): number {
  const replicas = desired(d);
  if (!isRollingUpdate(d) || replicas === 0) return 0;
  const [s, u] = rollingParams(d);
  return Math.min(resolveFenceposts(s, u, replicas)[1], replicas);
}

/** `MaxSurge`: 0 for Recreate. */
export function maxSurge(d: Deployment): number {
  if (!isRollingUpdate(d)) return 0;
  const [s, u] = rollingParams(d);
  return resolveFenceposts(s, u, desired(d))[0];
}

/** `GetReplicaCountForReplicaSets`: Σ spec.replicas. */
export function specReplicas(rss: readonly ReplicaSet[]): number {
  let n = 0;
  for (const rs of rss) n += rsReplicas(rs);
  return n;
}

/** `GetActualReplicaCountForReplicaSets`: Σ status.replicas. */
export function actualReplicas(rss: readonly ReplicaSet[]): number {
  let n = 0;
  for (const rs of rss) n += rs.status.replicas ?? 0;
  return n;
}

/** `GetAvailableReplicaCountForReplicaSets`. */
export function availableReplicas(rss: readonly ReplicaSet[]): number {
  let n = 0;
  for (const rs of rss) n += rs.status.availableReplicas ?? 0;
  return n;
}

/** `GetReadyReplicaCountForReplicaSets`. */
export function readyReplicas(rss: readonly ReplicaSet[]): number {
  let n = 0;
  for (const rs of rss) n += rs.status.readyReplicas ?? 0;
  return n;
}

/**
 * `NewRSNewReplicas`: RollingUpdate grows the new ReplicaSet by what maxSurge leaves room for (never past the
 * desired replicas); Recreate takes it straight to the desired replicas.
 */
export function newRSNewReplicas(d: Deployment, allRSs: readonly ReplicaSet[], newRSReplicas: number): number {
  if (!isRollingUpdate(d)) return desired(d);
  const surge = scaledValue(rollingParams(d)[0], desired(d), true);
  const current = specReplicas(allRSs);
  const maxTotal = desired(d) + surge;
  if (current >= maxTotal) return newRSReplicas;
  const up = Math.min(maxTotal - current, desired(d) - newRSReplicas);
  return newRSReplicas + up;
}

/** The integer annotation `key` of a ReplicaSet, if present and valid. */
export function intAnnotation(rs: ReplicaSet, key: string): number | undefined {
  const v = rs.metadata.annotations?.[key];
  if (v === undefined || !/^-?\d+$/.test(v)) return undefined;
  return Number(v);
}

/** `Revision`: the revision annotation (0 when absent). */
export function revision(obj: { metadata: { annotations?: Record<string, string> } }): number {
  const v = obj.metadata.annotations?.[REVISION_ANNOTATION];
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : 0;
}

/** `MaxRevision`. */
export function maxRevision(rss: readonly ReplicaSet[]): number {
  let m = 0;
  for (const rs of rss) m = Math.max(m, revision(rs));
  return m;
}

/** `IsSaturated`: the new ReplicaSet has the desired replicas, all available. */
export function isSaturated(d: Deployment, rs: ReplicaSet | undefined): boolean {
  if (rs === undefined) return false;
  const want = intAnnotation(rs, DESIRED_REPLICAS_ANNOTATION);
  return rsReplicas(rs) === desired(d) && want === desired(d) && (rs.status.availableReplicas ?? 0) === desired(d);
}

/** `FindActiveOrLatest`: the only ReplicaSet with replicas, or the newest one when none has any; else undefined. */
export function findActiveOrLatest(newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[]): ReplicaSet | undefined {
  if (newRS === undefined && oldRSs.length === 0) return undefined;
  const all = [...oldRSs, ...(newRS !== undefined ? [newRS] : [])].sort(bySizeNewer);
  const active = all.filter((rs) => rsReplicas(rs) > 0);
  if (active.length === 0) return newRS ?? [...oldRSs].sort(byCreation).at(-1);
  if (active.length === 1) return active[0];
  return undefined;
}

/** `ReplicaSetsByCreationTimestamp` (ties by name). */
export function byCreation(a: ReplicaSet, b: ReplicaSet): number {
  const d = (a.metadata.creationTimestamp ?? 0) - (b.metadata.creationTimestamp ?? 0);
  return d !== 0 ? d : a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
}

/** `ReplicaSetsBySizeNewer`: larger first, then newer first. */
export function bySizeNewer(a: ReplicaSet, b: ReplicaSet): number {
  const d = rsReplicas(b) - rsReplicas(a);
  return d !== 0 ? d : byCreation(b, a);
}

/** `ReplicaSetsBySizeOlder`: larger first, then older first. */
export function bySizeOlder(a: ReplicaSet, b: ReplicaSet): number {
  const d = rsReplicas(b) - rsReplicas(a);
  return d !== 0 ? d : byCreation(a, b);
}

/** `ReplicaSetsByRevision` (ties by creation). */
export function byRevision(a: ReplicaSet, b: ReplicaSet): number {
  const d = revision(a) - revision(b);
  return d !== 0 ? d : byCreation(a, b);
}

/** Go's `math.Round` to int32 (`integer.RoundToInt32`): halves away from zero. */
function roundToInt(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/** `getReplicaSetFraction`: the ReplicaSet's share of a new total, from its max-replicas annotation. */
function replicaSetFraction(rs: ReplicaSet, d: Deployment): number {
  if (desired(d) === 0) return -rsReplicas(rs);
  const total = desired(d) + maxSurge(d);
  const annotated = intAnnotation(rs, MAX_REPLICAS_ANNOTATION) ?? d.status.replicas ?? 0;
  if (annotated === 0) return 0;
  return roundToInt((rsReplicas(rs) * total) / annotated) - rsReplicas(rs);
}

/** `GetProportion`: how many of `toAdd` (negative for removals) this ReplicaSet takes. */
export function proportion(rs: ReplicaSet, d: Deployment, toAdd: number, added: number): number {
  if (rsReplicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

/**
 * Proportional scaling (`DeploymentController.scale`, rolling case): the new sizes of the active ReplicaSets when
 * the Deployment was resized mid-rollout. Leftovers go to the first (largest) ReplicaSet.
 */
export function proportionalSizes(d: Deployment, active: readonly ReplicaSet[]): Map<string, number> {
  const total = specReplicas(active);
  const allowed = desired(d) > 0 ? desired(d) + maxSurge(d) : 0;
  const toAdd = allowed - total;
  const ordered = [...active].sort(toAdd > 0 ? bySizeNewer : bySizeOlder);
  const sizes = new Map<string, number>();
  let added = 0;
  for (const rs of ordered) {
    if (toAdd !== 0) {
      const p = proportion(rs, d, toAdd, added);
      sizes.set(rs.metadata.name, rsReplicas(rs) + p);
      added += p;
    } else sizes.set(rs.metadata.name, rsReplicas(rs));
  }
  if (toAdd !== 0 && ordered.length > 0) {
    const first = ordered[0]!.metadata.name;
    sizes.set(first, Math.max(0, sizes.get(first)! + toAdd - added));
  }
  return sizes;
}

/** The status the Deployment's ReplicaSets add up to (`calculateStatus`), without the Progressing condition. */
export function calculateStatus(d: Deployment, allRSs: readonly ReplicaSet[], newRS: ReplicaSet | undefined, now: Micros): Deployment['status'] {
  const available = availableReplicas(allRSs);
  const status: Deployment['status'] = {
    replicas: actualReplicas(allRSs),
    updatedReplicas: newRS !== undefined ? newRS.status.replicas ?? 0 : 0,
    readyReplicas: readyReplicas(allRSs),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, specReplicas(allRSs) - available),
    observedGeneration: d.metadata.generation ?? 1,
    conditions: [...(d.status.conditions ?? [])],
  };
  const ok = available >= desired(d) - maxUnavailable(d);
  setCondition(
    status,
    ok
      ? { type: 'Available', status: 'True', reason: REASON.minimumAvailable, message: 'Deployment has minimum availability.' }
      : { type: 'Available', status: 'False', reason: REASON.minimumUnavailable, message: 'Deployment does not have minimum availability.' },
    now,
  );
  return status;
}

/** `GetDeploymentCondition`. */
export function getCondition(status: Deployment['status'], type: DeploymentCondition['type']): DeploymentCondition | undefined {
  return status.conditions?.find((c) => c.type === type);
}

/**
 * `SetDeploymentCondition`: replaces the condition of that type; an unchanged status with the same reason is kept
 * as it is, and an unchanged status keeps its lastTransitionTime.
 */
export function setCondition(status: Deployment['status'], c: Omit<DeploymentCondition, 'lastUpdateTime' | 'lastTransitionTime'> & { lastTransitionTime?: Micros }, now: Micros): void {
  const conditions = status.conditions ?? [];
  const cur = conditions.find((x) => x.type === c.type);
  if (cur !== undefined && cur.status === c.status && cur.reason === c.reason) return;
  const lastTransitionTime = cur !== undefined && cur.status === c.status ? cur.lastTransitionTime : c.lastTransitionTime ?? now;
  status.conditions = [...conditions.filter((x) => x.type !== c.type), extend(c, { lastUpdateTime: now, lastTransitionTime })];
}

/** `DeploymentComplete`. */
export function deploymentComplete(d: Deployment, s: Deployment['status']): boolean {
  const n = desired(d);
  return s.updatedReplicas === n && s.replicas === n && s.availableReplicas === n && (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 1);
}

/** `DeploymentProgressing`: more updated, fewer old, more ready or more available replicas than the last status. */
export function deploymentProgressing(d: Deployment, s: Deployment['status']): boolean {
  const o = d.status;
  const oldOld = (o.replicas ?? 0) - (o.updatedReplicas ?? 0);
  const newOld = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (s.updatedReplicas ?? 0) > (o.updatedReplicas ?? 0) || newOld < oldOld || (s.readyReplicas ?? 0) > (o.readyReplicas ?? 0) || (s.availableReplicas ?? 0) > (o.availableReplicas ?? 0);
}

/** `DeploymentTimedOut`: no progress for progressDeadlineSeconds since the Progressing condition's last update. */
export function deploymentTimedOut(d: Deployment, s: Deployment['status'], now: Micros): boolean {
  const c = getCondition(s, 'Progressing');
  if (c === undefined) return false;
  if (c.reason === REASON.newRSAvailable) return false;
  if (c.reason === REASON.timedOut) return true;
  const deadline = (d.spec.progressDeadlineSeconds ?? DEFAULT_PROGRESS_DEADLINE_SECONDS) * 1_000_000;
  return (c.lastUpdateTime ?? 0) + deadline < now;
}
