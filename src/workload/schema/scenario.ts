/**
 * The scenario format (`apiVersion: kubesim.dev/v1`, `kind: Scenario`), DESIGN §8. This one schema validates input,
 * converts text to typed values, and generates the published JSON Schema (schema/scenario.schema.json).
 * Defaults are upstream's where Kubernetes has one (cited in defaults.ts) and marked GUESS where kubesim had to pick.
 */
import { KUBERNETES_VERSION, OLDEST_SELECTABLE_MINOR, selectableMinor, versionName } from '../../cluster/kubernetesVersion.js';
import { z } from 'zod';
import { DEFAULTS } from '../defaults.js';
import { boundedDuration, distribution, duration, fineDuration, labelMap, nonNegativeInt, positiveInt, positiveNumber, quantity, rate, resourceList, strict } from './common.js';
import { taint } from './kubernetes.js';
import { PROFILE_PRESETS } from '../../models/scheduler/framework/profile.js';

/** Most nodes a scenario may declare (20× upstream's 5,000-node scalability limit); refused up front, not at OOM. */
export const MAX_NODES = 100_000;
/** Most replicas/completions one object may ask for. */
export const MAX_REPLICAS = 1_000_000;
/** The most entries of each list of the scenario (docs/scenario.md, "Limits"). */
export const LIST_LIMITS = { nodePools: 1000, taints: 100, poolImages: 1000, shapes: 100, manifests: 10_000, workloads: 1000, events: 10_000, matrixValues: 1000, traffic: 100_000, names: MAX_NODES, ports: 100, steps: 100_000, plugins: 100 } as const;
/** A pool name is a DNS label with room for "-<index>" within the 63 characters of a node's hostname label. */
export const MAX_POOL_NAME = 56;
/** A scenario's name names its results folder: at most 200 characters, well within a file name's 255 bytes. */
export const MAX_SCENARIO_NAME = 200;
/** Names of workload generators: like a CronJob's name (52), so the names of what they create stay within 63. */
export const MAX_GENERATOR_NAME = 52;
/** Longest simulated duration. */
export const MAX_DURATION_US = 366 * 24 * 3_600_000_000;

const clientLimits = strict({ qps: positiveNumber, burst: positiveInt }, 'client limits');

/** A node pool: `count` identical nodes. Label values given as a list are spread round-robin across the pool. */
export const nodePool = strict(
  {
    name: z.string().max(MAX_POOL_NAME, { error: `pool names are at most ${MAX_POOL_NAME} characters (node names add "-<index>")` }).regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { error: 'expected a lowercase DNS label pool name' }),
    count: z.int({ error: 'expected an integer' }).min(0, { error: 'expected an integer ≥ 0' }).max(MAX_NODES, { error: `expected at most ${MAX_NODES} nodes` }),
    capacity: resourceList,
    allocatable: resourceList.optional(),
    labels: z.record(z.string(), z.union([z.string(), z.array(z.string()).min(1).max(MAX_NODES)]), { error: 'expected label: value or label: [values…]' }).optional(),
    taints: z.array(taint).max(LIST_LIMITS.taints, { error: `expected at most ${LIST_LIMITS.taints} taints` }).optional(),
    unschedulable: z.boolean().optional(),
    images: z.array(strict({ name: z.string().min(1), size: quantity('storage') }, 'a pre-pulled image')).max(LIST_LIMITS.poolImages, { error: `expected at most ${LIST_LIMITS.poolImages} images` }).optional(),
    imagePullBandwidth: quantity('storage').refine((b) => b > 0, { message: 'expected a bandwidth > 0 (bytes per second)' }).optional(),
    /**
     * false: the nodes are registered without a kubelet (like scheduler_perf's fake nodes or KWOK): pods are bound
     * to them but never start. Default true.
     */
    kubelet: z.boolean().optional(),
    /** Random failures of each node: time between failures and time to repair, drawn per node on a seeded stream. */
    failures: strict({ mtbf: distribution, mttr: distribution }, 'pool failures').optional(),
    /** Cost of one node per hour (any currency), for `kubesim capacity --compare-shapes`. */
    price: z.number({ error: 'expected a price per node-hour' }).min(0, { error: 'expected a price ≥ 0' }).optional(),
    /** Other node shapes `kubesim capacity --compare-shapes` tries for this pool, each with its price. */
    shapes: z
      .array(strict({ name: z.string().max(63, { error: 'shape names are at most 63 characters' }).regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { error: 'expected a lowercase DNS label shape name' }), capacity: resourceList, allocatable: resourceList.optional(), price: z.number().min(0, { error: 'expected a price ≥ 0' }) }, 'a node shape'))
      .max(LIST_LIMITS.shapes, { error: `expected at most ${LIST_LIMITS.shapes} shapes` })
      .optional(),
    /** A node group of the cluster autoscaler: it keeps the pool between min and max nodes (`count` is the initial size). */
    autoscaling: strict({ min: z.int().min(0, { error: 'expected an integer ≥ 0' }).max(MAX_NODES), max: z.int().min(1, { error: 'expected an integer ≥ 1' }).max(MAX_NODES, { error: `expected at most ${MAX_NODES} nodes` }) }, 'pool autoscaling')
      .refine((a) => a.min <= a.max, { message: 'autoscaling min must be ≤ max' })
      .optional(),
  },
  'a node pool',
).refine((p) => p.autoscaling === undefined || (p.count >= p.autoscaling.min && p.count <= p.autoscaling.max), { message: 'count must lie within autoscaling min and max', path: ['count'] });

