/**
 * What the resource scorers compare per resource (pkg/scheduler/framework/plugins/noderesources/
 * resource_allocation.go `calculateResourceAllocatableRequest`): the node's allocatable, and the node's requested
 * plus the pod's request. With `useRequested` (BalancedAllocation) the actual requests; without (NodeResourcesFit
 * scoring) NonZeroRequested and the pod's non-zero request for cpu and memory. An extended resource the pod does not
 * request is left out (0, 0).
 */
import { CPU, EPHEMERAL_STORAGE, MEMORY } from '../../../../cluster/resources.js';
import type { NodeInfo } from '../../nodeInfo.js';
import type { PodInfo } from '../../podInfo.js';

/** [allocatable, requested] of `resource` for scoring `pod` on `node`. */
export function allocatableAndRequested(pod: PodInfo, node: NodeInfo, resource: string, useRequested: boolean): [number, number] {
  switch (resource) {
    case CPU:
      return useRequested ? [node.allocMilliCPU, node.reqMilliCPU + pod.requests.milliCPU] : [node.allocMilliCPU, node.nonZeroMilliCPU + pod.nonZeroMilliCPU];
    case MEMORY:
      return useRequested ? [node.allocMemory, node.reqMemory + pod.requests.memory] : [node.allocMemory, node.nonZeroMemory + pod.nonZeroMemory];
    case EPHEMERAL_STORAGE:
      return [node.allocEphemeralStorage, node.reqEphemeralStorage + pod.requests.ephemeralStorage];
    default: {
      const podReq = pod.requests.scalar.find(([n]) => n === resource)?.[1] ?? 0;
      if (podReq === 0) return [0, 0];
      return [node.allocScalar[resource] ?? 0, (node.reqScalar[resource] ?? 0) + podReq];
    }
  }
}
