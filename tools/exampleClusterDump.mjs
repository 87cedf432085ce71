#!/usr/bin/env node
/**
 * Writes workloads/imported-cluster/dump.yaml: what
 *   kubectl get nodes,pods,deployments,replicasets,statefulsets,daemonsets,jobs,cronjobs,services,endpointslices,
 *     poddisruptionbudgets,priorityclasses,horizontalpodautoscalers,storageclasses,persistentvolumes,
 *     persistentvolumeclaims,namespaces,configmaps -A -o yaml
 * prints for a small EKS-style production cluster: three node groups over three zones, the kube-system add-ons
 * (CoreDNS, kube-proxy, the VPC CNI, metrics-server), a shop (frontend with a PDB, cart with its database Secret and
 * ServiceAccount, catalog with an HPA, a recommender whose pods do not fit and are pending), a Redis StatefulSet with
 * its volumes, and a nightly CronJob with its last Job. Every field is one the API server writes (uids,
 * managedFields, defaulted pod specs, statuses), so kubesim import-cluster meets what a real dump holds.
 * Deterministic: the same file every run.  Usage: node tools/exampleClusterDump.mjs [out]
 */
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';

const out = process.argv[2] ?? 'workloads/imported-cluster/dump.yaml';
let uidN = 0;
const uid = () => {
  uidN++;
  const h = (n, w) => ((n * 2654435761) >>> 0).toString(16).padStart(8, '0').slice(0, w);
  return `${h(uidN, 8)}-${h(uidN + 7, 4)}-4${h(uidN + 13, 3)}-a${h(uidN + 29, 3)}-${h(uidN + 41, 8)}${h(uidN + 53, 4)}`;
};
let rv = 1000;
const meta = (name, namespace, extra = {}) => ({
  ...(extra.annotations ? { annotations: extra.annotations } : {}),
  creationTimestamp: extra.created ?? '2026-11-02T09:14:07Z',
  ...(extra.generateName ? { generateName: extra.generateName } : {}),
  ...(extra.generation ? { generation: extra.generation } : {}),
  ...(extra.labels ? { labels: extra.labels } : {}),
  managedFields: [{ apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:labels': {} } }, manager: extra.manager ?? 'kube-controller-manager', operation: 'Update', time: '2026-11-02T09:14:07Z' }],
  name,
  ...(namespace ? { namespace } : {}),
  ...(extra.owner ? { ownerReferences: [{ apiVersion: extra.owner.apiVersion, blockOwnerDeletion: true, controller: true, kind: extra.owner.kind, name: extra.owner.name, uid: extra.owner.uid }] } : {}),
  resourceVersion: String(rv++),
  uid: extra.uid ?? uid(),
});

const items = [];
const ZONES = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'];

// Namespaces
for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease', 'shop', 'data', 'batch']) {
  items.push({ apiVersion: 'v1', kind: 'Namespace', metadata: meta(ns, undefined, { labels: { 'kubernetes.io/metadata.name': ns } }), spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
}
// PriorityClasses: the two built-in ones the API lists, and the cluster's own.
items.push({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: meta('system-cluster-critical'), description: 'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.', preemptionPolicy: 'PreemptLowerPriority', value: 2000000000 });
items.push({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: meta('system-node-critical'), description: 'Used for system critical pods that must not be moved from their current node.', preemptionPolicy: 'PreemptLowerPriority', value: 2000001000 });
items.push({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: meta('shop-critical'), description: 'Customer-facing shop services.', preemptionPolicy: 'PreemptLowerPriority', value: 100000 });
// StorageClass
items.push({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: meta('gp3', undefined, { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }), provisioner: 'ebs.csi.aws.com', parameters: { type: 'gp3' }, reclaimPolicy: 'Delete', volumeBindingMode: 'WaitForFirstConsumer', allowVolumeExpansion: true });

// Nodes: system (3 × m5.large, tainted), general (6 × m5.2xlarge), memory (3 × r5.2xlarge).
const GROUPS = [
  { name: 'system', type: 'm5.large', count: 3, cpu: '2', alloc: '1930m', mem: '7934332Ki', allocMem: '7244156Ki', pods: '29', taints: [{ effect: 'NoSchedule', key: 'CriticalAddonsOnly', value: 'true' }] },
  { name: 'general', type: 'm5.2xlarge', count: 6, cpu: '8', alloc: '7910m', mem: '32408432Ki', allocMem: '31391600Ki', pods: '58', taints: [] },
  { name: 'memory', type: 'r5.2xlarge', count: 3, cpu: '8', alloc: '7910m', mem: '65011892Ki', allocMem: '63995060Ki', pods: '58', taints: [] },
];
const COMMON_IMAGES = [
  { names: ['602401143452.dkr.ecr.eu-west-1.amazonaws.com/amazon-k8s-cni@sha256:4a1f', '602401143452.dkr.ecr.eu-west-1.amazonaws.com/amazon-k8s-cni:v1.19.2-eksbuild.1'], sizeBytes: 45213876 },
  { names: ['602401143452.dkr.ecr.eu-west-1.amazonaws.com/eks/kube-proxy@sha256:9c2e', '602401143452.dkr.ecr.eu-west-1.amazonaws.com/eks/kube-proxy:v1.34.1-minimal-eksbuild.2'], sizeBytes: 33671041 },
  { names: ['602401143452.dkr.ecr.eu-west-1.amazonaws.com/eks/pause:3.10'], sizeBytes: 318731 },
];
const nodes = [];
let ipBlock = 10;
for (const g of GROUPS) {
  for (let i = 0; i < g.count; i++) {
    const zone = ZONES[i % 3];
    const ip = `10.0.${ipBlock}.${20 + i * 7}`;
    const name = `ip-10-0-${ipBlock}-${20 + i * 7}.eu-west-1.compute.internal`;
    const node = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: meta(name, undefined, {
        annotations: { 'alpha.kubernetes.io/provided-node-ip': ip, 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
        labels: {
          'beta.kubernetes.io/arch': 'amd64',
          'beta.kubernetes.io/instance-type': g.type,
          'beta.kubernetes.io/os': 'linux',
          'eks.amazonaws.com/capacityType': 'ON_DEMAND',
          'eks.amazonaws.com/nodegroup': g.name,
          'failure-domain.beta.kubernetes.io/region': 'eu-west-1',
          'failure-domain.beta.kubernetes.io/zone': zone,
          'kubernetes.io/arch': 'amd64',
          'kubernetes.io/hostname': name,
          'kubernetes.io/os': 'linux',
          'node.kubernetes.io/instance-type': g.type,
          'topology.ebs.csi.aws.com/zone': zone,
          'topology.kubernetes.io/region': 'eu-west-1',
          'topology.kubernetes.io/zone': zone,
        },
        manager: 'kubelet',
      }),
      spec: { providerID: `aws:///${zone}/i-0${(0x3a41f00 + nodes.length * 977).toString(16)}`, ...(g.taints.length > 0 ? { taints: g.taints } : {}) },
      status: {
        addresses: [{ address: ip, type: 'InternalIP' }, { address: name, type: 'InternalDNS' }, { address: name, type: 'Hostname' }],
        allocatable: { cpu: g.alloc, 'ephemeral-storage': '95491281146', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', memory: g.allocMem, pods: g.pods },
        capacity: { cpu: g.cpu, 'ephemeral-storage': '104845292Ki', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', memory: g.mem, pods: g.pods },
        conditions: [
          { lastHeartbeatTime: '2026-12-08T10:02:11Z', lastTransitionTime: '2026-11-02T09:15:01Z', message: 'kubelet has sufficient memory available', reason: 'KubeletHasSufficientMemory', status: 'False', type: 'MemoryPressure' },
          { lastHeartbeatTime: '2026-12-08T10:02:11Z', lastTransitionTime: '2026-11-02T09:15:01Z', message: 'kubelet has no disk pressure', reason: 'KubeletHasNoDiskPressure', status: 'False', type: 'DiskPressure' },
          { lastHeartbeatTime: '2026-12-08T10:02:11Z', lastTransitionTime: '2026-11-02T09:15:01Z', message: 'kubelet has sufficient PID available', reason: 'KubeletHasSufficientPID', status: 'False', type: 'PIDPressure' },
          { lastHeartbeatTime: '2026-12-08T10:02:11Z', lastTransitionTime: '2026-11-02T09:15:22Z', message: 'kubelet is posting ready status', reason: 'KubeletReady', status: 'True', type: 'Ready' },
        ],
        daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
        images: COMMON_IMAGES,
        nodeInfo: { architecture: 'amd64', bootID: uid(), containerRuntimeVersion: 'containerd://1.7.27', kernelVersion: '6.1.141-155.222.amzn2023.x86_64', kubeProxyVersion: 'v1.34.1-eks-1234567', kubeletVersion: 'v1.34.1-eks-1234567', machineID: `ec2${(nodes.length * 7919).toString(16).padStart(29, '0')}`, operatingSystem: 'linux', osImage: 'Amazon Linux 2023.8.20250818', systemUUID: `ec2${(nodes.length * 104729).toString(16).padStart(5, '0')}-0000-0000-0000-000000000000` },
      },
    };
    nodes.push({ node, group: g.name, zone, name, ip, used: { cpu: 0, mem: 0 }, podIps: 0 });
    items.push(node);
  }
  ipBlock += 16;
}

// Quantities as the scheduler counts them, to place pods where they fit.
const milli = (q) => (q.endsWith('m') ? Number(q.slice(0, -1)) : Number(q) * 1000);
const bytes = (q) => {
  const m = /^(\d+)(Ki|Mi|Gi)?$/.exec(q);
  return Number(m[1]) * { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, undefined: 1 }[m[2]];
};
const allocOf = (n) => ({ cpu: milli(n.node.status.allocatable.cpu), mem: bytes(n.node.status.allocatable.memory) });

const apiAccess = (suffix) => ({
  name: `kube-api-access-${suffix}`,
  projected: {
    defaultMode: 420,
    sources: [
      { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
      { configMap: { items: [{ key: 'ca.crt', path: 'ca.crt' }], name: 'kube-root-ca.crt' } },
      { downwardAPI: { items: [{ fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' }, path: 'namespace' }] } },
    ],
  },
});
const DEFAULT_TOLERATIONS = [
  { effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', operator: 'Exists', tolerationSeconds: 300 },
  { effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: 300 },
];
const SUFFIX = 'bcdfghjklmnpqrstvwxz2456789';
let sfx = 0;
const suffix = (n) => {
  let s = '';
  let x = ++sfx * 7907 + n;
  for (let i = 0; i < 5; i++) {
    s += SUFFIX[x % SUFFIX.length];
    x = Math.floor(x / SUFFIX.length) + 11;
  }
  return s;
};

/** A pod template as the API server defaults it. */
function podTemplate(labels, containers, extra = {}) {
  return {
    metadata: { ...(extra.annotations ? { annotations: extra.annotations } : {}), creationTimestamp: null, labels },
    spec: {
      ...(extra.affinity ? { affinity: extra.affinity } : {}),
      containers: containers.map((c) => ({
        ...(c.args ? { args: c.args } : {}),
        ...(c.env ? { env: c.env } : {}),
        image: c.image,
        imagePullPolicy: 'IfNotPresent',
        ...(c.liveness ? { livenessProbe: { failureThreshold: 3, httpGet: { path: c.liveness, port: c.port, scheme: 'HTTP' }, initialDelaySeconds: 10, periodSeconds: 10, successThreshold: 1, timeoutSeconds: 1 } } : {}),
        name: c.name,
        ...(c.port ? { ports: [{ containerPort: c.port, name: 'http', protocol: 'TCP' }] } : {}),
        ...(c.readiness ? { readinessProbe: { failureThreshold: 3, httpGet: { path: c.readiness, port: c.port, scheme: 'HTTP' }, periodSeconds: 5, successThreshold: 1, timeoutSeconds: 1 } } : {}),
        resources: c.resources,
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
        ...(c.mounts ? { volumeMounts: c.mounts } : {}),
      })),
      dnsPolicy: extra.dnsPolicy ?? 'ClusterFirst',
      ...(extra.hostNetwork ? { hostNetwork: true } : {}),
      ...(extra.nodeSelector ? { nodeSelector: extra.nodeSelector } : {}),
      ...(extra.priorityClassName ? { priorityClassName: extra.priorityClassName } : {}),
      restartPolicy: extra.restartPolicy ?? 'Always',
      schedulerName: 'default-scheduler',
      securityContext: {},
      ...(extra.serviceAccountName ? { serviceAccount: extra.serviceAccountName, serviceAccountName: extra.serviceAccountName } : {}),
      terminationGracePeriodSeconds: 30,
      ...(extra.tolerations ? { tolerations: extra.tolerations } : {}),
      ...(extra.topologySpreadConstraints ? { topologySpreadConstraints: extra.topologySpreadConstraints } : {}),
      ...(extra.volumes ? { volumes: extra.volumes } : {}),
    },
  };
}

const PRIORITY = { 'system-cluster-critical': 2000000000, 'system-node-critical': 2000001000, 'shop-critical': 100000 };

/** A pod of a template, as the scheduler placed it and the kubelet reports it (or pending, when node is null). */
function pod(name, ns, template, owner, node, extra = {}) {
  const s = suffix(name.length);
  const spec = JSON.parse(JSON.stringify(template.spec));
  spec.enableServiceLinks = true;
  if (node) spec.nodeName = node.name;
  spec.preemptionPolicy = 'PreemptLowerPriority';
  spec.priority = PRIORITY[spec.priorityClassName] ?? 0;
  spec.serviceAccount = spec.serviceAccountName ?? 'default';
  spec.serviceAccountName = spec.serviceAccountName ?? 'default';
  spec.tolerations = [...(spec.tolerations ?? []), ...DEFAULT_TOLERATIONS];
  spec.volumes = [...(spec.volumes ?? []), apiAccess(s)];
  spec.containers = spec.containers.map((c) => ({ ...c, volumeMounts: [...(c.volumeMounts ?? []), { mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', name: `kube-api-access-${s}`, readOnly: true }] }));
  if (extra.hostname) {
    spec.hostname = extra.hostname;
    spec.subdomain = extra.subdomain;
  }
  let status;
  if (node) {
    const ip = extra.hostIP ? node.ip : `10.0.${Number(node.ip.split('.')[2]) + 1}.${30 + node.podIps++ * 3}`;
    const phase = extra.phase ?? 'Running';
    const done = phase === 'Succeeded';
    status = {
      conditions: [
        { lastProbeTime: null, lastTransitionTime: '2026-12-01T08:00:03Z', status: done ? 'False' : 'True', type: 'PodReadyToStartContainers' },
        { lastProbeTime: null, lastTransitionTime: '2026-12-01T08:00:01Z', status: 'True', type: 'Initialized' },
        { lastProbeTime: null, lastTransitionTime: '2026-12-01T08:00:09Z', status: done ? 'False' : 'True', type: 'Ready', ...(done ? { reason: 'PodCompleted' } : {}) },
        { lastProbeTime: null, lastTransitionTime: '2026-12-01T08:00:09Z', status: done ? 'False' : 'True', type: 'ContainersReady', ...(done ? { reason: 'PodCompleted' } : {}) },
        { lastProbeTime: null, lastTransitionTime: '2026-12-01T08:00:00Z', status: 'True', type: 'PodScheduled' },
      ],
      containerStatuses: spec.containers.map((c) => ({
        containerID: `containerd://${uid().replace(/-/g, '')}`,
        image: c.image,
        imageID: `${c.image.split(':')[0]}@sha256:${uid().replace(/-/g, '')}`,
        lastState: {},
        name: c.name,
        ready: !done,
        restartCount: extra.restarts ?? 0,
        started: !done,
        state: done ? { terminated: { containerID: `containerd://${uid().replace(/-/g, '')}`, exitCode: 0, finishedAt: '2026-12-08T02:11:40Z', reason: 'Completed', startedAt: '2026-12-08T02:00:04Z' } } : { running: { startedAt: '2026-12-01T08:00:04Z' } },
      })),
      hostIP: node.ip,
      hostIPs: [{ ip: node.ip }],
      phase,
      podIP: ip,
      podIPs: [{ ip }],
      qosClass: extra.qos ?? 'Burstable',
      startTime: '2026-12-01T08:00:00Z',
    };
    const r = template.spec.containers.reduce((a, c) => ({ cpu: a.cpu + milli(c.resources.requests?.cpu ?? '0'), mem: a.mem + bytes(c.resources.requests?.memory ?? '0') }), { cpu: 0, mem: 0 });
    if (!done) {
      node.used.cpu += r.cpu;
      node.used.mem += r.mem;
    }
  } else {
    status = {
      conditions: [{ lastProbeTime: null, lastTransitionTime: '2026-12-08T09:40:12Z', message: extra.message, reason: 'Unschedulable', status: 'False', type: 'PodScheduled' }],
      phase: 'Pending',
      qosClass: extra.qos ?? 'Burstable',
    };
  }
  const podName = extra.name ?? `${name}-${s}`;
  return { apiVersion: 'v1', kind: 'Pod', metadata: meta(podName, ns, { generateName: extra.name ? undefined : `${name}-`, labels: template.metadata.labels, owner, annotations: template.metadata.annotations, manager: 'kubelet' }), spec, status };
}

/** The nodes a pod of `template` may use, in order (fewest requested first within the allowed set). */
function place(template, groups, req) {
  const ok = nodes.filter((n) => groups.includes(n.group)).filter((n) => {
    const a = allocOf(n);
    return n.used.cpu + req.cpu <= a.cpu && n.used.mem + req.mem <= a.mem;
  });
  ok.sort((a, b) => a.used.cpu / allocOf(a).cpu - b.used.cpu / allocOf(b).cpu || (a.name < b.name ? -1 : 1));
  return ok[0] ?? null;
}
const requestOf = (template) => template.spec.containers.reduce((a, c) => ({ cpu: a.cpu + milli(c.resources.requests?.cpu ?? '0'), mem: a.mem + bytes(c.resources.requests?.memory ?? '0') }), { cpu: 0, mem: 0 });

/** A Deployment with its current ReplicaSet (and an old, scaled-down one) and its pods. */
function deployment(name, ns, replicas, containers, opts = {}) {
  const labels = { 'app.kubernetes.io/name': name, ...(opts.labels ?? {}) };
  const template = podTemplate(labels, containers, opts);
  const hash = (0x5c7d9f + name.length * 104729 + name.charCodeAt(0) * 7).toString(16).slice(0, 10);
  const dUid = uid();
  const revision = String(opts.revision ?? 3);
  items.push({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(name, ns, { annotations: { 'deployment.kubernetes.io/revision': revision, 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: ns } }) + '\n' }, generation: Number(revision), labels, uid: dUid, manager: 'kubectl-client-side-apply' }),
    spec: { progressDeadlineSeconds: 600, replicas, revisionHistoryLimit: 10, selector: { matchLabels: labels }, strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' }, type: 'RollingUpdate' }, template },
    status: { availableReplicas: replicas, conditions: [{ lastTransitionTime: '2026-11-02T09:16:00Z', lastUpdateTime: '2026-11-02T09:16:00Z', message: 'Deployment has minimum availability.', reason: 'MinimumReplicasAvailable', status: 'True', type: 'Available' }, { lastTransitionTime: '2026-11-02T09:14:07Z', lastUpdateTime: '2026-12-01T08:00:10Z', message: `ReplicaSet "${name}-${hash}" has successfully progressed.`, reason: 'NewReplicaSetAvailable', status: 'True', type: 'Progressing' }], observedGeneration: Number(revision), readyReplicas: replicas, replicas, updatedReplicas: replicas },
  });
  const rsLabels = { ...labels, 'pod-template-hash': hash };
  const rsTemplate = { ...template, metadata: { ...template.metadata, labels: rsLabels } };
  const rsUid = uid();
  items.push({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: meta(`${name}-${hash}`, ns, { annotations: { 'deployment.kubernetes.io/desired-replicas': String(replicas), 'deployment.kubernetes.io/max-replicas': String(replicas + Math.ceil(replicas / 4)), 'deployment.kubernetes.io/revision': revision }, generation: 1, labels: rsLabels, owner: { apiVersion: 'apps/v1', kind: 'Deployment', name, uid: dUid }, uid: rsUid }),
    spec: { replicas, selector: { matchLabels: rsLabels }, template: rsTemplate },
    status: { availableReplicas: opts.pending ? 0 : replicas, fullyLabeledReplicas: replicas, observedGeneration: 1, readyReplicas: opts.pending ? 0 : replicas, replicas },
  });
  // The previous revision, scaled to zero and kept (revisionHistoryLimit).
  const oldHash = (0x6a1e3b + name.length * 7919).toString(16).slice(0, 10);
  const oldLabels = { ...labels, 'pod-template-hash': oldHash };
  const oldTemplate = podTemplate(oldLabels, containers.map((c) => ({ ...c, image: c.image.replace(/:[^:]+$/, ':previous') })), opts);
  items.push({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: meta(`${name}-${oldHash}`, ns, { annotations: { 'deployment.kubernetes.io/desired-replicas': String(replicas), 'deployment.kubernetes.io/max-replicas': String(replicas + Math.ceil(replicas / 4)), 'deployment.kubernetes.io/revision': String(Number(revision) - 1) }, generation: 2, labels: oldLabels, owner: { apiVersion: 'apps/v1', kind: 'Deployment', name, uid: dUid } }),
    spec: { replicas: 0, selector: { matchLabels: oldLabels }, template: oldTemplate },
    status: { observedGeneration: 2, replicas: 0 },
  });
  const req = requestOf(template);
  for (let i = 0; i < replicas; i++) {
    const node = opts.pending ? null : place(template, opts.groups ?? ['general', 'memory'], req);
    items.push(pod(`${name}-${hash}`, ns, rsTemplate, { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${name}-${hash}`, uid: rsUid }, node, { message: opts.pending ? '0/12 nodes are available: 3 node(s) had untolerated taint {CriticalAddonsOnly: true}, 9 Insufficient cpu. preemption: 0/12 nodes are available: 3 Preemption is not helpful for scheduling, 9 No preemption victims found for incoming pod.' : undefined }));
  }
}

/** A DaemonSet with a pod on every node it tolerates. */
function daemonSet(name, ns, containers, opts) {
  const labels = { 'k8s-app': name };
  const template = podTemplate(labels, containers, opts);
  const dsUid = uid();
  const on = nodes.filter((n) => opts.everywhere || n.group !== 'system');
  items.push({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: meta(name, ns, { annotations: { 'deprecated.daemonset.template.generation': '2' }, generation: 2, labels, uid: dsUid }),
    spec: { revisionHistoryLimit: 10, selector: { matchLabels: labels }, template, updateStrategy: { rollingUpdate: { maxSurge: 0, maxUnavailable: '10%' }, type: 'RollingUpdate' } },
    status: { currentNumberScheduled: on.length, desiredNumberScheduled: on.length, numberAvailable: on.length, numberMisscheduled: 0, numberReady: on.length, observedGeneration: 2, updatedNumberScheduled: on.length },
  });
  const hash = (0x7f3b2c + name.length).toString(16);
  for (const n of on) {
    const p = pod(name, ns, { ...template, metadata: { ...template.metadata, labels: { ...labels, 'controller-revision-hash': hash, 'pod-template-generation': '2' } } }, { apiVersion: 'apps/v1', kind: 'DaemonSet', name, uid: dsUid }, n, { hostIP: opts.hostNetwork });
    // The DaemonSet controller pins each pod to its node (ScheduleDaemonSetPods).
    p.spec.affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [n.name] }] }] } } };
    p.spec.tolerations = [...p.spec.tolerations, ...['disk-pressure', 'memory-pressure', 'pid-pressure', 'unschedulable'].map((k) => ({ effect: 'NoSchedule', key: `node.kubernetes.io/${k}`, operator: 'Exists' }))];
    items.push(p);
  }
}

const ecr = '602401143452.dkr.ecr.eu-west-1.amazonaws.com';
const systemTolerations = [{ key: 'CriticalAddonsOnly', operator: 'Exists' }];
daemonSet('kube-proxy', 'kube-system', [{ name: 'kube-proxy', image: `${ecr}/eks/kube-proxy:v1.34.1-minimal-eksbuild.2`, resources: { requests: { cpu: '100m' } } }], { everywhere: true, hostNetwork: true, priorityClassName: 'system-node-critical', tolerations: [{ operator: 'Exists' }], serviceAccountName: 'kube-proxy' });
daemonSet('aws-node', 'kube-system', [{ name: 'aws-node', image: `${ecr}/amazon-k8s-cni:v1.19.2-eksbuild.1`, resources: { requests: { cpu: '25m' } } }], { everywhere: true, hostNetwork: true, priorityClassName: 'system-node-critical', tolerations: [{ operator: 'Exists' }], serviceAccountName: 'aws-node' });
daemonSet('node-exporter', 'kube-system', [{ name: 'node-exporter', image: 'quay.io/prometheus/node-exporter:v1.9.1', port: 9100, resources: { limits: { cpu: '200m', memory: '180Mi' }, requests: { cpu: '50m', memory: '64Mi' } } }], { hostNetwork: true });

deployment('coredns', 'kube-system', 2, [{ name: 'coredns', image: `${ecr}/eks/coredns:v1.11.4-eksbuild.14`, port: 8080, liveness: '/health', readiness: '/ready', args: ['-conf', '/etc/coredns/Corefile'], resources: { limits: { memory: '170Mi' }, requests: { cpu: '100m', memory: '70Mi' } }, mounts: [{ mountPath: '/etc/coredns', name: 'config-volume', readOnly: true }] }], { groups: ['system'], labels: { 'k8s-app': 'kube-dns' }, priorityClassName: 'system-cluster-critical', serviceAccountName: 'coredns', tolerations: [...systemTolerations, { effect: 'NoSchedule', key: 'node-role.kubernetes.io/control-plane' }], dnsPolicy: 'Default', volumes: [{ configMap: { defaultMode: 420, items: [{ key: 'Corefile', path: 'Corefile' }], name: 'coredns' }, name: 'config-volume' }] });
deployment('metrics-server', 'kube-system', 1, [{ name: 'metrics-server', image: `${ecr}/eks/metrics-server:v0.7.2-eksbuild.3`, port: 10251, resources: { requests: { cpu: '100m', memory: '200Mi' } } }], { groups: ['system'], priorityClassName: 'system-cluster-critical', serviceAccountName: 'metrics-server', tolerations: systemTolerations });

const spread = (name) => [{ labelSelector: { matchLabels: { 'app.kubernetes.io/name': name } }, maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway' }];
deployment('frontend', 'shop', 6, [{ name: 'web', image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/frontend:2.14.3', port: 8080, readiness: '/healthz', liveness: '/healthz', resources: { limits: { memory: '1Gi' }, requests: { cpu: '500m', memory: '512Mi' } }, env: [{ name: 'CATALOG_URL', value: 'http://catalog.shop.svc:8080' }], mounts: [{ mountPath: '/etc/frontend', name: 'config' }] }], { priorityClassName: 'shop-critical', topologySpreadConstraints: spread('frontend'), volumes: [{ configMap: { defaultMode: 420, name: 'frontend-config' }, name: 'config' }] });
deployment('cart', 'shop', 4, [{ name: 'cart', image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/cart:1.8.0', port: 8080, readiness: '/ready', resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1', memory: '1Gi' } }, env: [{ name: 'REDIS_HOST', value: 'redis-0.redis.data.svc' }, { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { key: 'password', name: 'cart-db' } } }] }], { priorityClassName: 'shop-critical', serviceAccountName: 'cart', topologySpreadConstraints: spread('cart') });
deployment('catalog', 'shop', 3, [{ name: 'catalog', image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/catalog:3.2.1', port: 8080, readiness: '/ready', resources: { limits: { memory: '2Gi' }, requests: { cpu: '750m', memory: '1536Mi' } } }], {});
deployment('recommender', 'shop', 2, [{ name: 'model', image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/recommender:0.9.0', port: 8080, resources: { limits: { memory: '24Gi' }, requests: { cpu: '7500m', memory: '20Gi' } } }], { pending: true });

// Redis StatefulSet on the memory nodes, with its claims and volumes.
{
  const name = 'redis';
  const labels = { 'app.kubernetes.io/name': 'redis' };
  const template = podTemplate(labels, [{ name: 'redis', image: 'docker.io/library/redis:7.4.2', port: 6379, resources: { limits: { memory: '12Gi' }, requests: { cpu: '1', memory: '10Gi' } }, mounts: [{ mountPath: '/data', name: 'data' }] }], { nodeSelector: { 'eks.amazonaws.com/nodegroup': 'memory' } });
  const ssUid = uid();
  items.push({
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: meta(name, 'data', { generation: 1, labels, uid: ssUid }),
    spec: { persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' }, podManagementPolicy: 'OrderedReady', replicas: 3, revisionHistoryLimit: 10, selector: { matchLabels: labels }, serviceName: 'redis', template, updateStrategy: { rollingUpdate: { partition: 0 }, type: 'RollingUpdate' }, volumeClaimTemplates: [{ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { creationTimestamp: null, name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '50Gi' } }, storageClassName: 'gp3', volumeMode: 'Filesystem' }, status: { phase: 'Pending' } }] },
    status: { availableReplicas: 3, collisionCount: 0, currentReplicas: 3, currentRevision: 'redis-6d9f8b7c5d', observedGeneration: 1, readyReplicas: 3, replicas: 3, updateRevision: 'redis-6d9f8b7c5d', updatedReplicas: 3 },
  });
  const memoryNodes = nodes.filter((n) => n.group === 'memory');
  for (let i = 0; i < 3; i++) {
    const n = memoryNodes[i];
    const pvName = `pvc-${uid()}`;
    const pvcUid = uid();
    items.push({ apiVersion: 'v1', kind: 'PersistentVolume', metadata: meta(pvName, undefined, { annotations: { 'pv.kubernetes.io/provisioned-by': 'ebs.csi.aws.com', 'volume.kubernetes.io/provisioner-deletion-secret-name': '', 'volume.kubernetes.io/provisioner-deletion-secret-namespace': '' } }), spec: { accessModes: ['ReadWriteOnce'], capacity: { storage: '50Gi' }, claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', name: `data-redis-${i}`, namespace: 'data', resourceVersion: '4242', uid: pvcUid }, csi: { driver: 'ebs.csi.aws.com', fsType: 'ext4', volumeAttributes: { 'storage.kubernetes.io/csiProvisionerIdentity': '1730538847-ebs.csi.aws.com' }, volumeHandle: `vol-0${(0xabc123 + i).toString(16)}` }, nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: [n.zone] }] }] } }, persistentVolumeReclaimPolicy: 'Delete', storageClassName: 'gp3', volumeMode: 'Filesystem' }, status: { lastPhaseTransitionTime: '2026-11-02T09:20:00Z', phase: 'Bound' } });
    items.push({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: meta(`data-redis-${i}`, 'data', { annotations: { 'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes', 'volume.beta.kubernetes.io/storage-provisioner': 'ebs.csi.aws.com', 'volume.kubernetes.io/selected-node': n.name, 'volume.kubernetes.io/storage-provisioner': 'ebs.csi.aws.com' }, labels, uid: pvcUid }), spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '50Gi' } }, storageClassName: 'gp3', volumeMode: 'Filesystem', volumeName: pvName }, status: { accessModes: ['ReadWriteOnce'], capacity: { storage: '50Gi' }, phase: 'Bound' } });
    const p = pod(name, 'data', { ...template, metadata: { ...template.metadata, labels: { ...labels, 'apps.kubernetes.io/pod-index': String(i), 'controller-revision-hash': 'redis-6d9f8b7c5d', 'statefulset.kubernetes.io/pod-name': `redis-${i}` } } }, { apiVersion: 'apps/v1', kind: 'StatefulSet', name, uid: ssUid }, n, { name: `redis-${i}`, hostname: `redis-${i}`, subdomain: 'redis' });
    p.spec.volumes = [{ name: 'data', persistentVolumeClaim: { claimName: `data-redis-${i}` } }, ...p.spec.volumes];
    items.push(p);
  }
}

// A nightly CronJob, its last (completed) Job and that Job's pod.
{
  const labels = { 'app.kubernetes.io/name': 'nightly-report' };
  const jobTemplate = podTemplate(labels, [{ name: 'report', image: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/batch/report:2026.11', resources: { requests: { cpu: '2', memory: '4Gi' } } }], { restartPolicy: 'OnFailure' });
  const cjUid = uid();
  items.push({ apiVersion: 'batch/v1', kind: 'CronJob', metadata: meta('nightly-report', 'batch', { generation: 1, uid: cjUid }), spec: { concurrencyPolicy: 'Forbid', failedJobsHistoryLimit: 1, jobTemplate: { metadata: { creationTimestamp: null }, spec: { backoffLimit: 2, template: jobTemplate } }, schedule: '0 2 * * *', successfulJobsHistoryLimit: 3, suspend: false, timeZone: 'Europe/Dublin' }, status: { lastScheduleTime: '2026-12-08T02:00:00Z', lastSuccessfulTime: '2026-12-08T02:11:41Z' } });
  const jobUid = uid();
  const jobName = 'nightly-report-29420280';
  const jobLabels = { ...labels, 'batch.kubernetes.io/controller-uid': jobUid, 'batch.kubernetes.io/job-name': jobName, 'controller-uid': jobUid, 'job-name': jobName };
  const template = { ...jobTemplate, metadata: { ...jobTemplate.metadata, labels: jobLabels } };
  items.push({ apiVersion: 'batch/v1', kind: 'Job', metadata: meta(jobName, 'batch', { annotations: { 'batch.kubernetes.io/cronjob-scheduled-timestamp': '2026-12-08T02:00:00Z' }, generation: 1, labels: jobLabels, owner: { apiVersion: 'batch/v1', kind: 'CronJob', name: 'nightly-report', uid: cjUid }, uid: jobUid }), spec: { backoffLimit: 2, completionMode: 'NonIndexed', completions: 1, manualSelector: false, parallelism: 1, podReplacementPolicy: 'TerminatingOrFailed', selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': jobUid } }, suspend: false, template }, status: { completionTime: '2026-12-08T02:11:41Z', conditions: [{ lastProbeTime: '2026-12-08T02:11:41Z', lastTransitionTime: '2026-12-08T02:11:41Z', message: 'Reached expected number of succeeded pods', reason: 'CompletionsReached', status: 'True', type: 'SuccessCriteriaMet' }, { lastProbeTime: '2026-12-08T02:11:41Z', lastTransitionTime: '2026-12-08T02:11:41Z', message: 'Reached expected number of succeeded pods', reason: 'CompletionsReached', status: 'True', type: 'Complete' }], ready: 0, startTime: '2026-12-08T02:00:00Z', succeeded: 1, terminating: 0, uncountedTerminatedPods: {} } });
  items.push(pod(jobName, 'batch', template, { apiVersion: 'batch/v1', kind: 'Job', name: jobName, uid: jobUid }, nodes.find((n) => n.group === 'general'), { phase: 'Succeeded' }));
}

// Services (ClusterIPs from the cluster's service range 10.100.0.0/16) and their EndpointSlices.
const services = [
  ['default', 'kubernetes', '10.100.0.1', undefined, [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 443 }]],
  ['kube-system', 'kube-dns', '10.100.0.10', { 'k8s-app': 'kube-dns' }, [{ name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 }, { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 }]],
  ['kube-system', 'metrics-server', '10.100.41.7', { 'app.kubernetes.io/name': 'metrics-server' }, [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 10251 }]],
  ['shop', 'frontend', '10.100.87.12', { 'app.kubernetes.io/name': 'frontend' }, [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' }]],
  ['shop', 'cart', '10.100.87.40', { 'app.kubernetes.io/name': 'cart' }, [{ name: 'http', port: 8080, protocol: 'TCP', targetPort: 'http' }]],
  ['shop', 'catalog', '10.100.87.77', { 'app.kubernetes.io/name': 'catalog' }, [{ name: 'http', port: 8080, protocol: 'TCP', targetPort: 'http' }]],
  ['data', 'redis', 'None', { 'app.kubernetes.io/name': 'redis' }, [{ name: 'redis', port: 6379, protocol: 'TCP', targetPort: 6379 }]],
];
for (const [ns, name, ip, selector, ports] of services) {
  items.push({ apiVersion: 'v1', kind: 'Service', metadata: meta(name, ns, { labels: name === 'kubernetes' ? { component: 'apiserver', provider: 'kubernetes' } : { 'app.kubernetes.io/name': name } }), spec: { clusterIP: ip, clusterIPs: [ip], internalTrafficPolicy: 'Cluster', ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack', ports, ...(selector ? { selector } : {}), sessionAffinity: 'None', type: 'ClusterIP' }, status: { loadBalancer: {} } });
  const backends = items.filter((o) => o.kind === 'Pod' && o.metadata.namespace === ns && o.status.phase === 'Running' && selector && Object.entries(selector).every(([k, v]) => o.metadata.labels?.[k] === v));
  items.push({
    addressType: 'IPv4',
    apiVersion: 'discovery.k8s.io/v1',
    endpoints: backends.map((p) => ({ addresses: [p.status.podIP], conditions: { ready: true, serving: true, terminating: false }, nodeName: p.spec.nodeName, targetRef: { kind: 'Pod', name: p.metadata.name, namespace: ns, uid: p.metadata.uid }, zone: nodes.find((n) => n.name === p.spec.nodeName).zone })),
    kind: 'EndpointSlice',
    metadata: meta(`${name}-${suffix(3)}`, ns, { generateName: `${name}-`, labels: { 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io', 'kubernetes.io/service-name': name }, manager: 'kube-controller-manager' }),
    ports: ports.map((p) => ({ name: p.name, port: typeof p.targetPort === 'number' ? p.targetPort : 8080, protocol: p.protocol })),
  });
}

// PDB and HPA
items.push({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: meta('frontend', 'shop', { generation: 1 }), spec: { minAvailable: 4, selector: { matchLabels: { 'app.kubernetes.io/name': 'frontend' } } }, status: { conditions: [{ lastTransitionTime: '2026-12-01T08:00:10Z', message: '', observedGeneration: 1, reason: 'SufficientPods', status: 'True', type: 'DisruptionAllowed' }], currentHealthy: 6, desiredHealthy: 4, disruptionsAllowed: 2, expectedPods: 6, observedGeneration: 1 } });
items.push({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: meta('coredns', 'kube-system', { generation: 1 }), spec: { maxUnavailable: 1, selector: { matchLabels: { 'k8s-app': 'kube-dns' } } }, status: { currentHealthy: 2, desiredHealthy: 1, disruptionsAllowed: 1, expectedPods: 2, observedGeneration: 1 } });
items.push({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: meta('catalog', 'shop'), spec: { maxReplicas: 12, metrics: [{ resource: { name: 'cpu', target: { averageUtilization: 70, type: 'Utilization' } }, type: 'Resource' }], minReplicas: 3, scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'catalog' } }, status: { currentMetrics: [{ resource: { current: { averageUtilization: 41, averageValue: '309m' }, name: 'cpu' }, type: 'Resource' }], currentReplicas: 3, desiredReplicas: 3 } });

// ConfigMaps: each namespace's root CA (the projected service account volumes read it) and the apps' own.
for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease', 'shop', 'data', 'batch']) {
  items.push({ apiVersion: 'v1', kind: 'ConfigMap', data: { 'ca.crt': '-----BEGIN CERTIFICATE-----\nMIIDBTCCAe2gAwIBAgIIexample\n-----END CERTIFICATE-----\n' }, metadata: meta('kube-root-ca.crt', ns, { annotations: { 'kubernetes.io/description': 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.' } }) });
}
items.push({ apiVersion: 'v1', kind: 'ConfigMap', data: { Corefile: '.:53 {\n    errors\n    health\n    ready\n    kubernetes cluster.local in-addr.arpa ip6.arpa {\n      pods insecure\n      fallthrough in-addr.arpa ip6.arpa\n    }\n    prometheus :9153\n    forward . /etc/resolv.conf\n    cache 30\n    loop\n    reload\n    loadbalance\n}\n' }, metadata: meta('coredns', 'kube-system', { labels: { 'eks.amazonaws.com/component': 'coredns', 'k8s-app': 'kube-dns' } }) });
items.push({ apiVersion: 'v1', kind: 'ConfigMap', data: { 'config.json': '{"currency":"EUR","catalog":"http://catalog.shop.svc:8080"}\n' }, metadata: meta('frontend-config', 'shop') });

const text = stringify({ apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } }, { lineWidth: 0, aliasDuplicateObjects: false });
writeFileSync(out, text);
process.stdout.write(`${out}: ${items.length} objects\n`);
