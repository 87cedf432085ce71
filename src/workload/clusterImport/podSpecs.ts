/**
 * The pod specs an object of a dump holds: a Pod's own, a workload's template (Deployment, ReplicaSet,
 * ReplicationController, StatefulSet, DaemonSet, Job, PodTemplate) or a CronJob's job template's.
 */
import { type Obj, record } from './cleanObject.js';

/** Where each kind keeps its pod spec. */
const PATHS: Record<string, readonly string[]> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  PodTemplate: ['template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

/** The object's pod specs (none for other kinds). */
export function podSpecsOf(o: Obj): Obj[] {
  const path = PATHS[String(o.kind)];
  if (path === undefined) return [];
  let cur: Obj | undefined = o;
  for (const k of path) cur = record(cur?.[k]);
  return cur === undefined ? [] : [cur];
}

/** The object's pod templates' metadata holders (the template objects), for label rewriting. */
export function podTemplatesOf(o: Obj): Obj[] {
  const path = PATHS[String(o.kind)];
  if (path === undefined || o.kind === 'Pod') return [];
  let cur: Obj | undefined = o;
  for (const k of path.slice(0, -1)) cur = record(cur?.[k]);
  return cur === undefined ? [] : [cur];
}
