/**
 * `kubesim import-cluster`: turns a live cluster's dump (what `kubectl get … -A -o yaml|json` prints, CLUSTER_DUMP_COMMAND)
 * into a scenario folder whose run starts in that cluster's state: `scenario.yaml` (an ordinary scenario to add
 * what-ifs to) and `cluster/` (the snapshot it names in `spec.cluster.snapshot`, in files the loader reads).
 *
 * What the snapshot keeps and leaves (cleanObject.ts for each object):
 * - every object of a built-in kind, with its uid and ownerReferences (the controllers adopt their pods by them);
 *   ownerReferences to objects the dump does not hold are removed, so the garbage collector keeps the dependents;
 * - not: Events, the EndpointSlices and Endpoints the controllers manage (kubesim's controllers write their own),
 *   pods being deleted, the two built-in PriorityClasses (every cluster has them), custom resources (counted);
 * - stand-ins where a dump never holds the objects pods need: a ServiceAccount for each one pods name and a Secret
 *   (its referenced keys, no values) for each one they mount or read, when the dump holds none of that kind; and a
 *   Namespace for each namespace objects live in that the dump does not list;
 * - Nodes get the `kubesim.dev/pool` label from their node group (NODE_GROUP_LABELS) so events can select a pool;
 * - an HPA's target pods use what the HPA last observed (hpaUsage.ts), so the HPA starts where it was.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { InputError } from '../errors.js';
import { parseYamlDocuments, readText } from '../yamlSource.js';
import { loadScenario } from '../loadScenario.js';
import { type Obj, cleanObject, record } from './cleanObject.js';
import { anonymize } from './anonymize.js';
import { podSpecsOf } from './podSpecs.js';
import { applyHpaUsage } from './hpaUsage.js';

/** The command whose output import-cluster reads (docs/import-cluster.md). */
export const CLUSTER_DUMP_COMMAND =
  'kubectl get nodes,pods,deployments,replicasets,statefulsets,daemonsets,jobs,cronjobs,services,endpointslices,poddisruptionbudgets,priorityclasses,horizontalpodautoscalers,storageclasses,persistentvolumes,persistentvolumeclaims,namespaces,configmaps -A -o yaml';

/** Largest dump read: 256 MiB (a few thousand nodes with their pods). */
export const MAX_DUMP_BYTES = 256 * 1024 * 1024;

/** Node labels naming a node's group, most specific first: Karpenter, EKS, GKE, AKS. */
export const NODE_GROUP_LABELS = ['karpenter.sh/nodepool', 'eks.amazonaws.com/nodegroup', 'cloud.google.com/gke-nodepool', 'kubernetes.azure.com/agentpool', 'agentpool'];

/** The label kubesim's events select a pool by. */
const POOL_LABEL = 'kubesim.dev/pool';

/** Largest snapshot file written (the loader reads files up to 512 KiB). */
const PART_BYTES = 400 * 1024;

const BUILTIN_PRIORITY_CLASSES = new Set(['system-cluster-critical', 'system-node-critical']);
const SYSTEM_NAMESPACES = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);
const CLUSTER_SCOPED = new Set(['Node', 'Namespace', 'PriorityClass', 'StorageClass', 'PersistentVolume', 'ClusterRole', 'ClusterRoleBinding', 'IngressClass', 'CSIDriver', 'CSINode', 'RuntimeClass', 'CustomResourceDefinition', 'APIService', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'VolumeAttachment', 'CertificateSigningRequest']);
/** Groups of the built-in API (kinds of other groups are custom resources). */
const BUILTIN_GROUP = /^(v1|(apps|batch|policy|autoscaling|scheduling\.k8s\.io|storage\.k8s\.io|networking\.k8s\.io|discovery\.k8s\.io|rbac\.authorization\.k8s\.io|coordination\.k8s\.io|node\.k8s\.io|admissionregistration\.k8s\.io|apiextensions\.k8s\.io|apiregistration\.k8s\.io|certificates\.k8s\.io|events\.k8s\.io|flowcontrol\.apiserver\.k8s\.io|resource\.k8s\.io|storagemigration\.k8s\.io|internal\.apiserver\.k8s\.io|authentication\.k8s\.io|authorization\.k8s\.io)\/[a-z0-9]+)$/;