const COST_KEYS = ['ruleUs', 'requestUs', 'ipvsLookupUs', 'nftLookupUs', 'iptablesSyncFixedUs', 'fullSyncExtraUs', 'perEndpointUs', 'perLineUs', 'ipvsSyncFixedUs', 'perVirtualServerUs', 'perChangeUs', 'nftPartialUs'] as const;

/** kube-proxy settings (KubeProxyConfiguration fields kubesim models, and the cost model's constants). */
export const kubeProxySettings = strict(
  {
    mode: z.enum(['iptables', 'ipvs', 'nftables']).default('iptables'),
    /** iptables/nftables/ipvs minSyncPeriod (default 1 s) and syncPeriod (30 s). */
    minSyncPeriod: duration.default(1_000_000),
    syncPeriod: duration.refine((d) => d >= 1_000_000, { message: 'expected at least 1s' }).default(30_000_000),
    ipvsScheduler: z.enum(['rr', 'lc', 'sh']).default('rr'),
    /** How many kube-proxies are simulated per node pool; each stands for its share of the pool's nodes. */
    proxiesPerPool: positiveInt.max(100).default(3),
    /** Overrides of the cost model's constants (µs; src/models/proxy/costs.ts). */
    costs: strict(Object.fromEntries(COST_KEYS.map((k) => [k, z.number().min(0).optional()])) as Record<(typeof COST_KEYS)[number], z.ZodOptional<z.ZodNumber>>, 'kubeProxy.costs').optional(),
  },
  'kubeProxy',
);

/** Cluster Autoscaler settings (its flags; defaults from cluster-autoscaler/config). */
export const clusterAutoscalerSettings = strict(
  {
    scanInterval: duration.refine((d) => d >= 1_000_000, { message: 'expected at least 1s' }).default(DEFAULTS.clusterAutoscaler.scanIntervalUs),
    expander: z.enum(['least-waste', 'most-pods', 'random']).default('least-waste'),
    scaleDownEnabled: z.boolean().default(true),
    scaleDownUtilizationThreshold: z.number().min(0).max(1).default(0.5),
    scaleDownUnneededTime: duration.default(DEFAULTS.clusterAutoscaler.scaleDownUnneededTimeUs),
    scaleDownUnreadyTime: duration.default(DEFAULTS.clusterAutoscaler.scaleDownUnreadyTimeUs),
    scaleDownDelayAfterAdd: duration.default(DEFAULTS.clusterAutoscaler.scaleDownDelayAfterAddUs),
    scaleDownDelayAfterDelete: duration.default(0),
    scaleDownDelayAfterFailure: duration.default(DEFAULTS.clusterAutoscaler.scaleDownDelayAfterFailureUs),
    scaleDownNonEmptyCandidatesCount: positiveInt.default(30),
    maxEmptyBulkDelete: positiveInt.default(10),
    maxNodeProvisionTime: duration.default(DEFAULTS.clusterAutoscaler.maxNodeProvisionTimeUs),
    maxPodEvictionTime: duration.default(DEFAULTS.clusterAutoscaler.maxPodEvictionTimeUs),
    maxNodesTotal: z.int().min(0).max(MAX_NODES).default(0),
    expendablePodsPriorityCutoff: z.int().default(-10),
    /** GUESS: from the cloud API call to the node registering Ready (VM boot, kubelet start). */
    provisioningDelay: distribution.default(DEFAULTS.clusterAutoscaler.provisioningDelay),
  },
  'clusterAutoscaler',
);

