/**
 * Schemas of the Kubernetes manifests kubesim loads (v1 Pod, Node, Service; apps/v1 Deployment, ReplicaSet, DaemonSet;
 * batch/v1 Job; scheduling.k8s.io/v1 PriorityClass; policy/v1 PodDisruptionBudget; autoscaling/v2 and v1
 * HorizontalPodAutoscaler). Field names are the API's. Fields kubesim does not model are accepted (a real manifest must load)
 * but a field unknown to Kubernetes is an error with a "did you mean", like `kubectl apply --validate=strict`.
 * Quantities are parsed here; defaults are applied by defaults.ts.
 */
import { z } from 'zod';
import { requirementError } from '../../cluster/selector.js';
import { k8sObject, labelMap, nonNegativeInt, quotaResourceList, resourceList, strict } from './common.js';

const META_UNMODELLED = ['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'finalizers', 'managedFields', 'selfLink', 'ownerReferences'];

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** An object name (DNS subdomain, at most 253 characters). */
const objectName = z
  .string({ error: 'expected a name' })
  .max(253, { error: 'names are at most 253 characters' })
  .regex(DNS_SUBDOMAIN, { error: 'expected a lowercase DNS subdomain name (a-z, 0-9, "-" and ".")' });

/** metav1.ObjectMeta. */
export const objectMeta = k8sObject(
  {
    name: objectName.optional(),
    generateName: z.string().optional(),
    namespace: z.string().max(63, { error: 'namespaces are at most 63 characters' }).regex(DNS_LABEL, { error: 'expected a DNS label namespace' }).optional(),
    labels: labelMap.optional(),
    annotations: labelMap.optional(),
  },
  META_UNMODELLED,
  'metadata',
).refine((m) => m.name !== undefined || m.generateName !== undefined, { message: 'metadata needs a name (or generateName)' });

const operator = z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']);
const requirement = strict({ key: z.string().min(1), operator, values: z.array(z.string()).optional() }, 'a label selector requirement').superRefine(
  (r, ctx) => {
    const e = requirementError(r);
    if (e) ctx.addIssue({ code: 'custom', message: e });
  },
);

/** metav1.LabelSelector. */
export const labelSelector = strict({ matchLabels: labelMap.optional(), matchExpressions: z.array(requirement).optional() }, 'a label selector');

const nodeRequirement = strict(
  { key: z.string().min(1), operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt']), values: z.array(z.string()).optional() },
  'a node selector requirement',
).superRefine((r, ctx) => {
  const e = requirementError(r);
  if (e) ctx.addIssue({ code: 'custom', message: e });
});

/**
 * A `matchFields` requirement, as pkg/apis/core/validation validateNodeFieldSelectorRequirement checks it: the only
 * field is `metadata.name`, the operator In or NotIn with exactly one value (a valid node name).
 */
const nodeFieldRequirement = strict(
  { key: z.string().min(1), operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt']), values: z.array(z.string()).optional() },
  'a node field selector requirement',
).superRefine((r, ctx) => {
  if (r.operator !== 'In' && r.operator !== 'NotIn') ctx.addIssue({ code: 'custom', path: ['operator'], message: `${r.operator} is not a valid selector operator for a node field selector (In or NotIn)` });
  else if ((r.values ?? []).length !== 1) ctx.addIssue({ code: 'custom', path: ['values'], message: "must be only one value when `operator` is 'In' or 'NotIn' for node field selector" });
  if (r.key !== 'metadata.name') ctx.addIssue({ code: 'custom', path: ['key'], message: `${JSON.stringify(r.key)} is not a valid field selector key (metadata.name)` });
  else for (const v of r.values ?? []) if (v.length > 253 || !DNS_SUBDOMAIN.test(v)) ctx.addIssue({ code: 'custom', path: ['values'], message: `${JSON.stringify(v)} is not a valid node name` });
});

const nodeSelectorTerm = strict({ matchExpressions: z.array(nodeRequirement).optional(), matchFields: z.array(nodeFieldRequirement).optional() }, 'a node selector term');

const nodeAffinity = strict(
  {
    requiredDuringSchedulingIgnoredDuringExecution: strict({ nodeSelectorTerms: z.array(nodeSelectorTerm).min(1) }).optional(),
    preferredDuringSchedulingIgnoredDuringExecution: z
      .array(strict({ weight: z.int().min(1, { error: 'weight must be 1–100' }).max(100, { error: 'weight must be 1–100' }), preference: nodeSelectorTerm }))
      .optional(),
  },
  'nodeAffinity',
);

const podAffinityTerm = strict(
  {
    labelSelector: labelSelector.optional(),
    namespaces: z.array(z.string()).optional(),
    namespaceSelector: labelSelector.optional(),
    topologyKey: z.string().min(1, { error: 'expected a non-empty topologyKey' }),
    matchLabelKeys: z.array(z.string()).optional(),
    mismatchLabelKeys: z.array(z.string()).optional(),
  },
  'a pod affinity term',
);

const podAffinity = (what: string) =>
  strict(
    {
      requiredDuringSchedulingIgnoredDuringExecution: z.array(podAffinityTerm).optional(),
      preferredDuringSchedulingIgnoredDuringExecution: z
        .array(strict({ weight: z.int().min(1, { error: 'weight must be 1–100' }).max(100, { error: 'weight must be 1–100' }), podAffinityTerm }, 'a weighted pod affinity term'))
        .optional(),
    },
    what,
  );

const affinity = strict({ nodeAffinity: nodeAffinity.optional(), podAffinity: podAffinity('podAffinity').optional(), podAntiAffinity: podAffinity('podAntiAffinity').optional() }, 'affinity');

/** v1.TopologySpreadConstraint. */
const topologySpreadConstraint = strict(
  {
    maxSkew: z.int().min(1, { error: 'expected maxSkew ≥ 1' }),
    topologyKey: z.string().min(1, { error: 'expected a non-empty topologyKey' }),
    whenUnsatisfiable: z.enum(['DoNotSchedule', 'ScheduleAnyway']),
    labelSelector: labelSelector.optional(),
    minDomains: z.int().min(1, { error: 'expected minDomains ≥ 1' }).optional(),
    nodeAffinityPolicy: z.enum(['Honor', 'Ignore']).optional(),
    nodeTaintsPolicy: z.enum(['Honor', 'Ignore']).optional(),
    matchLabelKeys: z.array(z.string()).optional(),
  },
  'a topology spread constraint',
).refine((c) => c.minDomains === undefined || c.whenUnsatisfiable === 'DoNotSchedule', { message: 'minDomains may only be set with whenUnsatisfiable: DoNotSchedule' });

const effect = z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']);

/** v1.Toleration. */
export const toleration = strict(
  {
    key: z.string().optional(),
    operator: z.enum(['Exists', 'Equal']).optional(),
    value: z.string().optional(),
    effect: effect.optional(),
    tolerationSeconds: z.int().optional(),
  },
  'a toleration',
);

/** v1.Taint. */
export const taint = strict({ key: z.string().min(1), value: z.string().optional(), effect, timeAdded: z.unknown().optional() }, 'a taint').transform(
  ({ timeAdded: _t, ...t }) => t,
);

const containerPort = strict(
  {
    containerPort: z.int().min(1).max(65535),
    hostPort: z.int().min(0).max(65535).optional(),
    hostIP: z.string().regex(/^$|^(\d{1,3}\.){3}\d{1,3}$|^[0-9a-fA-F:.]*:[0-9a-fA-F:.]*$/, { error: 'expected an IP address' }).optional(),
    protocol: z.enum(['TCP', 'UDP', 'SCTP']).optional(),
    name: z.string().optional(),
  },
  'a container port',
);

/** A list of strings, as the API's []string fields (command, args): a number or boolean must be quoted. */
const stringList = z.array(z.string({ error: 'expected a string (quote numbers and booleans)' }));
/** intstr.IntOrString port: a number 1–65535 or a port name. */
const portRef = z.union([z.int().min(1).max(65535), z.string().min(1)], { error: 'expected a port number (1–65535) or a port name' });
const execAction = strict({ command: stringList.optional() }, 'an exec action');
const httpGetAction = k8sObject({ path: z.string().optional(), port: portRef, host: z.string().optional(), scheme: z.enum(['HTTP', 'HTTPS']).optional() }, ['httpHeaders'], 'an httpGet action');
const tcpSocketAction = strict({ port: portRef, host: z.string().optional() }, 'a tcpSocket action');
const grpcAction = strict({ port: z.int().min(1).max(65535), service: z.string().optional() }, 'a grpc action');
/** v1.EnvVar: the value must be a string (the API refuses `value: 3`). */
const envVar = k8sObject({ name: z.string().min(1, { error: 'expected an environment variable name' }), value: z.string({ error: 'expected a string value (quote numbers and booleans)' }).optional() }, ['valueFrom'], 'an environment variable');
/** v1.VolumeMount. */
const volumeMount = k8sObject(
  { name: z.string().min(1), mountPath: z.string().min(1, { error: 'expected a mount path' }), readOnly: z.boolean().optional(), subPath: z.string().optional(), subPathExpr: z.string().optional() },
  ['mountPropagation', 'recursiveReadOnly'],
  'a volume mount',
);

/** v1.Probe: the timing fields are modelled; the handler (exec, httpGet, tcpSocket, grpc) is accepted and assumed to succeed. */
const probe = k8sObject(
  {
    initialDelaySeconds: nonNegativeInt.optional(),
    periodSeconds: z.int().min(1, { error: 'periodSeconds must be ≥ 1' }).optional(),
    timeoutSeconds: z.int().min(1, { error: 'timeoutSeconds must be ≥ 1' }).optional(),
    successThreshold: z.int().min(1, { error: 'successThreshold must be ≥ 1' }).optional(),
    failureThreshold: z.int().min(1, { error: 'failureThreshold must be ≥ 1' }).optional(),
    exec: execAction.optional(),
    httpGet: httpGetAction.optional(),
    tcpSocket: tcpSocketAction.optional(),
    grpc: grpcAction.optional(),
  },
  ['terminationGracePeriodSeconds'],
  'a probe',
);

const handler = { exec: execAction.optional(), httpGet: httpGetAction.optional(), tcpSocket: tcpSocketAction.optional() };
/** v1.Lifecycle: the preStop hook is timed (its sleep action, or kubesim.dev/prestop-duration for the others). */
const lifecycle = strict(
  {
    preStop: strict({ ...handler, sleep: strict({ seconds: nonNegativeInt }, 'a sleep action').optional() }, 'a preStop hook').optional(),
    postStart: strict({ ...handler, sleep: strict({ seconds: nonNegativeInt }, 'a sleep action').optional() }, 'a postStart hook').optional(),
    stopSignal: z.unknown().optional(),
  },
  'a lifecycle',
);

const CONTAINER_UNMODELLED = [
  'envFrom', 'resizePolicy',
  'securityContext', 'stdin', 'stdinOnce', 'terminationMessagePath', 'terminationMessagePolicy', 'tty', 'volumeDevices',
];

/** v1.Container. */
export const container = k8sObject(
  {
    name: z.string().max(63, { error: 'container names are at most 63 characters' }).regex(DNS_LABEL, { error: 'expected a DNS label container name' }),
    image: z.string().min(1, { error: 'expected an image reference' }),
    imagePullPolicy: z.enum(['Always', 'IfNotPresent', 'Never']).optional(),
    resources: k8sObject({ requests: resourceList.optional(), limits: resourceList.optional() }, ['claims'], 'resources').optional(),
    ports: z.array(containerPort).optional(),
    readinessProbe: probe.optional(),
    startupProbe: probe.optional(),
    livenessProbe: probe.optional(),
    lifecycle: lifecycle.optional(),
    command: stringList.optional(),
    args: stringList.optional(),
    env: z.array(envVar).optional(),
    volumeMounts: z.array(volumeMount).optional(),
    workingDir: z.string().optional(),
    restartPolicy: z.literal('Always', { error: 'a container restartPolicy can only be Always (on an init container: a sidecar)' }).optional(),
  },
  CONTAINER_UNMODELLED,
  'a container',
);

const POD_SPEC_UNMODELLED = [
  'automountServiceAccountToken', 'dnsConfig', 'dnsPolicy', 'enableServiceLinks', 'ephemeralContainers', 'hostAliases', 'hostIPC', 'hostNetwork',
  'hostPID', 'hostUsers', 'hostname', 'imagePullSecrets', 'os', 'readinessGates', 'resourceClaims', 'resources',
  'runtimeClassName', 'securityContext', 'serviceAccount', 'serviceAccountName', 'setHostnameAsFQDN', 'shareProcessNamespace',
  'subdomain', 'volumes',
];

/** v1.PodSpec. */
export const podSpec = k8sObject(
  {
    containers: z.array(container).min(1, { error: 'a pod needs at least one container' }),
    initContainers: z.array(container).optional(),
    nodeName: z.string().optional(),
    nodeSelector: labelMap.optional(),
    affinity: affinity.optional(),
    tolerations: z.array(toleration).optional(),
    schedulerName: z.string().optional(),
    priority: z.int().optional(),
    priorityClassName: z.string().optional(),
    restartPolicy: z.enum(['Always', 'OnFailure', 'Never']).optional(),
    terminationGracePeriodSeconds: nonNegativeInt.optional(),
    activeDeadlineSeconds: z.int().min(1).optional(),
    overhead: resourceList.optional(),
    topologySpreadConstraints: z.array(topologySpreadConstraint).optional(),
    schedulingGates: z.array(strict({ name: z.string().min(1) }, 'a scheduling gate')).optional(),
    preemptionPolicy: z.enum(['PreemptLowerPriority', 'Never']).optional(),
  },
  POD_SPEC_UNMODELLED,
  'a pod spec',
);

/** v1.PodTemplateSpec. */
export const podTemplate = strict(
  {
    metadata: k8sObject({ name: z.string().optional(), labels: labelMap.optional(), annotations: labelMap.optional(), namespace: z.string().optional() }, META_UNMODELLED.concat('generateName'), 'template metadata').optional(),
    spec: podSpec,
  },
  'a pod template',
);

const apiVersionKind = <V extends string, K extends string>(apiVersion: V, kind: K) => ({
  apiVersion: z.literal(apiVersion, { error: `expected apiVersion "${apiVersion}" for kind ${kind}` }),
  kind: z.literal(kind),
});

/** v1.Pod. */
export const podManifest = strict({ ...apiVersionKind('v1', 'Pod'), metadata: objectMeta, spec: podSpec, status: z.unknown().optional() }, 'a Pod');

/** v1.Node. */
export const nodeManifest = strict(
  {
    ...apiVersionKind('v1', 'Node'),
    metadata: objectMeta,
    spec: k8sObject({ unschedulable: z.boolean().optional(), taints: z.array(taint).optional(), providerID: z.string().optional() }, ['configSource', 'externalID', 'podCIDR', 'podCIDRs'], 'a node spec').optional(),
    status: k8sObject(
      {
        capacity: resourceList,
        allocatable: resourceList.optional(),
        images: z.array(strict({ names: z.array(z.string()).min(1), sizeBytes: nonNegativeInt })).optional(),
      },
      ['addresses', 'conditions', 'config', 'daemonEndpoints', 'features', 'nodeInfo', 'phase', 'runtimeHandlers', 'volumesAttached', 'volumesInUse'],
      'a node status',
    ),
  },
  'a Node',
);

const intOrPercent = z.union([nonNegativeInt, z.string().regex(/^\d+%$/, { error: 'expected an integer or a percentage like 25%' })]);

/** apps/v1 Deployment. */
export const deploymentManifest = strict(
  {
    ...apiVersionKind('apps/v1', 'Deployment'),
    metadata: objectMeta,
    spec: strict(
      {
        replicas: nonNegativeInt.optional(),
        selector: labelSelector,
        template: podTemplate,
        strategy: strict({ type: z.enum(['RollingUpdate', 'Recreate']).optional(), rollingUpdate: strict({ maxSurge: intOrPercent.optional(), maxUnavailable: intOrPercent.optional() }).optional() }).optional(),
        minReadySeconds: nonNegativeInt.optional(),
        revisionHistoryLimit: nonNegativeInt.optional(),
        progressDeadlineSeconds: z.int().min(1).optional(),
        paused: z.boolean().optional(),
      },
      'a Deployment spec',
    ),
    status: z.unknown().optional(),
  },
  'a Deployment',
);

/** apps/v1 ReplicaSet. */
export const replicaSetManifest = strict(
  {
    ...apiVersionKind('apps/v1', 'ReplicaSet'),
    metadata: objectMeta,
    spec: strict({ replicas: nonNegativeInt.optional(), selector: labelSelector, template: podTemplate, minReadySeconds: nonNegativeInt.optional() }, 'a ReplicaSet spec'),
    status: z.unknown().optional(),
  },
  'a ReplicaSet',
);

/** v1 ReplicationController (the selector is an equality-based label map; template required here, as pods need one). */
export const replicationControllerManifest = strict(
  {
    ...apiVersionKind('v1', 'ReplicationController'),
    metadata: objectMeta,
    spec: strict({ replicas: nonNegativeInt.optional(), selector: labelMap.optional(), template: podTemplate, minReadySeconds: nonNegativeInt.optional() }, 'a ReplicationController spec'),
    status: z.unknown().optional(),
  },
  'a ReplicationController',
);

/** apps/v1 DaemonSet. */
export const daemonSetManifest = strict(
  {
    ...apiVersionKind('apps/v1', 'DaemonSet'),
    metadata: objectMeta,
    spec: strict(
      {
        selector: labelSelector,
        template: podTemplate,
        updateStrategy: strict({ type: z.enum(['RollingUpdate', 'OnDelete']).optional(), rollingUpdate: strict({ maxUnavailable: intOrPercent.optional(), maxSurge: intOrPercent.optional() }).optional() }).optional(),
        minReadySeconds: nonNegativeInt.optional(),
        revisionHistoryLimit: nonNegativeInt.optional(),
      },
      'a DaemonSet spec',
    ),
    status: z.unknown().optional(),
  },
  'a DaemonSet',
);

const ACCESS_MODES = ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'] as const;

/** v1.PersistentVolumeClaimSpec (modelled: access modes, requested storage, class, volume name). */
export const pvcSpec = k8sObject(
  {
    accessModes: z.array(z.enum(ACCESS_MODES, { error: `expected an access mode: ${ACCESS_MODES.join(', ')}` })).min(1, { error: 'expected at least one access mode' }),
    resources: k8sObject({ requests: resourceList.refine((r) => (r.storage ?? 0) > 0, { message: 'expected a storage request > 0' }) }, ['limits'], 'claim resources'),
    storageClassName: z.string().optional(),
    volumeName: z.string().optional(),
  },
  ['dataSource', 'dataSourceRef', 'selector', 'volumeAttributesClassName', 'volumeMode'],
  'a PersistentVolumeClaim spec',
);

/** v1 PersistentVolumeClaim. */
export const pvcManifest = strict({ ...apiVersionKind('v1', 'PersistentVolumeClaim'), metadata: objectMeta, spec: pvcSpec, status: z.unknown().optional() }, 'a PersistentVolumeClaim');

/** v1 PersistentVolume (modelled: capacity, access modes, class, reclaim policy, node affinity, claimRef, CSI driver). */
export const pvManifest = strict(
  {
    ...apiVersionKind('v1', 'PersistentVolume'),
    metadata: objectMeta,
    spec: k8sObject(
      {
        capacity: resourceList.refine((r) => (r.storage ?? 0) > 0, { message: 'expected a storage capacity > 0' }),
        accessModes: z.array(z.enum(ACCESS_MODES)).min(1),
        storageClassName: z.string().optional(),
        persistentVolumeReclaimPolicy: z.enum(['Delete', 'Retain', 'Recycle']).optional(),
        nodeAffinity: strict({ required: strict({ nodeSelectorTerms: z.array(nodeSelectorTerm).min(1) }, 'required node affinity') }, 'volume node affinity').optional(),
        claimRef: k8sObject({ namespace: z.string(), name: z.string() }, ['apiVersion', 'kind', 'uid', 'resourceVersion', 'fieldPath'], 'a claim reference').optional(),
        csi: k8sObject({ driver: z.string().min(1) }, ['volumeHandle', 'fsType', 'readOnly', 'volumeAttributes', 'controllerPublishSecretRef', 'nodeStageSecretRef', 'nodePublishSecretRef', 'controllerExpandSecretRef', 'nodeExpandSecretRef'], 'a CSI source').optional(),
      },
      ['awsElasticBlockStore', 'azureDisk', 'azureFile', 'cephfs', 'cinder', 'fc', 'flexVolume', 'flocker', 'gcePersistentDisk', 'glusterfs', 'hostPath', 'iscsi', 'local', 'mountOptions', 'nfs', 'photonPersistentDisk', 'portworxVolume', 'quobyte', 'rbd', 'scaleIO', 'storageos', 'volumeAttributesClassName', 'volumeMode', 'vsphereVolume'],
      'a PersistentVolume spec',
    ),
    status: z.unknown().optional(),
  },
  'a PersistentVolume',
);

/** storage.k8s.io/v1 StorageClass. */
export const storageClassManifest = k8sObject(
  {
    ...apiVersionKind('storage.k8s.io/v1', 'StorageClass'),
    metadata: objectMeta,
    provisioner: z.string().min(1, { error: 'expected a provisioner name' }),
    volumeBindingMode: z.enum(['Immediate', 'WaitForFirstConsumer']).optional(),
    reclaimPolicy: z.enum(['Delete', 'Retain']).optional(),
    allowedTopologies: z.array(strict({ matchLabelExpressions: z.array(strict({ key: z.string(), values: z.array(z.string()).min(1) }, 'a topology requirement')) }, 'a topology term')).optional(),
  },
  ['parameters', 'mountOptions', 'allowVolumeExpansion'],
  'a StorageClass',
);

const ingressBackend = k8sObject(
  {
    service: strict(
      {
        name: z.string().regex(DNS_LABEL, { error: 'expected a Service name' }),
        port: strict({ number: z.int().min(1).max(65535).optional(), name: z.string().min(1).optional() }, 'a Service port').optional(),
      },
      'an Ingress Service backend',
    ),
  },
  [],
  'an Ingress backend (only Service backends are modelled)',
);

/** networking.k8s.io/v1 Ingress (ValidateIngressSpec, pkg/apis/networking/validation: Exact and Prefix paths start with "/"). */
export const ingressManifest = strict(
  {
    ...apiVersionKind('networking.k8s.io/v1', 'Ingress'),
    metadata: objectMeta,
    spec: k8sObject(
      {
        ingressClassName: z.string().min(1).optional(),
        defaultBackend: ingressBackend.optional(),
        rules: z
          .array(
            strict(
              {
                host: z.string().regex(/^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, { error: 'expected a lowercase DNS host name, optionally starting with "*."' }).optional(),
                http: strict(
                  {
                    paths: z
                      .array(
                        strict({ path: z.string().optional(), pathType: z.enum(['Exact', 'Prefix', 'ImplementationSpecific'], { error: 'expected pathType Exact, Prefix or ImplementationSpecific' }), backend: ingressBackend }, 'an Ingress path').refine(
                          (p) => p.pathType === 'ImplementationSpecific' || (p.path ?? '').startsWith('/'),
                          { message: 'an Exact or Prefix path must start with "/"' },
                        ),
                      )
                      .min(1),
                  },
                  'an Ingress rule value',
                ).optional(),
              },
              'an Ingress rule',
            ),
          )
          .optional(),
      },
      ['tls'],
      'an Ingress spec',
    ).refine((s) => s.defaultBackend !== undefined || (s.rules ?? []).some((r) => r.http !== undefined), { message: 'an Ingress needs a defaultBackend or a rule with http paths' }),
    status: z.unknown().optional(),
  },
  'an Ingress',
);

/** networking.k8s.io/v1 IngressClass. */
export const ingressClassManifest = strict(
  {
    ...apiVersionKind('networking.k8s.io/v1', 'IngressClass'),
    metadata: objectMeta,
    spec: k8sObject({ controller: z.string().min(1, { error: 'expected a controller name' }) }, ['parameters'], 'an IngressClass spec'),
  },
  'an IngressClass',
);

/** apps/v1 StatefulSet. */
export const statefulSetManifest = strict(
  {
    ...apiVersionKind('apps/v1', 'StatefulSet'),
    metadata: objectMeta,
    spec: k8sObject(
      {
        replicas: nonNegativeInt.optional(),
        selector: labelSelector,
        template: podTemplate,
        serviceName: z.string().optional(),
        podManagementPolicy: z.enum(['OrderedReady', 'Parallel']).optional(),
        updateStrategy: strict({ type: z.enum(['RollingUpdate', 'OnDelete']).optional(), rollingUpdate: k8sObject({ partition: nonNegativeInt.optional() }, ['maxUnavailable'], 'a rolling update').optional() }).optional(),
        minReadySeconds: nonNegativeInt.optional(),
        revisionHistoryLimit: nonNegativeInt.optional(),
        ordinals: strict({ start: nonNegativeInt.optional() }).optional(),
        volumeClaimTemplates: z.array(strict({ apiVersion: z.string().optional(), kind: z.string().optional(), metadata: objectMeta, spec: pvcSpec, status: z.unknown().optional() }, 'a volume claim template')).optional(),
      },
      ['persistentVolumeClaimRetentionPolicy'],
      'a StatefulSet spec',
    ),
    status: z.unknown().optional(),
  },
  'a StatefulSet',
);

/** batch/v1 JobSpec. */
const jobSpec = k8sObject(
  {
    parallelism: nonNegativeInt.optional(),
    completions: nonNegativeInt.optional(),
    backoffLimit: nonNegativeInt.optional(),
    activeDeadlineSeconds: z.int().min(1).optional(),
    ttlSecondsAfterFinished: nonNegativeInt.optional(),
    completionMode: z.enum(['NonIndexed', 'Indexed']).optional(),
    suspend: z.boolean().optional(),
    selector: labelSelector.optional(),
    template: podTemplate,
    podFailurePolicy: strict(
      {
        rules: z
          .array(
            strict(
              {
                action: z.enum(['FailJob', 'FailIndex', 'Ignore', 'Count']),
                onExitCodes: strict({ containerName: z.string().optional(), operator: z.enum(['In', 'NotIn']), values: z.array(z.int().min(0).max(255)).min(1).max(255) }, 'onExitCodes').optional(),
                onPodConditions: z.array(strict({ type: z.string().min(1), status: z.enum(['True', 'False', 'Unknown']).optional() }, 'a pod condition pattern')).optional(),
              },
              'a pod failure policy rule',
            ).refine((r) => (r.onExitCodes === undefined) !== (r.onPodConditions === undefined), { message: 'a rule needs exactly one of onExitCodes and onPodConditions' }),
          )
          .max(20),
      },
      'a pod failure policy',
    ).optional(),
  },
  ['successPolicy', 'backoffLimitPerIndex', 'maxFailedIndexes', 'manualSelector', 'podReplacementPolicy', 'managedBy'],
  'a Job spec',
);

/** batch/v1 Job. */
export const jobManifest = strict(
  {
    ...apiVersionKind('batch/v1', 'Job'),
    metadata: objectMeta,
    spec: jobSpec,
    status: z.unknown().optional(),
  },
  'a Job',
);

const CRON_DESCRIPTORS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];

/** batch/v1 CronJob: a standard 5-field cron schedule or a descriptor (robfig/cron's standard parser, as upstream). */
export const cronJobManifest = strict(
  {
    ...apiVersionKind('batch/v1', 'CronJob'),
    metadata: objectMeta,
    spec: strict(
      {
        schedule: z
          .string()
          .refine((x) => CRON_DESCRIPTORS.includes(x.trim()) || x.trim().split(/\s+/).length === 5, { message: `expected a 5-field cron schedule such as "*/5 * * * *" or one of ${CRON_DESCRIPTORS.join(', ')}` }),
        timeZone: z.string().optional(),
        startingDeadlineSeconds: nonNegativeInt.optional(),
        concurrencyPolicy: z.enum(['Allow', 'Forbid', 'Replace']).optional(),
        suspend: z.boolean().optional(),
        successfulJobsHistoryLimit: nonNegativeInt.optional(),
        failedJobsHistoryLimit: nonNegativeInt.optional(),
        jobTemplate: strict({ metadata: k8sObject({ labels: labelMap.optional(), annotations: labelMap.optional() }, META_UNMODELLED.concat('name', 'generateName', 'namespace'), 'job template metadata').optional(), spec: jobSpec }, 'a Job template'),
      },
      'a CronJob spec',
    ),
    status: z.unknown().optional(),
  },
  'a CronJob',
);

/** v1.Service. */
export const serviceManifest = strict(
  {
    ...apiVersionKind('v1', 'Service'),
    metadata: objectMeta,
    spec: k8sObject(
      {
        type: z.enum(['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName']).optional(),
        selector: labelMap.optional(),
        ports: z
          .array(k8sObject({ name: z.string().optional(), protocol: z.enum(['TCP', 'UDP', 'SCTP']).optional(), port: z.int().min(1).max(65535), targetPort: z.union([z.int(), z.string()]).optional(), nodePort: z.int().optional() }, ['appProtocol'], 'a service port'))
          .optional(),
        clusterIP: z.string().optional(),
        sessionAffinity: z.enum(['None', 'ClientIP']).optional(),
        externalTrafficPolicy: z.enum(['Cluster', 'Local']).optional(),
        internalTrafficPolicy: z.enum(['Cluster', 'Local']).optional(),
        publishNotReadyAddresses: z.boolean().optional(),
        externalName: z.string().optional(),
      },
      ['allocateLoadBalancerNodePorts', 'clusterIPs', 'externalIPs', 'healthCheckNodePort', 'ipFamilies', 'ipFamilyPolicy', 'loadBalancerClass', 'loadBalancerIP', 'loadBalancerSourceRanges', 'sessionAffinityConfig', 'trafficDistribution'],
      'a Service spec',
    ).optional(),
    status: z.unknown().optional(),
  },
  'a Service',
);

/** scheduling.k8s.io/v1 PriorityClass (plugin/pkg/admission/priority: values above 1e9 are reserved for system classes). */
export const priorityClassManifest = strict(
  {
    ...apiVersionKind('scheduling.k8s.io/v1', 'PriorityClass'),
    metadata: objectMeta,
    value: z.int({ error: 'expected an integer priority value' }).min(-2147483648).max(1000000000, { error: 'user PriorityClass values are at most 1000000000 (higher values are reserved for system classes)' }),
    globalDefault: z.boolean().optional(),
    preemptionPolicy: z.enum(['PreemptLowerPriority', 'Never']).optional(),
    description: z.string().optional(),
  },
  'a PriorityClass',
);

/** v1 LimitRange (types Container and Pod; defaults, bounds and limit/request ratios). */
export const limitRangeManifest = strict(
  {
    ...apiVersionKind('v1', 'LimitRange'),
    metadata: objectMeta,
    spec: strict(
      {
        limits: z
          .array(
            strict(
              {
                type: z.enum(['Container', 'Pod'], { error: 'expected type Container or Pod (PersistentVolumeClaim limits are not modelled)' }),
                default: resourceList.optional(),
                defaultRequest: resourceList.optional(),
                min: resourceList.optional(),
                max: resourceList.optional(),
                maxLimitRequestRatio: resourceList.optional(),
              },
              'a limit range item',
            ),
          )
          .min(1),
      },
      'a LimitRange spec',
    ),
  },
  'a LimitRange',
);

/** v1 ResourceQuota over pod compute resources and counts (scopes are not modelled). */
export const resourceQuotaManifest = strict(
  {
    ...apiVersionKind('v1', 'ResourceQuota'),
    metadata: objectMeta,
    spec: strict({ hard: quotaResourceList }, 'a ResourceQuota spec'),
    status: z.unknown().optional(),
  },
  'a ResourceQuota',
);

/** policy/v1 PodDisruptionBudget: exactly one of minAvailable and maxUnavailable. */
export const podDisruptionBudgetManifest = strict(
  {
    ...apiVersionKind('policy/v1', 'PodDisruptionBudget'),
    metadata: objectMeta,
    spec: strict(
      {
        minAvailable: intOrPercent.optional(),
        maxUnavailable: intOrPercent.optional(),
        selector: labelSelector.optional(),
        unhealthyPodEvictionPolicy: z.enum(['IfHealthyBudget', 'AlwaysAllow']).optional(),
      },
      'a PodDisruptionBudget spec',
    ).refine((s) => !(s.minAvailable !== undefined && s.maxUnavailable !== undefined), { message: 'minAvailable and maxUnavailable cannot both be set' }),
    status: z.unknown().optional(),
  },
  'a PodDisruptionBudget',
);

const scaleTargetRef = strict({ apiVersion: z.string().optional(), kind: z.string().min(1), name: z.string().min(1) }, 'a scale target reference');

/** autoscaling/v2 MetricTarget: quantities stay text here (the resource decides the unit) and are parsed in manifests.ts. */
const metricTarget = strict(
  {
    type: z.enum(['Utilization', 'AverageValue', 'Value']),
    averageUtilization: z.int().min(1, { error: 'averageUtilization must be ≥ 1 (percent)' }).optional(),
    averageValue: z.union([z.string(), z.number()]).optional(),
    value: z.union([z.string(), z.number()]).optional(),
  },
  'a metric target',
);
const metricIdentifier = k8sObject({ name: z.string().min(1) }, ['selector'], 'a metric identifier');
const metricSpec = strict(
  {
    type: z.enum(['Resource', 'ContainerResource', 'Pods', 'Object', 'External']),
    resource: strict({ name: z.string().min(1), target: metricTarget }, 'a resource metric').optional(),
    containerResource: strict({ name: z.string().min(1), container: z.string().min(1), target: metricTarget }, 'a container resource metric').optional(),
    pods: k8sObject({ metric: metricIdentifier }, ['target'], 'a pods metric').optional(),
    object: k8sObject({ metric: metricIdentifier }, ['target', 'describedObject'], 'an object metric').optional(),
    external: k8sObject({ metric: metricIdentifier }, ['target'], 'an external metric').optional(),
  },
  'a metric spec',
);
const scalingRules = strict(
  {
    stabilizationWindowSeconds: z.int().min(0).max(3600, { error: 'stabilizationWindowSeconds must be 0–3600' }).optional(),
    selectPolicy: z.enum(['Max', 'Min', 'Disabled']).optional(),
    policies: z
      .array(strict({ type: z.enum(['Pods', 'Percent']), value: z.int().min(1, { error: 'a policy value must be ≥ 1' }), periodSeconds: z.int().min(1).max(1800, { error: 'periodSeconds must be 1–1800' }) }, 'a scaling policy'))
      .optional(),
  },
  'scaling rules',
);

/** autoscaling/v2 HorizontalPodAutoscaler. */
export const hpaV2Manifest = strict(
  {
    ...apiVersionKind('autoscaling/v2', 'HorizontalPodAutoscaler'),
    metadata: objectMeta,
    spec: strict(
      {
        scaleTargetRef,
        minReplicas: z.int().min(1, { error: 'minReplicas must be ≥ 1' }).optional(),
        maxReplicas: z.int().min(1, { error: 'maxReplicas must be ≥ 1' }),
        metrics: z.array(metricSpec).optional(),
        behavior: strict({ scaleUp: scalingRules.optional(), scaleDown: scalingRules.optional() }, 'a behavior').optional(),
      },
      'a HorizontalPodAutoscaler spec',
    ).refine((s) => (s.minReplicas ?? 1) <= s.maxReplicas, { message: 'minReplicas must be ≤ maxReplicas' }),
    status: z.unknown().optional(),
  },
  'a HorizontalPodAutoscaler',
);

/** autoscaling/v1 HorizontalPodAutoscaler (targetCPUUtilizationPercentage). */
export const hpaV1Manifest = strict(
  {
    ...apiVersionKind('autoscaling/v1', 'HorizontalPodAutoscaler'),
    metadata: objectMeta,
    spec: strict(
      {
        scaleTargetRef,
        minReplicas: z.int().min(1, { error: 'minReplicas must be ≥ 1' }).optional(),
        maxReplicas: z.int().min(1, { error: 'maxReplicas must be ≥ 1' }),
        targetCPUUtilizationPercentage: z.int().min(1).optional(),
      },
      'a HorizontalPodAutoscaler spec',
    ).refine((s) => (s.minReplicas ?? 1) <= s.maxReplicas, { message: 'minReplicas must be ≤ maxReplicas' }),
    status: z.unknown().optional(),
  },
  'a HorizontalPodAutoscaler',
);

/** The manifest schema of each supported `apiVersion/kind`. */
export const MANIFEST_SCHEMAS = {
  'v1/Pod': podManifest,
  'v1/Node': nodeManifest,
  'v1/Service': serviceManifest,
  'apps/v1/Deployment': deploymentManifest,
  'apps/v1/ReplicaSet': replicaSetManifest,
  'v1/ReplicationController': replicationControllerManifest,
  'apps/v1/DaemonSet': daemonSetManifest,
  'apps/v1/StatefulSet': statefulSetManifest,
  'batch/v1/Job': jobManifest,
  'batch/v1/CronJob': cronJobManifest,
  'scheduling.k8s.io/v1/PriorityClass': priorityClassManifest,
  'policy/v1/PodDisruptionBudget': podDisruptionBudgetManifest,
  'v1/LimitRange': limitRangeManifest,
  'v1/PersistentVolumeClaim': pvcManifest,
  'v1/PersistentVolume': pvManifest,
  'storage.k8s.io/v1/StorageClass': storageClassManifest,
  'networking.k8s.io/v1/Ingress': ingressManifest,
  'networking.k8s.io/v1/IngressClass': ingressClassManifest,
  'v1/ResourceQuota': resourceQuotaManifest,
  'autoscaling/v2/HorizontalPodAutoscaler': hpaV2Manifest,
  'autoscaling/v1/HorizontalPodAutoscaler': hpaV1Manifest,
} as const;

/** Kinds kubesim loads from manifests. */
export const SUPPORTED_KINDS = ['Pod', 'Node', 'Service', 'Deployment', 'ReplicaSet', 'ReplicationController', 'DaemonSet', 'StatefulSet', 'Job', 'CronJob', 'PriorityClass', 'PodDisruptionBudget', 'HorizontalPodAutoscaler', 'LimitRange', 'ResourceQuota', 'StorageClass', 'PersistentVolume', 'PersistentVolumeClaim', 'Ingress', 'IngressClass'] as const;

/** A manifest as parsed (before defaults). */
export type ParsedManifest =
  | z.output<typeof podManifest>
  | z.output<typeof nodeManifest>
  | z.output<typeof serviceManifest>
  | z.output<typeof deploymentManifest>
  | z.output<typeof replicaSetManifest>
  | z.output<typeof replicationControllerManifest>
  | z.output<typeof daemonSetManifest>
  | z.output<typeof statefulSetManifest>
  | z.output<typeof jobManifest>
  | z.output<typeof cronJobManifest>
  | z.output<typeof priorityClassManifest>
  | z.output<typeof podDisruptionBudgetManifest>
  | z.output<typeof hpaV2Manifest>
  | z.output<typeof hpaV1Manifest>
  | z.output<typeof limitRangeManifest>
  | z.output<typeof resourceQuotaManifest>
  | z.output<typeof pvcManifest>
  | z.output<typeof pvManifest>
  | z.output<typeof storageClassManifest>
  | z.output<typeof ingressManifest>
  | z.output<typeof ingressClassManifest>;

/** Parsed pod template. */
export type ParsedPodTemplate = z.output<typeof podTemplate>;
/** Parsed Job manifest. */
export type ParsedJob = z.output<typeof jobManifest>;
