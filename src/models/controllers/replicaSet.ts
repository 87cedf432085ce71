/**
 * ReplicaSet controller (pkg/controller/replicaset/replica_set.go `syncReplicaSet` / `manageReplicas`): keeps the
 * number of active pods equal to `spec.replicas`. Creates at most `burstReplicas` (500) per sync in slow-start
 * batches, deletes the lowest-ranked pods first, waits for its expectations before acting again, and keeps
 * `status.replicas/readyReplicas/availableReplicas` up to date.
 */
import type { Engine } from '../../engine/engine.js';
import type { Pod, ReplicaSet } from '../../cluster/types.js';
import type { ApiClient, ApiServer } from '../apiserver/apiServer.js';
import type { EventRecorder } from '../eventRecorder.js';
import { Expectations } from './expectations.js';
import { OwnedPods } from './ownedPods.js';
import { BURST_REPLICAS, deletionOrder, isActive, isReady, podFromTemplate, slowStartBatch } from './podControl.js';
import { WorkQueue } from './workQueue.js';

export const REPLICASET_CONTROLLER = 'replicaset-controller';

/** The ReplicaSet controller. */
export class ReplicaSetController {
  private readonly queue: WorkQueue;
  private readonly expectations = new Expectations();
  private readonly owned = new OwnedPods('ReplicaSet');
  /** Pods whose deletion was already counted (their deletionTimestamp was observed). */
  private readonly deletionSeen = new Set<string>();

  constructor(
    private readonly engine: Engine,
    private readonly api: ApiServer,
    private readonly client: ApiClient,
    private readonly recorder: EventRecorder,
  ) {
    this.queue = new WorkQueue(engine, (key) => this.sync(key));
  }

  /** Starts the informers. */
  start(): void {
    this.api.watch('ReplicaSet', {}, (ev) => {
      const key = `${ev.object.metadata.namespace}/${ev.object.metadata.name}`;
      if (ev.type === 'DELETED') {
        this.expectations.delete(key);
        this.owned.forget(key);
        return;
      }
      this.queue.add(key);
    });
    this.api.watch('Pod', {}, (ev) => {
      const key = this.owned.apply(ev);
      if (key === undefined) return;
      const uid = ev.object.metadata.uid!;
      if (ev.type === 'ADDED') this.expectations.creationObserved(key);
      const deleting = ev.type === 'DELETED' || ev.object.metadata.deletionTimestamp !== undefined;
      if (deleting && !this.deletionSeen.has(uid)) {
        this.deletionSeen.add(uid);
        this.expectations.deletionObserved(key);
      }
      if (ev.type === 'DELETED') this.deletionSeen.delete(uid);
      this.queue.add(key);
    });
  }

  private sync(key: string): void {
    const rs = this.client.get('ReplicaSet', key);
    if (rs === undefined) return;
    const pods = this.owned.pods(key).filter((p) => p.metadata.ownerReferences?.some((r) => r.uid === rs.metadata.uid));
    const active = pods.filter(isActive);
    const now = this.engine.now;
    if (this.expectations.satisfied(key, now)) this.manageReplicas(key, rs, active);
    this.updateStatus(key, rs, active);
  }

  private manageReplicas(key: string, rs: ReplicaSet, active: Pod[]): void {
    const want = rs.spec.replicas ?? 1;
    const diff = active.length - want;
    const now = this.engine.now;
    if (diff < 0) {
      const n = Math.min(-diff, BURST_REPLICAS);
      this.expectations.expect(key, n, 0, now);
      slowStartBatch(
        this.client,
        n,
        () => podFromTemplate(rs.spec.template, rs, `${rs.metadata.name}-`),
        (pod) => this.recorder.record(rs, 'Normal', 'SuccessfulCreate', REPLICASET_CONTROLLER, `Created pod: ${pod.metadata.name}`),
        (skipped) => {
          for (let i = 0; i < skipped; i++) this.expectations.creationObserved(key);
        },
      );
    } else if (diff > 0) {
      const n = Math.min(diff, BURST_REPLICAS);
      const victims = [...active].sort(deletionOrder).slice(0, n);
      this.expectations.expect(key, 0, n, now);
      for (const p of victims) {
        this.client.delete('Pod', `${p.metadata.namespace}/${p.metadata.name}`, {}, (r) => {
          if (r.ok) this.recorder.record(rs, 'Normal', 'SuccessfulDelete', REPLICASET_CONTROLLER, `Deleted pod: ${p.metadata.name}`);
          else this.expectations.deletionObserved(key);
        });
      }
    }
  }

  private updateStatus(key: string, rs: ReplicaSet, active: Pod[]): void {
    const replicas = active.length;
    const ready = active.filter(isReady).length;
    const s = rs.status;
    if (s.replicas === replicas && s.readyReplicas === ready && s.availableReplicas === ready && s.observedGeneration === rs.metadata.generation) return;
    this.client.update('ReplicaSet', key, (cur) => ({
      ...cur,
      status: { replicas, readyReplicas: ready, availableReplicas: ready, observedGeneration: cur.metadata.generation ?? 1 },
    }));
  }
}