const dnsName = z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, { error: 'expected a lowercase DNS name' });
/** An object reference: `name` (namespace default) or `namespace/name`. */
const objectRef = z.string().regex(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?\/)?[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, { error: 'expected name or namespace/name' });
/** A Service reference in traffic: a name, `namespace/name`, or a prefix ending in `*` (every Service it matches). */
const serviceRef = z.string().regex(/^([a-z0-9]([-a-z0-9]*[a-z0-9])?\/)?[a-z0-9]([-a-z0-9.]*[a-z0-9-])?\*?$/, { error: 'expected name, namespace/name or a name prefix ending in *' });
/** Largest Service fleet. */
export const MAX_SERVICES = 100_000;

/** Which nodes an event acts on: by names, pool and zone, then optionally a random count or fraction of those. */
const nodeSelection = {
  names: z.array(dnsName).min(1).max(LIST_LIMITS.names, { error: `expected at most ${LIST_LIMITS.names} names` }).optional(),
  pool: dnsName.optional(),
  zone: z.string().min(1).optional(),
  count: positiveInt.max(MAX_NODES).optional(),
  fraction: z.number({ error: 'expected a number' }).gt(0, { error: 'expected a fraction > 0' }).max(1, { error: 'expected a fraction ≤ 1' }).optional(),
};
type Selection = { names?: string[]; pool?: string; zone?: string; count?: number; fraction?: number };
const selects = (v: Selection) => v.names !== undefined || v.pool !== undefined || v.zone !== undefined || v.count !== undefined || v.fraction !== undefined;
const selectsOnce = (v: Selection) => v.count === undefined || v.fraction === undefined;
const SELECT_MESSAGE = 'expected at least one of names, pool, zone, count, fraction';
const selectionOf = (what: string) => strict(nodeSelection, what).refine(selects, { message: SELECT_MESSAGE }).refine(selectsOnce, { message: 'expected count or fraction, not both' });
const failSelection = strict(
  {
    ...nodeSelection,
    for: duration.optional(),
    /**
     * The machines are gone, not just stopped: the cloud provider's node lifecycle controller deletes their Node
     * objects (its monitor period, 5 s), the pod GC then force-deletes their pods, and with `for` new machines of the
     * same names register at recovery.
     */
    lost: z.boolean().optional(),
  },
  'failNodes',
)
  .refine(selects, { message: SELECT_MESSAGE })
  .refine(selectsOnce, { message: 'expected count or fraction, not both' });

/**
 * How a traffic rate varies over time: constant, diurnal (a factor between min and max), steps of factors (in time
 * order; each holds until the next; `repeat` starts them over every period), or a trace: a CSV file of times and
 * factors (read at load time into steps; `loop` repeats it over its length).
 */
const trafficPattern = z.union([
  z.literal('constant'),
  strict({ diurnal: strict({ min: z.number().min(0), max: z.number().min(0), peakAt: duration.optional(), period: duration.optional() }, 'a diurnal pattern').refine((d) => d.min <= d.max, { message: 'min must be ≤ max' }) }, 'a diurnal pattern'),
  strict(
    {
      steps: z
        .array(strict({ at: duration, factor: z.number().min(0) }, 'a step'))
        .min(1)
        .max(LIST_LIMITS.steps, { error: `expected at most ${LIST_LIMITS.steps} steps` })
        .refine((steps) => steps.every((s, i) => i === 0 || steps[i - 1]!.at <= s.at), { message: 'expected steps in time order' }),
      repeat: duration.refine((d) => d > 0, { message: 'expected a period > 0' }).optional(),
    },
    'a step pattern',
  ),
  strict(
    {
      trace: strict(
        {
          /** A CSV file with a header, relative to the scenario. */
          file: z.string().min(1),
          /** Column of the times in seconds from the start (default `time_s`). */
          time: z.string().min(1).default('time_s'),
          /** Column of the factors (default `factor`); any non-negative numbers, e.g. requests per minute. */
          column: z.string().min(1).default('factor'),
          /** Multiplies every factor (e.g. 1 / the trace's mean, to make it a relative load). */
          scale: z.number().min(0).default(1),
          /** Repeat the trace over its length (its last time); otherwise its last factor holds. */
          loop: z.boolean().default(false),
        },
        'a trace pattern',
      ),
    },
    'a trace pattern',
  ),
], { error: 'expected constant, {diurnal: {min, max, peakAt, period}}, {steps: [{at, factor}…]} or {trace: {file, time, column, scale, loop}}' });

