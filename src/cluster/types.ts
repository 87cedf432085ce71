/**
 * Kubernetes API object types, shaped like the real API (k8s.io/api core/v1, apps/v1, batch/v1) so that real
 * manifests load. Two internal representations differ from the wire format, both parsed once at load:
 * resource quantities are numbers (see resources.ts) and timestamps are integer µs of simulated time.
 */
import type { Micros } from '../engine/time.js';
import type { ResourceList } from './resources.js';

/** metav1.OwnerReference. */
export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** metav1.ObjectMeta (the fields kubesim models). */
export interface ObjectMeta {
  name: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: number;
  generation?: number;
  creationTimestamp?: Micros;
  deletionTimestamp?: Micros;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
}

/** metav1.LabelSelectorRequirement. */
export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

/** metav1.LabelSelector. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

/** v1.NodeSelectorRequirement (adds Gt and Lt to the label operators). */
export interface NodeSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';
  values?: string[];
}

/** v1.NodeSelectorTerm: expressions and fields are ANDed. */
export interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[];
  matchFields?: NodeSelectorRequirement[];
}

/** v1.NodeAffinity. */
export interface NodeAffinity {
  requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms: NodeSelectorTerm[] };
  preferredDuringSchedulingIgnoredDuringExecution?: { weight: number; preference: NodeSelectorTerm }[];
}

/** v1.PodAffinityTerm. */
export interface PodAffinityTerm {
  labelSelector?: LabelSelector;
  /** Namespaces the term applies to; with neither this nor namespaceSelector, the pod's own namespace. */
  namespaces?: string[];
  /** Namespaces by label ({} = all namespaces). */
  namespaceSelector?: LabelSelector;
  topologyKey: string;
  matchLabelKeys?: string[];
  mismatchLabelKeys?: string[];
}

/** v1.WeightedPodAffinityTerm. */
export interface WeightedPodAffinityTerm {
  weight: number;
  podAffinityTerm: PodAffinityTerm;
}

/** v1.PodAffinity / v1.PodAntiAffinity. */
export interface PodAffinity {
  requiredDuringSchedulingIgnoredDuringExecution?: PodAffinityTerm[];
  preferredDuringSchedulingIgnoredDuringExecution?: WeightedPodAffinityTerm[];
}

/** v1.Affinity. */
export interface Affinity {
  nodeAffinity?: NodeAffinity;
  podAffinity?: PodAffinity;
  podAntiAffinity?: PodAffinity;
}

/** v1.TopologySpreadConstraint. */
export interface TopologySpreadConstraint {
  maxSkew: number;
  topologyKey: string;
  whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway';
  labelSelector?: LabelSelector;
  minDomains?: number;
  /** Honor (default) or Ignore the pod's nodeAffinity/nodeSelector when counting domains. */
  nodeAffinityPolicy?: 'Honor' | 'Ignore';
  /** Ignore (default) or Honor node taints when counting domains. */
  nodeTaintsPolicy?: 'Honor' | 'Ignore';
  matchLabelKeys?: string[];
}

/** Taint effects. */
export type TaintEffect = 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';

/** v1.Taint. */
export interface Taint {
  key: string;
  value?: string;
  effect: TaintEffect;
  timeAdded?: Micros;
}

/** v1.Toleration. */
export interface Toleration {
  key?: string;
  operator?: 'Exists' | 'Equal';
  value?: string;
  effect?: TaintEffect;
  tolerationSeconds?: number;
}

/** v1.ResourceRequirements with parsed amounts. */
export interface ResourceRequirements {
  requests?: ResourceList;
  limits?: ResourceList;
}

/** v1.ContainerPort. */
export interface ContainerPort {
  containerPort: number;
  hostPort?: number;
  /** The host IP a host port binds (empty: 0.0.0.0, every address). */
  hostIP?: string;
  protocol?: string;
  name?: string;
}

/** v1.Probe timing (the handler is not modelled: probes succeed). */
export interface Probe {
  initialDelaySeconds?: number;
  periodSeconds?: number;
  timeoutSeconds?: number;
  successThreshold?: number;
  failureThreshold?: number;
}

