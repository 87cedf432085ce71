/**
 * ResourceQuota for pods (plugin/pkg/admission/resourcequota, pkg/quota/v1/evaluator/core/pods.go): the usage a pod
 * adds — `pods`, `count/pods`, `requests.<r>` (and `cpu`, `memory`, `ephemeral-storage` for the requests),
 * `limits.<r>`, from PodRequests and PodLimits (sidecars included) — is checked against every quota of its namespace
 * at creation; terminal pods (Succeeded, Failed) do not count. A quota over cpu or memory requests or limits requires
 * every container, init containers included, to set them ("must specify limits.memory for: app").
 * Forbidden messages as upstream: "exceeded quota: compute, requested: requests.cpu=2, used: requests.cpu=9,
 * limited: requests.cpu=10". Usage is kept from the store's commits, as the quota controller's recalculation would
 * give it (its resync lag is not modelled).
 */
import type { Change } from '../../cluster/store.js';
import type { Pod, ResourceQuota } from '../../cluster/types.js';
import { CPU, EPHEMERAL_STORAGE, MEMORY, type ResourceList } from '../../cluster/resources.js';
import { formatAmount } from '../../cluster/quantity.js';
import { podInfo } from '../scheduler/podInfo.js';
import { extend } from '../../cluster/extend.js';
import { podLimitList } from '../../cluster/podResources.js';

/** The quota usage of one pod. */
export function podQuotaUsage(pod: Pod): ResourceList {
  const info = podInfo(pod);
  const u: ResourceList = { pods: 1, 'count/pods': 1 };
  const req = info.requests;
  const add = (k: string, v: number) => {
    if (v > 0) u[k] = (u[k] ?? 0) + v;
  };
  add(`requests.${CPU}`, req.milliCPU);
  add(CPU, req.milliCPU);
  add(`requests.${MEMORY}`, req.memory);
  add(MEMORY, req.memory);
  add(`requests.${EPHEMERAL_STORAGE}`, req.ephemeralStorage);
  add(EPHEMERAL_STORAGE, req.ephemeralStorage);
  for (const [k, v] of req.scalar) add(`requests.${k}`, v);
  // Limits as PodLimits computes them (sidecars add to the sum and to later init containers' peaks).
  const limits = podLimitList(pod.spec);
  for (const [k, v] of Object.entries(limits)) add(`limits.${k}`, v);
  return u;
}

/** The quota resources that need every container to set them (pods.go `validationSet`). */
const VALIDATED = new Set([CPU, MEMORY, `requests.${CPU}`, `requests.${MEMORY}`, `limits.${CPU}`, `limits.${MEMORY}`]);

const terminal = (p: Pod) => p.status.phase === 'Succeeded' || p.status.phase === 'Failed';

/** The resource name a quota key measures ("requests.cpu" → cpu), for formatting. */
function resourceOf(key: string): string {
  return key.startsWith('requests.') ? key.slice(9) : key.startsWith('limits.') ? key.slice(7) : key === 'count/pods' ? 'pods' : key;
}

/** Per-namespace usage of non-terminal pods, and the admission check. */
export class QuotaTracker {
  private readonly used = new Map<string, ResourceList>();
  private readonly counted = new Map<string, { ns: string; usage: ResourceList }>();

  /** Whether some ResourceQuota exists: usage is tracked only then (rebuilt from the store when the first appears). */
  private tracking = false;

  /** Store commit listener. */
  onCommit(c: Change, pods: () => Iterable<Pod>): void {
    if (c.object.kind === 'ResourceQuota' && !this.tracking) {
      // The quota controller computes usage when a quota appears: count every non-terminal pod now.
      this.tracking = true;
      for (const p of pods()) this.onCommit(extend(c, { type: 'ADDED', object: p, old: undefined }), pods);
      return;
    }
    if (!this.tracking || c.object.kind !== 'Pod') return;
    const pod = c.object as Pod;
    const uid = pod.metadata.uid!;
    const was = this.counted.get(uid);
    const counts = c.type !== 'DELETED' && !terminal(pod);
    if (was !== undefined && !counts) {
      this.apply(was.ns, was.usage, -1);
      this.counted.delete(uid);
    } else if (was === undefined && counts) {
      const ns = pod.metadata.namespace ?? 'default';
      const usage = podQuotaUsage(pod);
      this.apply(ns, usage, 1);
      this.counted.set(uid, { ns, usage });
    }
  }

  private apply(ns: string, usage: ResourceList, sign: 1 | -1): void {
    let u = this.used.get(ns);
    if (u === undefined) this.used.set(ns, (u = {}));
    for (const [k, v] of Object.entries(usage)) u[k] = (u[k] ?? 0) + sign * v;
  }

  /** The namespace's current usage. */
  usage(ns: string): Readonly<ResourceList> {
    return this.used.get(ns) ?? {};
  }

  /** Undefined when the pod fits every quota of its namespace, else upstream's reason. */
  check(pod: Pod, quotas: readonly ResourceQuota[]): string | undefined {
    if (quotas.length === 0) return undefined;
    const delta = podQuotaUsage(pod);
    const used = this.usage(pod.metadata.namespace ?? 'default');
    const fmt = (k: string, v: number) => `${k}=${formatAmount(resourceOf(k), v)}`;
    for (const q of [...quotas].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1))) {
      const hard = q.spec.hard;
      // Quotas over cpu or memory need every container, init containers and sidecars included, to state them
      // (pods.go `Constraints`, `enforcePodContainerConstraints`): "must specify limits.cpu for: app,side".
      const required = Object.keys(hard).filter((k) => VALIDATED.has(k)).sort();
      const missing: string[] = [];
      for (const key of required) {
        const [kind, r] = key.startsWith('limits.') ? ['limits', key.slice(7)] : ['requests', key.startsWith('requests.') ? key.slice(9) : key];
        const names = [...pod.spec.containers, ...(pod.spec.initContainers ?? [])]
          .filter((c) => c.resources?.[kind as 'requests' | 'limits']?.[r] === undefined)
          .map((c) => c.name)
          .sort();
        if (names.length > 0) missing.push(`${key} for: ${[...new Set(names)].join(',')}`);
      }
      if (missing.length > 0) return `failed quota: ${q.metadata.name}: must specify ${missing.join('; ')}`;
      const over = Object.keys(hard)
        .sort()
        .filter((k) => (delta[k] ?? 0) > 0 && (used[k] ?? 0) + delta[k]! > hard[k]!);
      if (over.length > 0) {
        return `exceeded quota: ${q.metadata.name}, requested: ${over.map((k) => fmt(k, delta[k]!)).join(',')}, used: ${over.map((k) => fmt(k, used[k] ?? 0)).join(',')}, limited: ${over.map((k) => fmt(k, hard[k]!)).join(',')}`;
      }
    }
    return undefined;
  }
}
