/**
 * DaemonSet controller (pkg/controller/daemon/daemon_controller.go `syncDaemonSet`, `manage`, `syncNodes`;
 * pkg/controller/daemon/util/daemonset_util.go): one pod per node that should run the daemon.
 * - A node should run it (`NodeShouldRunDaemonPod`) when the template's nodeName (if any) is the node, its required
 *   node affinity and nodeSelector match, and the pod, with the daemon tolerations added, tolerates the node's
 *   NoSchedule and NoExecute taints. A node it no longer fits keeps a pod that tolerates the NoExecute taints.
 * - Pods are created for the default scheduler with node affinity `metadata.name In [node]` replacing any
 *   matchFields (`ReplaceDaemonSetPodNodeNameNodeAffinity`), so NodeAffinity's PreFilterResult places each on its
 *   node; and with the daemon tolerations (`AddOrUpdateDaemonPodTolerations`): not-ready and unreachable NoExecute,
 *   disk-, memory- and pid-pressure and unschedulable NoSchedule.
 * - Extra pods on a node (all but the oldest), pods on nodes that should not run them, and failed pods are deleted.
 * - Creations go in slow-start batches of at most `BurstReplicas` (250); expectations gate the next sync.
 * - Status: desiredNumberScheduled, currentNumberScheduled, numberMisscheduled, numberReady, updatedNumberScheduled,
 *   numberAvailable, numberUnavailable.
 * - Pods carry `controller-revision-hash` (the template's hash). RollingUpdate (update.go `rollingUpdate`):
 *   with maxSurge 0, old pods that are not available are deleted at once and available ones up to maxUnavailable
 *   (default 1; a percentage of the desired nodes, rounded up) minus the nodes already unavailable; the manage loop
 *   then creates the new pod. With maxSurge > 0, a new pod is created next to an available old one on up to
 *   maxSurge nodes, and the old one is deleted once the new one is available (minReadySeconds). OnDelete: pods get
 *   the new template only when they are deleted.
 */
import type { Engine } from '../../engine/engine.js';
import type { DaemonSet, Node, NodeSelectorTerm, Pod, Toleration } from '../../cluster/types.js';
import type { ApiClient, ApiServer } from '../apiserver/apiServer.js';
import type { EventRecorder } from '../eventRecorder.js';
import { findMatchingUntoleratedTaint } from '../scheduler/plugins/helpers/tolerations.js';
import { requiredNodeAffinity } from '../scheduler/plugins/nodeAffinity.js';
import { Expectations } from './expectations.js';
import { OwnedPods } from './ownedPods.js';
import { isActive, isReady, podFromTemplate, readySince, slowStartBatch } from './podControl.js';
import { computeHash } from './deployment.js';
import { scaledValue } from '../../cluster/intstr.js';

/** The revision label of daemon pods. */
export const DAEMON_REVISION_LABEL = 'controller-revision-hash';
import { Pending, WorkQueue } from './workQueue.js';
import { extend } from '../../cluster/extend.js';

export const DAEMONSET_CONTROLLER = 'daemonset-controller';
/** BurstReplicas of the DaemonSet controller (daemon_controller.go). */
export const DAEMONSET_BURST_REPLICAS = 250;

/** The tolerations every daemon pod gets (daemonset_util.go `AddOrUpdateDaemonPodTolerations`). */
export const DAEMON_TOLERATIONS: readonly Toleration[] = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
];

/** The daemon pod for a node: template, daemon tolerations, node affinity to the node. */
export function daemonPod(ds: DaemonSet, nodeName: string): Pod {
  const pod = podFromTemplate(ds.spec.template, ds, `${ds.metadata.name}-`, { [DAEMON_REVISION_LABEL]: computeHash(ds.spec.template) });
  const spec = pod.spec;
  const tolerations = [...(spec.tolerations ?? [])];
  for (const t of DAEMON_TOLERATIONS) if (!tolerations.some((x) => x.key === t.key && x.effect === t.effect)) tolerations.push(t);
  const byName = [{ key: 'metadata.name', operator: 'In' as const, values: [nodeName] }];
  const terms: NodeSelectorTerm[] = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms.map((t) => extend(t, { matchFields: byName })) ?? [];
  const nodeSelectorTerms = terms.length > 0 ? terms : [{ matchFields: byName }];
  const nodeAffinity = extend(spec.affinity?.nodeAffinity ?? {}, { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms } });
  return extend(pod, { spec: extend(spec, { tolerations, affinity: extend(spec.affinity ?? {}, { nodeAffinity }) }) });
}

