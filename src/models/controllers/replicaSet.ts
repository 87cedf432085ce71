/**
 * ReplicaSet controller (pkg/controller/replicaset/replica_set.go `syncReplicaSet` / `manageReplicas`): keeps the
 * number of active pods equal to `spec.replicas`. Creates at most `burstReplicas` (500) per sync in slow-start
 * batches, deletes the lowest-ranked pods first, waits for its expectations before acting again, and keeps
 * `status.replicas/readyReplicas/availableReplicas` up to date.
 *
 * The same controller runs ReplicationControllers, as upstream's replication manager is the ReplicaSet controller
 * over ReplicationControllers (pkg/controller/replication/replication_controller.go `NewReplicationManager`), with
 * events from "replication-controller".
 */
import type { Engine } from '../../engine/engine.js';
import type { Pod, ReplicaSet, ReplicationController } from '../../cluster/types.js';
import type { ApiClient, ApiServer } from '../apiserver/apiServer.js';
import type { EventRecorder } from '../eventRecorder.js';
import { Expectations } from './expectations.js';
import { OwnedPods } from './ownedPods.js';
import { BURST_REPLICAS, deletionOrder, isActive, podFromTemplate, readySince, slowStartBatch } from './podControl.js';
import { Pending, WorkQueue } from './workQueue.js';
import { extend } from '../../cluster/extend.js';

export const REPLICASET_CONTROLLER = 'replicaset-controller';
export const REPLICATION_CONTROLLER = 'replication-controller';

/** The kinds the controller can run. */
type ReplicaOwner = ReplicaSet | ReplicationController;

/** The ReplicaSet controller. */
export class ReplicaSetController {
  private readonly queue: WorkQueue;
  private readonly expectations = new Expectations();
  private readonly owned: OwnedPods;
  /** The event source. */
  private readonly source: string;

  constructor(
    private readonly engine: Engine,
    private readonly api: ApiServer,
    private readonly client: ApiClient,
    private readonly recorder: EventRecorder,
    private readonly kind: ReplicaOwner['kind'] = 'ReplicaSet',
  ) {
    this.queue = new WorkQueue(engine, (key, done) => this.sync(key, done));
    this.owned = new OwnedPods(kind);
    this.source = kind === 'ReplicaSet' ? REPLICASET_CONTROLLER : REPLICATION_CONTROLLER;
  }

  /** Starts the informers. */
  start(): void {
    this.api.watch(this.kind, {}, (ev) => {
      const key = `${ev.object.metadata.namespace}/${ev.object.metadata.name}`;
      if (ev.type === 'DELETED') {
        this.expectations.delete(key);
        this.owned.forget(key);
        return;
      }
      this.queue.add(key);
    });
    this.owned.watch(this.api, this.expectations, (key) => this.queue.add(key));
  }

  /** `syncReplicaSet`: manage replicas (blocking on the creates/deletes), then write the status (blocking). */
  private sync(key: string, done: () => void): void {
    const rs = this.client.get(this.kind, key) as ReplicaOwner | undefined;
    if (rs === undefined) return done();
    const active = this.owned.pods(key).filter((p) => isActive(p) && p.metadata.ownerReferences?.some((r) => r.uid === rs.metadata.uid));
    const afterManage = () => this.updateStatus(key, rs, active, done);
    if (this.expectations.satisfied(key, this.engine.now)) this.manageReplicas(key, rs, active, afterManage);
    else afterManage();
  }

  private manageReplicas(key: string, rs: ReplicaOwner, active: Pod[], done: () => void): void {
    const want = rs.spec.replicas ?? 1;
    const diff = active.length - want;
    const now = this.engine.now;
    if (diff === 0) return done();
    if (diff < 0) {
      const n = Math.min(-diff, BURST_REPLICAS);
      this.expectations.expect(key, n, 0, now);
      let failed = false;
      slowStartBatch(
        this.client,
        n,
        () => podFromTemplate(rs.spec.template, rs, `${rs.metadata.name}-`),
        (pod) => this.recorder.record(rs, 'Normal', 'SuccessfulCreate', this.source, `Created pod: ${pod.metadata.name}`),
        (skipped) => {
          for (let i = 0; i < skipped; i++) this.expectations.creationObserved(key);
        },
        () => {
          // A failed create is an error of the sync: retried with the queue's rate limiter, as upstream.
          if (failed) this.queue.addRateLimited(key);
          else this.queue.forget(key);
          done();
        },
        (message) => {
          if (!failed) this.recorder.record(rs, 'Warning', 'FailedCreate', this.source, `Error creating: ${message}`);
          failed = true;
          this.expectations.creationObserved(key);
        },
      );
      return;
    }
    const n = Math.min(diff, BURST_REPLICAS);
    const victims = [...active].sort(deletionOrder).slice(0, n);
    this.expectations.expect(key, 0, n, now);
    const pending = new Pending(done);
    for (const p of victims) {
      const release = pending.hold();
      this.client.delete('Pod', `${p.metadata.namespace}/${p.metadata.name}`, {}, (r) => {
        if (r.ok) this.recorder.record(rs, 'Normal', 'SuccessfulDelete', this.source, `Deleted pod: ${p.metadata.name}`);
        else this.expectations.deletionObserved(key);
        release();
      });
    }
    pending.seal();
  }

  /**
   * `calculateStatus` + `updateReplicaSetStatus`: replicas, ready, and available (ready for at least minReadySeconds,
   * `podutil.IsPodAvailable`); a ReplicaSet whose ready pods are not all available yet is synced again after
   * minReadySeconds, as upstream.
   */
  private updateStatus(key: string, rs: ReplicaOwner, active: Pod[], done: () => void): void {
    const replicas = active.length;
    const now = this.engine.now;
    const minReadyUs = (rs.spec.minReadySeconds ?? 0) * 1_000_000;
    let ready = 0;
    let available = 0;
    for (const p of active) {
      const since = readySince(p);
      if (since === undefined) continue;
      ready++;
      if (minReadyUs === 0 || since + minReadyUs <= now) available++;
    }
    if (minReadyUs > 0 && ready === (rs.spec.replicas ?? 1) && available !== ready) this.queue.addAfter(key, minReadyUs);
    const cur = (this.client.get(this.kind, key) as ReplicaOwner | undefined) ?? rs;
    const s = cur.status;
    if (s.replicas === replicas && s.readyReplicas === ready && s.availableReplicas === available && s.observedGeneration === cur.metadata.generation) return done();
    this.client.update(
      this.kind,
      key,
      (c: ReplicaOwner) => extend(c, { status: { replicas, readyReplicas: ready, availableReplicas: available, observedGeneration: c.metadata.generation ?? 1 } }) as ReplicaOwner,
      () => done(),
    );
  }
}