/** Client load of one Service (DESIGN §7). */
export const trafficSpec = strict(
  {
    /** The Service the clients connect to (or, with `ingress`, none: the Ingress rules choose it). */
    service: serviceRef.optional(),
    /**
     * External HTTP clients through an Ingress (models/ingress/): their connections go to the class's controller
     * Service (NodePort/LoadBalancer, through kube-proxy), its pods proxy each request to the Service the rules
     * choose for `host` and `path`.
     */
    ingress: strict(
      {
        host: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, { error: 'expected a lowercase DNS host name' }),
        path: z.string().startsWith('/', { error: 'expected a path starting with "/"' }).default('/'),
        /** The IngressClass (default: the one annotated as the default class). */
        className: z.string().min(1).optional(),
      },
      'an Ingress request',
    ).optional(),
    connectionsPerSecond: z.number({ error: 'expected a number' }).min(0).max(10_000_000, { error: 'expected at most 10,000,000 connections/s' }),
    requestsPerConnection: z.number().min(1).max(1_000_000).default(1),
    pattern: trafficPattern.default('constant'),
    /** The node pool the clients run on (default: spread over every pool in proportion to its nodes). */
    from: z.string().optional(),
    /**
     * External clients through the Service's NodePort (spread over the nodes of `from`, or of every pool), subject
     * to its externalTrafficPolicy; default false: in-cluster clients to the ClusterIP (internalTrafficPolicy).
     */
    external: z.boolean().default(false),
    /**
     * In-cluster clients look the Service up by this name before each new connection (their resolver: ClusterFirst,
     * ndots 5, the cluster search path; models/dns/resolver.ts), through the kube-system/kube-dns Service's pods when
     * it exists. Default: no lookup.
     */
    dnsName: z.string().min(1).optional(),
    /** The clients' namespace, which heads their search path (default: the Service's). */
    clientNamespace: z.string().min(1).optional(),
  },
  'a traffic source',
).refine((t) => (t.service === undefined) !== (t.ingress === undefined), { message: 'expected one of service or ingress' });

/** What a timed event does: exactly one action. */
export const EVENT_ACTIONS = ['rollout', 'scale', 'rollback', 'pause', 'resume', 'failNodes', 'recoverNodes', 'drainNodes', 'uncordonNodes', 'addNodes', 'load', 'hpaTarget'] as const;

/** A timed what-if (DESIGN §8): at `at`, one action. */
export const scenarioEvent = strict(
  {
    at: duration,
    /** A new pod template: the image of every container (or of `container`), and/or template annotations. */
    /** `deployment` may be a name prefix ending in `*`: every matching Deployment is rolled out at once. */
    rollout: strict({ deployment: serviceRef, image: z.string().min(1).optional(), container: z.string().min(1).optional(), annotations: labelMap.optional() }, 'a rollout')
      .refine((r) => r.image !== undefined || r.annotations !== undefined, { message: 'expected image or annotations to change' })
      .optional(),
    scale: strict({ deployment: objectRef.optional(), replicaSet: objectRef.optional(), replicas: z.int({ error: 'expected an integer' }).min(0, { error: 'expected an integer ≥ 0' }).max(MAX_REPLICAS, { error: `expected at most ${MAX_REPLICAS}` }) }, 'a scale')
      .refine((r) => (r.deployment === undefined) !== (r.replicaSet === undefined), { message: 'expected one of deployment or replicaSet' })
      .optional(),
    /** `kubectl rollout undo`: to the previous revision, or to `toRevision`. */
    rollback: strict({ deployment: objectRef, toRevision: positiveInt.optional() }, 'a rollback').optional(),
    pause: strict({ deployment: objectRef }, 'a pause').optional(),
    resume: strict({ deployment: objectRef }, 'a resume').optional(),
    /** The nodes stop (power loss): no heartbeats, containers gone; back after `for` if given. */
    failNodes: failSelection.optional(),
    recoverNodes: selectionOf('recoverNodes').optional(),
    /** `kubectl drain --ignore-daemonsets`: cordon, then evict every pod through the eviction API (retried every 5 s while a PodDisruptionBudget refuses). */
    drainNodes: selectionOf('drainNodes').optional(),
    uncordonNodes: selectionOf('uncordonNodes').optional(),
    /** New nodes of a pool join (named after the pool's existing ones). */
    addNodes: strict({ pool: dnsName, count: positiveInt.max(MAX_NODES) }, 'addNodes').optional(),
    /** A traffic change: the shared usage of the Deployment's pods (kubesim.dev/cpu-usage `shared`) is multiplied by `factor`. */
    load: strict({ deployment: objectRef, factor: z.number({ error: 'expected a number' }).min(0, { error: 'expected a factor ≥ 0' }).max(1000, { error: 'expected a factor ≤ 1000' }) }, 'a load change').optional(),
    /** A change of an HPA (`kubectl patch hpa`): the target of its `metric` (cpu by default) Resource metric, and/or its bounds. */
    hpaTarget: strict(
      {
        hpa: objectRef,
        metric: z.string().min(1).optional(),
        averageUtilization: positiveInt.optional(),
        averageValue: z.union([z.string(), z.number()]).optional(),
        minReplicas: positiveInt.optional(),
        maxReplicas: positiveInt.max(MAX_REPLICAS).optional(),
      },
      'an hpaTarget change',
    )
      .refine((h) => h.averageUtilization !== undefined || h.averageValue !== undefined || h.minReplicas !== undefined || h.maxReplicas !== undefined, { message: 'expected averageUtilization, averageValue, minReplicas or maxReplicas' })
      .refine((h) => h.averageUtilization === undefined || h.averageValue === undefined, { message: 'expected averageUtilization or averageValue, not both' })
      .optional(),
  },
  'an event',
).refine((e) => EVENT_ACTIONS.filter((a) => e[a] !== undefined).length === 1, { message: `expected exactly one action: ${EVENT_ACTIONS.join(', ')}` });

