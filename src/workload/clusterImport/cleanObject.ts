/**
 * What `kubesim import-cluster` keeps of one object of a live cluster's dump: its metadata without what only the API
 * server's bookkeeping needs (managedFields, resourceVersion, timestamps, kubectl's last-applied copy), its spec as
 * the API server defaulted it, and of its status what the cluster's state at t = 0 consists of (snapshotState.ts reads
 * it): a pod's phase, conditions, address and restarts; a Node's capacity, allocatable, conditions and images; a
 * claim's or volume's phase; a Job's counts and conditions. ConfigMap and Secret values are emptied (their keys are
 * what pods need), so a snapshot carries no data of the cluster's.
 */

export type Obj = Record<string, unknown>;

export const record = (v: unknown): Obj | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined);

/** Annotations that are API bookkeeping, dropped. */
const DROPPED_ANNOTATIONS = ['kubectl.kubernetes.io/last-applied-configuration'];

/** Picks `keys` of `o` that are present. */
function pick(o: Obj | undefined, keys: readonly string[]): Obj {
  const out: Obj = {};
  if (o === undefined) return out;
  for (const k of keys) if (o[k] !== undefined && o[k] !== null) out[k] = o[k];
  return out;
}

/** The object's metadata without the API server's bookkeeping. */
function cleanMetadata(meta: Obj): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(meta)) {
    if (k === 'managedFields' || k === 'resourceVersion' || k === 'selfLink' || k === 'generation' || k === 'creationTimestamp' || k === 'deletionTimestamp' || k === 'deletionGracePeriodSeconds') continue;
    if (k === 'annotations') {
      const a = { ...(record(v) ?? {}) };
      for (const d of DROPPED_ANNOTATIONS) delete a[d];
      if (Object.keys(a).length > 0) out.annotations = a;
      continue;
    }
    out[k] = v;
  }
  return out;
}

const condition = (keys: readonly string[]) => (c: unknown) => pick(record(c), keys);

/** Of a status, what the state at t = 0 needs (undefined: none). */
function cleanStatus(kind: string, status: Obj | undefined): Obj | undefined {
  if (status === undefined) return undefined;
  switch (kind) {
    case 'Pod': {
      const out = pick(status, ['phase', 'podIP', 'startTime', 'nominatedNodeName', 'reason', 'message']);
      if (Array.isArray(status.conditions)) out.conditions = status.conditions.map(condition(['type', 'status', 'reason', 'message']));
      if (Array.isArray(status.containerStatuses)) out.containerStatuses = status.containerStatuses.map((c) => pick(record(c), ['name', 'ready', 'restartCount']));
      return out;
    }
    case 'Node': {
      const out = pick(status, ['capacity', 'allocatable', 'images']);
      if (Array.isArray(status.conditions)) out.conditions = status.conditions.map(condition(['type', 'status', 'reason']));
      return out;
    }
    case 'PersistentVolumeClaim':
    case 'PersistentVolume':
      return pick(status, ['phase']);
    case 'StatefulSet':
      return pick(status, ['currentRevision', 'updateRevision']);
    case 'HorizontalPodAutoscaler':
      return pick(status, ['currentMetrics']);
    case 'Job': {
      const out = pick(status, ['startTime', 'completionTime', 'succeeded', 'failed']);
      if (Array.isArray(status.conditions)) out.conditions = status.conditions.map(condition(['type', 'status', 'reason', 'message']));
      return out;
    }
    default:
      return undefined;
  }
}

/** Empties the values of a ConfigMap's or Secret's data, keeping its keys. */
function emptyData(o: Obj): void {
  const keys = new Set<string>();
  for (const field of ['data', 'binaryData', 'stringData']) {
    const d = record(o[field]);
    if (d !== undefined) for (const k of Object.keys(d)) keys.add(k);
    delete o[field];
  }
  if (keys.size > 0) o.data = Object.fromEntries([...keys].sort().map((k) => [k, '']));
}

/** One object as the snapshot keeps it (a new object; the input is not changed). */
export function cleanObject(o: Obj): Obj {
  const kind = String(o.kind);
  const out: Obj = {};
  for (const [k, v] of Object.entries(o)) {
    if (k === 'metadata') out.metadata = cleanMetadata(record(v) ?? {});
    else if (k === 'status') {
      const s = cleanStatus(kind, record(v));
      if (s !== undefined) out.status = s;
    } else out[k] = v;
  }
  if ((kind === 'ConfigMap' || kind === 'Secret') && o.apiVersion === 'v1') emptyData(out);
  return out;
}
