/**
 * Turning validated manifests into API objects with upstream defaults:
 * - pods: pkg/apis/core/v1/defaults.go (`SetDefaults_Pod`, `SetDefaults_PodSpec`, `SetDefaults_Container`):
 *   restartPolicy Always, terminationGracePeriodSeconds 30, schedulerName default-scheduler, imagePullPolicy Always
 *   for `:latest` or untagged images and IfNotPresent otherwise;
 * - apps/v1 (pkg/apis/apps/v1/defaults.go): replicas 1, RollingUpdate 25 %/25 %, revisionHistoryLimit 10,
 *   progressDeadlineSeconds 600;
 * - batch/v1 (pkg/apis/batch/v1/defaults.go): completions = parallelism = 1 when both unset, backoffLimit 6,
 *   completionMode NonIndexed, suspend false.
 * Validation that upstream's API server would do (selector must match template labels, Job restartPolicy) is here too.
 */
import type { CronJob, DaemonSet, Deployment, ReplicationController, Ingress, IngressClass, StatefulSet, Job, KubeObject, LimitRange, LimitRangeItem, Node, PersistentVolume, PersistentVolumeClaim, PersistentVolumeClaimSpec, Pod, PodDisruptionBudget, PodSpec, PodTemplateSpec, PriorityClass, ReplicaSet, ResourceQuota, Service, StorageClass } from '../cluster/types.js';
import { compileLabelSelector } from '../cluster/selector.js';
import { parseDuration } from '../cluster/duration.js';
import { resourceAmount } from '../cluster/quantity.js';
import { DURATION_ANNOTATION, EXIT_CODE_ANNOTATION, FAILURE_PROBABILITY_ANNOTATION, IMAGE_SIZE_ANNOTATION, PRESTOP_DURATION_ANNOTATION, UNHEALTHY_AFTER_ANNOTATION } from '../cluster/annotations.js';
import type { ParsedManifest, ParsedPodTemplate } from './schema/kubernetes.js';
import { toHpa } from './hpaManifest.js';
import { cronScheduleError } from '../cluster/cronSchedule.js';
import { parseUsage, USAGE_ANNOTATIONS } from '../cluster/usage.js';
import { gpuAnnotationError } from '../cluster/gpuRequest.js';
import { defaultPodSpec } from '../cluster/podDefaults.js';

/** A validation problem found after the schema: path inside the manifest and message. */
export interface ManifestProblem {
  path: (string | number)[];
  message: string;
}

function template(t: ParsedPodTemplate): PodTemplateSpec {
  return { metadata: { ...(t.metadata ?? {}) }, spec: defaultPodSpec(t.spec as PodSpec) };
}

function checkAnnotations(annotations: Record<string, string> | undefined, path: (string | number)[], problems: ManifestProblem[]): void {
  for (const key of [DURATION_ANNOTATION, PRESTOP_DURATION_ANNOTATION, UNHEALTHY_AFTER_ANNOTATION]) {
    const d = annotations?.[key];
    if (d !== undefined && parseDuration(d) === undefined) problems.push({ path: [...path, key], message: `expected a duration such as 500ms, 90s, 10m or 6h, found "${d}"` });
  }
  const e = annotations?.[EXIT_CODE_ANNOTATION];
  if (e !== undefined && !/^\d{1,3}$/.test(e)) problems.push({ path: [...path, EXIT_CODE_ANNOTATION], message: `expected an exit code 0–255, found "${e}"` });
  else if (e !== undefined && Number(e) > 255) problems.push({ path: [...path, EXIT_CODE_ANNOTATION], message: `expected an exit code 0–255, found "${e}"` });
  for (const [resource, annotation] of Object.entries(USAGE_ANNOTATIONS)) {
    const u = annotations?.[annotation];
    if (u === undefined) continue;
    try {
      parseUsage(resource, u);
    } catch (e) {
      problems.push({ path: [...path, annotation], message: `expected a ${resource} usage (a quantity, or {perPod, shared, noise}): ${(e as Error).message}` });
    }
  }
  const size = annotations?.[IMAGE_SIZE_ANNOTATION];
  if (size !== undefined) {
    try {
      resourceAmount('storage', size);
    } catch (e) {
      problems.push({ path: [...path, IMAGE_SIZE_ANNOTATION], message: `expected an image size such as 250Mi or 2Gi: ${(e as Error).message}` });
    }
  }
  const gpu = gpuAnnotationError(annotations);
  if (gpu !== undefined) problems.push({ path: [...path], message: gpu });
  const f = annotations?.[FAILURE_PROBABILITY_ANNOTATION];
  if (f !== undefined && !(/^(0(\.\d+)?|1(\.0+)?)$/.test(f))) problems.push({ path: [...path, FAILURE_PROBABILITY_ANNOTATION], message: `expected a probability between 0 and 1, found "${f}"` });
}

