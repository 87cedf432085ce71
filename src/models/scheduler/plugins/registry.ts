/** The in-tree plugin registry (pkg/scheduler/framework/plugins/registry.go): every plugin kubesim ships. */
import { Registry } from '../framework/registry.js';
import { balancedAllocation, BALANCED_ALLOCATION } from './balancedAllocation.js';
import { defaultBinder, DEFAULT_BINDER } from './defaultBinder.js';
import { nodeAffinity, NODE_AFFINITY } from './nodeAffinity.js';
import { nodeName, NODE_NAME } from './nodeName.js';
import { nodeResourcesFit, NODE_RESOURCES_FIT } from './nodeResourcesFit.js';
import { nodeUnschedulable, NODE_UNSCHEDULABLE } from './nodeUnschedulable.js';
import { prioritySort, PRIORITY_SORT } from './prioritySort.js';
import { taintToleration, TAINT_TOLERATION } from './taintToleration.js';
import { schedulingGates, SCHEDULING_GATES } from './schedulingGates.js';
import { nodePorts, NODE_PORTS } from './nodePorts.js';
import { imageLocality, IMAGE_LOCALITY } from './imageLocality.js';
import { podTopologySpread, POD_TOPOLOGY_SPREAD } from './podTopologySpread.js';
import { interPodAffinity, INTER_POD_AFFINITY } from './interPodAffinity.js';
import { defaultPreemption, DEFAULT_PREEMPTION } from './defaultPreemption.js';
import { DOT_PRODUCT, dotProduct, FIRST_FIT, firstFit, RANDOM, randomPolicy, ROUND_ROBIN, roundRobin } from './policies.js';
import { gpuShare, GPU_SHARE } from './gpu/gpuShare.js';
import { maxPerNode, MAX_PER_NODE } from './maxPerNode.js';
import { volumeBinding, VOLUME_BINDING } from './volumeBinding.js';
import { nodeVolumeLimits, NODE_VOLUME_LIMITS } from './nodeVolumeLimits.js';
import { volumeZone, VOLUME_ZONE } from './volumeZone.js';
import { BEST_FIT, bestFit, DOT_PROD, dotProd, GPU_CLUSTERING, GPU_PACKING, gpuClustering, gpuPacking } from './gpu/gpuPolicies.js';
import { FGD, fgd } from './gpu/fgd.js';

/** A registry with every in-tree plugin. */
export function inTreeRegistry(): Registry {
  const r = new Registry();
  r.register(SCHEDULING_GATES, () => schedulingGates());
  r.register(PRIORITY_SORT, () => prioritySort());
  r.register(NODE_UNSCHEDULABLE, () => nodeUnschedulable());
  r.register(NODE_NAME, () => nodeName());
  r.register(TAINT_TOLERATION, () => taintToleration());
  r.register(NODE_AFFINITY, () => nodeAffinity());
  r.register(NODE_PORTS, () => nodePorts());
  r.register(NODE_RESOURCES_FIT, (args) => nodeResourcesFit(args));
  r.register(POD_TOPOLOGY_SPREAD, (args, handle) => podTopologySpread(args, handle));
  r.register(INTER_POD_AFFINITY, (args, handle) => interPodAffinity(args, handle));
  r.register(BALANCED_ALLOCATION, (args) => balancedAllocation(args));
  r.register(IMAGE_LOCALITY, (_args, handle) => imageLocality(handle));
  r.register(RANDOM, (_args, handle) => randomPolicy(handle));
  r.register(FIRST_FIT, () => firstFit());
  r.register(ROUND_ROBIN, (_args, handle) => roundRobin(handle));
  r.register(DOT_PRODUCT, () => dotProduct());
  r.register(GPU_SHARE, () => gpuShare());
  r.register(MAX_PER_NODE, () => maxPerNode());
  r.register(VOLUME_BINDING, (_args, handle) => volumeBinding(handle));
  r.register(NODE_VOLUME_LIMITS, (_args, handle) => nodeVolumeLimits(handle));
  r.register(VOLUME_ZONE, (_args, handle) => volumeZone(handle));
  r.register(DOT_PROD, (_args, handle) => dotProd(handle));
  r.register(GPU_CLUSTERING, (_args, handle) => gpuClustering(handle));
  r.register(GPU_PACKING, (_args, handle) => gpuPacking(handle));
  r.register(BEST_FIT, (_args, handle) => bestFit(handle));
  r.register(FGD, (_args, handle) => fgd(handle));
  r.register(DEFAULT_PREEMPTION, (args, handle) => defaultPreemption(args, handle));
  r.register(DEFAULT_BINDER, (args, handle) => defaultBinder(args, handle));
  return r;
}
