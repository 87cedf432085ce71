/** A pod waiting in the scheduling queue (pkg/scheduler/framework/types.go `QueuedPodInfo`). */
import type { Micros } from '../../../engine/time.js';
import type { Pod } from '../../../cluster/types.js';

/** Queue entry of one pod. */
export interface QueuedPodInfo {
  pod: Pod;
  /** When the pod was last added to a queue (PrioritySort's tie-break). */
  timestamp: Micros;
  /** When the pod first entered the queue. */
  initialAttemptTimestamp: Micros;
  /** Scheduling attempts so far. */
  attempts: number;
  /** When the last attempt ended (backoff is counted from here). */
  lastAttemptUs: Micros;
  /** Plugins that rejected the pod in its last attempt. */
  unschedulablePlugins: Set<string>;
  /** Which queue holds the pod (lazy deletion from heaps: an entry whose `where` changed is skipped). */
  where: 'active' | 'backoff' | 'unschedulable' | 'inFlight' | 'gone';
}
