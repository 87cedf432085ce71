/**
 * A cluster snapshot's DaemonSet and StatefulSet pods, with their revision as kubesim names it. Upstream names a
 * set's revisions by its ControllerRevisions (a dump does not hold them) and labels each pod with its revision's name
 * (`controller-revision-hash`); kubesim's controllers name a revision by its template's hash (daemonSet.ts,
 * statefulSet.ts). At restore, a pod of the set's current template is relabelled with the hash, so the controllers
 * see it up to date and leave it running, as upstream's do after a restart:
 * - DaemonSet: upstream's `IsPodUpdated` (pkg/controller/daemon/util): the pod's `pod-template-generation` label
 *   equals the set's `deprecated.daemonset.template.generation` annotation (or its revision label already is the hash);
 * - StatefulSet: the pod's revision label is the set's `status.updateRevision`; the set's update revision becomes the
 *   hash, and its current revision too when the rollout was complete (current = update).
 * Pods of another revision keep their label: a rollout the snapshot caught midway goes on.
 */
import type { DaemonSet, KubeObject, Pod, StatefulSet } from '../cluster/types.js';
import { extend } from '../cluster/extend.js';
import { computeHash } from '../models/controllers/deployment.js';

const REVISION_LABEL = 'controller-revision-hash';
const TEMPLATE_GENERATION_LABEL = 'pod-template-generation';
const TEMPLATE_GENERATION_ANNOTATION = 'deprecated.daemonset.template.generation';

/** The objects with DaemonSet and StatefulSet pods (and StatefulSets' revisions) in kubesim's revision names. */
export function withKubesimRevisions(objects: readonly KubeObject[]): KubeObject[] {
  const sets = new Map<string, { updated: (p: Pod) => boolean; hash: string }>();
  const out = objects.map((o) => {
    if (o.kind === 'DaemonSet') {
      const ds = o as DaemonSet;
      const hash = computeHash(ds.spec.template);
      const generation = ds.metadata.annotations?.[TEMPLATE_GENERATION_ANNOTATION];
      sets.set(ds.metadata.uid ?? '', { hash, updated: (p) => p.metadata.labels?.[REVISION_LABEL] === hash || (generation !== undefined && p.metadata.labels?.[TEMPLATE_GENERATION_LABEL] === generation) });
      return o;
    }
    if (o.kind === 'StatefulSet') {
      const ss = o as StatefulSet;
      const update = ss.status.updateRevision;
      if (update === undefined) return o;
      const hash = computeHash(ss.spec.template);
      sets.set(ss.metadata.uid ?? '', { hash, updated: (p) => p.metadata.labels?.[REVISION_LABEL] === update });
      const current = ss.status.currentRevision === undefined || ss.status.currentRevision === update ? hash : ss.status.currentRevision;
      return extend(ss, { status: extend(ss.status, { updateRevision: hash, currentRevision: current }) });
    }
    return o;
  });
  return out.map((o) => {
    if (o.kind !== 'Pod') return o;
    const owner = o.metadata.ownerReferences?.find((r) => r.controller === true && (r.kind === 'DaemonSet' || r.kind === 'StatefulSet'));
    const set = owner === undefined ? undefined : sets.get(owner.uid);
    if (set === undefined || !set.updated(o) || o.metadata.labels?.[REVISION_LABEL] === set.hash) return o;
    return extend(o, { metadata: extend(o.metadata, { labels: extend(o.metadata.labels ?? {}, { [REVISION_LABEL]: set.hash }) }) });
  });
}
