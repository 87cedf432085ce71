/**
 * The API server's defaults of a pod spec (pkg/apis/core/v1/defaults.go `SetDefaults_Pod`, `SetDefaults_PodSpec`,
 * `SetDefaults_Container`): restartPolicy Always, terminationGracePeriodSeconds 30, schedulerName default-scheduler,
 * imagePullPolicy Always for `:latest` or untagged images and IfNotPresent otherwise, requests defaulting to limits.
 * Applied to every pod kubesim takes or makes (manifests, templates, trace records).
 */
import type { Container, PodSpec } from './types.js';
import { extend } from './extend.js';

/** Upstream's default scheduler name. */
export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';

/** `SetDefaults_Container`'s imagePullPolicy rule. */
export function defaultPullPolicy(image: string): 'Always' | 'IfNotPresent' {
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  if (image.includes('@')) return 'IfNotPresent';
  const colon = lastSegment.lastIndexOf(':');
  const tag = colon < 0 ? '' : lastSegment.slice(colon + 1);
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

/**
 * Container defaults: imagePullPolicy, and requests defaulting to limits for every resource that has a limit but no
 * request (pkg/apis/core/v1/defaults.go `SetDefaults_Pod`).
 */
function defaultContainer(c: Container): Container {
  const limits = c.resources?.limits;
  let resources = c.resources;
  if (limits !== undefined) {
    const requests = { ...(c.resources?.requests ?? {}) };
    let changed = false;
    for (const k in limits) {
      if (requests[k] === undefined) {
        requests[k] = limits[k]!;
        changed = true;
      }
    }
    if (changed) resources = extend(c.resources ?? {}, { requests });
  }
  return Object.assign({}, c, { imagePullPolicy: c.imagePullPolicy ?? defaultPullPolicy(c.image) }, resources !== c.resources ? { resources } : {});
}

/** Applies pod spec defaults. */
export function defaultPodSpec(spec: PodSpec): PodSpec {
  return Object.assign(
    {},
    spec,
    { containers: spec.containers.map(defaultContainer) },
    spec.initContainers ? { initContainers: spec.initContainers.map(defaultContainer) } : {},
    {
      restartPolicy: spec.restartPolicy ?? 'Always',
      terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds ?? 30,
      schedulerName: spec.schedulerName ?? DEFAULT_SCHEDULER_NAME,
    },
  );
}
