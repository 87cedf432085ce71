/**
 * NodeVolumeLimits for CSI volumes (pkg/scheduler/framework/plugins/nodevolumelimits/csi.go): a node can attach at
 * most N volumes of a CSI driver, N from the node's allocatable `attachable-volumes-csi-<driver>` (kubesim's stand-in
 * for CSINode's `drivers[].allocatable.count`; no entry: no limit). The volumes counted are the distinct persistent
 * volumes of the pods on the node plus the new pod's not already there; a bound claim counts its volume's driver, an
 * unbound one its class's provisioner. Over the limit: "node(s) exceed max volume count" (Unschedulable).
 */
import type { Pod } from '../../../cluster/types.js';
import type { FilterPlugin, PluginHandle, PreFilterPlugin } from '../framework/interfaces.js';
import { Code, SKIP, status } from '../framework/status.js';
import { podClaims } from './volumeBinding.js';

export const NODE_VOLUME_LIMITS = 'NodeVolumeLimits';
export const ERR_REASON_MAX_VOLUME_COUNT = 'node(s) exceed max volume count';
export const ATTACHABLE_PREFIX = 'attachable-volumes-csi-';

/** Creates the plugin. */
export function nodeVolumeLimits(handle: PluginHandle): PreFilterPlugin & FilterPlugin {
  const exceeded = Object.freeze(status(Code.Unschedulable, ERR_REASON_MAX_VOLUME_COUNT));
  /** The pod's volumes as (unique id, driver). */
  const volumesOf = (pod: Pod): { id: string; driver: string }[] => {
    const ns = pod.metadata.namespace ?? 'default';
    const out: { id: string; driver: string }[] = [];
    for (const name of podClaims(pod)) {
      const pvc = handle.getObject('PersistentVolumeClaim', `${ns}/${name}`);
      if (pvc === undefined) continue;
      const pv = pvc.spec.volumeName !== undefined ? handle.getObject('PersistentVolume', pvc.spec.volumeName) : undefined;
      const driver = pv?.spec.csiDriver ?? (pvc.spec.storageClassName !== undefined ? handle.getObject('StorageClass', pvc.spec.storageClassName)?.provisioner : undefined);
      if (driver !== undefined) out.push({ id: pv !== undefined ? `pv/${pv.metadata.name}` : `pvc/${ns}/${name}`, driver });
    }
    return out;
  };
  return {
    name: NODE_VOLUME_LIMITS,
    events: ['NodeAdd', 'NodeUpdate', 'AssignedPodDelete', 'VolumeChange'],
    // Pods without claims skip the Filter for the cycle.
    preFilter(_state, pod) {
      return podClaims(pod.pod).length === 0 ? SKIP : null;
    },
    filter(_state, pod, node) {
      const limits = node.allocScalar;
      let any = false;
      for (const k in limits) if (k.startsWith(ATTACHABLE_PREFIX)) any = true;
      if (!any || (pod.pod.spec.volumes?.length ?? 0) === 0) return null;
      const mine = volumesOf(pod.pod);
      if (mine.length === 0) return null;
      if (!mine.some((v) => limits[ATTACHABLE_PREFIX + v.driver] !== undefined)) return null;
      const attached = new Map<string, Set<string>>();
      for (const p of node.pods.values()) {
        for (const v of volumesOf(p.pod)) {
          let set = attached.get(v.driver);
          if (set === undefined) attached.set(v.driver, (set = new Set()));
          set.add(v.id);
        }
      }
      for (const v of mine) {
        const limit = limits[ATTACHABLE_PREFIX + v.driver];
        if (limit === undefined) continue;
        const set = attached.get(v.driver) ?? new Set<string>();
        if (!set.has(v.id)) {
          set.add(v.id);
          attached.set(v.driver, set);
        }
        if (set.size > limit) return exceeded;
      }
      return null;
    },
  };
}