/** v1.Container (modelled fields). */
export interface Container {
  name: string;
  image: string;
  imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  resources?: ResourceRequirements;
  ports?: ContainerPort[];
  readinessProbe?: Probe;
  startupProbe?: Probe;
  livenessProbe?: Probe;
  /** Lifecycle hooks: the preStop `sleep` action is timed; other handlers take `kubesim.dev/prestop-duration`. */
  lifecycle?: { preStop?: { sleep?: { seconds: number }; exec?: unknown; httpGet?: unknown; tcpSocket?: unknown } };
  /** On an init container, `Always` makes it a sidecar (KEP-753): it keeps running beside the app containers. */
  restartPolicy?: 'Always';
}

/** Pod restart policies. */
export type RestartPolicy = 'Always' | 'OnFailure' | 'Never';

/** v1.PodSpec (modelled fields). */
export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  nodeName?: string;
  nodeSelector?: Record<string, string>;
  affinity?: Affinity;
  tolerations?: Toleration[];
  schedulerName?: string;
  priority?: number;
  priorityClassName?: string;
  restartPolicy?: RestartPolicy;
  terminationGracePeriodSeconds?: number;
  activeDeadlineSeconds?: number;
  overhead?: ResourceList;
  topologySpreadConstraints?: TopologySpreadConstraint[];
  /** Pods with gates stay out of the scheduling queue until the gates are removed. */
  schedulingGates?: { name: string }[];
  /** PreemptLowerPriority (default) or Never. */
  preemptionPolicy?: 'PreemptLowerPriority' | 'Never';
  /** Volumes; kubesim models `persistentVolumeClaim` ones (others are pod-local and have no scheduling effect). */
  volumes?: Volume[];
}

/** v1.Volume (the persistentVolumeClaim source is modelled; other sources are kept as given). */
export interface Volume {
  name: string;
  persistentVolumeClaim?: { claimName: string; readOnly?: boolean };
  [source: string]: unknown;
}

/** Pod phases (v1.PodPhase). */
export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';

/** v1.PodCondition. */
export interface PodCondition {
  type: 'PodScheduled' | 'Initialized' | 'ContainersReady' | 'Ready' | 'DisruptionTarget';
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: Micros;
}

/** v1.PodStatus (modelled fields). */
export interface PodStatus {
  phase: PodPhase;
  conditions?: PodCondition[];
  reason?: string;
  message?: string;
  startTime?: Micros;
  nominatedNodeName?: string;
  /** The pod's address, set by the kubelet when its sandbox is up. */
  podIP?: string;
  /** Per container: restarts and readiness (written once a container has restarted). */
  containerStatuses?: { name: string; restartCount: number; ready: boolean; waitingReason?: string; exitCode?: number }[];
  /** The sidecars' statuses (kubesim writes them once a sidecar has restarted). */
  initContainerStatuses?: { name: string; restartCount: number; ready: boolean }[];
}

/** v1.Pod. */
export interface Pod {
  apiVersion: 'v1';
  kind: 'Pod';
  metadata: ObjectMeta;
  spec: PodSpec;
  status: PodStatus;
}

/** v1.PodTemplateSpec. */
export interface PodTemplateSpec {
  metadata?: Omit<ObjectMeta, 'name'> & { name?: string };
  spec: PodSpec;
}

/** v1.NodeSpec. */
export interface NodeSpec {
  unschedulable?: boolean;
  taints?: Taint[];
  providerID?: string;
  /** The node's pod address range (node IPAM), e.g. 10.244.3.0/24. */
  podCIDR?: string;
}

/** v1.ContainerImage. */
export interface ContainerImage {
  names: string[];
  sizeBytes: number;
}

/** v1.NodeCondition (Ready is the one modelled so far). */
export interface NodeCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  lastTransitionTime?: Micros;
}

/** v1.NodeStatus. */
export interface NodeStatus {
  capacity: ResourceList;
  allocatable: ResourceList;
  conditions?: NodeCondition[];
  images?: ContainerImage[];
}

