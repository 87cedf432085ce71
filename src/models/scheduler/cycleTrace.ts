/**
 * What one scheduling attempt looked at, for `kubesim explain` and `run --trace-scheduling`: each node's Filter
 * results (every filter plugin of the profile, not only the first failing one, so a node shows all its problems),
 * and for the nodes that were scored, each Score plugin's raw, normalised and weighted score and the total.
 * Filter plugins skipped by their PreFilter for this pod are reported with code Skip; Score plugins skipped by their
 * PreScore are left out of the node's scores (they contribute nothing to the total).
 */
import type { Micros } from '../../engine/time.js';

/** One plugin's filter status on a node. */
export interface FilterTrace {
  plugin: string;
  code: string;
  reasons: string[];
}

/** One plugin's score on a node. */
export interface ScoreTrace {
  plugin: string;
  raw: number;
  normalized: number;
  weighted: number;
}

/** One node of an attempt. */
export interface NodeTrace {
  name: string;
  filters: FilterTrace[];
  /** Empty when the node was not scored (infeasible, not reached, or the only feasible node). */
  scores: ScoreTrace[];
  total: number | null;
}

/** One scheduling attempt. */
export interface CycleTrace {
  timeUs: Micros;
  namespace: string;
  name: string;
  uid: string;
  /** 1 for the pod's first attempt. */
  attempt: number;
  profile: string;
  /** PreFilter results that were not Success (a rejection, or Skip). */
  preFilter: FilterTrace[];
  nodes: NodeTrace[];
  selected: string | null;
  /** The event message: "Successfully assigned …" or the FailedScheduling text. */
  message: string;
}

/** How much a tracer wants: every node of the cluster (explain), or the nodes the attempt evaluated (run trace). */
export interface Tracer {
  allNodes: boolean;
  /** Whether to trace this pod's attempt (by namespace/name). */
  wants(namespace: string, name: string): boolean;
  emit(trace: CycleTrace): void;
}
