/**
 * Kubernetes Events (Scheduled, FailedScheduling, Pulled, SuccessfulCreate…), as `kubectl get events` shows them.
 * Modelling choice: components record events straight into this log instead of writing Event objects through the
 * API server, so recording costs no API quota (upstream's event broadcaster batches and rate-limits them apart
 * from the component's main traffic).
 */
import type { Micros } from '../engine/time.js';
import type { KubeObject } from '../cluster/types.js';

/** One event. */
export interface ClusterEvent {
  timeUs: Micros;
  type: 'Normal' | 'Warning';
  reason: string;
  kind: string;
  namespace: string;
  name: string;
  /** The reporting component (default-scheduler, kubelet, replicaset-controller…). */
  source: string;
  /** For kubelet events: the node. */
  host: string;
  message: string;
}

/** Listener of recorded events. */
export type EventListener = (e: ClusterEvent) => void;

/** The event log of one simulation. */
export class EventRecorder {
  private readonly listeners: EventListener[] = [];

  constructor(private readonly clock: () => Micros) {}

  /** Subscribes to every recorded event. */
  onEvent(l: EventListener): void {
    this.listeners.push(l);
  }

  /** Records an event about `obj`. */
  record(obj: KubeObject, type: ClusterEvent['type'], reason: string, source: string, message: string, host = ''): void {
    if (this.listeners.length === 0) return;
    const e: ClusterEvent = {
      timeUs: this.clock(),
      type,
      reason,
      kind: obj.kind,
      namespace: obj.metadata.namespace ?? '',
      name: obj.metadata.name,
      source,
      host,
      message,
    };
    for (const l of this.listeners) l(e);
  }
}
