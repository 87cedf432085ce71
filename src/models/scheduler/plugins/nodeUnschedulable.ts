/**
 * NodeUnschedulable (pkg/scheduler/framework/plugins/nodeunschedulable/node_unschedulable.go): a cordoned node
 * (`spec.unschedulable`) rejects pods that do not tolerate `node.kubernetes.io/unschedulable:NoSchedule`.
 */
import type { FilterPlugin } from '../framework/interfaces.js';
import { Code, status } from '../framework/status.js';
import { tolerated } from './helpers/tolerations.js';

export const NODE_UNSCHEDULABLE = 'NodeUnschedulable';
/** ErrReasonUnschedulable. */
export const ERR_REASON_UNSCHEDULABLE = 'node(s) were unschedulable';
const TAINT = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' as const };

/** Creates the plugin. */
export function nodeUnschedulable(): FilterPlugin {
  const rejected = status(Code.UnschedulableAndUnresolvable, ERR_REASON_UNSCHEDULABLE);
  return {
    name: NODE_UNSCHEDULABLE,
    events: ['NodeAdd', 'NodeUpdate'],
    filter(_state, pod, node) {
      if (!node.unschedulable) return null;
      return tolerated(TAINT, pod.pod.spec.tolerations) ? null : rejected;
    },
  };
}
