/**
 * Disruption controller (pkg/controller/disruption/disruption.go `trySync`): keeps each PodDisruptionBudget's status
 * up to date, which is what preemption and eviction read.
 * - Pods: those in the budget's namespace matching its selector (policy/v1: a null selector matches none, an empty
 *   one all).
 * - `expectedPods` and `desiredHealthy` (`getExpectedPodCount`): an integer minAvailable → expected = the number of
 *   pods, desired = minAvailable. maxUnavailable, or a percentage minAvailable → expected = the sum of the scale of
 *   the pods' controllers (a ReplicaSet owned by a Deployment counts the Deployment's replicas); desired =
 *   expected − maxUnavailable, or ⌈minAvailable% × expected⌉ (percentages round up, `GetScaledValueFromIntOrPercent`).
 *   A pod without a scalable controller (a Job's, a bare pod's) fails the sync as upstream's "found no controllers",
 *   and the status fails safe: disruptionsAllowed 0.
 * - `currentHealthy`: Ready pods not being deleted (`countHealthyPods`).
 * - `disruptionsAllowed` = max(0, currentHealthy − desiredHealthy).
 */
import type { Engine } from '../../engine/engine.js';
import type { Deployment, Pod, PodDisruptionBudget, ReplicaSet } from '../../cluster/types.js';
import { compileLabelSelector, type LabelMatcher } from '../../cluster/selector.js';
import type { ApiClient, ApiServer } from '../apiserver/apiServer.js';
import { getControllerOf, isReady } from './podControl.js';
import { WorkQueue } from './workQueue.js';
import { scaledValue } from '../../cluster/intstr.js';
import { extend } from '../../cluster/extend.js';

interface Budget {
  namespace: string;
  selector: LabelMatcher;
  /** Matching pods by key. */
  pods: Map<string, Pod>;
}


/** The status of a budget over its pods; `scale` gives a pod's controller scale key and value, or undefined. */
export function budgetStatus(pdb: PodDisruptionBudget, pods: readonly Pod[], scale: (pod: Pod) => [string, number] | undefined): PodDisruptionBudget['status'] {
  const { minAvailable, maxUnavailable } = pdb.spec;
  let expected: number;
  let desired: number;
  let failed = false;
  if (maxUnavailable === undefined && typeof minAvailable === 'number') {
    expected = pods.length;
    desired = minAvailable;
  } else {
    const scales = new Map<string, number>();
    for (const p of pods) {
      const s = scale(p);
      if (s === undefined) failed = true;
      else scales.set(s[0], s[1]);
    }
    expected = 0;
    for (const v of scales.values()) expected += v;
    if (maxUnavailable !== undefined) desired = Math.max(0, expected - scaledValue(maxUnavailable, expected, true));
    else desired = scaledValue(minAvailable ?? 0, expected, true);
  }
  let healthy = 0;
  for (const p of pods) if (p.metadata.deletionTimestamp === undefined && isReady(p)) healthy++;
  if (failed) return { disruptionsAllowed: 0, currentHealthy: healthy, desiredHealthy: desired, expectedPods: expected, observedGeneration: pdb.metadata.generation };
  return { disruptionsAllowed: Math.max(0, healthy - desired), currentHealthy: healthy, desiredHealthy: desired, expectedPods: expected, observedGeneration: pdb.metadata.generation };
}

/** The disruption controller. */
export class DisruptionController {
  private readonly queue: WorkQueue;
  private readonly budgets = new Map<string, Budget>();
  private readonly byNamespace = new Map<string, Set<string>>();

  constructor(
    engine: Engine,
    private readonly api: ApiServer,
    private readonly client: ApiClient,
  ) {
    this.queue = new WorkQueue(engine, (key, done) => this.sync(key, done));
  }

  /** Starts the informers. */
  start(): void {
    this.api.watch('PodDisruptionBudget', {}, (ev) => {
      const pdb = ev.object;
      const ns = pdb.metadata.namespace ?? 'default';
      const key = `${ns}/${pdb.metadata.name}`;
      if (ev.type === 'DELETED') {
        this.budgets.delete(key);
        this.byNamespace.get(ns)?.delete(key);
        return;
      }
      const old = this.budgets.get(key);
      if (old === undefined || ev.old === undefined || ev.old.spec.selector !== pdb.spec.selector) {
        const selector = compileLabelSelector(pdb.spec.selector);
        const pods = new Map<string, Pod>();
        for (const p of this.api.store.list('Pod')) if ((p.metadata.namespace ?? 'default') === ns && selector(p.metadata.labels)) pods.set(`${ns}/${p.metadata.name}`, p);
        this.budgets.set(key, { namespace: ns, selector, pods });
        let set = this.byNamespace.get(ns);
        if (set === undefined) this.byNamespace.set(ns, (set = new Set()));
        set.add(key);
      }
      if (ev.old === undefined || ev.old.spec !== pdb.spec || ev.old.metadata.generation !== pdb.metadata.generation) this.queue.add(key);
    });
    this.api.watch('Pod', {}, (ev) => {
      const pod = ev.object;
      const ns = pod.metadata.namespace ?? 'default';
      const keys = this.byNamespace.get(ns);
      if (keys === undefined || keys.size === 0) return;
      const podKey = `${ns}/${pod.metadata.name}`;
      for (const key of keys) {
        const b = this.budgets.get(key)!;
        const had = b.pods.has(podKey);
        const matches = ev.type !== 'DELETED' && b.selector(pod.metadata.labels);
        if (matches) b.pods.set(podKey, pod);
        else b.pods.delete(podKey);
        if (had || matches) this.queue.add(key);
      }
    });
  }

  /** The scale of a pod's controller (`finders`: ReplicaSet, or the Deployment owning it). */
  private scale(pod: Pod): [string, number] | undefined {
    const ref = getControllerOf(pod);
    if (ref === undefined || ref.kind !== 'ReplicaSet') return undefined;
    const ns = pod.metadata.namespace ?? 'default';
    const rs = this.client.get('ReplicaSet', `${ns}/${ref.name}`) as ReplicaSet | undefined;
    if (rs === undefined) return undefined;
    const dref = getControllerOf(rs);
    if (dref?.kind === 'Deployment') {
      const d = this.client.get('Deployment', `${ns}/${dref.name}`) as Deployment | undefined;
      if (d !== undefined) return [`Deployment/${d.metadata.uid}`, d.spec.replicas ?? 1];
    }
    return [`ReplicaSet/${rs.metadata.uid}`, rs.spec.replicas ?? 1];
  }

  private sync(key: string, done: () => void): void {
    const b = this.budgets.get(key);
    const pdb = this.client.get('PodDisruptionBudget', key);
    if (b === undefined || pdb === undefined) return done();
    const next = budgetStatus(pdb, [...b.pods.values()], (p) => this.scale(p));
    const cur = pdb.status;
    if (cur.disruptionsAllowed === next.disruptionsAllowed && cur.currentHealthy === next.currentHealthy && cur.desiredHealthy === next.desiredHealthy && cur.expectedPods === next.expectedPods && cur.observedGeneration === next.observedGeneration) return done();
    this.client.update('PodDisruptionBudget', key, (p) => extend(p, { status: next }), () => done());
  }
}
