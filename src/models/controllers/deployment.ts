/**
 * Deployment controller (pkg/controller/deployment): owns one ReplicaSet per pod-template revision, named
 * `<deployment>-<pod-template-hash>`, whose selector and pod labels carry `pod-template-hash`. It creates the
 * current template's ReplicaSet and scales it to `spec.replicas` (ScalingReplicaSet events), and reports status from
 * its ReplicaSets. (Rolling updates between revisions come with timed rollouts in the scenario format.)
 */
import type { Engine } from '../../engine/engine.js';
import type { Deployment, ReplicaSet } from '../../cluster/types.js';
import type { ApiClient, ApiServer } from '../apiserver/apiServer.js';
import type { EventRecorder } from '../eventRecorder.js';
import { controllerRef, getControllerOf } from './podControl.js';
import { Pending, WorkQueue } from './workQueue.js';

export const DEPLOYMENT_CONTROLLER = 'deployment-controller';
/** `DefaultDeploymentUniqueLabelKey`. */
export const POD_TEMPLATE_HASH = 'pod-template-hash';

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/**
 * `controller.ComputeHash`: FNV-32a of the template, printed in decimal and passed through `rand.SafeEncodeString`.
 * kubesim hashes the template's JSON rather than Go's spew dump, so values differ from a real cluster's but have the
 * same form and change exactly when the template changes.
 */
export function computeHash(template: object): string {
  const cached = hashes.get(template);
  if (cached !== undefined) return cached;
  const text = JSON.stringify(template);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  let out = '';
  for (const ch of String(h)) out += SAFE_ALPHABET[ch.charCodeAt(0) % SAFE_ALPHABET.length];
  hashes.set(template, out);
  return out;
}

const hashes = new WeakMap<object, string>();

/** The Deployment controller. */
export class DeploymentController {
  private readonly queue: WorkQueue;
  private readonly rsByDeployment = new Map<string, Map<string, ReplicaSet>>();

  constructor(
    engine: Engine,
    private readonly api: ApiServer,
    private readonly client: ApiClient,
    private readonly recorder: EventRecorder,
  ) {
    this.queue = new WorkQueue(engine, (key, done) => this.sync(key, done));
  }

  /** Starts the informers. */
  start(): void {
    this.api.watch('Deployment', {}, (ev) => {
      const key = `${ev.object.metadata.namespace}/${ev.object.metadata.name}`;
      if (ev.type !== 'DELETED') this.queue.add(key);
    });
    this.api.watch('ReplicaSet', {}, (ev) => {
      const ref = getControllerOf(ev.object);
      if (ref?.kind !== 'Deployment') return;
      const key = `${ev.object.metadata.namespace}/${ref.name}`;
      let m = this.rsByDeployment.get(key);
      if (m === undefined) {
        m = new Map();
        this.rsByDeployment.set(key, m);
      }
      if (ev.type === 'DELETED') m.delete(ev.object.metadata.name);
      else m.set(ev.object.metadata.name, ev.object);
      this.queue.add(key);
    });
  }

  /** `syncDeployment`: the current revision's ReplicaSet at `spec.replicas`, old ones at 0, then status (all blocking). */
  private sync(key: string, done: () => void): void {
    const d = this.client.get('Deployment', key);
    if (d === undefined) return done();
    const pending = new Pending(() => this.updateStatus(key, d, owned, current, done));
    const owned = [...(this.rsByDeployment.get(key)?.values() ?? [])].filter((rs) => getControllerOf(rs)?.uid === d.metadata.uid);
    const hash = computeHash(d.spec.template);
    const current = owned.find((rs) => rs.metadata.labels?.[POD_TEMPLATE_HASH] === hash);
    const want = d.spec.replicas ?? 1;
    if (current === undefined) {
      this.createReplicaSet(d, hash, want, pending.hold());
    } else if ((current.spec.replicas ?? 1) !== want) {
      const from = current.spec.replicas ?? 1;
      this.client.update('ReplicaSet', `${current.metadata.namespace}/${current.metadata.name}`, (rs) => ({ ...rs, spec: { ...rs.spec, replicas: want } }), pending.hold());
      this.recorder.record(d, 'Normal', 'ScalingReplicaSet', DEPLOYMENT_CONTROLLER, `Scaled ${want > from ? 'up' : 'down'} replica set ${current.metadata.name} from ${from} to ${want}`);
    }
    // Old revisions (a template changed): scaled to zero.
    for (const rs of owned) {
      if (rs === current || (rs.spec.replicas ?? 1) === 0) continue;
      this.client.update('ReplicaSet', `${rs.metadata.namespace}/${rs.metadata.name}`, (cur) => ({ ...cur, spec: { ...cur.spec, replicas: 0 } }), pending.hold());
      this.recorder.record(d, 'Normal', 'ScalingReplicaSet', DEPLOYMENT_CONTROLLER, `Scaled down replica set ${rs.metadata.name} from ${rs.spec.replicas ?? 1} to 0`);
    }
    pending.seal();
  }

  private createReplicaSet(d: Deployment, hash: string, replicas: number, done: () => void): void {
    const labels = { ...(d.spec.template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH]: hash };
    const rs: ReplicaSet = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: `${d.metadata.name}-${hash}`, namespace: d.metadata.namespace ?? 'default', labels, ownerReferences: [controllerRef(d)] },
      spec: {
        replicas,
        minReadySeconds: d.spec.minReadySeconds ?? 0,
        selector: { ...d.spec.selector, matchLabels: { ...(d.spec.selector.matchLabels ?? {}), [POD_TEMPLATE_HASH]: hash } },
        template: { metadata: { ...(d.spec.template.metadata ?? {}), labels }, spec: d.spec.template.spec },
      },
      status: { replicas: 0 },
    };
    this.client.create(rs, (r) => {
      if (r.ok) this.recorder.record(d, 'Normal', 'ScalingReplicaSet', DEPLOYMENT_CONTROLLER, `Scaled up replica set ${rs.metadata.name} from 0 to ${replicas}`);
      done();
    });
  }

  private updateStatus(key: string, d: Deployment, owned: ReplicaSet[], current: ReplicaSet | undefined, done: () => void): void {
    let replicas = 0;
    let ready = 0;
    let available = 0;
    for (const rs of owned) {
      replicas += rs.status.replicas ?? 0;
      ready += rs.status.readyReplicas ?? 0;
      available += rs.status.availableReplicas ?? 0;
    }
    const updated = current?.status.replicas ?? 0;
    const latest = this.client.get('Deployment', key) ?? d;
    const s = latest.status;
    if (s.replicas === replicas && s.readyReplicas === ready && s.availableReplicas === available && s.updatedReplicas === updated && s.observedGeneration === latest.metadata.generation) return done();
    this.client.update(
      'Deployment',
      key,
      (cur) => ({ ...cur, status: { replicas, readyReplicas: ready, availableReplicas: available, updatedReplicas: updated, observedGeneration: cur.metadata.generation ?? 1 } }),
      () => done(),
    );
  }
}
