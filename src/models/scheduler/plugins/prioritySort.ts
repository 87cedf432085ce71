/**
 * PrioritySort (pkg/scheduler/framework/plugins/queuesort/priority_sort.go): higher `spec.priority` first, then the
 * earlier queue timestamp.
 */
import type { QueueSortPlugin } from '../framework/interfaces.js';

export const PRIORITY_SORT = 'PrioritySort';

/** Creates the plugin. */
export function prioritySort(): QueueSortPlugin {
  return {
    name: PRIORITY_SORT,
    less(a, b) {
      const p1 = a.pod.spec.priority ?? 0;
      const p2 = b.pod.spec.priority ?? 0;
      return p1 > p2 || (p1 === p2 && a.timestamp < b.timestamp);
    },
  };
}
