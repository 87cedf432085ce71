/**
 * The eviction subresource's budget check (pkg/registry/core/pod/storage/eviction.go): a pod that is Pending,
 * terminal or already terminating is evicted without looking at budgets (`canIgnorePDB`); otherwise the one
 * PodDisruptionBudget in its namespace whose selector matches it must allow a disruption. A not-ready pod may go
 * while the budget is healthy (currentHealthy ≥ desiredHealthy, the default IfHealthyBudget policy) without using
 * one. More than one matching budget is an error, as upstream.
 */
import type { Pod, PodDisruptionBudget } from '../../cluster/types.js';
import { compileLabelSelector } from '../../cluster/selector.js';

/** Message of the 429 answer. */
export const EVICTION_BLOCKED = "Cannot evict pod as it would violate the pod's disruption budget.";

function isReady(p: Pod): boolean {
  return p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/**
 * undefined: no budget to charge; a budget: allowed, charge it one disruption; a string: refused with that
 * message.
 */
export function evictionBlocker(pod: Pod, budgets: Iterable<PodDisruptionBudget>): PodDisruptionBudget | string | undefined {
  if (pod.status.phase === 'Pending' || pod.status.phase === 'Succeeded' || pod.status.phase === 'Failed' || pod.metadata.deletionTimestamp !== undefined) return undefined;
  const ns = pod.metadata.namespace ?? 'default';
  const matching: PodDisruptionBudget[] = [];
  for (const b of budgets) {
    if ((b.metadata.namespace ?? 'default') !== ns || b.spec.selector === undefined) continue;
    if (compileLabelSelector(b.spec.selector)(pod.metadata.labels)) matching.push(b);
  }
  if (matching.length === 0) return undefined;
  if (matching.length > 1) return 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.';
  const b = matching[0]!;
  if (!isReady(pod) && b.status.currentHealthy >= b.status.desiredHealthy) return undefined;
  if (b.status.disruptionsAllowed <= 0) return `${EVICTION_BLOCKED} The disruption budget ${b.metadata.name} needs ${b.status.desiredHealthy} healthy pods and has ${b.status.currentHealthy} currently`;
  return b;
}
