/**
 * VolumeZone (pkg/scheduler/framework/plugins/volumezone/volume_zone.go): a pod using a bound volume labelled with a
 * zone (or region) fits only nodes carrying the same label value ("node(s) had no available volume zone",
 * UnschedulableAndUnresolvable); a volume's beta label also matches the node's GA label, and a node without any
 * topology label fits (no zone constraint). Zonal volumes without labels are VolumeBinding's business (node
 * affinity).
 */
import type { FilterPlugin, PluginHandle, PreFilterPlugin } from '../framework/interfaces.js';
import { Code, SKIP, status } from '../framework/status.js';
import { podClaims } from './volumeBinding.js';

export const VOLUME_ZONE = 'VolumeZone';
export const ERR_REASON_ZONE_CONFLICT = 'node(s) had no available volume zone';
const TOPOLOGY_LABELS = ['topology.kubernetes.io/zone', 'topology.kubernetes.io/region', 'failure-domain.beta.kubernetes.io/zone', 'failure-domain.beta.kubernetes.io/region'];
/** The GA label of a beta topology label (volume_zone.go `translateToGALabel`). */
const GA_LABEL: Record<string, string> = { 'failure-domain.beta.kubernetes.io/zone': 'topology.kubernetes.io/zone', 'failure-domain.beta.kubernetes.io/region': 'topology.kubernetes.io/region' };

/** Creates the plugin. */
export function volumeZone(handle: PluginHandle): PreFilterPlugin & FilterPlugin {
  const conflict = Object.freeze(status(Code.UnschedulableAndUnresolvable, ERR_REASON_ZONE_CONFLICT));
  return {
    name: VOLUME_ZONE,
    events: ['NodeAdd', 'NodeUpdate', 'VolumeChange'],
    // Pods without claims skip the Filter for the cycle (upstream's PreFilter does the same).
    preFilter(_state, pod) {
      return podClaims(pod.pod).length === 0 ? SKIP : null;
    },
    filter(_state, pod, node) {
      const claims = podClaims(pod.pod);
      if (claims.length === 0) return null;
      // A node without any topology label has no zone constraint (a single-zone cluster): it fits.
      if (!TOPOLOGY_LABELS.some((k) => node.labels[k] !== undefined)) return null;
      const ns = pod.pod.metadata.namespace ?? 'default';
      for (const name of claims) {
        const pvc = handle.getObject('PersistentVolumeClaim', `${ns}/${name}`);
        const pv = pvc?.spec.volumeName !== undefined ? handle.getObject('PersistentVolume', pvc.spec.volumeName) : undefined;
        if (pv === undefined) continue;
        for (const key of TOPOLOGY_LABELS) {
          const want = pv.metadata.labels?.[key];
          if (want === undefined) continue;
          // A volume's beta label also matches the node's GA label (translateToGALabel).
          const have = node.labels[key] ?? node.labels[GA_LABEL[key] ?? key];
          // A multi-zone volume lists its zones separated by "__" (volumehelpers.LabelZonesToSet).
          if (have === undefined || !want.split('__').includes(have)) return conflict;
        }
      }
      return null;
    },
  };
}
