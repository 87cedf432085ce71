/**
 * `import-cluster --anonymize`: the snapshot with every name, namespace, label value, image and free-text value
 * replaced by a stable hash, so a user can share the scenario without what it would tell of their cluster. One
 * string always maps to the same hash, wherever it is written, so every reference still resolves: a pod's nodeName
 * and its Node's name and hostname label, a selector's values and the labels it selects, a claim and its volume, a
 * Secret and the keys pods read of it. Label keys, kinds, quantities, ports, ClusterIPs and uids are kept: they carry
 * the semantics (topology keys, requests) and say nothing of the workload. Names whose form the controllers read are
 * rebuilt in that form: a StatefulSet's pods `<set>-<ordinal>` and claims `<template>-<set>-<ordinal>`.
 *
 * The hashes are salted with the cluster's own Node uids: stable for one cluster, not a dictionary lookup away from
 * common names. Annotations are dropped except those kubesim's models read; containers' args and commands, probe
 * paths and hosts are dropped.
 */
import { createHash } from 'node:crypto';
import { type Obj, record } from './cleanObject.js';

const SYSTEM_NAMESPACES = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);
const BUILTIN_NAMES = new Set(['system-cluster-critical', 'system-node-critical', 'default', 'default-scheduler', '']);
/** Annotations the models read, kept (values hashed where they name objects). */
const KEPT_ANNOTATION = /^(deprecated\.daemonset\.template\.generation|deployment\.kubernetes\.io\/(revision|desired-replicas|max-replicas)|batch\.kubernetes\.io\/job-completion-index|storageclass\.kubernetes\.io\/is-default-class|cluster-autoscaler\.kubernetes\.io\/safe-to-evict|kubesim\.dev\/.*)$/;
/** Fields that name an object. */
const NAME_FIELDS = new Set(['currentRevision', 'updateRevision', 'zone', 'nodeName', 'nominatedNodeName', 'serviceAccountName', 'serviceAccount', 'claimName', 'secretName', 'volumeName', 'serviceName', 'subdomain', 'hostname', 'storageClassName', 'priorityClassName', 'providerID', 'volumeHandle', 'ingressClassName', 'runtimeClassName']);
/** Objects whose `name` field names another object. */
const REF_PARENTS = new Set(['configMap', 'secret', 'configMapKeyRef', 'secretKeyRef', 'configMapRef', 'secretRef', 'scaleTargetRef', 'claimRef', 'targetRef', 'ownerReferences', 'dataSource', 'dataSourceRef', 'describedObject', 'backend', 'service', 'parametersRef']);
/** Lists whose items' `name` is a container's (a rollout event names containers so). */
const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers', 'containerStatuses', 'initContainerStatuses']);
/** Probe handlers, whose `port` may name a container port. */
const PROBE_HANDLERS = new Set(['httpGet', 'tcpSocket', 'grpc']);
/** Objects whose `key` field is a ConfigMap's or Secret's key. */
const KEY_PARENTS = new Set(['configMapKeyRef', 'secretKeyRef', 'items']);