/** `NodeShouldRunDaemonPod`: [should run, should continue running]. */
export function nodeShouldRunDaemonPod(node: Node, ds: DaemonSet): [boolean, boolean] {
  const template = ds.spec.template.spec;
  if (template.nodeName && template.nodeName !== node.metadata.name) return [false, false];
  const affinity = requiredNodeAffinity(template);
  if (affinity !== undefined && !affinity(node)) return [false, false];
  const tolerations = [...(template.tolerations ?? []), ...DAEMON_TOLERATIONS];
  const fits = findMatchingUntoleratedTaint(node.spec.taints, tolerations, (t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute') === undefined;
  if (fits) return [true, true];
  return [false, findMatchingUntoleratedTaint(node.spec.taints, tolerations, (t) => t.effect === 'NoExecute') === undefined];
}

/** The node a daemon pod is bound to, or targets through its node affinity (`GetTargetNodeName`). */
function targetNode(pod: Pod): string | undefined {
  if (pod.spec.nodeName) return pod.spec.nodeName;
  for (const t of pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    for (const f of t.matchFields ?? []) if (f.key === 'metadata.name' && f.operator === 'In' && f.values?.length === 1) return f.values[0];
  }
  return undefined;
}

/** The DaemonSet controller. */
export class DaemonSetController {
  private readonly queue: WorkQueue;
  private readonly expectations = new Expectations();
  private readonly owned = new OwnedPods('DaemonSet');
  private readonly nodes = new Map<string, Node>();
  private readonly keys = new Set<string>();

  constructor(
    private readonly engine: Engine,
    private readonly api: ApiServer,
    private readonly client: ApiClient,
    private readonly recorder: EventRecorder,
  ) {
    this.queue = new WorkQueue(engine, (key, done) => this.sync(key, done));
  }

  /** Starts the informers. */
  start(): void {
    this.api.watch('DaemonSet', {}, (ev) => {
      const key = `${ev.object.metadata.namespace ?? 'default'}/${ev.object.metadata.name}`;
      if (ev.type === 'DELETED') {
        this.keys.delete(key);
        this.expectations.delete(key);
        this.owned.forget(key);
        return;
      }
      this.keys.add(key);
      this.queue.add(key);
    });
    this.api.watch('Node', {}, (ev) => {
      if (ev.type === 'DELETED') this.nodes.delete(ev.object.metadata.name);
      else this.nodes.set(ev.object.metadata.name, ev.object);
      // Node added, removed, or changed labels/taints: every DaemonSet may need a sync.
      if (ev.type !== 'MODIFIED' || ev.old?.metadata.labels !== ev.object.metadata.labels || ev.old?.spec !== ev.object.spec) for (const k of this.keys) this.queue.add(k);
    });
    this.owned.watch(this.api, this.expectations, (key) => this.queue.add(key));
  }

  private sync(key: string, done: () => void): void {
    const ds = this.client.get('DaemonSet', key);
    if (ds === undefined) return done();
    const pods = this.owned.pods(key).filter((p) => p.metadata.deletionTimestamp === undefined && p.metadata.ownerReferences?.some((r) => r.uid === ds.metadata.uid));
    const byNode = new Map<string, Pod[]>();
    const orphans: Pod[] = [];
    for (const p of pods) {
      const n = targetNode(p);
      if (n === undefined || !this.nodes.has(n)) {
        orphans.push(p);
        continue;
      }
      const list = byNode.get(n) ?? [];
      list.push(p);
      byNode.set(n, list);
    }
    const after = () => this.updateStatus(key, done);
    if (!this.expectations.satisfied(key, this.engine.now)) return after();
    // manage: which nodes need a pod, which pods go.
    const create: string[] = [];
    const remove: Pod[] = [...orphans];
    const hash = computeHash(ds.spec.template);
    const surge = this.surgeAllowed(ds);
    for (const node of [...this.nodes.values()].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1))) {
      const name = node.metadata.name;
      const [shouldRun, shouldContinue] = nodeShouldRunDaemonPod(node, ds);
      const onNode = (byNode.get(name) ?? []).sort((a, b) => (a.metadata.creationTimestamp ?? 0) - (b.metadata.creationTimestamp ?? 0));
      const failed = onNode.filter((p) => p.status.phase === 'Failed');
      remove.push(...failed);
      const live = onNode.filter((p) => isActive(p));
      if (shouldRun && live.length === 0) create.push(name);
      else if (shouldContinue) {
        if (!surge) remove.push(...live.slice(1));
        else {
          // Surge: the oldest old pod and the oldest new pod may run side by side (podsShouldBeOnNode).
          const old = live.filter((p) => p.metadata.labels?.[DAEMON_REVISION_LABEL] !== hash);
          const fresh = live.filter((p) => p.metadata.labels?.[DAEMON_REVISION_LABEL] === hash);
          remove.push(...old.slice(1), ...fresh.slice(1));
        }
      } else remove.push(...live);
    }
    if (ds.spec.updateStrategy?.type !== 'OnDelete' && create.length === 0 && remove.length === 0) {
      const r = this.rollingUpdate(ds, byNode, hash);
      create.push(...r.create);
      remove.push(...r.remove);
    }
    const n = Math.min(create.length, DAEMONSET_BURST_REPLICAS);
    this.expectations.expect(key, n, remove.length, this.engine.now);
    const pending = new Pending(after);
    if (n > 0) {
      const release = pending.hold();
      slowStartBatch(
        this.client,
        n,
        (i) => daemonPod(ds, create[i]!),
        (pod) => this.recorder.record(ds, 'Normal', 'SuccessfulCreate', DAEMONSET_CONTROLLER, `Created pod: ${pod.metadata.name}`),
        (skipped) => {
          for (let i = 0; i < skipped; i++) this.expectations.creationObserved(key);
        },
        release,
      );
    }
    for (const p of remove) {
      const release = pending.hold();
      this.client.delete('Pod', `${p.metadata.namespace}/${p.metadata.name}`, {}, (r) => {
        if (r.ok) this.recorder.record(ds, 'Normal', 'SuccessfulDelete', DAEMONSET_CONTROLLER, `Deleted pod: ${p.metadata.name}`);
        else this.expectations.deletionObserved(key);
        release();
      });
    }
    pending.seal();
  }

  private surgeAllowed(ds: DaemonSet): boolean {
    const u = ds.spec.updateStrategy;
    return u?.type !== 'OnDelete' && u?.rollingUpdate?.maxSurge !== undefined && u.rollingUpdate.maxSurge !== 0 && u.rollingUpdate.maxSurge !== '0%';
  }

  private available(p: Pod, ds: DaemonSet): boolean {
    const since = p.status.phase === 'Running' ? readySince(p) : undefined;
    return since !== undefined && since + (ds.spec.minReadySeconds ?? 0) * 1_000_000 <= this.engine.now;
  }

  /** update.go `rollingUpdate`: which old pods to delete (maxSurge 0) or which nodes get a surge pod. */
  private rollingUpdate(ds: DaemonSet, byNode: Map<string, Pod[]>, hash: string): { create: string[]; remove: Pod[] } {
    let desired = 0;
    for (const node of this.nodes.values()) if (nodeShouldRunDaemonPod(node, ds)[0]) desired++;
    const ru = ds.spec.updateStrategy?.rollingUpdate;
    const maxUnavailable = scaledValue(ru?.maxUnavailable ?? 1, desired, true);
    const maxSurge = this.surgeAllowed(ds) ? scaledValue(ru!.maxSurge!, desired, true) : 0;
    const names = [...byNode.keys()].sort();
    const create: string[] = [];
    const remove: Pod[] = [];
    const candidates: Pod[] = [];
    if (maxSurge === 0) {
      let unavailable = 0;
      for (const n of names) {
        const live = byNode.get(n)!.filter((p) => isActive(p));
        const fresh = live.filter((p) => p.metadata.labels?.[DAEMON_REVISION_LABEL] === hash);
        const old = live.filter((p) => p.metadata.labels?.[DAEMON_REVISION_LABEL] !== hash);
        if (fresh.length + old.length !== 1) {
          unavailable++;
          continue;
        }
        if (fresh.length === 1) {
          if (!this.available(fresh[0]!, ds)) unavailable++;
          continue;
        }
        if (!this.available(old[0]!, ds)) remove.push(old[0]!);
        else candidates.push(old[0]!);
      }
      const room = Math.min(Math.max(0, maxUnavailable - unavailable), candidates.length);
      remove.push(...candidates.slice(0, room));
      return { create, remove };
    }
    let surging = 0;
    const wanting: string[] = [];
    for (const n of names) {
      const live = byNode.get(n)!.filter((p) => isActive(p));
      const fresh = live.filter((p) => p.metadata.labels?.[DAEMON_REVISION_LABEL] === hash);
      const old = live.filter((p) => p.metadata.labels?.[DAEMON_REVISION_LABEL] !== hash);
      if (old.length === 0) continue;
      if (fresh.length === 0) {
        if (!this.available(old[0]!, ds)) create.push(n);
        else wanting.push(n);
        continue;
      }
      surging++;
      if (this.available(fresh[0]!, ds)) remove.push(...old);
    }
    create.push(...wanting.slice(0, Math.max(0, maxSurge - surging)));
    return { create, remove };
  }

  private updateStatus(key: string, done: () => void): void {
    const ds = this.client.get('DaemonSet', key);
    if (ds === undefined) return done();
    let desired = 0;
    let current = 0;
    let mis = 0;
    let ready = 0;
    const byNode = new Map<string, Pod>();
    for (const p of this.owned.pods(key)) {
      if (!isActive(p)) continue;
      const n = targetNode(p);
      if (n !== undefined && !byNode.has(n)) byNode.set(n, p);
    }
    const hash = computeHash(ds.spec.template);
    const updatedOn = new Set<string>();
    for (const p of this.owned.pods(key)) {
      const n = targetNode(p);
      if (isActive(p) && n !== undefined && p.spec.nodeName && p.metadata.labels?.[DAEMON_REVISION_LABEL] === hash) updatedOn.add(n);
    }
    let updated = 0;
    let available = 0;
    for (const node of this.nodes.values()) {
      const [shouldRun] = nodeShouldRunDaemonPod(node, ds);
      const p = byNode.get(node.metadata.name);
      if (shouldRun) desired++;
      if (p === undefined || !p.spec.nodeName) continue;
      if (shouldRun) {
        current++;
        if (isReady(p)) ready++;
        if (this.available(p, ds)) available++;
        if (updatedOn.has(node.metadata.name)) updated++;
      } else mis++;
    }
    const s = ds.status;
    const gen = ds.metadata.generation ?? 1;
    const next = { desiredNumberScheduled: desired, currentNumberScheduled: current, numberMisscheduled: mis, numberReady: ready, updatedNumberScheduled: updated, numberAvailable: available, numberUnavailable: desired - available, observedGeneration: gen };
    if ((ds.spec.minReadySeconds ?? 0) > 0 && ready > available) this.queue.addAfter(key, (ds.spec.minReadySeconds ?? 0) * 1_000_000);
    if (JSON.stringify(next) === JSON.stringify(extend(s, { observedGeneration: s.observedGeneration }))) return done();
    this.client.update('DaemonSet', key, (c) => extend(c, { status: next }), () => done());
  }
}
