/**
 * The LimitRanger admission plugin (plugin/pkg/admission/limitranger/admission.go) for pods, with every LimitRange
 * of the pod's namespace:
 * - mutation: a container without a request (limit) of a resource gets the Container item's defaultRequest (default);
 * - validation (Container items per container, Pod items over the pod's requests and limits as PodRequests and
 *   PodLimits aggregate them, sidecars included): request ≥ min,
 *   limit ≤ max (a limit required then), limit / request ≤ maxLimitRequestRatio. Violations forbid the pod with
 *   upstream's messages, e.g. "minimum cpu usage per Container is 100m, but request is 50m".
 */
import type { Container, LimitRange, Pod } from '../../cluster/types.js';
import type { ResourceList } from '../../cluster/resources.js';
import { formatAmount } from '../../cluster/quantity.js';
import { extend } from '../../cluster/extend.js';
import { aggregateContainers } from '../../cluster/podResources.js';

/** Applies defaults and checks bounds; returns the admitted pod or the reasons it is forbidden. */
export function admitLimitRanges(pod: Pod, ranges: readonly LimitRange[]): Pod | string {
  if (ranges.length === 0) return pod;
  let containers = pod.spec.containers;
  let initContainers = pod.spec.initContainers;
  for (const lr of ranges) {
    for (const item of lr.spec.limits) {
      if (item.type !== 'Container') continue;
      const apply = (c: Container): Container => {
        const requests = Object.assign({}, item.defaultRequest ?? {}, c.resources?.requests ?? {});
        const limits = Object.assign({}, item.default ?? {}, c.resources?.limits ?? {});
        return extend(c, { resources: Object.assign({}, c.resources, Object.keys(requests).length > 0 ? { requests } : {}, Object.keys(limits).length > 0 ? { limits } : {}) });
      };
      containers = containers.map(apply);
      if (initContainers !== undefined) initContainers = initContainers.map(apply);
    }
  }
  const admitted: Pod = extend(pod, { spec: Object.assign({}, pod.spec, { containers }, initContainers !== undefined ? { initContainers } : {}) });
  const problems: string[] = [];
  for (const lr of ranges) {
    for (const item of lr.spec.limits) {
      if (item.type === 'Container') {
        for (const c of [...(admitted.spec.initContainers ?? []), ...admitted.spec.containers]) check('Container', item, c.resources?.requests ?? {}, c.resources?.limits ?? {}, problems);
      } else {
        // podRequests / podLimits (admission.go): sidecars and init containers' peaks count as PodRequests has them.
        const requests = aggregateContainers(admitted.spec, (c) => c.resources?.requests);
        const limits = aggregateContainers(admitted.spec, (c) => c.resources?.limits);
        check('Pod', item, requests, limits, problems);
      }
    }
  }
  return problems.length === 0 ? admitted : `[${problems.join(', ')}]`;
}

function check(what: 'Container' | 'Pod', item: LimitRange['spec']['limits'][number], requests: ResourceList, limits: ResourceList, problems: string[]): void {
  const q = (r: string, v: number) => formatAmount(r, v);
  for (const [r, min] of Object.entries(item.min ?? {})) {
    const req = requests[r];
    if (req === undefined) problems.push(`minimum ${r} usage per ${what} is ${q(r, min)}.  No request is specified`);
    else if (req < min) problems.push(`minimum ${r} usage per ${what} is ${q(r, min)}, but request is ${q(r, req)}`);
  }
  for (const [r, max] of Object.entries(item.max ?? {})) {
    const lim = limits[r];
    if (lim === undefined) problems.push(`maximum ${r} usage per ${what} is ${q(r, max)}.  No limit is specified`);
    else if (lim > max) problems.push(`maximum ${r} usage per ${what} is ${q(r, max)}, but limit is ${q(r, lim)}`);
  }
  for (const [r, ratio] of Object.entries(item.maxLimitRequestRatio ?? {})) {
    const lim = limits[r];
    const req = requests[r];
    // The ratio is stored like a count: "2" → 2 (×1000 for cpu, which is in milli-units).
    const max = r === 'cpu' ? ratio / 1000 : ratio;
    if (lim === undefined) problems.push(`${r} max limit to request ratio per ${what} is ${max}, but no limit is specified`);
    else if (req === undefined || req === 0) problems.push(`${r} max limit to request ratio per ${what} is ${max}, but no request is specified or request is 0`);
    else if (lim / req > max) problems.push(`${r} max limit to request ratio per ${what} is ${max}, but provided ratio is ${(lim / req).toFixed(6)}`);
  }
}
