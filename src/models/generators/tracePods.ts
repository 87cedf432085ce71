/**
 * A trace record as a Pod: its requests and limits, its GPUs (whole ones as the nvidia.com/gpu resource, a share of
 * one as kubesim.dev/gpu-milli), its run time (kubesim.dev/duration), its per-node cap (kubesim.dev/max-per-node),
 * labelled with its workload, QoS class and application, with the API server's pod defaults.
 */
import type { Pod } from '../../cluster/types.js';
import type { TracePod } from '../../cluster/tracePod.js';
import { defaultPodSpec } from '../../cluster/podDefaults.js';
import { DURATION_ANNOTATION } from '../../cluster/annotations.js';
import { GPU_COUNT_ANNOTATION, GPU_MILLI_ANNOTATION, GPU_MODEL_ANNOTATION, GPU_RESOURCE } from '../../cluster/gpuRequest.js';
import { APP_LABEL, MAX_PER_NODE_ANNOTATION } from '../scheduler/plugins/maxPerNode.js';

/** Label of trace pods: the workload's name. */
export const TRACE_LABEL = 'kubesim.dev/trace';
/** Label of trace pods: the trace's QoS class. */
export const TRACE_QOS_LABEL = 'kubesim.dev/trace-qos';

/** A valid label value from a trace's text (63 characters of [A-Za-z0-9._-], alphanumeric at both ends). */
function labelValue(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 63).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}

/** The Pod of a trace pod (`index` makes names unique when a trace repeats one). */
export function tracePodObject(p: TracePod, w: { name: string; namespace: string }, name: string): Pod {
  const requests: Record<string, number> = { cpu: p.cpuMilli, memory: p.memoryBytes };
  const limits: Record<string, number> = { cpu: p.cpuLimitMilli ?? p.cpuMilli, memory: p.memoryLimitBytes ?? p.memoryBytes };
  const annotations: Record<string, string> = {};
  if (p.gpu !== undefined) {
    if (p.gpu.count === 1 && p.gpu.milli < 1000) {
      annotations[GPU_MILLI_ANNOTATION] = String(p.gpu.milli);
      annotations[GPU_COUNT_ANNOTATION] = '1';
    } else requests[GPU_RESOURCE] = limits[GPU_RESOURCE] = p.gpu.count;
    if (p.gpu.models !== undefined) annotations[GPU_MODEL_ANNOTATION] = p.gpu.models.join('|');
  }
  if (p.durationUs !== undefined) annotations[DURATION_ANNOTATION] = `${p.durationUs}us`;
  if (p.maxPerNode !== undefined) annotations[MAX_PER_NODE_ANNOTATION] = String(p.maxPerNode);
  const labels: Record<string, string> = { [TRACE_LABEL]: w.name };
  if (p.qos !== undefined) labels[TRACE_QOS_LABEL] = p.qos;
  if (p.app !== undefined) labels[APP_LABEL] = labelValue(p.app);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: w.namespace, labels, ...(Object.keys(annotations).length > 0 ? { annotations } : {}) },
    spec: defaultPodSpec({ containers: [{ name: 'main', image: `kubesim.dev/trace/${w.name}:1`, resources: { requests, limits } }] }),
    status: { phase: 'Pending' },
  };
}
