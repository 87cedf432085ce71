/**
 * Pod garbage collector (pkg/controller/podgc/gc_controller.go `gc`), every 20 s (`gcCheckPeriod`):
 * - terminated pods (Succeeded or Failed) beyond `terminatedPodThreshold` (kube-controller-manager
 *   --terminated-pod-gc-threshold, 12500) are deleted, oldest created first (`gcTerminated`);
 * - pods bound to a node that no longer exists, once it has been gone for the 40 s quarantine, are marked Failed
 *   with a DisruptionTarget condition and force-deleted (`gcOrphaned`);
 * - unscheduled pods being deleted are force-deleted (`gcUnscheduledTerminating`).
 */
import type { Engine } from '../../engine/engine.js';
import type { Micros } from '../../engine/time.js';
import type { Pod } from '../../cluster/types.js';
import { objectKey } from '../../cluster/types.js';
import type { ApiClient, ApiServer } from '../apiserver/apiServer.js';
import { extend } from '../../cluster/extend.js';

/** gcCheckPeriod, quarantineTime and the default --terminated-pod-gc-threshold. */
export const POD_GC_PERIOD_US = 20_000_000;
export const POD_GC_QUARANTINE_US = 40_000_000;
export const TERMINATED_POD_GC_THRESHOLD = 12_500;

/** The pod garbage collector. */
export class PodGC {
  private readonly pods = new Map<string, Pod>();
  /** Order of each pod's first event (the informer's iteration order), for a stable collection order. */
  private readonly seq = new Map<string, number>();
  private nextSeq = 0;
  /** Bound pods by node, so a pass looks only at pods whose node is gone. */
  private readonly onNode = new Map<string, Set<string>>();
  /** Unscheduled pods being deleted. */
  private readonly unscheduledTerminating = new Set<string>();
  /** Terminated pods' uids in creation order (pods arrive in creation order). */
  private readonly terminated = new Set<string>();
  private readonly nodes = new Set<string>();
  private readonly nodeGoneAt = new Map<string, Micros>();

  constructor(
    private readonly engine: Engine,
    private readonly api: ApiServer,
    private readonly client: ApiClient,
    private readonly threshold = TERMINATED_POD_GC_THRESHOLD,
  ) {}

  /** Starts the informers and the periodic collection. */
  start(): void {
    this.api.watch('Node', {}, (ev) => {
      const name = ev.object.metadata.name;
      if (ev.type === 'DELETED') {
        this.nodes.delete(name);
        this.nodeGoneAt.set(name, this.engine.now);
      } else {
        this.nodes.add(name);
        this.nodeGoneAt.delete(name);
      }
    });
    this.api.watch('Pod', {}, (ev) => {
      const uid = ev.object.metadata.uid!;
      const prevNode = this.pods.get(uid)?.spec.nodeName;
      const node = ev.type === 'DELETED' ? undefined : ev.object.spec.nodeName;
      // Candidates are sorted by informer order (seq) when collected: a pod staying on its node keeps its entry.
      if (prevNode && prevNode !== node) this.unindex(prevNode, uid);
      this.unscheduledTerminating.delete(uid);
      if (ev.type === 'DELETED') {
        this.pods.delete(uid);
        this.seq.delete(uid);
        this.terminated.delete(uid);
        return;
      }
      if (!this.seq.has(uid)) this.seq.set(uid, this.nextSeq++);
      this.pods.set(uid, ev.object);
      if (node) {
        if (node !== prevNode) {
          let set = this.onNode.get(node);
          if (set === undefined) this.onNode.set(node, (set = new Set()));
          set.add(uid);
        }
      } else if (ev.object.metadata.deletionTimestamp !== undefined) this.unscheduledTerminating.add(uid);
      const phase = ev.object.status.phase;
      if (phase === 'Succeeded' || phase === 'Failed') this.terminated.add(uid);
    });
    const tick = () => {
      this.gc();
      this.engine.schedule(POD_GC_PERIOD_US, tick);
    };
    this.engine.schedule(POD_GC_PERIOD_US, tick);
  }

  private gc(): void {
    // gcTerminated: delete the oldest terminated pods over the threshold.
    let excess = this.terminated.size - this.threshold;
    if (excess > 0) {
      const victims = [...this.terminated]
        .map((uid) => this.pods.get(uid)!)
        .filter((p) => p !== undefined && p.metadata.deletionTimestamp === undefined)
        .sort((a, b) => (a.metadata.creationTimestamp ?? 0) - (b.metadata.creationTimestamp ?? 0));
      for (const p of victims) {
        if (excess-- <= 0) break;
        this.client.delete('Pod', objectKey(p.metadata), { gracePeriodSeconds: 0 });
      }
    }
    // gcOrphaned and gcUnscheduledTerminating look at every pod upstream; only pods on a missing node or unscheduled
    // and terminating can qualify, so those are taken, in the informer's order.
    const now = this.engine.now;
    const candidates: string[] = [...this.unscheduledTerminating];
    for (const [node, uids] of this.onNode) if (!this.nodes.has(node)) candidates.push(...uids);
    candidates.sort((a, b) => this.seq.get(a)! - this.seq.get(b)!);
    for (const uid of candidates) {
      const p = this.pods.get(uid);
      if (p === undefined) continue;
      const node = p.spec.nodeName;
      if (node !== undefined && node !== '' && !this.nodes.has(node)) {
        // gcOrphaned: the node is gone (past the quarantine); the pod fails and goes.
        const goneAt = this.nodeGoneAt.get(node);
        if (goneAt === undefined) this.nodeGoneAt.set(node, now);
        else if (now - goneAt >= POD_GC_QUARANTINE_US) this.forceDelete(p, true);
      } else if ((node === undefined || node === '') && p.metadata.deletionTimestamp !== undefined) {
        this.forceDelete(p, false); // gcUnscheduledTerminating
      }
    }
  }

  private unindex(node: string, uid: string): void {
    const set = this.onNode.get(node);
    if (set === undefined) return;
    set.delete(uid);
    if (set.size === 0) this.onNode.delete(node);
  }

  private forceDelete(p: Pod, orphaned: boolean): void {
    const key = objectKey(p.metadata);
    if (orphaned && p.status.phase !== 'Succeeded' && p.status.phase !== 'Failed') {
      const now = this.engine.now;
      this.client.update('Pod', key, (cur) =>
        extend(cur, {
          status: extend(cur.status, {
            phase: 'Failed',
            conditions: [...(cur.status.conditions ?? []).filter((c) => c.type !== 'DisruptionTarget'), { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists', lastTransitionTime: now }],
          }),
        }),
      );
    }
    this.client.delete('Pod', key, { gracePeriodSeconds: 0 });
    const uid = p.metadata.uid!;
    if (p.spec.nodeName) this.unindex(p.spec.nodeName, uid);
    this.unscheduledTerminating.delete(uid);
    this.pods.delete(uid);
    this.seq.delete(uid);
  }
}
