/**
 * Taint/toleration matching: k8s.io/api/core/v1/toleration.go `ToleratesTaint` and
 * k8s.io/component-helpers/scheduling/corev1 `FindMatchingUntoleratedTaint`.
 */
import type { Taint, Toleration } from '../../../../cluster/types.js';

/** Whether one toleration tolerates a taint. */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect !== undefined && t.effect !== taint.effect) return false;
  if (t.key !== undefined && t.key !== '' && t.key !== taint.key) return false;
  switch (t.operator ?? 'Equal') {
    case 'Exists':
      return true;
    case 'Equal':
      return (t.value ?? '') === (taint.value ?? '');
  }
  return false;
}

/** Whether any toleration tolerates the taint. */
export function tolerated(taint: Taint, tolerations: readonly Toleration[] | undefined): boolean {
  if (tolerations === undefined) return false;
  for (const t of tolerations) if (toleratesTaint(t, taint)) return true;
  return false;
}

/** The first taint passing `include` that no toleration tolerates. */
export function findMatchingUntoleratedTaint(taints: readonly Taint[] | undefined, tolerations: readonly Toleration[] | undefined, include: (t: Taint) => boolean): Taint | undefined {
  if (taints === undefined) return undefined;
  for (const taint of taints) {
    if (include(taint) && !tolerated(taint, tolerations)) return taint;
  }
  return undefined;
}