/** v1.Node. */
export interface Node {
  apiVersion: 'v1';
  kind: 'Node';
  metadata: ObjectMeta;
  spec: NodeSpec;
  status: NodeStatus;
}

/** apps/v1 ReplicaSet. */
export interface ReplicaSet {
  apiVersion: 'apps/v1';
  kind: 'ReplicaSet';
  metadata: ObjectMeta;
  spec: { replicas?: number; minReadySeconds?: number; selector: LabelSelector; template: PodTemplateSpec };
  status: { replicas: number; readyReplicas?: number; availableReplicas?: number; observedGeneration?: number };
}

/**
 * v1 ReplicationController, the replica controller before ReplicaSet: its `selector` is a plain label map (held here
 * as the equivalent matchLabels selector), defaulted to the template's labels.
 */
export interface ReplicationController {
  apiVersion: 'v1';
  kind: 'ReplicationController';
  metadata: ObjectMeta;
  spec: { replicas?: number; minReadySeconds?: number; selector: LabelSelector; template: PodTemplateSpec };
  status: { replicas: number; readyReplicas?: number; availableReplicas?: number; observedGeneration?: number };
}

/** apps/v1 DeploymentStrategy. */
export interface DeploymentStrategy {
  type?: 'RollingUpdate' | 'Recreate';
  rollingUpdate?: { maxSurge?: number | string; maxUnavailable?: number | string };
}

/** apps/v1 Deployment. */
export interface Deployment {
  apiVersion: 'apps/v1';
  kind: 'Deployment';
  metadata: ObjectMeta;
  spec: {
    replicas?: number;
    selector: LabelSelector;
    template: PodTemplateSpec;
    strategy?: DeploymentStrategy;
    minReadySeconds?: number;
    revisionHistoryLimit?: number;
    progressDeadlineSeconds?: number;
    paused?: boolean;
  };
  status: {
    replicas?: number;
    updatedReplicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    unavailableReplicas?: number;
    observedGeneration?: number;
    conditions?: DeploymentCondition[];
  };
}

/** apps/v1 DeploymentCondition. */
export interface DeploymentCondition {
  type: 'Available' | 'Progressing' | 'ReplicaFailure';
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastUpdateTime?: Micros;
  lastTransitionTime?: Micros;
}

/** apps/v1 DaemonSet. */
export interface DaemonSet {
  apiVersion: 'apps/v1';
  kind: 'DaemonSet';
  metadata: ObjectMeta;
  spec: {
    selector: LabelSelector;
    template: PodTemplateSpec;
    updateStrategy?: { type?: 'RollingUpdate' | 'OnDelete'; rollingUpdate?: { maxUnavailable?: number | string; maxSurge?: number | string } };
    minReadySeconds?: number;
    revisionHistoryLimit?: number;
  };
  status: {
    desiredNumberScheduled: number;
    currentNumberScheduled: number;
    numberMisscheduled: number;
    numberReady: number;
    updatedNumberScheduled?: number;
    numberAvailable?: number;
    numberUnavailable?: number;
    observedGeneration?: number;
  };
}

/** batch/v1 PodFailurePolicy. */
export interface PodFailurePolicy {
  rules: {
    action: 'FailJob' | 'FailIndex' | 'Ignore' | 'Count';
    onExitCodes?: { containerName?: string; operator: 'In' | 'NotIn'; values: number[] };
    onPodConditions?: { type: string; status?: 'True' | 'False' | 'Unknown' }[];
  }[];
}

/** batch/v1 CronJob. */
export interface CronJob {
  apiVersion: 'batch/v1';
  kind: 'CronJob';
  metadata: ObjectMeta;
  spec: {
    schedule: string;
    timeZone?: string;
    startingDeadlineSeconds?: number;
    concurrencyPolicy?: 'Allow' | 'Forbid' | 'Replace';
    suspend?: boolean;
    successfulJobsHistoryLimit?: number;
    failedJobsHistoryLimit?: number;
    jobTemplate: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec: Job['spec'] };
  };
  status: { active?: { name: string; uid?: string }[]; lastScheduleTime?: Micros; lastSuccessfulTime?: Micros };
}

