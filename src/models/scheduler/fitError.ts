/**
 * The message of a pod that fits no node (pkg/scheduler/framework/types.go `FitError.Error`):
 * "0/N nodes are available: " + the histogram of filter reasons as "count reason" strings sorted lexicographically
 * and joined with ", ", ending with "."; a PostFilter message follows as another sentence, as given.
 */
export const NO_NODE_AVAILABLE = 'no nodes available to schedule pods';

/** Builds the FitError message from a reason → node count histogram. */
export function fitErrorMessage(numAllNodes: number, reasons: ReadonlyMap<string, number>, postFilterMsg?: string): string {
  let msg = `0/${numAllNodes} nodes are available:`;
  const parts = [...reasons].map(([reason, count]) => `${count} ${reason}`).sort();
  if (parts.length > 0) msg += ` ${parts.join(', ')}.`;
  // The PostFilter's message is a whole sentence already (preemption's ends with its own FitError's ".").
  if (postFilterMsg) msg += ` ${postFilterMsg}`;
  return msg;
}
