/**
 * The cluster autoscaler's flags kubesim models (cluster-autoscaler/config/autoscaling_options.go; the scenario's
 * `spec.clusterAutoscaler`, defaulted by the loader to upstream's defaults).
 */
import type { Distribution } from '../../../engine/distribution.js';
import type { Micros } from '../../../engine/time.js';

export interface ClusterAutoscalerSettings {
  /** --scan-interval. */
  scanInterval: Micros;
  /** --expander. */
  expander: 'least-waste' | 'most-pods' | 'random';
  /** --scale-down-enabled. */
  scaleDownEnabled: boolean;
  /** --scale-down-utilization-threshold. */
  scaleDownUtilizationThreshold: number;
  /** --scale-down-unneeded-time, --scale-down-unready-time. */
  scaleDownUnneededTime: Micros;
  scaleDownUnreadyTime: Micros;
  /** --scale-down-delay-after-add, -after-delete, -after-failure. */
  scaleDownDelayAfterAdd: Micros;
  scaleDownDelayAfterDelete: Micros;
  scaleDownDelayAfterFailure: Micros;
  /** --scale-down-non-empty-candidates-count, --max-empty-bulk-delete. */
  scaleDownNonEmptyCandidatesCount: number;
  maxEmptyBulkDelete: number;
  /** --max-node-provision-time, --max-pod-eviction-time. */
  maxNodeProvisionTime: Micros;
  maxPodEvictionTime: Micros;
  /** --max-nodes-total (0: no limit). */
  maxNodesTotal: number;
  /** --expendable-pods-priority-cutoff. */
  expendablePodsPriorityCutoff: number;
  /** GUESS: from the cloud API call to the node registering Ready (VM boot, kubelet start). */
  provisioningDelay: Distribution;
}
