/**
 * The resource metrics API (metrics.k8s.io, served by metrics-server) over the usage model: what `kubectl top` and
 * the HPA read. metrics-server scrapes every kubelet each `--metric-resolution` (15 s), so a query returns each
 * running pod's usage as of the last scrape, with that timestamp and a 15 s window. A pod is listed once it was
 * Running at that scrape (its containers had started: the Initialized condition's transition time); Pending,
 * terminated and not-yet-scraped pods have no metrics, as upstream. ContainerResource metrics split the pod's usage
 * by the containers' requests (GUESS: the usage model is per pod).
 */
import { longRunningContainers } from '../../cluster/podResources.js';
import type { Engine } from '../../engine/engine.js';
import type { Micros } from '../../engine/time.js';
import type { Pod } from '../../cluster/types.js';
import { METRIC_RESOLUTION_US, type UsageModel } from './usageModel.js';

/** One pod's metric (metricsclient.PodMetric). */
export interface PodMetric {
  value: number;
  timestamp: Micros;
  windowUs: Micros;
}

/** The metrics API. */
export class MetricsServer {
  constructor(
    private readonly engine: Engine,
    private readonly usage: UsageModel,
  ) {}

  /** The time of the last scrape. */
  get lastScrape(): Micros {
    return Math.floor(this.engine.now / METRIC_RESOLUTION_US) * METRIC_RESOLUTION_US;
  }

  /** Whether the pod has metrics as of the last scrape. */
  private scraped(pod: Pod, at: Micros): boolean {
    if (pod.status.phase !== 'Running') return false;
    const init = pod.status.conditions?.find((c) => c.type === 'Initialized' && c.status === 'True');
    return init !== undefined && (init.lastTransitionTime ?? 0) <= at;
  }

  /**
   * Metrics of `resource` for the given pods (`GetResourceMetric`), keyed by pod name; `container` restricts the
   * value to one container (ContainerResource).
   */
  podMetrics(pods: readonly Pod[], resource: string, container?: string): Map<string, PodMetric> {
    const at = this.lastScrape;
    const out = new Map<string, PodMetric>();
    for (const pod of pods) {
      if (!this.scraped(pod, at)) continue;
      let value = this.usage.usageOf(pod.metadata.uid!, resource, at);
      if (container !== undefined) {
        // The pod's use is shared among its running containers (sidecars too) by their requests.
        const running = longRunningContainers(pod.spec);
        const c = running.find((x) => x.name === container);
        if (c === undefined) continue;
        const total = running.reduce((a, x) => a + (x.resources?.requests?.[resource] ?? 0), 0);
        value = total > 0 ? Math.round((value * (c.resources?.requests?.[resource] ?? 0)) / total) : Math.round(value / running.length);
      }
      out.set(pod.metadata.name, { value, timestamp: at, windowUs: METRIC_RESOLUTION_US });
    }
    return out;
  }
}
