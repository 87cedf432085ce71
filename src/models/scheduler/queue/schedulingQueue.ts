/**
 * The scheduling queue (pkg/scheduler/backend/queue/scheduling_queue.go):
 * - activeQ: pods ready to be tried, ordered by the profile's QueueSort plugin;
 * - backoffQ: pods that failed and wait out their backoff: initial × 2^(attempts − 1), capped at max
 *   (1 s doubling to 10 s by default), counted from the end of the last attempt;
 * - unschedulablePods: pods that no node fits, until a cluster event that may help moves them (to backoffQ if
 *   still backing off, else activeQ), or they have waited 5 min (`DefaultPodMaxInUnschedulablePodsDuration`),
 *   checked every 30 s by `flushUnschedulablePodsLeftover`.
 * A pod that fails after an event its rejecting plugins care about happened during its attempt goes to backoffQ
 * rather than unschedulablePods (upstream's in-flight events with queueing hints), so the event is not lost.
 * Unschedulable pods are indexed by the events that may move them, so an event costs only the pods it concerns.
 */
import FastPriorityQueue from 'fastpriorityqueue';
import type { Micros } from '../../../engine/time.js';
import type { Pod } from '../../../cluster/types.js';
import type { QueuedPodInfo } from './queuedPodInfo.js';

/** Cluster events that can make unschedulable pods schedulable. */
export type ClusterEventType = 'NodeAdd' | 'NodeUpdate' | 'AssignedPodAdd' | 'AssignedPodDelete' | 'VolumeChange';

/** Every cluster event type. */
export const CLUSTER_EVENTS: readonly ClusterEventType[] = ['NodeAdd', 'NodeUpdate', 'AssignedPodAdd', 'AssignedPodDelete', 'VolumeChange'];

/** `DefaultPodMaxInUnschedulablePodsDuration`: 5 min. */
export const POD_MAX_IN_UNSCHEDULABLE_PODS_US = 5 * 60_000_000;

type Entry = QueuedPodInfo & { seq: number };

/** Queue lengths for metrics. */
export interface QueueLengths {
  active: number;
  backoff: number;
  unschedulable: number;
}

/** The three-part scheduling queue of one scheduler. */
export class SchedulingQueue {
  private readonly active: FastPriorityQueue<Entry>;
  private readonly backoff: FastPriorityQueue<Entry>;
  private readonly unschedulable = new Map<string, Entry>();
  private readonly byUid = new Map<string, Entry>();
  private activeCount = 0;
  private backoffCount = 0;
  private seq = 0;
  /** Incremented by every pop; a pod remembers the cycle it was popped in. */
  schedulingCycle = 0;
  /** The scheduling cycle of the latest occurrence of each event. */
  private readonly eventCycle = new Map<ClusterEventType, number>();
  /** Unschedulable pods by the events that may move them. */
  private readonly byEvent = new Map<ClusterEventType, Set<Entry>>(CLUSTER_EVENTS.map((e) => [e, new Set<Entry>()]));

  constructor(
    less: (a: QueuedPodInfo, b: QueuedPodInfo) => boolean,
    private readonly initialBackoffUs: Micros,
    private readonly maxBackoffUs: Micros,
    /** Which plugins care about which event; a pod rejected by none of them is not moved. */
    private readonly interested: (plugin: string, event: ClusterEventType) => boolean,
  ) {
    this.active = new FastPriorityQueue<Entry>((a, b) => less(a, b) || (!less(b, a) && a.seq < b.seq));
    this.backoff = new FastPriorityQueue<Entry>((a, b) => {
      const ea = this.backoffExpiry(a);
      const eb = this.backoffExpiry(b);
      return ea < eb || (ea === eb && a.seq < b.seq);
    });
  }

  /** Lengths of the three queues. */
  lengths(): QueueLengths {
    return { active: this.activeCount, backoff: this.backoffCount, unschedulable: this.unschedulable.size };
  }

  /** Whether the pod is known to the queue (queued or in flight). */
  has(uid: string): boolean {
    return this.byUid.has(uid);
  }

  /** Adds a new pending pod to activeQ. */
  add(pod: Pod, now: Micros): void {
    const uid = pod.metadata.uid!;
    if (this.byUid.has(uid)) return this.update(pod);
    const e: Entry = { pod, timestamp: now, initialAttemptTimestamp: now, attempts: 0, lastAttemptUs: now, unschedulablePlugins: new Set(), where: 'active', seq: this.seq++ };
    this.byUid.set(uid, e);
    this.pushActive(e);
  }

  /** Replaces the pod object of a queued pod (its spec or status changed). */
  update(pod: Pod): void {
    const e = this.byUid.get(pod.metadata.uid!);
    if (e !== undefined) e.pod = pod;
  }

