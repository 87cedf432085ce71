/**
 * GpuShare: the Filter of a GPU-sharing scheduler (the Open-GPU-Share plugin of the FGD paper's artefact, here in
 * kubesim's own code). A pod asking for GPUs passes a node only when the node has GPUs of a model the pod accepts and
 * at least `count` of them each with the pod's per-GPU share free (the device model in gpu/gpuDevices.ts). Pods
 * without a GPU demand always pass. NodeResourcesFit still counts whole GPUs (`nvidia.com/gpu`); this filter adds the
 * per-GPU view a shared GPU needs.
 */
import type { FilterPlugin, PreFilterPlugin } from '../../framework/interfaces.js';
import { Code, SKIP, status } from '../../framework/status.js';
import { acceptsModel } from '../../../../cluster/gpuRequest.js';

export const GPU_SHARE = 'GpuShare';
export const ERR_REASON_NO_GPU = 'node(s) had no GPU';
export const ERR_REASON_GPU_MODEL = 'node(s) had no GPU of the requested model';
export const ERR_REASON_GPU_SHARE = 'node(s) had not enough free GPU share';

/** Creates the plugin. */
export function gpuShare(): PreFilterPlugin & FilterPlugin {
  const noGpu = Object.freeze(status(Code.UnschedulableAndUnresolvable, ERR_REASON_NO_GPU));
  const wrongModel = Object.freeze(status(Code.UnschedulableAndUnresolvable, ERR_REASON_GPU_MODEL));
  const notEnough = Object.freeze(status(Code.Unschedulable, ERR_REASON_GPU_SHARE));
  return {
    name: GPU_SHARE,
    events: ['NodeAdd', 'NodeUpdate', 'AssignedPodDelete'],
    // Pods asking for no GPU skip the Filter for the cycle.
    preFilter(_state, pod) {
      return pod.gpu === undefined ? SKIP : null;
    },
    filter(_state, pod, node) {
      const req = pod.gpu;
      if (req === undefined) return null;
      const gpus = node.gpus;
      if (gpus === undefined) return noGpu;
      if (!acceptsModel(req, gpus.model)) return wrongModel;
      return gpus.fits(req) ? null : notEnough;
    },
  };
}
