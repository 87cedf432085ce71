/**
 * What trace importers produce, whatever the format: pods (requests, GPU demand, recorded times) and nodes (shape,
 * GPUs). Times are µs from the trace's start; requests in Kubernetes units (milli-CPU, bytes).
 */
import type { Micros } from '../engine/time.js';

/** One pod (or task instance) of a trace. */
export interface TracePod {
  name: string;
  cpuMilli: number;
  memoryBytes: number;
  /** GPUs: whole (`milli` 1000) or a share of one; undefined for none. */
  gpu: { count: number; milli: number; models: string[] | undefined } | undefined;
  /** Creation time; undefined when the trace does not say (before its start, or a format without times). */
  creationUs: Micros | undefined;
  /** Deletion time; undefined when the pod outlives the trace or the format has none. */
  deletionUs: Micros | undefined;
  /** Recorded run time (formats that give a duration instead of a deletion time). */
  durationUs: Micros | undefined;
  /** The trace's QoS or priority class, kept as a label. */
  qos: string | undefined;
  /** Limits when the trace gives them apart from requests (else limits = requests). */
  cpuLimitMilli?: number;
  memoryLimitBytes?: number;
  /** The application the pod belongs to (a label), and the most of its pods one node may hold. */
  app?: string;
  maxPerNode?: number;
  /** Identical instances this record stands for (default 1). */
  instances?: number;
}

/** One node of a trace. */
export interface TraceNode {
  name: string;
  cpuMilli: number;
  /** Undefined when the format gives no memory (the importer's caller supplies one). */
  memoryBytes: number | undefined;
  gpus: number;
  /** GPU model ('' for CPU-only nodes). */
  gpuModel: string;
}

export const MIB = 1024 * 1024;
export const GIB = 1024 * MIB;