/** A stream of Jobs with Poisson arrivals. */
export const poissonJobs = strict(
  {
    kind: z.literal('PoissonJobs'),
    name: z.string().max(MAX_GENERATOR_NAME, { error: `workload names are at most ${MAX_GENERATOR_NAME} characters` }).regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { error: 'expected a lowercase DNS label' }).optional(),
    rate,
    template: z.union([z.string(), z.record(z.string(), z.unknown())], { error: 'expected a path to a Job manifest or an inline Job' }),
    duration: distribution.optional(),
    start: duration.optional(),
    stop: duration.optional(),
    maxJobs: positiveInt.optional(),
  },
  'a PoissonJobs workload',
);

/**
 * A batch of bare Pods stamped from a template (scheduler_perf's `createPods` op): `count` pods named
 * `<name>-<n>`, all at `start`, or one every 1/`rate` seconds from `start`.
 */
export const podBatch = strict(
  {
    kind: z.literal('Pods'),
    name: z.string().max(MAX_GENERATOR_NAME, { error: `workload names are at most ${MAX_GENERATOR_NAME} characters` }).regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { error: 'expected a lowercase DNS label' }).optional(),
    count: z.int({ error: 'expected an integer' }).min(0, { error: 'expected an integer ≥ 0' }).max(MAX_REPLICAS, { error: `expected at most ${MAX_REPLICAS} pods` }),
    template: z.union([z.string(), z.record(z.string(), z.unknown())], { error: 'expected a path to a Pod manifest or an inline Pod' }),
    rate: rate.optional(),
    start: duration.optional(),
  },
  'a Pods workload',
);

/**
 * A fleet of Services, each with its own Deployment, stamped from one Deployment template at load time:
 * `<name>-<i>` for i in 0…count−1, the Deployment's pods labelled `kubesim.dev/service: <name>-<i>` and selected by
 * the Service of the same name. The first `nodePortShare` of them are NodePort Services.
 */
export const serviceFleet = strict(
  {
    kind: z.literal('Services'),
    name: z.string().max(MAX_GENERATOR_NAME, { error: `workload names are at most ${MAX_GENERATOR_NAME} characters` }).regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { error: 'expected a lowercase DNS label' }),
    count: z.int({ error: 'expected an integer' }).min(1, { error: 'expected at least 1 Service' }).max(MAX_SERVICES, { error: `expected at most ${MAX_SERVICES} Services` }),
    template: z.union([z.string(), z.record(z.string(), z.unknown())], { error: 'expected a path to a Deployment manifest or an inline Deployment' }),
    ports: z.array(strict({ name: z.string().optional(), port: z.int().min(1).max(65535), targetPort: z.union([z.int().min(1).max(65535), z.string()]).optional(), protocol: z.enum(['TCP', 'UDP', 'SCTP']).optional() }, 'a service port')).min(1).max(LIST_LIMITS.ports, { error: `expected at most ${LIST_LIMITS.ports} ports` }),
    nodePortShare: z.number().min(0).max(1).default(0),
    sessionAffinity: z.enum(['None', 'ClientIP']).default('None'),
  },
  'a Services fleet',
);

/** Pod trace formats kubesim imports (src/workload/traces/). */
export const TRACE_FORMATS = ['openb', 'alibaba-dlrm', 'alibaba-2018-batch', 'google-2019'] as const;
/** Node list formats. */
export const NODE_FORMATS = ['openb', 'alibaba-pai-machines', 'alibaba-spot-nodes', 'google-2019'] as const;