/** apps/v1 StatefulSet. */
export interface StatefulSet {
  apiVersion: 'apps/v1';
  kind: 'StatefulSet';
  metadata: ObjectMeta;
  spec: {
    replicas?: number;
    selector: LabelSelector;
    template: PodTemplateSpec;
    serviceName?: string;
    podManagementPolicy?: 'OrderedReady' | 'Parallel';
    updateStrategy?: { type?: 'RollingUpdate' | 'OnDelete'; rollingUpdate?: { partition?: number } };
    minReadySeconds?: number;
    revisionHistoryLimit?: number;
    ordinals?: { start?: number };
    /** Claims stamped per ordinal as `<template>-<statefulset>-<ordinal>`, kept when pods go (as upstream's Retain). */
    volumeClaimTemplates?: { metadata: { name: string; labels?: Record<string, string> }; spec: PersistentVolumeClaimSpec }[];
  };
  status: {
    replicas?: number;
    readyReplicas?: number;
    availableReplicas?: number;
    currentReplicas?: number;
    updatedReplicas?: number;
    currentRevision?: string;
    updateRevision?: string;
    observedGeneration?: number;
  };
}

/** batch/v1 JobCondition. */
export interface JobCondition {
  type: 'Complete' | 'Failed' | 'Suspended' | 'FailureTarget' | 'SuccessCriteriaMet';
  status: 'True' | 'False';
  reason?: string;
  message?: string;
  lastTransitionTime?: Micros;
}

/** batch/v1 Job. */
export interface Job {
  apiVersion: 'batch/v1';
  kind: 'Job';
  metadata: ObjectMeta;
  spec: {
    parallelism?: number;
    completions?: number;
    backoffLimit?: number;
    activeDeadlineSeconds?: number;
    ttlSecondsAfterFinished?: number;
    completionMode?: 'NonIndexed' | 'Indexed';
    suspend?: boolean;
    selector?: LabelSelector;
    template: PodTemplateSpec;
    podFailurePolicy?: PodFailurePolicy;
  };
  status: {
    active?: number;
    succeeded?: number;
    failed?: number;
    startTime?: Micros;
    completionTime?: Micros;
    conditions?: JobCondition[];
  };
}

/** v1.ServicePort. */
export interface ServicePort {
  name?: string;
  protocol?: string;
  port: number;
  targetPort?: number | string;
  nodePort?: number;
}

/** v1.Service. */
export interface Service {
  apiVersion: 'v1';
  kind: 'Service';
  metadata: ObjectMeta;
  spec: {
    type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';
    selector?: Record<string, string>;
    ports?: ServicePort[];
    clusterIP?: string;
    sessionAffinity?: 'None' | 'ClientIP';
    externalTrafficPolicy?: 'Cluster' | 'Local';
    internalTrafficPolicy?: 'Cluster' | 'Local';
    publishNotReadyAddresses?: boolean;
    externalName?: string;
  };
  status: Record<string, never>;
}

/** networking.k8s.io/v1 IngressServiceBackend (the port is not modelled: a Service's endpoints serve every port). */
export interface IngressBackend {
  service: { name: string; port?: { number?: number; name?: string } };
}

/** networking.k8s.io/v1 HTTPIngressPath. */
export interface IngressPath {
  path: string;
  pathType: 'Exact' | 'Prefix' | 'ImplementationSpecific';
  backend: IngressBackend;
}

/** networking.k8s.io/v1 Ingress. */
export interface Ingress {
  apiVersion: 'networking.k8s.io/v1';
  kind: 'Ingress';
  metadata: ObjectMeta;
  spec: {
    ingressClassName?: string;
    defaultBackend?: IngressBackend;
    rules: { host?: string; paths: IngressPath[] }[];
  };
}

/** networking.k8s.io/v1 IngressClass (cluster-scoped). */
export interface IngressClass {
  apiVersion: 'networking.k8s.io/v1';
  kind: 'IngressClass';
  metadata: ObjectMeta;
  spec: { controller: string };
}