/** Returns a copy of the objects with names, namespaces, label values and images hashed. */
export function anonymize(objects: readonly Obj[]): Obj[] {
  const salt = createHash('sha256')
    .update(
      objects
        .filter((o) => o.kind === 'Node')
        .map((o) => String(record(o.metadata)?.uid ?? record(o.metadata)?.name))
        .sort()
        .join('\n'),
    )
    .digest('hex');
  const digest = (s: string) => createHash('sha256').update(salt).update(s).digest('hex').slice(0, 10);
  // Numbers (generations, ordinals, indexes) say nothing of the workload and are matched against annotations.
  const hash = (s: string) => (BUILTIN_NAMES.has(s) || /^\d+$/.test(s) ? s : `a${digest(s)}`);
  // Names the controllers parse: a StatefulSet's pods and claims.
  const special = new Map<string, string>();
  for (const o of objects) {
    if (o.kind !== 'StatefulSet') continue;
    const set = String(record(o.metadata)?.name);
    const spec = record(o.spec) ?? {};
    const templates = (Array.isArray(spec.volumeClaimTemplates) ? spec.volumeClaimTemplates : []).map((t) => String(record(record(t)?.metadata)?.name));
    const replicas = typeof spec.replicas === 'number' ? spec.replicas : 1;
    const highest = Math.max(replicas, ...objects.filter((p) => p.kind === 'Pod').map((p) => Number(new RegExp(`^${set.replace(/[.]/g, '\\.')}-(\\d+)$`).exec(String(record(p.metadata)?.name))?.[1] ?? -1)));
    for (let i = 0; i <= highest; i++) {
      special.set(`${set}-${i}`, `${hash(set)}-${i}`);
      for (const t of templates) special.set(`${t}-${set}-${i}`, `${hash(t)}-${hash(set)}-${i}`);
    }
  }
  const name = (s: unknown) => (typeof s === 'string' ? (special.get(s) ?? hash(s)) : s);
  const ns = (s: unknown) => (typeof s === 'string' && !SYSTEM_NAMESPACES.has(s) ? hash(s) : s);
  const image = (s: unknown) => (typeof s === 'string' ? `image-${digest(s)}` : s);
  const values = (m: unknown) => {
    const r = record(m);
    return r === undefined ? m : Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'string' && v !== '' ? name(v) : v]));
  };

  const meta = (m: Obj, kind: string): Obj => {
    const out: Obj = {};
    for (const [k, v] of Object.entries(m)) {
      if (k === 'generateName') continue;
      if (k === 'name') out.name = kind === 'Namespace' ? ns(v) : kind === 'PriorityClass' && typeof v === 'string' && BUILTIN_NAMES.has(v) ? v : name(v);
      else if (k === 'namespace') out.namespace = ns(v);
      else if (k === 'labels') out.labels = values(v);
      else if (k === 'annotations') {
        const kept = Object.entries(record(v) ?? {}).filter(([a]) => KEPT_ANNOTATION.test(a));
        if (kept.length > 0) out.annotations = Object.fromEntries(kept);
      } else out[k] = walk(v, k, 'metadata');
    }
    return out;
  };

  const walk = (v: unknown, key: string, parent: string): unknown => {
    if (Array.isArray(v)) return v.map((x) => walk(x, key, parent));
    const o = record(v);
    if (o === undefined) {
      if (typeof v !== 'string') return v;
      if (key === 'image') return image(v);
      if (key === 'names' && parent === 'images') return image(v);
      if (NAME_FIELDS.has(key)) return name(v);
      if (key === 'name' && (REF_PARENTS.has(parent) || CONTAINER_LISTS.has(parent))) return name(v);
      if (key === 'container') return name(v);
      // Port names, and the references to them (a Service's targetPort, a probe's port).
      if ((key === 'name' && (parent === 'ports' || parent === 'env')) || key === 'targetPort' || (key === 'port' && PROBE_HANDLERS.has(parent))) return hash(v);
      if (key === 'mountPath') return `/${digest(v)}`;
      if (key === 'subPath' || key === 'subPathExpr') return hash(v);
      if (key === 'key' && KEY_PARENTS.has(parent)) return hash(v);
      if (key === 'namespace' || key === 'namespaces') return ns(v);
      if (key === 'value' || key === 'values') return v === '' ? v : name(v);
      return v;
    }
    const out: Obj = {};
    for (const [k, x] of Object.entries(o)) {
      if (k === 'metadata' && record(x) !== undefined) out.metadata = meta(record(x)!, key === '' ? String(o.kind) : '');
      else if (k === 'matchLabels' || k === 'nodeSelector' || (k === 'selector' && isStringMap(x))) out[k] = values(x);
      else if (((k === 'args' || k === 'command') && Array.isArray(x)) || (k === 'description' && key === '')) continue;
      else if (parent === 'httpGet' || key === 'httpGet') {
        if (k === 'host') continue;
        out[k] = k === 'path' ? '/' : walk(x, k, key);
      } else out[k] = walk(x, k, key);
    }
    return out;
  };

  return objects.map((o) => {
    const out = walk(o, '', '') as Obj;
    if ((o.kind === 'ConfigMap' || o.kind === 'Secret') && o.apiVersion === 'v1') {
      for (const field of ['data', 'binaryData']) {
        const d = record(out[field]);
        if (d !== undefined) out[field] = Object.fromEntries(Object.keys(d).map((k) => [hash(k), '']));
      }
    }
    return out;
  });
}

function isStringMap(v: unknown): boolean {
  const r = record(v);
  return r !== undefined && Object.values(r).every((x) => typeof x === 'string');
}