/**
 * Replay of a real cluster trace: pods arrive at their recorded creation time and leave at their deletion time (or
 * after their recorded duration). `timeScale` compresses time (0.01: 100× faster), `window` keeps the pods created
 * in [start, end) of trace time, `load` scales the pod count (above 1 adds clones resampled on a seeded stream, below
 * 1 keeps a seeded sample). `nodes`, a node list of the trace, replaces the scenario's node pools.
 */
export const traceWorkload = strict(
  {
    kind: z.literal('Trace'),
    name: z.string().max(MAX_GENERATOR_NAME, { error: `workload names are at most ${MAX_GENERATOR_NAME} characters` }).regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { error: 'expected a lowercase DNS label' }).optional(),
    format: z.enum(TRACE_FORMATS, { error: `expected a trace format: ${TRACE_FORMATS.join(', ')}` }),
    pods: z.string({ error: 'expected the path of the trace\'s pod file' }).min(1),
    nodes: z.string().min(1).optional(),
    /** The node list's format (default: the pods' format, for formats that have node lists). */
    nodeFormat: z.enum(NODE_FORMATS, { error: `expected a node list format: ${NODE_FORMATS.join(', ')}` }).optional(),
    /**
     * The machine normalised units refer to (google-2019 cpu and memory, alibaba-2018-batch memory), and the memory
     * of nodes whose list has none (alibaba-spot-nodes). Defaults are GUESSES: 64 cores, 256Gi.
     */
    machine: strict({ cpu: quantity('cpu').default(64_000), memory: quantity('storage').default(256 * 1024 ** 3) }, 'a machine size').prefault({}),
    namespace: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { error: 'expected a namespace name' }).default('default'),
    timeScale: positiveNumber.default(1),
    window: strict({ start: duration.default(0), end: duration.optional() }, 'a trace window').optional(),
    load: z.number({ error: 'expected a number' }).gt(0, { error: 'expected a load factor > 0' }).max(100, { error: 'expected a load factor ≤ 100' }).default(1),
    departures: z.enum(['recorded', 'none']).default('recorded'),
  },
  'a Trace workload',
);

/** The workload kinds, told apart by `kind`. */
const workload = z.discriminatedUnion('kind', [poissonJobs, podBatch, serviceFleet, traceWorkload], { error: 'expected a workload with kind PoissonJobs, Pods, Services or Trace' });

/**
 * A placement experiment (the FGD paper's protocol) instead of a simulation in time: the workloads' pods are tried
 * one at a time, in order (shuffled per seed), each once: placed by the scheduler profile on the cluster as the
 * earlier ones left it, or dropped; nothing departs. `inflate` first grows the pod list with clones drawn with
 * replacement until the GPU demand reaches that multiple of GPU capacity (or thins it down to it). Node order is
 * shuffled per seed (`shuffleNodes`), which with `scheduler.tieBreak: first` breaks ties at random per seed.
 */
export const placementSettings = strict(
  {
    shuffle: z.boolean().default(true),
    shuffleNodes: z.boolean().default(true),
    inflate: z.number({ error: 'expected a number' }).gt(0, { error: 'expected a ratio > 0' }).max(100, { error: 'expected a ratio ≤ 100' }).optional(),
  },
  'placement',
);