/** discovery.k8s.io/v1 Endpoint. */
export interface Endpoint {
  addresses: string[];
  conditions: { ready: boolean; serving: boolean; terminating: boolean };
  nodeName?: string;
  zone?: string;
  targetRef?: { kind: 'Pod'; namespace: string; name: string; uid?: string };
}

/** discovery.k8s.io/v1 EndpointSlice. */
export interface EndpointSlice {
  apiVersion: 'discovery.k8s.io/v1';
  kind: 'EndpointSlice';
  metadata: ObjectMeta;
  addressType: 'IPv4' | 'IPv6' | 'FQDN';
  endpoints: Endpoint[];
  ports: { name?: string; protocol: string; port: number }[];
}

/** scheduling.k8s.io/v1 PriorityClass (cluster-scoped): the priority value pods naming it get at admission. */
export interface PriorityClass {
  apiVersion: 'scheduling.k8s.io/v1';
  kind: 'PriorityClass';
  metadata: ObjectMeta;
  value: number;
  globalDefault?: boolean;
  preemptionPolicy?: 'PreemptLowerPriority' | 'Never';
  description?: string;
}

/** Zone label of nodes and zonal volumes. */
export const ZONE_LABEL = 'topology.kubernetes.io/zone';

/** storage.k8s.io/v1 StorageClass (cluster-scoped). */
export interface StorageClass {
  apiVersion: 'storage.k8s.io/v1';
  kind: 'StorageClass';
  metadata: ObjectMeta;
  provisioner: string;
  volumeBindingMode: 'Immediate' | 'WaitForFirstConsumer';
  reclaimPolicy: 'Delete' | 'Retain';
  allowedTopologies?: { matchLabelExpressions: { key: string; values: string[] }[] }[];
}

/** v1.PersistentVolumeClaimSpec (the modelled fields). */
export interface PersistentVolumeClaimSpec {
  accessModes: string[];
  /** Requested bytes. */
  storage: number;
  storageClassName?: string;
  volumeName?: string;
}

/** v1 PersistentVolumeClaim. */
export interface PersistentVolumeClaim {
  apiVersion: 'v1';
  kind: 'PersistentVolumeClaim';
  metadata: ObjectMeta;
  spec: PersistentVolumeClaimSpec;
  status: { phase: 'Pending' | 'Bound' | 'Lost' };
}

/** v1 PersistentVolume (cluster-scoped). */
export interface PersistentVolume {
  apiVersion: 'v1';
  kind: 'PersistentVolume';
  metadata: ObjectMeta;
  spec: {
    /** Capacity in bytes. */
    storage: number;
    accessModes: string[];
    storageClassName?: string;
    persistentVolumeReclaimPolicy: 'Delete' | 'Retain' | 'Recycle';
    /** Nodes the volume can be used from (zonal disks: the zone). */
    nodeAffinity?: { required: { nodeSelectorTerms: NodeSelectorTerm[] } };
    claimRef?: { namespace: string; name: string; uid?: string };
    /** The CSI driver (attach limits count per driver). */
    csiDriver?: string;
  };
  status: { phase: 'Pending' | 'Available' | 'Bound' | 'Released' | 'Failed' };
}

/** One item of a LimitRange (v1.LimitRangeItem), after SetDefaults_LimitRangeItem. */
export interface LimitRangeItem {
  type: 'Container' | 'Pod';
  default?: ResourceList;
  defaultRequest?: ResourceList;
  min?: ResourceList;
  max?: ResourceList;
  maxLimitRequestRatio?: ResourceList;
}

/** v1 LimitRange: per-namespace defaults and bounds of container (and pod) resources, applied at admission. */
export interface LimitRange {
  apiVersion: 'v1';
  kind: 'LimitRange';
  metadata: ObjectMeta;
  spec: { limits: LimitRangeItem[] };
}