function checkSelector(selector: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] }, t: PodTemplateSpec, problems: ManifestProblem[]): void {
  if (Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0) {
    problems.push({ path: ['spec', 'selector'], message: 'empty selector is invalid for a workload; it must select the template labels' });
  } else if (!compileLabelSelector(selector as never)(t.metadata?.labels)) {
    problems.push({ path: ['spec', 'template', 'metadata', 'labels'], message: '`selector` does not match template `labels`' });
  }
}

/** Converts one validated manifest into an API object with defaults; problems are pushed, not thrown. */
export function toObject(m: ParsedManifest, problems: ManifestProblem[]): KubeObject {
  const metadata = { ...m.metadata, name: m.metadata.name ?? '' } as KubeObject['metadata'];
  checkAnnotations(m.metadata.annotations, ['metadata', 'annotations'], problems);
  switch (m.kind) {
    case 'Node': {
      const capacity = m.status.capacity;
      const node: Node = {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { ...metadata, namespace: undefined },
        spec: { ...(m.spec ?? {}) },
        status: { capacity, allocatable: m.status.allocatable ?? { ...capacity }, images: m.status.images ?? [] },
      };
      delete node.metadata.namespace;
      return node;
    }
    case 'Pod': {
      const pod: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { ...metadata, namespace: metadata.namespace ?? 'default' }, spec: defaultPodSpec(m.spec as PodSpec), status: { phase: 'Pending' } };
      return pod;
    }
    case 'Service': {
      // SetDefaults_Service: type ClusterIP, sessionAffinity None, port protocol TCP, targetPort = port,
      // externalTrafficPolicy Cluster for NodePort/LoadBalancer, internalTrafficPolicy Cluster.
      const spec = { type: 'ClusterIP', sessionAffinity: 'None', ...(m.spec ?? {}) } as Service['spec'];
      if (spec.type !== 'ExternalName') {
        spec.ports = (spec.ports ?? []).map((p) => ({ ...p, protocol: p.protocol ?? 'TCP', targetPort: p.targetPort ?? p.port }));
        spec.internalTrafficPolicy ??= 'Cluster';
        if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') spec.externalTrafficPolicy ??= 'Cluster';
      } else if (!spec.externalName) problems.push({ path: ['spec', 'externalName'], message: 'an ExternalName Service needs spec.externalName' });
      const svc: Service = { apiVersion: 'v1', kind: 'Service', metadata: { ...metadata, namespace: metadata.namespace ?? 'default' }, spec, status: {} };
      return svc;
    }
    case 'Deployment': {
      const t = template(m.spec.template);
      checkSelector(m.spec.selector, t, problems);
      checkAnnotations(t.metadata?.annotations, ['spec', 'template', 'metadata', 'annotations'], problems);
      const d: Deployment = {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { ...metadata, namespace: metadata.namespace ?? 'default' },
        spec: {
          ...m.spec,
          template: t,
          replicas: m.spec.replicas ?? 1,
          strategy:
            m.spec.strategy?.type === 'Recreate'
              ? { type: 'Recreate' }
              : { type: 'RollingUpdate', rollingUpdate: { maxSurge: m.spec.strategy?.rollingUpdate?.maxSurge ?? '25%', maxUnavailable: m.spec.strategy?.rollingUpdate?.maxUnavailable ?? '25%' } },
          revisionHistoryLimit: m.spec.revisionHistoryLimit ?? 10,
          progressDeadlineSeconds: m.spec.progressDeadlineSeconds ?? 600,
          minReadySeconds: m.spec.minReadySeconds ?? 0,
        },
        status: {},
      };
      return d;
    }
    case 'ReplicaSet': {
      const t = template(m.spec.template);
      checkSelector(m.spec.selector, t, problems);
      checkAnnotations(t.metadata?.annotations, ['spec', 'template', 'metadata', 'annotations'], problems);
      const rs: ReplicaSet = {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: { ...metadata, namespace: metadata.namespace ?? 'default' },
        spec: { ...m.spec, template: t, replicas: m.spec.replicas ?? 1, minReadySeconds: m.spec.minReadySeconds ?? 0 },
        status: { replicas: 0 },
      };
      return rs;
    }
    case 'ReplicationController': {
      // SetDefaults_ReplicationController: the selector and the labels default to the template's labels.
      const t = template(m.spec.template);
      const selector = m.spec.selector !== undefined && Object.keys(m.spec.selector).length > 0 ? m.spec.selector : (t.metadata?.labels ?? {});
      checkSelector({ matchLabels: selector }, t, problems);
      checkAnnotations(t.metadata?.annotations, ['spec', 'template', 'metadata', 'annotations'], problems);
      const rc: ReplicationController = {
        apiVersion: 'v1',
        kind: 'ReplicationController',
        metadata: { ...metadata, namespace: metadata.namespace ?? 'default', labels: metadata.labels ?? t.metadata?.labels },
        spec: { template: t, selector: { matchLabels: selector }, replicas: m.spec.replicas ?? 1, minReadySeconds: m.spec.minReadySeconds ?? 0 },
        status: { replicas: 0 },
      };
      return rc;
    }
    case 'DaemonSet': {
      const t = template(m.spec.template);
      checkSelector(m.spec.selector, t, problems);
      checkAnnotations(t.metadata?.annotations, ['spec', 'template', 'metadata', 'annotations'], problems);
      const rp = m.spec.template.spec.restartPolicy;
      if (rp !== undefined && rp !== 'Always') problems.push({ path: ['spec', 'template', 'spec', 'restartPolicy'], message: `a DaemonSet's pods need restartPolicy Always, found ${rp}` });
      // SetDefaults_DaemonSet: RollingUpdate with maxUnavailable 1 and maxSurge 0, revisionHistoryLimit 10.
      const ds: DaemonSet = {
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        metadata: { ...metadata, namespace: metadata.namespace ?? 'default' },
        spec: {
          ...m.spec,
          template: t,
          updateStrategy:
            m.spec.updateStrategy?.type === 'OnDelete'
              ? { type: 'OnDelete' }
              : { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: m.spec.updateStrategy?.rollingUpdate?.maxUnavailable ?? 1, maxSurge: m.spec.updateStrategy?.rollingUpdate?.maxSurge ?? 0 } },
          minReadySeconds: m.spec.minReadySeconds ?? 0,
          revisionHistoryLimit: m.spec.revisionHistoryLimit ?? 10,
        },
        status: { desiredNumberScheduled: 0, currentNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0 },
      };
      return ds;
    }
    case 'StatefulSet': {
      // SetDefaults_StatefulSet: replicas 1, OrderedReady, RollingUpdate with partition 0, revisionHistoryLimit 10.
      const t = template(m.spec.template);
      checkSelector(m.spec.selector, t, problems);
      checkAnnotations(t.metadata?.annotations, ['spec', 'template', 'metadata', 'annotations'], problems);
      const u = m.spec.updateStrategy;
      const { volumeClaimTemplates: claims, ...specRest } = m.spec;
      const ss: StatefulSet = {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: { ...metadata, namespace: metadata.namespace ?? 'default' },
        spec: {
          ...specRest,
          template: t,
          replicas: m.spec.replicas ?? 1,
          podManagementPolicy: m.spec.podManagementPolicy ?? 'OrderedReady',
          updateStrategy: u?.type === 'OnDelete' ? { type: 'OnDelete' } : { type: 'RollingUpdate', rollingUpdate: { partition: u?.rollingUpdate?.partition ?? 0 } },
          revisionHistoryLimit: m.spec.revisionHistoryLimit ?? 10,
          minReadySeconds: m.spec.minReadySeconds ?? 0,
          ...(claims ? { volumeClaimTemplates: claims.map((c) => ({ metadata: { name: c.metadata.name ?? '', ...(c.metadata.labels ? { labels: c.metadata.labels } : {}) }, spec: claimSpec(c.spec) })) } : {}),
        },
        status: {},
      };
      return ss;
    }
    case 'Job':
      return toJob(m, metadata, problems);
    case 'CronJob': {
      // SetDefaults_CronJob: concurrencyPolicy Allow, suspend false, history limits 3 and 1; the Job template gets
      // the Job defaults. The schedule is checked by the cron parser the controller uses.
      const sub: ManifestProblem[] = [];
      const job = toJob({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: metadata.name }, spec: m.spec.jobTemplate.spec } as Extract<ParsedManifest, { kind: 'Job' }>, metadata, sub);
      for (const p of sub) problems.push({ path: ['spec', 'jobTemplate', ...p.path], message: p.message });
      const schedule = cronScheduleError(m.spec.schedule, m.spec.timeZone);
      if (schedule !== undefined) problems.push({ path: ['spec', 'schedule'], message: schedule });
      const cj: CronJob = {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: { ...metadata, namespace: metadata.namespace ?? 'default' },
        spec: {
          ...m.spec,
          concurrencyPolicy: m.spec.concurrencyPolicy ?? 'Allow',
          suspend: m.spec.suspend ?? false,
          successfulJobsHistoryLimit: m.spec.successfulJobsHistoryLimit ?? 3,
          failedJobsHistoryLimit: m.spec.failedJobsHistoryLimit ?? 1,
          jobTemplate: { ...(m.spec.jobTemplate.metadata ? { metadata: m.spec.jobTemplate.metadata } : {}), spec: job.spec },
        },
        status: {},
      };
      return cj;
    }
    case 'LimitRange': {
      // SetDefaults_LimitRangeItem (pkg/apis/core/v1/defaults.go): for Container items a default limit falls back to
      // max, a default request to the default limit, then to min.
      const limits: LimitRangeItem[] = m.spec.limits.map((item) => {
        if (item.type !== 'Container') return { ...item };
        const dflt = { ...(item.max ?? {}), ...(item.default ?? {}) };
        const defaultRequest = { ...(item.min ?? {}), ...dflt, ...(item.defaultRequest ?? {}) };
        return { ...item, default: dflt, defaultRequest };
      });
      return { apiVersion: 'v1', kind: 'LimitRange', metadata: { ...metadata, namespace: metadata.namespace ?? 'default' }, spec: { limits } } satisfies LimitRange;
    }
    case 'StorageClass': {
      const sc: StorageClass = { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { ...metadata }, provisioner: m.provisioner, volumeBindingMode: m.volumeBindingMode ?? 'Immediate', reclaimPolicy: m.reclaimPolicy ?? 'Delete', ...(m.allowedTopologies ? { allowedTopologies: m.allowedTopologies } : {}) };
      delete sc.metadata.namespace;
      return sc;
    }
    case 'PersistentVolume': {
      const sp = m.spec;
      const pv: PersistentVolume = {
        apiVersion: 'v1',
        kind: 'PersistentVolume',
        metadata: { ...metadata },
        spec: {
          storage: sp.capacity.storage!,
          accessModes: sp.accessModes,
          ...(sp.storageClassName !== undefined ? { storageClassName: sp.storageClassName } : {}),
          persistentVolumeReclaimPolicy: sp.persistentVolumeReclaimPolicy ?? 'Retain',
          ...(sp.nodeAffinity ? { nodeAffinity: sp.nodeAffinity as PersistentVolume['spec']['nodeAffinity'] } : {}),
          ...(sp.claimRef ? { claimRef: { namespace: sp.claimRef.namespace, name: sp.claimRef.name } } : {}),
          ...(sp.csi ? { csiDriver: sp.csi.driver } : {}),
        },
        status: { phase: 'Available' },
      };
      delete pv.metadata.namespace;
      return pv;
    }
    case 'Ingress': {
      // Rules without http paths route nothing; a path without `path` is "/" (ImplementationSpecific allows it).
      const rules = (m.spec.rules ?? []).filter((r) => r.http !== undefined).map((r) => ({ ...(r.host !== undefined ? { host: r.host } : {}), paths: r.http!.paths.map((p) => ({ path: p.path ?? '/', pathType: p.pathType, backend: p.backend })) }));
      const ing: Ingress = { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { ...metadata, namespace: metadata.namespace ?? 'default' }, spec: { ...(m.spec.ingressClassName !== undefined ? { ingressClassName: m.spec.ingressClassName } : {}), ...(m.spec.defaultBackend ? { defaultBackend: m.spec.defaultBackend } : {}), rules } };
      return ing;
    }
    case 'IngressClass': {
      const ic: IngressClass = { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { ...metadata }, spec: { controller: m.spec.controller } };
      delete ic.metadata.namespace;
      return ic;
    }
    case 'PersistentVolumeClaim':
      return { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { ...metadata, namespace: metadata.namespace ?? 'default' }, spec: claimSpec(m.spec), status: { phase: 'Pending' } } satisfies PersistentVolumeClaim;
    case 'ResourceQuota':
      return { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { ...metadata, namespace: metadata.namespace ?? 'default' }, spec: { hard: { ...m.spec.hard } }, status: { hard: { ...m.spec.hard }, used: {} } } satisfies ResourceQuota;
    case 'PriorityClass': {
      const pc: PriorityClass = { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { ...metadata }, value: m.value, ...(m.globalDefault !== undefined ? { globalDefault: m.globalDefault } : {}), preemptionPolicy: m.preemptionPolicy ?? 'PreemptLowerPriority', ...(m.description !== undefined ? { description: m.description } : {}) };
      delete pc.metadata.namespace;
      return pc;
    }
    case 'HorizontalPodAutoscaler':
      return toHpa(m, metadata, problems);
    case 'PodDisruptionBudget': {
      const pdb: PodDisruptionBudget = {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: { ...metadata, namespace: metadata.namespace ?? 'default' },
        spec: { ...m.spec },
        status: { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 },
      };
      return pdb;
    }
  }
}