export interface ImportClusterOptions {
  /** The dump file (YAML or JSON; `kind: List` or several documents), or `-` for standard input. */
  dump: string;
  /** Output folder (default `imported-<dump name>`). */
  out?: string;
  /** Replace names, namespaces, label values and images by stable hashes (anonymize.ts). */
  anonymize?: boolean;
  /** Scenario name (default from the dump's file name). */
  name?: string;
  /** Simulated duration written into the scenario (default 1h). */
  duration?: string;
  /** Replace an earlier import in the output folder. */
  force?: boolean;
}

export interface ImportClusterResult {
  scenario: string;
  nodes: number;
  pods: { running: number; pending: number; finished: number };
  /** Objects per kind in the snapshot. */
  kinds: Record<string, number>;
  /** What was left out, per reason. */
  dropped: Record<string, number>;
  /** Stand-ins written, per kind. */
  standIns: Record<string, number>;
  /** Pods and templates given their HPA's observed use (hpaUsage.ts). */
  usageAnnotated: number;
  anonymized: boolean;
}

/** Reads a dump's objects: one `kind: List` (or typed list), several documents, YAML or JSON. */
function readDump(path: string, file: string): Obj[] {
  const text = readText(path, 'cluster dump', MAX_DUMP_BYTES);
  let values: unknown[];
  if (/^\s*[{[]/.test(text)) {
    try {
      values = [JSON.parse(text)];
    } catch (e) {
      throw new InputError(`${file}: malformed JSON: ${(e as Error).message}`);
    }
  } else {
    values = parseYamlDocuments(text, file, MAX_DUMP_BYTES).map((d) => d.value);
  }
  const out: Obj[] = [];
  const visit = (v: unknown, where: string) => {
    const o = record(v);
    if (o === undefined) throw new InputError(`${file}: ${where}: expected a Kubernetes object (a mapping with apiVersion and kind)`);
    const kind = o.kind;
    if (typeof kind === 'string' && kind.endsWith('List') && Array.isArray(o.items)) {
      const itemKind = kind === 'List' ? undefined : kind.slice(0, -4);
      o.items.forEach((item, i) => {
        const it = record(item);
        if (it !== undefined && itemKind !== undefined) {
          if (it.kind === undefined) it.kind = itemKind;
          if (it.apiVersion === undefined) it.apiVersion = o.apiVersion;
        }
        visit(item, `${where === '' ? '' : `${where}.`}items[${i}]`);
      });
      return;
    }
    if (typeof kind !== 'string' || typeof o.apiVersion !== 'string') throw new InputError(`${file}: ${where || 'document'}: expected apiVersion and kind`);
    const meta = record(o.metadata);
    if (meta === undefined || typeof meta.name !== 'string' || meta.name === '') throw new InputError(`${file}: ${where || 'document'}: ${kind} without metadata.name`);
    out.push(o);
  };
  values.forEach((v, i) => {
    if (v !== null && v !== undefined) visit(v, values.length > 1 ? `document ${i + 1}` : '');
  });
  return out;
}

const count = (m: Record<string, number>, k: string) => {
  m[k] = (m[k] ?? 0) + 1;
};
const metaOf = (o: Obj) => record(o.metadata)!;
const nsOf = (o: Obj) => (metaOf(o).namespace as string | undefined) ?? 'default';

/** The objects the snapshot keeps, cleaned, with what was dropped counted. */
function select(objects: readonly Obj[], dropped: Record<string, number>): Obj[] {
  const kept: Obj[] = [];
  for (const o of objects) {
    const kind = String(o.kind);
    const meta = metaOf(o);
    const labels = record(meta.labels) ?? {};
    if (!BUILTIN_GROUP.test(String(o.apiVersion))) count(dropped, `custom resources (${kind})`);
    else if (kind === 'Event') count(dropped, 'Events');
    else if (kind === 'EndpointSlice' && labels['endpointslice.kubernetes.io/managed-by'] === 'endpointslice-controller.k8s.io') count(dropped, 'EndpointSlices of the EndpointSlice controller');
    else if (kind === 'Endpoints' && o.apiVersion === 'v1') count(dropped, 'Endpoints of the endpoints controller');
    else if (kind === 'PriorityClass' && BUILTIN_PRIORITY_CLASSES.has(String(meta.name))) count(dropped, 'built-in PriorityClasses');
    else if (kind === 'Pod' && meta.deletionTimestamp !== undefined) count(dropped, 'pods being deleted');
    else if (kind === 'ComponentStatus' || kind === 'Binding') count(dropped, `${kind} (not an object)`);
    else kept.push(cleanObject(structuredClone(o)));
  }
  return kept;
}

/** Removes ownerReferences to objects the snapshot does not hold. */
function pruneOwners(objects: Obj[], dropped: Record<string, number>): void {
  const uids = new Set<unknown>(objects.map((o) => metaOf(o).uid).filter((u) => typeof u === 'string'));
  for (const o of objects) {
    const meta = metaOf(o);
    if (!Array.isArray(meta.ownerReferences)) continue;
    const refs = meta.ownerReferences.filter((r) => uids.has(record(r)?.uid));
    const gone = meta.ownerReferences.length - refs.length;
    for (let i = 0; i < gone; i++) count(dropped, 'ownerReferences to objects not in the dump');
    if (refs.length > 0) meta.ownerReferences = refs;
    else delete meta.ownerReferences;
  }
}

/** Stand-ins for what pods need that dumps do not hold, and the Namespaces objects live in. */
function standIns(objects: Obj[], made: Record<string, number>): Obj[] {
  const has = (kind: string) => objects.some((o) => o.kind === kind && o.apiVersion === 'v1');
  const accounts = new Map<string, Obj>();
  const secrets = new Map<string, Set<string>>();
  for (const o of objects) {
    for (const spec of podSpecsOf(o)) {
      const ns = nsOf(o);
      const sa = typeof spec.serviceAccountName === 'string' && spec.serviceAccountName !== '' ? spec.serviceAccountName : typeof spec.serviceAccount === 'string' && spec.serviceAccount !== '' ? spec.serviceAccount : 'default';
      if (sa !== 'default') accounts.set(`${ns}/${sa}`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: sa, namespace: ns } });
      const need = (name: unknown, key?: unknown) => {
        if (typeof name !== 'string' || name === '') return;
        const k = `${ns}/${name}`;
        const keys = secrets.get(k) ?? new Set<string>();
        if (typeof key === 'string') keys.add(key);
        secrets.set(k, keys);
      };
      for (const v of Array.isArray(spec.volumes) ? spec.volumes : []) {
        const vol = record(v) ?? {};
        const sec = record(vol.secret);
        if (sec !== undefined && sec.optional !== true) need(sec.secretName, undefined);
        for (const item of Array.isArray(sec?.items) ? sec.items : []) need(sec!.secretName, record(item)?.key);
        for (const src of Array.isArray(record(vol.projected)?.sources) ? (record(vol.projected)!.sources as unknown[]) : []) {
          const s = record(record(src)?.secret);
          if (s !== undefined && s.optional !== true) need(s.name, undefined);
          for (const item of Array.isArray(s?.items) ? s.items : []) need(s!.name, record(item)?.key);
        }
      }
      for (const c of [...(Array.isArray(spec.initContainers) ? spec.initContainers : []), ...(Array.isArray(spec.containers) ? spec.containers : [])]) {
        const ctr = record(c) ?? {};
        for (const e of Array.isArray(ctr.env) ? ctr.env : []) {
          const ref = record(record(record(e)?.valueFrom)?.secretKeyRef);
          if (ref !== undefined && ref.optional !== true) need(ref.name, ref.key);
        }
        for (const e of Array.isArray(ctr.envFrom) ? ctr.envFrom : []) {
          const ref = record(record(e)?.secretRef);
          if (ref !== undefined && ref.optional !== true) need(ref.name, undefined);
        }
      }
    }
  }
  const out: Obj[] = [];
  if (!has('ServiceAccount'))
    for (const sa of [...accounts.values()]) {
      out.push(sa);
      count(made, 'ServiceAccount');
    }
  if (!has('Secret'))
    for (const [key, keys] of secrets) {
      const [namespace, name] = key.split('/') as [string, string];
      out.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace }, type: 'Opaque', ...(keys.size > 0 ? { data: Object.fromEntries([...keys].sort().map((k) => [k, ''])) } : {}) });
      count(made, 'Secret');
    }
  const listed = new Set(objects.filter((o) => o.kind === 'Namespace').map((o) => String(metaOf(o).name)));
  const used = new Set<string>();
  for (const o of [...objects, ...out]) if (!CLUSTER_SCOPED.has(String(o.kind))) used.add(nsOf(o));
  for (const ns of [...used].sort()) {
    if (listed.has(ns) || SYSTEM_NAMESPACES.has(ns)) continue;
    out.unshift({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    count(made, 'Namespace');
  }
  return out;
}

/** Labels each Node with its node group as kubesim's pool label (unless it has one). */
function labelPools(objects: Obj[]): void {
  for (const o of objects) {
    if (o.kind !== 'Node') continue;
    const meta = metaOf(o);
    const labels = record(meta.labels) ?? {};
    if (labels[POOL_LABEL] !== undefined) continue;
    const group = NODE_GROUP_LABELS.map((l) => labels[l]).find((v) => typeof v === 'string' && /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(v));
    if (group !== undefined) meta.labels = { ...labels, [POOL_LABEL]: group };
  }
}

/** Splits the objects into YAML files of at most PART_BYTES. */
function parts(objects: readonly Obj[]): string[] {
  const out: string[] = [];
  let cur: string[] = [];
  let size = 0;
  for (const o of objects) {
    const doc = stringify(o, { lineWidth: 0, aliasDuplicateObjects: false });
    if (size + doc.length > PART_BYTES && cur.length > 0) {
      out.push(cur.join('---\n'));
      cur = [];
      size = 0;
    }
    cur.push(doc);
    size += doc.length + 4;
  }
  if (cur.length > 0) out.push(cur.join('---\n'));
  return out;
}

/** The first line of the scenario.yaml an import writes (how a later import recognises it). */
const HEADER = '# Imported by kubesim import-cluster from ';

/**
 * Whether a folder may receive an import: its scenario.yaml and cluster/ are written, nothing else is touched.
 * Either must be absent or an earlier import's (replaced with `force`); a scenario.yaml the user wrote is refused.
 */
function checkOut(out: string, force: boolean): void {
  if (!existsSync(out)) return;
  if (!statSync(out).isDirectory()) throw new InputError(`--out ${out}: exists and is not a folder`);
  const scenario = join(out, 'scenario.yaml');
  const ours = existsSync(scenario) && readFileSync(scenario, 'utf8').startsWith(HEADER);
  if (existsSync(scenario) && !ours) throw new InputError(`--out ${out}: its scenario.yaml was not written by import-cluster; choose another folder`);
  if (!ours && existsSync(join(out, 'cluster'))) throw new InputError(`--out ${out}: holds a cluster/ that is not an import's; choose another folder`);
  if (ours && !force) throw new InputError(`--out ${out}: holds an earlier import; pass --force to replace its scenario.yaml and cluster/`);
}

/** Imports a dump; throws InputError on bad input, leaving nothing half-written. */
export function importCluster(o: ImportClusterOptions): ImportClusterResult {
  // `-`: the dump piped in (kubectl get … | kubesim import-cluster -), named "cluster".
  const stdin = o.dump === '-';
  const source = stdin ? 'standard input' : basename(o.dump);
  const dumpName = stdin ? 'cluster' : basename(o.dump).replace(/\.(ya?ml|json)$/i, '');
  const name = o.name ?? (`imported-${dumpName.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '')}`.replace(/-+$/, '') || 'imported-cluster');
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) || name.length > 63) throw new InputError(`--name ${name}: expected a lowercase DNS label`);
  const out = resolve(o.out ?? join(stdin ? '.' : dirname(o.dump), `imported-${dumpName}`));
  checkOut(out, o.force === true);

  const dropped: Record<string, number> = {};
  const made: Record<string, number> = {};
  let objects = select(readDump(stdin ? '/dev/stdin' : o.dump, stdin ? '<stdin>' : o.dump), dropped);
  pruneOwners(objects, dropped);
  objects = [...standIns(objects, made), ...objects];
  labelPools(objects);
  const usageAnnotated = applyHpaUsage(objects);
  if (o.anonymize === true) objects = anonymize(objects);

  const kinds: Record<string, number> = {};
  for (const x of objects) count(kinds, String(x.kind));
  const pods = { running: 0, pending: 0, finished: 0 };
  for (const x of objects) {
    if (x.kind !== 'Pod') continue;
    const phase = record(x.status)?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') pods.finished++;
    else if (record(x.spec)?.nodeName !== undefined && phase !== 'Pending') pods.running++;
    else pods.pending++;
  }
  const nodes = kinds.Node ?? 0;
  const summary = `${nodes} nodes, ${pods.running} running pods, ${pods.pending} pending, ${pods.finished} finished`;
  const doc = {
    apiVersion: 'kubesim.dev/v1',
    kind: 'Scenario',
    metadata: { name, description: `The cluster of ${source}${o.anonymize === true ? ' (anonymized)' : ''}: ${summary}.` },
    spec: { seed: 1, duration: o.duration ?? '1h', cluster: { snapshot: './cluster/' }, metrics: { interval: '10s' }, events: [] },
  };
  const header = [
    `${HEADER}${source}${o.anonymize === true ? ' (anonymized)' : ''}: ${summary}.`,
    '# The run starts in that state: Nodes registered, bound pods running where they run, pending pods pending, the',
    '# controllers adopting their pods. Ask what-ifs by adding events (docs/import-cluster.md), for example:',
    '#   - {at: 5m, drainNodes: {pool: <node group>}}       drain a node group (PDBs respected)',
    '#   - {at: 5m, failNodes: {zone: <zone>, for: 20m}}     a zone fails for 20 minutes',
    '#   - {at: 5m, scale: {deployment: <ns>/<name>, replicas: <3x>}}',
    '#   - {at: 5m, failNodes: {count: 3, lost: true}}       three nodes removed: what no longer fits stays pending',
  ].join('\n');

  const parent = dirname(out);
  mkdirSync(parent, { recursive: true });
  const tmp = join(parent, `.import-${basename(out)}-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(join(tmp, 'cluster'), { recursive: true });
  try {
    parts(objects).forEach((text, i) => writeFileSync(join(tmp, 'cluster', `objects-${String(i + 1).padStart(3, '0')}.yaml`), text));
    writeFileSync(join(tmp, 'scenario.yaml'), `${header}\n${stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false })}`);
    // The scenario must load as written: a dump kubesim cannot take is reported now, not at the first run.
    try {
      loadScenario(join(tmp, 'scenario.yaml'));
    } catch (e) {
      if (e instanceof InputError) throw new InputError(`${stdin ? '<stdin>' : o.dump}: the imported scenario does not load: ${e.message.split(tmp).join(out)}`);
      throw e;
    }
    mkdirSync(out, { recursive: true });
    rmSync(join(out, 'cluster'), { recursive: true, force: true });
    renameSync(join(tmp, 'cluster'), join(out, 'cluster'));
    renameSync(join(tmp, 'scenario.yaml'), join(out, 'scenario.yaml'));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return { scenario: join(out, 'scenario.yaml'), nodes, pods, kinds, dropped, standIns: made, usageAnnotated, anonymized: o.anonymize === true };
}