  /** Removes a pod (deleted, or bound by someone else). */
  delete(uid: string): void {
    const e = this.byUid.get(uid);
    if (e === undefined) return;
    this.byUid.delete(uid);
    if (e.where === 'active') this.activeCount--;
    else if (e.where === 'backoff') this.backoffCount--;
    else if (e.where === 'unschedulable') this.removeUnschedulable(e);
    e.where = 'gone';
  }

  /** Pops the next pod to schedule, or undefined if activeQ is empty. The pod is then in flight. */
  pop(): QueuedPodInfo | undefined {
    for (;;) {
      const e = this.active.poll();
      if (e === undefined) return undefined;
      if (e.where !== 'active') continue;
      this.activeCount--;
      e.where = 'inFlight';
      e.attempts++;
      this.schedulingCycle++;
      return e;
    }
  }

  /** The pod was bound (or given up): it leaves the queue. */
  done(uid: string): void {
    this.delete(uid);
  }

  /**
   * After a failed attempt that popped at `podCycle`: to backoffQ if a move request happened since (or `error`),
   * else to unschedulablePods.
   */
  requeueFailed(info: QueuedPodInfo, podCycle: number, now: Micros, error: boolean): void {
    const e = info as Entry;
    if (e.where !== 'inFlight') return; // deleted meanwhile
    e.lastAttemptUs = now;
    e.timestamp = now;
    let missedEvent = false;
    for (const [event, cycle] of this.eventCycle) if (cycle >= podCycle && this.podMatchesEvent(e, event)) missedEvent = true;
    if (error || missedEvent) {
      this.pushBackoff(e);
    } else {
      e.where = 'unschedulable';
      this.unschedulable.set(e.pod.metadata.uid!, e);
      for (const event of CLUSTER_EVENTS) if (this.podMatchesEvent(e, event)) this.byEvent.get(event)!.add(e);
    }
  }

  private removeUnschedulable(e: Entry): void {
    this.unschedulable.delete(e.pod.metadata.uid!);
    for (const set of this.byEvent.values()) set.delete(e);
  }

  /** `MoveAllToActiveOrBackoffQueue` for a cluster event: moves the unschedulable pods the event may help. */
  moveAllToActiveOrBackoff(event: ClusterEventType, now: Micros): number {
    this.eventCycle.set(event, this.schedulingCycle);
    const set = this.byEvent.get(event)!;
    if (set.size === 0) return 0;
    const entries = [...set]; // in the order the pods became unschedulable
    for (const e of entries) {
      this.removeUnschedulable(e);
      this.moveOut(e, now);
    }
    return entries.length;
  }

  /** Moves pods whose backoff has expired from backoffQ to activeQ (`flushBackoffQCompleted`). */
  flushBackoffCompleted(now: Micros): number {
    let moved = 0;
    for (;;) {
      const e = this.backoff.peek();
      if (e === undefined) break;
      if (e.where !== 'backoff') {
        this.backoff.poll();
        continue;
      }
      if (this.backoffExpiry(e) > now) break;
      this.backoff.poll();
      this.backoffCount--;
      this.pushActive(e);
      moved++;
    }
    return moved;
  }

  /** Moves pods that have been unschedulable for 5 min (`flushUnschedulablePodsLeftover`). */
  flushUnschedulableLeftover(now: Micros): number {
    let moved = 0;
    for (const e of [...this.unschedulable.values()]) {
      if (now - e.timestamp <= POD_MAX_IN_UNSCHEDULABLE_PODS_US) continue;
      this.removeUnschedulable(e);
      this.moveOut(e, now);
      moved++;
    }
    return moved;
  }

  /** The backoff duration after `attempts` attempts. */
  backoffDuration(attempts: number): Micros {
    if (attempts <= 0) return 0;
    let d = this.initialBackoffUs;
    for (let i = 1; i < attempts; i++) {
      d *= 2;
      if (d > this.maxBackoffUs) return this.maxBackoffUs;
    }
    return Math.min(d, this.maxBackoffUs);
  }

  private backoffExpiry(e: QueuedPodInfo): Micros {
    return e.lastAttemptUs + this.backoffDuration(e.attempts);
  }

  private moveOut(e: Entry, now: Micros): void {
    if (this.backoffExpiry(e) > now) this.pushBackoff(e);
    else this.pushActive(e);
  }

  private podMatchesEvent(e: QueuedPodInfo, event: ClusterEventType): boolean {
    if (e.unschedulablePlugins.size === 0) return true;
    for (const p of e.unschedulablePlugins) if (this.interested(p, event)) return true;
    return false;
  }

  private pushActive(e: Entry): void {
    e.where = 'active';
    e.seq = this.seq++;
    this.activeCount++;
    this.active.add(e);
  }

  private pushBackoff(e: Entry): void {
    e.where = 'backoff';
    e.seq = this.seq++;
    this.backoffCount++;
    this.backoff.add(e);
  }
}