/** The whole scenario document. */
export const scenarioSchema = strict(
  {
    apiVersion: z.literal('kubesim.dev/v1', { error: 'expected apiVersion "kubesim.dev/v1"' }),
    kind: z.literal('Scenario', { error: 'expected kind "Scenario"' }),
    metadata: strict({ name: z.string().max(MAX_SCENARIO_NAME, { error: `scenario names are at most ${MAX_SCENARIO_NAME} characters (the name is a folder name)` }).regex(/^[a-z0-9]([-a-z0-9._]*[a-z0-9])?$/, { error: 'expected a lowercase name (a-z, 0-9, "-", "." and "_")' }), description: z.string().optional() }, 'metadata'),
    spec: strict(
      {
        seed: z.union([z.int(), z.string().min(1)], { error: 'expected an integer or a string seed' }).default(1),
        /**
         * `manifests` (default): an object in a namespace no Namespace manifest creates is refused, as the
         * NamespaceLifecycle admission plugin refuses it; `auto`: such namespaces are created (one warning names them).
         */
        namespaces: z.enum(['manifests', 'auto'], { error: 'expected "manifests" or "auto"' }).default('manifests'),
        /**
         * The Kubernetes minor whose behaviour the run follows: kubesim follows v1.34; v1.31–v1.33 select the older
         * behaviour of the changes kubesim can select (docs/scheduler.md, "Kubernetes version").
         */
        kubernetesVersion: z
          .string()
          .refine((v) => selectableMinor(v) !== undefined, { message: `expected a Kubernetes version from ${versionName(OLDEST_SELECTABLE_MINOR)} to ${KUBERNETES_VERSION} (e.g. "v1.33"): kubesim follows ${KUBERNETES_VERSION} and selects the older behaviour of the last three minors' changes` })
          .optional(),
        /** Simulated time; a placement experiment has none (default 1 s there). */
        duration: boundedDuration(MAX_DURATION_US, '366 days').refine((d) => d > 0, { message: 'expected a duration > 0' }).optional(),
        placement: placementSettings.optional(),
        cluster: strict(
          {
            nodePools: z.array(nodePool).max(LIST_LIMITS.nodePools, { error: `expected at most ${LIST_LIMITS.nodePools} node pools` }).default([]),
            /**
             * The cluster's state at t = 0, as `kubesim import-cluster` writes it from a live cluster's dump: a file or
             * folder of objects that exist from the start with their uids, owners and statuses (Nodes registered, bound
             * pods running on their nodes without a scheduling cycle, pending pods pending), without admission.
             */
            snapshot: z.string().min(1, { error: 'expected a path' }).optional(),
          },
          'cluster',
        ).prefault({}),
        manifests: z.array(z.union([z.string(), z.record(z.string(), z.unknown())], { error: 'expected a path or an inline manifest' })).max(LIST_LIMITS.manifests, { error: `expected at most ${LIST_LIMITS.manifests} manifest entries` }).default([]),
        workloads: z.array(workload).max(LIST_LIMITS.workloads, { error: `expected at most ${LIST_LIMITS.workloads} workloads` }).default([]),
        events: z.array(scenarioEvent).max(LIST_LIMITS.events, { error: `expected at most ${LIST_LIMITS.events} events` }).default([]),
        /**
         * Image sizes (`image: size`), or `image: {size | layers: [{digest, size}], pullFailureProbability}`: layers are
         * shared between images on a node; a registry that fails pulls (1: the image does not exist).
         */
        images: z
          .record(
            z.string(),
            z.union(
              [
                quantity('storage'),
                strict(
                  {
                    size: quantity('storage').optional(),
                    /** The image's layers, bottom first: shared layers are stored and pulled once per node. */
                    layers: z.array(strict({ digest: z.string().min(1, { error: 'expected a layer digest' }), size: quantity('storage') }, 'a layer')).min(1).max(1000).optional(),
                    pullFailureProbability: z.number().min(0).max(1).optional(),
                  },
                  'an image',
                ).refine((i) => i.size === undefined || i.layers === undefined, { message: 'give an image size or its layers, not both' }),
              ],
              { error: 'expected image: size, or image: {size | layers, pullFailureProbability}' },
            ),
          )
          .default({}),
        apiServer: strict({ writeLatency: distribution.default(DEFAULTS.apiServer.writeLatency), watchLatency: distribution.default(DEFAULTS.apiServer.watchLatency) }, 'apiServer').prefault({}),
        clients: strict(
          {
            scheduler: clientLimits.default(DEFAULTS.clients.scheduler),
            controllerManager: clientLimits.default(DEFAULTS.clients.controllerManager),
            kubelet: clientLimits.default(DEFAULTS.clients.kubelet),
          },
          'clients',
        ).prefault({}),
        scheduler: strict(
          {
            profile: z.enum(Object.keys(PROFILE_PRESETS) as [string, ...string[]], { error: `expected one of ${Object.keys(PROFILE_PRESETS).join(', ')}` }).default('default'),
            /** A KubeSchedulerConfiguration (file path or inline); its profiles replace `profile`. */
            config: z.union([z.string(), z.record(z.string(), z.unknown())], { error: 'expected a path to a KubeSchedulerConfiguration or an inline one' }).optional(),
            /** Users' plugins: `{name, module}`, module a .js/.mjs file (relative to the scenario) whose default export is the factory. */
            plugins: z
              .array(strict({ name: z.string().regex(/^[A-Za-z][A-Za-z0-9_-]*$/, { error: 'expected a plugin name (letters, digits, - and _)' }), module: z.string().regex(/\.(m?js)$/, { error: 'expected a path to a .js or .mjs module' }) }, 'a plugin'))
              .max(LIST_LIMITS.plugins, { error: `expected at most ${LIST_LIMITS.plugins} plugins` })
              .optional(),
            percentageOfNodesToScore: z.int().min(0).max(100).default(DEFAULTS.scheduler.percentageOfNodesToScore),
            /** Ties among the best nodes: `random` (upstream) or `first` in filtering order (the FGD paper's fork). */
            tieBreak: z.enum(['random', 'first']).default('random'),
            podInitialBackoff: duration.default(DEFAULTS.scheduler.podInitialBackoffUs),
            podMaxBackoff: duration.default(DEFAULTS.scheduler.podMaxBackoffUs),
            cycleCost: strict(
              {
                base: fineDuration.default(DEFAULTS.scheduler.cycleCost.baseUs),
                perNodeFiltered: fineDuration.default(DEFAULTS.scheduler.cycleCost.perNodeFilteredUs),
                perNodeScored: fineDuration.default(DEFAULTS.scheduler.cycleCost.perNodeScoredUs),
                perWorkUnit: fineDuration.default(DEFAULTS.scheduler.cycleCost.perWorkUnitUs),
                perFilterWorkUnit: fineDuration.default(DEFAULTS.scheduler.cycleCost.perFilterWorkUnitUs),
                perSpreadWorkUnit: fineDuration.default(DEFAULTS.scheduler.cycleCost.perSpreadWorkUnitUs),
              },
              'scheduler.cycleCost',
            ).prefault({}),
          },
          'scheduler',
        ).prefault({}),
        kubelet: strict(
          {
            sandboxLatency: distribution.default(DEFAULTS.kubelet.sandboxLatency),
            containerStartLatency: distribution.default(DEFAULTS.kubelet.containerStartLatency),
            containerStopLatency: distribution.default(DEFAULTS.kubelet.containerStopLatency),
            imagePullOverhead: distribution.default(DEFAULTS.kubelet.imagePullOverhead),
            imagePullBandwidth: quantity('storage').default(DEFAULTS.kubelet.imagePullBandwidthBytesPerSecond),
            defaultImageSize: quantity('storage').default(DEFAULTS.kubelet.defaultImageSizeBytes),
            serializeImagePulls: z.boolean().default(DEFAULTS.kubelet.serializeImagePulls),
            registryPullQPS: positiveNumber.default(DEFAULTS.kubelet.registryPullQPS),
            registryBurst: positiveInt.default(DEFAULTS.kubelet.registryBurst),
          },
          'kubelet',
        ).prefault({}),
        matrix: z
          .record(z.string(), z.union([z.array(z.unknown()).min(1, { error: 'a matrix dimension needs at least one value' }).max(LIST_LIMITS.matrixValues, { error: `a matrix dimension has at most ${LIST_LIMITS.matrixValues} values` }), positiveInt]), {
            error: 'expected a mapping of override path to a list of values (and seeds: N or a list)',
          })
          .optional(),
        clusterAutoscaler: clusterAutoscalerSettings.prefault({}),
        kubeProxy: kubeProxySettings.prefault({}),
        traffic: z.array(trafficSpec).max(LIST_LIMITS.traffic, { error: `expected at most ${LIST_LIMITS.traffic} traffic sources` }).default([]),
        metrics: strict({ interval: duration.refine((d) => d >= 1000, { message: 'expected an interval of at least 1ms' }).default(DEFAULTS.metrics.intervalUs), nodes: z.boolean().default(true) }, 'metrics').prefault({}),
      },
      'spec',
    ),
  },
  'a Scenario',
);

/** The scenario document after validation and conversion (durations in µs, quantities as numbers). */
export type ScenarioDocument = z.output<typeof scenarioSchema>;
/** One node pool after validation. */
export type NodePoolSpec = z.output<typeof nodePool>;
/** One timed event after validation. */
export type ScenarioEventSpec = z.output<typeof scenarioEvent>;
/** One PoissonJobs workload after validation. */
export type PoissonJobsSpec = z.output<typeof poissonJobs>;

export { labelMap, nonNegativeInt };
/** Cluster Autoscaler settings, defaults applied. */
export type ClusterAutoscalerSettings = z.output<typeof clusterAutoscalerSettings>;
/** kube-proxy settings, defaults applied. */
export type KubeProxySettings = z.output<typeof kubeProxySettings>;
/** One traffic source, defaults applied. */
export type TrafficSpec = z.output<typeof trafficSpec>;
/** A Trace workload, as written. */
export type TraceWorkloadSpec = z.output<typeof traceWorkload>;
/** Placement experiment settings. */
export type PlacementSettings = z.output<typeof placementSettings>;
/** A Services fleet workload. */
export type ServiceFleetSpec = z.output<typeof serviceFleet>;