/** A claim spec as kubesim keeps it (the storage request in bytes). */
function claimSpec(sp: { accessModes: string[]; resources: { requests: Record<string, number> }; storageClassName?: string; volumeName?: string }): PersistentVolumeClaimSpec {
  return { accessModes: sp.accessModes, storage: sp.resources.requests.storage!, ...(sp.storageClassName !== undefined ? { storageClassName: sp.storageClassName } : {}), ...(sp.volumeName !== undefined ? { volumeName: sp.volumeName } : {}) };
}

function toJob(m: Extract<ParsedManifest, { kind: 'Job' }>, metadata: KubeObject['metadata'], problems: ManifestProblem[]): Job {
  const t = template(m.spec.template);
  checkAnnotations(t.metadata?.annotations, ['spec', 'template', 'metadata', 'annotations'], problems);
  const rp = m.spec.template.spec.restartPolicy;
  if (m.spec.podFailurePolicy !== undefined && rp !== 'Never') {
    problems.push({ path: ['spec', 'template', 'spec', 'restartPolicy'], message: `a Job with a podFailurePolicy needs restartPolicy Never, found ${rp ?? 'nothing'}` });
  }
  if (m.spec.podFailurePolicy?.rules.some((r) => r.action === 'FailIndex') && m.spec.completionMode !== 'Indexed') {
    problems.push({ path: ['spec', 'podFailurePolicy'], message: 'the FailIndex action needs an Indexed Job (with backoffLimitPerIndex)' });
  }
  if (rp !== 'Never' && rp !== 'OnFailure') {
    problems.push({ path: ['spec', 'template', 'spec', 'restartPolicy'], message: `a Job's pods need restartPolicy Never or OnFailure, found ${rp ?? 'nothing (defaults to Always)'}` });
  }
  // SetDefaults_Job: both unset → 1/1; only parallelism set → completions stay unset (work queue);
  // only completions set → parallelism 1.
  let { completions, parallelism } = m.spec;
  if (completions === undefined && parallelism === undefined) {
    completions = 1;
    parallelism = 1;
  }
  parallelism ??= 1;
  if (m.spec.completionMode === 'Indexed' && completions === undefined) {
    problems.push({ path: ['spec', 'completions'], message: 'an Indexed Job needs completions' });
  }
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { ...metadata, namespace: metadata.namespace ?? 'default' },
    spec: {
      ...m.spec,
      template: t,
      parallelism,
      ...(completions !== undefined ? { completions } : {}),
      backoffLimit: m.spec.backoffLimit ?? 6,
      completionMode: m.spec.completionMode ?? 'NonIndexed',
      suspend: m.spec.suspend ?? false,
    },
    status: {},
  };
}
