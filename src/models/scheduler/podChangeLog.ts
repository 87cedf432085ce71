/**
 * A log of pod placements in the scheduler's cache (pod counted on / removed from a node), so plugins can keep
 * aggregates (e.g. pods matching a spread selector per topology domain) up to date incrementally instead of
 * recounting every pod of the cluster in every cycle. Node changes bump `nodesVersion`, which invalidates
 * aggregates that depend on node labels. The log is cut when it grows long; `epoch` then changes and aggregates
 * rebuild. This is a kubesim speed-up: upstream recounts in parallel goroutines every cycle, with the same result.
 */
import type { NodeInfo } from './nodeInfo.js';
import type { PodInfo } from './podInfo.js';

/** One placement change. */
export interface PodChange {
  node: NodeInfo;
  pod: PodInfo;
  sign: 1 | -1;
}

/** Entries kept before the log is cut (each holds a PodInfo, so old pod versions live until the cut). */
const MAX_ENTRIES = 200_000;

/** The log. */
export class PodChangeLog {
  entries: PodChange[] = [];
  epoch = 0;
  nodesVersion = 0;

  /** Records a change. */
  push(node: NodeInfo, pod: PodInfo, sign: 1 | -1): void {
    if (this.entries.length >= MAX_ENTRIES) {
      this.entries = [];
      this.epoch++;
    }
    this.entries.push({ node, pod, sign });
  }

  /** Records a node change (added, updated, removed). */
  nodeChanged(): void {
    this.nodesVersion++;
  }
}
