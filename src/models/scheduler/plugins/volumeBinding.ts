/**
 * VolumeBinding (pkg/scheduler/framework/plugins/volumebinding): pods with PersistentVolumeClaims.
 * - PreFilter: every claim must exist ("persistentvolumeclaim "x" not found") and be bound unless its class binds
 *   WaitForFirstConsumer ("pod has unbound immediate PersistentVolumeClaims"), both UnschedulableAndUnresolvable;
 *   a pod without claims skips the plugin.
 * - Filter: a bound claim's volume must be reachable from the node (its node affinity: "node(s) had volume node
 *   affinity conflict", UnschedulableAndUnresolvable); an unbound WaitForFirstConsumer claim needs an Available
 *   matching volume reachable from the node, or a class that may provision for the node's topology ("node(s) didn't
 *   find available persistent volumes to bind").
 * - PreBind: the unbound claims get the `volume.kubernetes.io/selected-node` annotation, on which the volume
 *   controller binds or provisions in the node's zone. Upstream's PreBind then waits for the binding before the pod is
 *   bound; kubesim binds the pod at once and its kubelet waits for the volumes before starting it (same node, the
 *   waiting moved to the kubelet).
 */
import type { PersistentVolume, PersistentVolumeClaim, Pod, StorageClass } from '../../../cluster/types.js';
import type { CycleState, FilterPlugin, PluginHandle, PreBindPlugin, PreFilterPlugin } from '../framework/interfaces.js';
import { Code, SKIP, status } from '../framework/status.js';
import { classAllowsNode, SELECTED_NODE_ANNOTATION, volumeMatches, volumeReachable } from '../../controllers/persistentVolume.js';
import { extend } from '../../../cluster/extend.js';

export const VOLUME_BINDING = 'VolumeBinding';
export const ERR_REASON_NODE_CONFLICT = 'node(s) had volume node affinity conflict';
export const ERR_REASON_BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind";
const STATE = 'VolumeBinding';

/** The claim names of a pod's volumes. */
export function podClaims(pod: Pod): string[] {
  const out: string[] = [];
  for (const v of pod.spec.volumes ?? []) if (v.persistentVolumeClaim !== undefined) out.push(v.persistentVolumeClaim.claimName);
  return out;
}

interface ClaimsState {
  bound: { pvc: PersistentVolumeClaim; pv: PersistentVolume | undefined }[];
  /** Each unbound claim with the free volumes that could serve it (found once per cycle) and its class. */
  unbound: { pvc: PersistentVolumeClaim; candidates: PersistentVolume[]; sc: StorageClass | undefined }[];
}

/** Creates the plugin. */
export function volumeBinding(handle: PluginHandle): PreFilterPlugin & FilterPlugin & PreBindPlugin {
  const nodeConflict = Object.freeze(status(Code.UnschedulableAndUnresolvable, ERR_REASON_NODE_CONFLICT));
  const bindConflict = Object.freeze(status(Code.Unschedulable, ERR_REASON_BIND_CONFLICT));
  return {
    name: VOLUME_BINDING,
    events: ['NodeAdd', 'NodeUpdate', 'VolumeChange'],
    preFilter(state: CycleState, pod) {
      const claims = podClaims(pod.pod);
      if (claims.length === 0) return SKIP;
      const ns = pod.pod.metadata.namespace ?? 'default';
      const s: ClaimsState = { bound: [], unbound: [] };
      for (const name of claims) {
        const pvc = handle.getObject('PersistentVolumeClaim', `${ns}/${name}`);
        if (pvc === undefined) return status(Code.UnschedulableAndUnresolvable, `persistentvolumeclaim "${name}" not found`);
        if (pvc.status.phase === 'Bound') s.bound.push({ pvc, pv: pvc.spec.volumeName !== undefined ? handle.getObject('PersistentVolume', pvc.spec.volumeName) : undefined });
        else {
          const sc = pvc.spec.storageClassName !== undefined ? handle.getObject('StorageClass', pvc.spec.storageClassName) : undefined;
          if (sc?.volumeBindingMode !== 'WaitForFirstConsumer') return status(Code.UnschedulableAndUnresolvable, 'pod has unbound immediate PersistentVolumeClaims');
          const candidates: PersistentVolume[] = [];
          for (const pv of handle.listObjects('PersistentVolume')) if (pv.status.phase === 'Available' && pv.spec.claimRef === undefined && volumeMatches(pv, pvc)) candidates.push(pv);
          s.unbound.push({ pvc, candidates, sc });
        }
      }
      state.set(STATE, s);
      return null;
    },
    filter(state, _pod, node) {
      const s = state.get(STATE) as ClaimsState | undefined;
      if (s === undefined) return null;
      for (const b of s.bound) if (b.pv !== undefined && !volumeReachable(b.pv, node.node)) return nodeConflict;
      for (const u of s.unbound) {
        let ok = u.sc !== undefined && classAllowsNode(u.sc, node.node);
        for (let i = 0; !ok && i < u.candidates.length; i++) ok = volumeReachable(u.candidates[i]!, node.node);
        if (!ok) return bindConflict;
      }
      return null;
    },
    preBind(state, _pod, nodeName) {
      const s = state.get(STATE) as ClaimsState | undefined;
      for (const { pvc } of s?.unbound ?? []) {
        handle.updateObject('PersistentVolumeClaim', `${pvc.metadata.namespace ?? 'default'}/${pvc.metadata.name}`, (cur) =>
          cur.status.phase === 'Bound' || cur.metadata.annotations?.[SELECTED_NODE_ANNOTATION] === nodeName ? cur : extend(cur, { metadata: extend(cur.metadata, { annotations: extend(cur.metadata.annotations ?? {}, { [SELECTED_NODE_ANNOTATION]: nodeName }) }) }),
        );
      }
      return null;
    },
  };
}
