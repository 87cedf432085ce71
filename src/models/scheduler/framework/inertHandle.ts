/**
 * The framework calls of a plugin handle that has no running cycle and no cluster (profile validation at load,
 * plugin unit tests): filter runs succeed, nothing is nominated, preempted or budgeted.
 */
import type { PluginHandle } from './interfaces.js';

/** Inert framework calls, to spread into such handles. */
export const INERT_FRAMEWORK_CALLS: Pick<
  PluginHandle,
  | 'runFilterPluginsWithNominatedPods'
  | 'runPreFilterExtensionAddPod'
  | 'runPreFilterExtensionRemovePod'
  | 'lowestPodPriority'
  | 'pdbs'
  | 'nominatedPodsForNode'
  | 'preemptPod'
  | 'clearNominatedNodeName'
  | 'getObject'
  | 'listObjects'
  | 'updateObject'
> = {
  getObject: () => undefined,
  listObjects: () => [],
  updateObject: () => undefined,
  runFilterPluginsWithNominatedPods: () => null,
  runPreFilterExtensionAddPod: () => null,
  runPreFilterExtensionRemovePod: () => null,
  lowestPodPriority: () => undefined,
  pdbs: () => [],
  nominatedPodsForNode: () => [],
  preemptPod: () => undefined,
  clearNominatedNodeName: () => undefined,
};
