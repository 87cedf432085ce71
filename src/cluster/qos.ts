/**
 * A pod's QoS class (pkg/apis/core/v1/helper/qos/qos.go `ComputePodQOS`), from the cpu and memory requests and
 * limits of all its containers (init containers included; only requests and limits > 0 count):
 * - BestEffort: no container requests or limits cpu or memory;
 * - Guaranteed: every container limits both cpu and memory, and the summed requests equal the summed limits for
 *   every resource requested (requests default to limits at admission, see manifests.ts);
 * - Burstable: anything else.
 */
import type { PodSpec } from './types.js';
import { CPU, MEMORY } from './resources.js';

export type QosClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

/** The QoS class of a pod spec. */
export function podQos(spec: PodSpec): QosClass {
  const requests = new Map<string, number>();
  const limits = new Map<string, number>();
  let guaranteed = true;
  for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
    for (const name of [CPU, MEMORY]) {
      const r = c.resources?.requests?.[name] ?? 0;
      if (r > 0) requests.set(name, (requests.get(name) ?? 0) + r);
    }
    let found = 0;
    for (const name of [CPU, MEMORY]) {
      const l = c.resources?.limits?.[name] ?? 0;
      if (l > 0) {
        found++;
        limits.set(name, (limits.get(name) ?? 0) + l);
      }
    }
    if (found < 2) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [name, r] of requests) {
      if (limits.get(name) !== r) {
        guaranteed = false;
        break;
      }
    }
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}
