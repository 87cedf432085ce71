/**
 * VolumeRestrictions for claims (pkg/scheduler/framework/plugins/volumerestrictions/volume_restrictions.go): a
 * claim with the ReadWriteOncePod access mode may be used by one pod in the whole cluster. PreFilter refuses a pod
 * whose ReadWriteOncePod claim another scheduled pod already uses ("node has pod using PersistentVolumeClaim with the
 * same name and ReadWriteOncePod access mode", UnschedulableAndUnresolvable); pods without such claims skip it. The
 * inline-disk conflicts of the same plugin (GCE PD, AWS EBS, RBD, iSCSI volumes in pod specs) are not modelled.
 */
import type { PluginHandle, PreFilterPlugin } from '../framework/interfaces.js';
import { Code, SKIP, status } from '../framework/status.js';
import { podClaims } from './volumeBinding.js';

export const VOLUME_RESTRICTIONS = 'VolumeRestrictions';
export const ERR_REASON_RWOP_CONFLICT = 'node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode';

/** Creates the plugin. */
export function volumeRestrictions(handle: PluginHandle): PreFilterPlugin {
  const conflict = Object.freeze(status(Code.UnschedulableAndUnresolvable, ERR_REASON_RWOP_CONFLICT));
  return {
    name: VOLUME_RESTRICTIONS,
    events: ['AssignedPodDelete', 'VolumeChange'],
    preFilter(_state, pod) {
      const ns = pod.pod.metadata.namespace ?? 'default';
      const rwop = podClaims(pod.pod).filter((name) => handle.getObject('PersistentVolumeClaim', `${ns}/${name}`)?.spec.accessModes.includes('ReadWriteOncePod') === true);
      if (rwop.length === 0) return SKIP;
      const uid = pod.pod.metadata.uid;
      for (const node of handle.nodes()) {
        for (const other of node.pods.values()) {
          if (other.pod.metadata.uid === uid || (other.pod.metadata.namespace ?? 'default') !== ns) continue;
          if (podClaims(other.pod).some((c) => rwop.includes(c))) return conflict;
        }
      }
      return null;
    },
  };
}
