/**
 * A cluster snapshot's objects keep the state the API server held for them (`spec.cluster.snapshot`, written by
 * `kubesim import-cluster`): where a manifest's status is ignored (a created object starts afresh), a snapshot's
 * pods keep their phase, conditions and addresses, Nodes their Ready condition, claims and volumes their binding
 * phase. Timestamps become t = 0: the snapshot is the simulation's start. The controllers' own statuses (ReplicaSet,
 * Deployment, Job counts) are left to the controllers, which recompute them at their first sync as upstream's do
 * after a restart.
 */
import type { JobCondition, KubeObject, NodeCondition, PodCondition, PodPhase } from '../cluster/types.js';
import { extend } from '../cluster/extend.js';

const POD_PHASES: readonly PodPhase[] = ['Pending', 'Running', 'Succeeded', 'Failed'];
const POD_CONDITIONS: readonly PodCondition['type'][] = ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready', 'DisruptionTarget'];
const JOB_CONDITIONS: readonly JobCondition['type'][] = ['Complete', 'Failed', 'Suspended', 'FailureTarget', 'SuccessCriteriaMet'];
const STATUSES: readonly PodCondition['status'][] = ['True', 'False', 'Unknown'];

type Raw = Record<string, unknown>;
const record = (v: unknown): Raw | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Raw) : undefined);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The object with the state `raw` (its manifest as the API printed it) records; other kinds unchanged. */
export function withSnapshotState(obj: KubeObject, raw: Raw): KubeObject {
  const status = record(raw.status) ?? {};
  // A snapshot's times are the API server's wall clock: the simulation starts at them, and ends nothing early.
  const meta = { ...obj.metadata } as Record<string, unknown>;
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  delete meta.creationTimestamp;
  delete meta.resourceVersion;
  delete meta.managedFields;
  const metadata = meta as unknown as KubeObject['metadata'];
  switch (obj.kind) {
    case 'Pod': {
      const phase = POD_PHASES.includes(status.phase as PodPhase) ? (status.phase as PodPhase) : status.phase === 'Unknown' ? 'Running' : 'Pending';
      const conditions: PodCondition[] = [];
      for (const c of list(status.conditions)) {
        const r = record(c);
        if (r === undefined || !POD_CONDITIONS.includes(r.type as PodCondition['type']) || !STATUSES.includes(r.status as PodCondition['status'])) continue;
        conditions.push({ type: r.type as PodCondition['type'], status: r.status as PodCondition['status'], ...(text(r.reason) !== undefined ? { reason: text(r.reason) } : {}), ...(text(r.message) !== undefined ? { message: text(r.message) } : {}), lastTransitionTime: 0 });
      }
      const restarts = list(status.containerStatuses)
        .map(record)
        .filter((r): r is Raw => r !== undefined && typeof r.name === 'string')
        .map((r) => ({ name: r.name as string, restartCount: typeof r.restartCount === 'number' ? r.restartCount : 0, ready: r.ready === true }));
      return extend(obj, {
        metadata,
        status: Object.assign(
          { phase },
          conditions.length > 0 ? { conditions } : {},
          text(status.podIP) !== undefined ? { podIP: text(status.podIP) } : {},
          status.startTime !== undefined ? { startTime: 0 } : {},
          text(status.nominatedNodeName) !== undefined ? { nominatedNodeName: text(status.nominatedNodeName) } : {},
          text(status.reason) !== undefined ? { reason: text(status.reason) } : {},
          text(status.message) !== undefined ? { message: text(status.message) } : {},
          restarts.some((r) => r.restartCount > 0) ? { containerStatuses: restarts } : {},
        ),
      } as never);
    }
    case 'Node': {
      const conditions: NodeCondition[] = [];
      for (const c of list(status.conditions)) {
        const r = record(c);
        if (r === undefined || typeof r.type !== 'string' || !STATUSES.includes(r.status as NodeCondition['status'])) continue;
        conditions.push({ type: r.type, status: r.status as NodeCondition['status'], ...(text(r.reason) !== undefined ? { reason: text(r.reason) } : {}), lastTransitionTime: 0 });
      }
      return extend(obj, { metadata, status: extend(obj.status, { conditions }) });
    }
    case 'Job': {
      // A finished Job stays finished (the controller leaves it); a running one's counts come from the pods found.
      const conditions: JobCondition[] = [];
      for (const c of list(status.conditions)) {
        const r = record(c);
        if (r === undefined || !JOB_CONDITIONS.includes(r.type as JobCondition['type']) || (r.status !== 'True' && r.status !== 'False')) continue;
        conditions.push({ type: r.type as JobCondition['type'], status: r.status, ...(text(r.reason) !== undefined ? { reason: text(r.reason) } : {}), ...(text(r.message) !== undefined ? { message: text(r.message) } : {}), lastTransitionTime: 0 });
      }
      const count = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined);
      return extend(obj, {
        metadata,
        status: Object.assign(
          {},
          status.startTime !== undefined ? { startTime: 0 } : {},
          status.completionTime !== undefined ? { completionTime: 0 } : {},
          count(status.succeeded) !== undefined ? { succeeded: count(status.succeeded) } : {},
          count(status.failed) !== undefined ? { failed: count(status.failed) } : {},
          conditions.length > 0 ? { conditions } : {},
        ),
      });
    }
    case 'StatefulSet': {
      // The revisions' names (ControllerRevisions upstream); sim/snapshotRevisions.ts maps them to kubesim's.
      const rev = Object.assign({}, text(status.currentRevision) !== undefined ? { currentRevision: text(status.currentRevision) } : {}, text(status.updateRevision) !== undefined ? { updateRevision: text(status.updateRevision) } : {});
      return extend(obj, { metadata, status: extend(obj.status, rev) });
    }
    case 'PersistentVolumeClaim':
      return status.phase === 'Bound' || status.phase === 'Lost' ? extend(obj, { metadata, status: { phase: status.phase } }) : extend(obj, { metadata });
    case 'PersistentVolume':
      return typeof status.phase === 'string' ? extend(obj, { metadata, status: extend(obj.status, { phase: status.phase } as never) }) : extend(obj, { metadata });
    default:
      return extend(obj, { metadata } as never);
  }
}

/** Whether a snapshot Node's kubelet was up: its Ready condition True (a Node without conditions is taken as Ready). */
export function snapshotNodeReady(node: { status: { conditions?: readonly NodeCondition[] } }): boolean {
  const ready = node.status.conditions?.find((c) => c.type === 'Ready');
  return ready === undefined || ready.status === 'True';
}
