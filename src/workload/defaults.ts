/**
 * Defaults of every scenario setting, in one place. Upstream values cite their source; values kubesim had to pick
 * are marked GUESS and can be overridden in the scenario (and calibrated by later work).
 */
import type { Distribution } from '../engine/distribution.js';

const ms = 1_000;
const s = 1_000_000;

export const DEFAULTS = {
  apiServer: {
    /** GUESS: API server + etcd write round trip, median 5 ms (the SLO is p99 ≤ 1 s; healthy clusters sit far below). */
    writeLatency: { kind: 'lognormal', medianUs: 5 * ms, sigma: 0.5 } as Distribution,
    /** GUESS: commit → watch delivery through the watch cache, median 2 ms. */
    watchLatency: { kind: 'lognormal', medianUs: 2 * ms, sigma: 0.5 } as Distribution,
  },
  clients: {
    /** kube-scheduler client QPS/burst 50/100: pkg/scheduler/apis/config/v1/defaults.go. */
    scheduler: { qps: 50, burst: 100 },
    /** kube-controller-manager --kube-api-qps 20, --kube-api-burst 30 (kube-controller-manager flag defaults). */
    controllerManager: { qps: 20, burst: 30 },
    /** kubelet kubeAPIQPS 50, kubeAPIBurst 100 (pkg/kubelet/apis/config/v1beta1/defaults.go, since v1.27). */
    kubelet: { qps: 50, burst: 100 },
  },
  scheduler: {
    /** 0 = adaptive (pkg/scheduler/apis/config/types.go `DefaultPercentageOfNodesToScore`). */
    percentageOfNodesToScore: 0,
    /** podInitialBackoffSeconds 1, podMaxBackoffSeconds 10 (pkg/scheduler/apis/config/v1/defaults.go). */
    podInitialBackoffUs: 1 * s,
    podMaxBackoffUs: 10 * s,
    /**
     * The scheduling cycle's simulated duration: base + perNodeFiltered × nodes filtered + perNodeScored × nodes
     * scored + perWorkUnit × plugin work units (existing pods × affinity terms examined by InterPodAffinity and
     * PodTopologySpread). Calibrated, not measured (docs/scheduler.md):
     * - scheduler_perf SchedulingBasic/5000Nodes (500 nodes filtered and scored per pod) has thresholds 680 pods/s
     *   (10,000 pods) and 810 pods/s (50,000 pods) (test/integration/scheduler_perf/misc/performance-config.yaml);
     *   900 µs + 500 × 0.5 µs + 500 × 0.45 µs = 1,375 µs per pod = 727 pods/s, within ±15% of both;
     * - SchedulingDaemonset/15000Nodes (threshold 1,100 pods/s) has one feasible node per pod (node affinity on
     *   metadata.name), i.e. about the base alone: 1 / 900 µs ≈ 1,110 pods/s;
     * - work units count what upstream's algorithms examine (existing pods × terms, pods per spreading constraint),
     *   filter-side (PreFilter/Filter: required affinity terms, DoNotSchedule spreading) and score-side separately.
     *   Calibrated on the affinity workloads (affinity/performance-config.yaml, replayed by bench/affinity.js):
     *   SchedulingPodAntiAffinity/5000Nodes_2000Pods (60 pods/s, filter work only) gives perFilterWorkUnit,
     *   SchedulingPreferredPodAntiAffinity/5000Nodes_5000Pods (90 pods/s, score work only) gives perWorkUnit, and
     *   SchedulingPodAffinity/5000Nodes_5000Pods (35 pods/s, both) checks the pair. Fitted, not measured.
     * - perSpreadWorkUnit: PodTopologySpread's score-side counting (pods matching a selector, per zone-like constraint
     *   every pod of the cluster, per hostname constraint the pods of the scored nodes). KEP-1258 (default pod
     *   topology spreading, PRR section) measured 1.5 ms of PreScore + Score at 10,000 pods on 1,000 nodes with 16
     *   threads: 10,000 + 420 scored nodes × 10 pods ≈ 14,200 units → 0.1 µs each.
     */
    cycleCost: { baseUs: 900, perNodeFilteredUs: 0.5, perNodeScoredUs: 0.45, perWorkUnitUs: 0.65, perFilterWorkUnitUs: 3.3, perSpreadWorkUnitUs: 0.1 },
  },
  kubelet: {
    /** GUESS: RunPodSandbox (pause container + network setup), median 300 ms. */
    sandboxLatency: { kind: 'lognormal', medianUs: 300 * ms, sigma: 0.3 } as Distribution,
    /** GUESS: create + start of one container with its image present, median 500 ms (warm docker run ≈ 0.57 s). */
    containerStartLatency: { kind: 'lognormal', medianUs: 500 * ms, sigma: 0.3 } as Distribution,
    /** GUESS: time for containers to exit after SIGTERM (capped by the grace period), median 1 s. */
    containerStopLatency: { kind: 'lognormal', medianUs: 1 * s, sigma: 0.5 } as Distribution,
    /** GUESS: registry round trips and unpack set-up of one pull, on top of size / bandwidth. */
    imagePullOverhead: { kind: 'constant', valueUs: 500 * ms } as Distribution,
    /** GUESS: 50 MiB/s of pull + extraction per node. */
    imagePullBandwidthBytesPerSecond: 50 * 1024 * 1024,
    /** GUESS: size of the image filesystem of a node whose capacity gives no `ephemeral-storage`. */
    imageFsBytes: 100 * 1024 * 1024 * 1024,
    /** GUESS: size of an image the scenario's `images` table does not list. */
    defaultImageSizeBytes: 100 * 1024 * 1024,
    /** serializeImagePulls true; registryPullQPS 5, registryBurst 10 (pkg/kubelet/apis/config/v1beta1/defaults.go). */
    serializeImagePulls: true,
    registryPullQPS: 5,
    registryBurst: 10,
  },
  metrics: { intervalUs: 10 * s },
  /** cluster-autoscaler/config/const.go and flags.go (reference/k8s-defaults.md §4). */
  clusterAutoscaler: {
    scanIntervalUs: 10 * s,
    scaleDownUnneededTimeUs: 600 * s,
    scaleDownUnreadyTimeUs: 1200 * s,
    scaleDownDelayAfterAddUs: 600 * s,
    scaleDownDelayAfterFailureUs: 180 * s,
    maxNodeProvisionTimeUs: 900 * s,
    maxPodEvictionTimeUs: 120 * s,
    /** GUESS: a cloud VM boots and its kubelet registers in about 1.5 min (median 90 s). */
    provisioningDelay: { kind: 'lognormal', medianUs: 90 * s, sigma: 0.2 } as Distribution,
  },
} as const;
