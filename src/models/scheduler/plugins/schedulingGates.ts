/**
 * SchedulingGates (pkg/scheduler/framework/plugins/schedulinggates/scheduling_gates.go): a PreEnqueue plugin that
 * keeps a pod with `spec.schedulingGates` out of activeQ (UnschedulableAndUnresolvable "waiting for scheduling
 * gates: [a b]") until an update removes every gate.
 */
import type { PreEnqueuePlugin } from '../framework/interfaces.js';
import { Code, status } from '../framework/status.js';

export const SCHEDULING_GATES = 'SchedulingGates';

/** Creates the plugin. */
export function schedulingGates(): PreEnqueuePlugin {
  return {
    name: SCHEDULING_GATES,
    preEnqueue(pod) {
      const gates = pod.spec.schedulingGates;
      if (gates === undefined || gates.length === 0) return null;
      return status(Code.UnschedulableAndUnresolvable, `waiting for scheduling gates: [${gates.map((g) => g.name).join(' ')}]`);
    },
  };
}
