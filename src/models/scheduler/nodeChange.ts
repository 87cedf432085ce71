/**
 * Which Node updates can make a pod schedulable (pkg/scheduler/framework/events.go `NodeSchedulingPropertiesChange`,
 * used by eventhandlers.go `updateNodeInCache`): a change of `spec.unschedulable`, the allocatable, the labels, the
 * taints, the conditions (type → status) or the annotations. Other status changes (the kubelet's `status.images`,
 * heartbeats) update the cache but move no pod out of the unschedulable queue.
 */
import type { Node } from '../../cluster/types.js';

/** Shallow equality of two records (absent and empty are the same). */
export function sameRecord(a: Readonly<Record<string, unknown>> | undefined, b: Readonly<Record<string, unknown>> | undefined): boolean {
  if (a === b) return true;
  const ka = Object.keys(a ?? {});
  if (ka.length !== Object.keys(b ?? {}).length) return false;
  for (const k of ka) if (a![k] !== b?.[k]) return false;
  return true;
}

function conditionStatuses(n: Node): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of n.status.conditions ?? []) out[c.type] = c.status;
  return out;
}

/** Whether the update changes a property the scheduler's plugins react to. */
export function nodeSchedulingPropertiesChanged(old: Node, node: Node): boolean {
  if ((old.spec.unschedulable ?? false) !== (node.spec.unschedulable ?? false)) return true;
  if (!sameRecord(old.status.allocatable, node.status.allocatable)) return true;
  if (!sameRecord(old.metadata.labels, node.metadata.labels)) return true;
  if (old.spec.taints !== node.spec.taints && JSON.stringify(old.spec.taints ?? []) !== JSON.stringify(node.spec.taints ?? [])) return true;
  if (old.status.conditions !== node.status.conditions && !sameRecord(conditionStatuses(old), conditionStatuses(node))) return true;
  return !sameRecord(old.metadata.annotations, node.metadata.annotations);
}
