/**
 * What a pod asks of GPUs. Two ways, as GPU-sharing clusters do it:
 * - whole GPUs through the device plugin's extended resource `nvidia.com/gpu: k` (each GPU whole);
 * - a share of one GPU through annotations (the Open-GPU-Share convention, here in kubesim's domain):
 *   `kubesim.dev/gpu-milli` (thousandths of one GPU, 1–1000) with `kubesim.dev/gpu-count` (default 1). With a count
 *   above 1 every GPU is whole (a share applies to single-GPU pods only, as in the openb trace).
 * `kubesim.dev/gpu-model: "A|B"` restricts the GPU models the pod accepts (the node's `nvidia.com/gpu.product`
 * label, as NVIDIA's GPU feature discovery sets it); absent: any model.
 */
import type { Pod } from './types.js';

export const GPU_RESOURCE = 'nvidia.com/gpu';
export const GPU_MODEL_LABEL = 'nvidia.com/gpu.product';
export const GPU_MILLI_ANNOTATION = 'kubesim.dev/gpu-milli';
export const GPU_COUNT_ANNOTATION = 'kubesim.dev/gpu-count';
export const GPU_MODEL_ANNOTATION = 'kubesim.dev/gpu-model';
/** One whole GPU in milli-GPU. */
export const GPU_MILLI = 1000;

/** A pod's GPU demand: `count` GPUs with `milli` free each (1000 for whole GPUs); `models` undefined: any model. */
export interface GpuRequest {
  count: number;
  milli: number;
  models: readonly string[] | undefined;
  /** Whether the pod shares one GPU (count 1, milli < 1000). */
  shared: boolean;
}

/** The GPU demand of a pod, or undefined when it asks for none. Annotations are validated at load. */
export function gpuRequest(pod: Pod): GpuRequest | undefined {
  const a = pod.metadata.annotations;
  let count = 0;
  let milli = GPU_MILLI;
  for (const c of pod.spec.containers) count += c.resources?.requests?.[GPU_RESOURCE] ?? 0;
  if (a !== undefined) {
    const m = a[GPU_MILLI_ANNOTATION];
    const k = a[GPU_COUNT_ANNOTATION];
    if (k !== undefined) count = Number(k);
    else if (m !== undefined && count === 0) count = 1;
    if (m !== undefined && count === 1) milli = Math.min(GPU_MILLI, Math.max(1, Number(m)));
  }
  if (count <= 0) return undefined;
  const model = a?.[GPU_MODEL_ANNOTATION];
  const models = model === undefined || model === '' ? undefined : model.split('|').filter((s) => s !== '');
  return { count, milli, models: models !== undefined && models.length > 0 ? models : undefined, shared: count === 1 && milli < GPU_MILLI };
}

/** Whether a GPU model is one the request accepts. */
export function acceptsModel(req: GpuRequest, model: string): boolean {
  return req.models === undefined || req.models.includes(model);
}

/** The message of an annotation that is not a valid GPU request, or undefined when valid (checked at load). */
export function gpuAnnotationError(annotations: Record<string, string> | undefined): string | undefined {
  if (annotations === undefined) return undefined;
  const m = annotations[GPU_MILLI_ANNOTATION];
  if (m !== undefined && !(/^\d+$/.test(m) && Number(m) >= 1 && Number(m) <= GPU_MILLI)) return `${GPU_MILLI_ANNOTATION}: expected an integer 1–1000 (thousandths of one GPU), got "${m}"`;
  const k = annotations[GPU_COUNT_ANNOTATION];
  if (k !== undefined && !(/^\d+$/.test(k) && Number(k) >= 0 && Number(k) <= 1024)) return `${GPU_COUNT_ANNOTATION}: expected an integer 0–1024, got "${k}"`;
  return undefined;
}