/** v1 ResourceQuota: per-namespace caps on aggregate pod resources (pods, requests.*, limits.*), checked at admission. */
export interface ResourceQuota {
  apiVersion: 'v1';
  kind: 'ResourceQuota';
  metadata: ObjectMeta;
  spec: { hard: ResourceList };
  status: { hard: ResourceList; used: ResourceList };
}

/** policy/v1 PodDisruptionBudget. */
export interface PodDisruptionBudget {
  apiVersion: 'policy/v1';
  kind: 'PodDisruptionBudget';
  metadata: ObjectMeta;
  spec: { minAvailable?: number | string; maxUnavailable?: number | string; selector?: LabelSelector; unhealthyPodEvictionPolicy?: 'IfHealthyBudget' | 'AlwaysAllow' };
  status: { disruptionsAllowed: number; currentHealthy: number; desiredHealthy: number; expectedPods: number; observedGeneration?: number };
}

/** autoscaling/v2 MetricTarget (quantities in kubesim units: milli-CPU, bytes). */
export interface MetricTarget {
  type: 'Utilization' | 'AverageValue' | 'Value';
  averageUtilization?: number;
  averageValue?: number;
  value?: number;
}

/** autoscaling/v2 MetricSpec. Resource and ContainerResource metrics come from the usage model; the others need an adapter. */
export interface MetricSpec {
  type: 'Resource' | 'ContainerResource' | 'Pods' | 'Object' | 'External';
  resource?: { name: string; target: MetricTarget };
  containerResource?: { name: string; container: string; target: MetricTarget };
  pods?: { metric: { name: string } };
  object?: { metric: { name: string } };
  external?: { metric: { name: string } };
}

/** autoscaling/v2 HPAScalingPolicy. */
export interface HPAScalingPolicy {
  type: 'Pods' | 'Percent';
  value: number;
  periodSeconds: number;
}

/** autoscaling/v2 HPAScalingRules. */
export interface HPAScalingRules {
  stabilizationWindowSeconds?: number;
  selectPolicy?: 'Max' | 'Min' | 'Disabled';
  policies?: HPAScalingPolicy[];
}

/** autoscaling/v2 HorizontalPodAutoscalerCondition. */
export interface HPACondition {
  type: 'AbleToScale' | 'ScalingActive' | 'ScalingLimited';
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: Micros;
}

/** autoscaling/v2 HorizontalPodAutoscaler. */
export interface HorizontalPodAutoscaler {
  apiVersion: 'autoscaling/v2';
  kind: 'HorizontalPodAutoscaler';
  metadata: ObjectMeta;
  spec: {
    scaleTargetRef: { apiVersion?: string; kind: string; name: string };
    minReplicas?: number;
    maxReplicas: number;
    metrics?: MetricSpec[];
    behavior?: { scaleUp?: HPAScalingRules; scaleDown?: HPAScalingRules };
  };
  status: {
    currentReplicas?: number;
    desiredReplicas?: number;
    lastScaleTime?: Micros;
    /** Per metric of the spec: the current average utilisation (percent) or average value. */
    currentMetrics?: { name: string; averageUtilization?: number; averageValue?: number }[];
    conditions?: HPACondition[];
    observedGeneration?: number;
  };
}

/** Every object kind the store holds. */
export type KubeObject = Pod | Node | ReplicaSet | ReplicationController | Deployment | DaemonSet | StatefulSet | Job | CronJob | Service | EndpointSlice | PriorityClass | PodDisruptionBudget | HorizontalPodAutoscaler | LimitRange | ResourceQuota | StorageClass | PersistentVolume | PersistentVolumeClaim | Ingress | IngressClass;

/** The kind names of KubeObject. */
export type Kind = KubeObject['kind'];

/** The object type of a kind name. */
export type ObjectOfKind<K extends Kind> = Extract<KubeObject, { kind: K }>;

/** `namespace/name` (or `name` for cluster-scoped objects): the store's key, as client-go's MetaNamespaceKeyFunc. */
export function objectKey(meta: ObjectMeta): string {
  return meta.namespace ? `${meta.namespace}/${meta.name}` : meta.name;
}
