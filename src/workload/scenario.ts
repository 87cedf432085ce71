/** The typed scenario that the simulation builds its world from. Nothing downstream sees raw YAML. */
import type { Distribution } from '../engine/distribution.js';
import type { Micros } from '../engine/time.js';
import type { KubeObject } from '../cluster/types.js';
import type { ClientLimits } from '../models/apiserver/apiServer.js';
import type { ClusterAutoscalerSettings, KubeProxySettings, NodePoolSpec, PlacementSettings, ScenarioEventSpec } from './schema/scenario.js';
import type { TraceWorkload } from '../models/generators/traceReplay.js';
import type { PoissonJobsWorkload } from '../models/generators/poissonJobs.js';
import type { PodBatchWorkload } from '../models/generators/podBatch.js';
import type { PluginConfig } from '../models/scheduler/framework/profile.js';

import type { Traffic } from '../models/traffic/trafficSource.js';
export type { IngressHop, Traffic } from '../models/traffic/trafficSource.js';

/** Any workload generator. */
export type Workload = PoissonJobsWorkload | PodBatchWorkload | TraceWorkload;
export type { PodBatchWorkload, PoissonJobsWorkload, TraceWorkload };

/** A validated, defaulted scenario. */
/**
 * An object of a built-in Kubernetes kind that kubesim loads and keeps without modelling it (ConfigMap, Secret,
 * RBAC, NetworkPolicy…): only its identity and metadata.
 */
export interface InertObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  /** A ConfigMap's or Secret's data keys (data, binaryData, stringData). */
  keys?: string[];
}

/** How the kinds of a scenario's manifests were taken: modelled, loaded without a model, or skipped (not built in). */
export interface KindCount {
  apiVersion: string;
  kind: string;
  status: 'modelled' | 'inert' | 'skipped';
  count: number;
}

export interface Scenario {
  name: string;
  description: string | undefined;
  /** The scenario file (absent for scenarios built in code). */
  file: string | undefined;
  /** sha256 of the scenario text, every manifest it loads, and the overrides. */
  hash: string;
  /** Every file the scenario read (the scenario first, then manifests and templates), as absolute paths. */
  files: string[];
  /** The `--set` overrides applied, as given. */
  overrides: string[];
  seed: number | string;
  /** Objects of built-in kinds kubesim does not model, in load order. */
  inert: InertObject[];
  /** Per apiVersion and kind of the manifests: how kubesim took them (sorted). */
  kinds: KindCount[];
  /** One line per thing the user should know about (kinds skipped), for the CLI to print. */
  warnings: string[];
  /** The Kubernetes minor the run follows (34 unless `spec.kubernetesVersion` selects an older one). */
  kubernetesMinor: number;
  durationUs: Micros;
  nodePools: NodePoolSpec[];
  /** Objects from manifests, in load order (Nodes, Deployments, ReplicaSets, Jobs, Pods, Services). */
  objects: KubeObject[];
  /** How many of `objects`, from the first, are the cluster snapshot's (`spec.cluster.snapshot`): the state at t = 0. */
  snapshotObjects: number;
  workloads: Workload[];
  /** Timed events (DESIGN §8), in the order given. */
  events: ScenarioEventSpec[];
  /** Image name → size in bytes. */
  images: Record<string, number>;
  /** Per image listed with layers: its layers, bottom first (digest, bytes). */
  imageLayers: Record<string, { digest: string; size: number }[]>;
  /** Per image: the probability that a pull fails (1: the image does not exist in the registry). */
  imagePullFailures: Record<string, number>;
  apiServer: { writeLatency: Distribution; watchLatency: Distribution };
  clients: { scheduler: ClientLimits; controllerManager: ClientLimits; kubelet: ClientLimits };
  scheduler: {
    /** A named policy (PROFILE_PRESETS). */
    profile: string;
    /** Profiles from a KubeSchedulerConfiguration (`spec.scheduler.config`), replacing `profile` when present. */
    profiles?: { schedulerName: string; plugins: PluginConfig[]; percentageOfNodesToScore?: number }[];
    config?: unknown;
    percentageOfNodesToScore: number;
    tieBreak: 'random' | 'first';
    podInitialBackoff: Micros;
    podMaxBackoff: Micros;
    cycleCost: { base: Micros; perNodeFiltered: Micros; perNodeScored: Micros; perWorkUnit: Micros; perFilterWorkUnit: Micros; perSpreadWorkUnit: Micros };
    /** Users' plugins: a name and the absolute path of the .js module whose default export is the factory. */
    plugins?: { name: string; module: string }[];
  };
  kubelet: {
    sandboxLatency: Distribution;
    containerStartLatency: Distribution;
    containerStopLatency: Distribution;
    imagePullOverhead: Distribution;
    /** Bytes per second. */
    imagePullBandwidth: number;
    defaultImageSize: number;
    serializeImagePulls: boolean;
    registryPullQPS: number;
    registryBurst: number;
  };
  metrics: { interval: Micros; nodes: boolean };
  /** Cluster Autoscaler settings; it runs when a pool has `autoscaling`. */
  clusterAutoscaler: ClusterAutoscalerSettings;
  /** kube-proxy mode, sync settings and cost constants. */
  kubeProxy: KubeProxySettings;
  /** Client load of Services. */
  traffic: Traffic[];
  /** A placement experiment instead of a simulation in time (the FGD paper's protocol), when set. */
  placement: PlacementSettings | undefined;
  /** The experiment matrix, if any: override dimensions in declared order, and the replication seeds. */
  matrix: Matrix | undefined;
}

/** A scenario's matrix (DESIGN §8): the cartesian product of `dimensions` × `seeds`. */
export interface Matrix {
  dimensions: { path: string; values: unknown[] }[];
  seeds: (number | string)[];
}
