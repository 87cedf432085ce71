/**
 * The PersistentVolume controller (pkg/controller/volume/persistentvolume/pv_controller.go) with dynamic
 * provisioning, as kubesim models it:
 * - a Pending claim whose class binds Immediate (or that names no class) binds to the smallest Available volume of
 *   its class with enough capacity and the access modes (`findBestMatchForClaim`), else, when the class has a
 *   provisioner, a volume is provisioned for it after the provisioning latency and bound;
 * - a WaitForFirstConsumer claim waits for the scheduler's `volume.kubernetes.io/selected-node` annotation (set when
 *   a pod using it is placed), then binds a matching volume reachable from that node or provisions one in its zone;
 * - a provisioned volume gets the zone as node affinity (`topology.kubernetes.io/zone`): with WaitForFirstConsumer
 *   the selected node's, with Immediate the class's allowedTopologies' first zone or, without them, one of the
 *   cluster's zones chosen by the claim's name (as the legacy zonal provisioners hashed it);
 * - when a bound claim is deleted its volume is Released, and deleted if its reclaim policy is Delete.
 * Provisioning latency: the class's `kubesim.dev/provisioning-latency` annotation, default 5 s (GUESS: a cloud disk
 * create-and-attach-ready takes seconds).
 */
import type { Engine } from '../../engine/engine.js';
import type { Micros } from '../../engine/time.js';
import { parseDuration } from '../../cluster/duration.js';
import { type Node, type PersistentVolume, type PersistentVolumeClaim, type StorageClass, objectKey, ZONE_LABEL } from '../../cluster/types.js';
import { compileNodeSelectorTerms } from '../../cluster/selector.js';
import type { ApiClient, ApiServer } from '../apiserver/apiServer.js';
import type { EventRecorder } from '../eventRecorder.js';
import { extend } from '../../cluster/extend.js';

export const PV_CONTROLLER = 'persistentvolume-controller';
export const SELECTED_NODE_ANNOTATION = 'volume.kubernetes.io/selected-node';
export const PROVISIONING_LATENCY_ANNOTATION = 'kubesim.dev/provisioning-latency';
export const DEFAULT_PROVISIONING_LATENCY_US = 5_000_000;
/** The provisioner name of classes that only bind pre-created volumes. */
export const NO_PROVISIONER = 'kubernetes.io/no-provisioner';

/** Whether a volume can serve a claim (class, capacity, access modes), ignoring where. */
export function volumeMatches(pv: PersistentVolume, pvc: PersistentVolumeClaim): boolean {
  return (pv.spec.storageClassName ?? '') === (pvc.spec.storageClassName ?? '') && pv.spec.storage >= pvc.spec.storage && pvc.spec.accessModes.every((m) => pv.spec.accessModes.includes(m));
}

/** Whether a volume can be used from a node (its node affinity). */
export function volumeReachable(pv: PersistentVolume, node: Node): boolean {
  const terms = pv.spec.nodeAffinity?.required.nodeSelectorTerms;
  if (terms === undefined) return true;
  let m = matchers.get(terms);
  if (m === undefined) matchers.set(terms, (m = compileNodeSelectorTerms(terms)));
  return m(node);
}
const matchers = new WeakMap<object, (node: Node) => boolean>();

/** Whether a class may provision a volume usable from a node (allowedTopologies). */
export function classAllowsNode(sc: StorageClass, node: Node): boolean {
  if (sc.provisioner === NO_PROVISIONER) return false;
  if (sc.allowedTopologies === undefined || sc.allowedTopologies.length === 0) return true;
  return sc.allowedTopologies.some((t) => t.matchLabelExpressions.every((e) => e.values.includes(node.metadata.labels?.[e.key] ?? '\u0000')));
}

/** The controller. */
export class PersistentVolumeController {
  private readonly provisioning = new Set<string>();
  private free: Map<string, PersistentVolume> | undefined;

  constructor(
    private readonly engine: Engine,
    private readonly api: ApiServer,
    private readonly client: ApiClient,
    private readonly recorder: EventRecorder,
  ) {}

  /** Starts the watches. */
  start(): void {
    this.api.watch('PersistentVolumeClaim', {}, (ev) => {
      if (ev.type === 'DELETED') this.released(ev.object);
      else this.syncClaim(objectKey(ev.object.metadata));
    });
    this.api.watch('PersistentVolume', {}, (ev) => {
      // A free volume became available (not one provisioned for a claim, which is bound directly): claims waiting
      // for one may bind now.
      if (ev.type === 'DELETED' || ev.object.status.phase !== 'Available' || ev.object.spec.claimRef !== undefined) return;
      if (ev.type === 'MODIFIED' && ev.old?.status.phase === 'Available') return;
      for (const c of this.api.store.list('PersistentVolumeClaim')) if (c.status.phase === 'Pending') this.syncClaim(objectKey(c.metadata));
    });
  }

  private syncClaim(key: string): void {
    const pvc = this.api.store.get('PersistentVolumeClaim', key);
    if (pvc === undefined || pvc.status.phase !== 'Pending' || pvc.metadata.deletionTimestamp !== undefined) return;
    const sc = pvc.spec.storageClassName !== undefined ? this.api.store.get('StorageClass', pvc.spec.storageClassName) : undefined;
    const selected = pvc.metadata.annotations?.[SELECTED_NODE_ANNOTATION];
    if (sc?.volumeBindingMode === 'WaitForFirstConsumer' && selected === undefined) return;
    const node = selected !== undefined ? this.api.store.get('Node', selected) : undefined;
    // findBestMatchForClaim: the smallest matching Available volume (pre-bound ones first), reachable from the node.
    let best: PersistentVolume | undefined;
    for (const pv of this.freeVolumes()) {
      if (pv.status.phase !== 'Available' || !volumeMatches(pv, pvc)) continue;
      const ref = pv.spec.claimRef;
      if (ref !== undefined && (ref.namespace !== (pvc.metadata.namespace ?? 'default') || ref.name !== pvc.metadata.name)) continue;
      if (pvc.spec.volumeName !== undefined && pv.metadata.name !== pvc.spec.volumeName) continue;
      if (node !== undefined && !volumeReachable(pv, node)) continue;
      if (best === undefined || pv.spec.storage < best.spec.storage || (pv.spec.storage === best.spec.storage && pv.metadata.name < best.metadata.name)) best = pv;
    }
    if (best !== undefined) return this.bind(best, pvc);
    if (sc === undefined || sc.provisioner === NO_PROVISIONER || this.provisioning.has(key)) return;
    this.provision(sc, pvc, node);
  }

  /** Volumes in phase Available (kept as the store changes: scanning every volume per claim is quadratic). */
  private freeVolumes(): Iterable<PersistentVolume> {
    if (this.free === undefined) {
      this.free = new Map();
      for (const pv of this.api.store.list('PersistentVolume')) if (pv.status.phase === 'Available') this.free.set(pv.metadata.name, pv);
      this.api.store.onCommit((c) => {
        if (c.object.kind !== 'PersistentVolume') return;
        const pv = c.object as PersistentVolume;
        if (c.type !== 'DELETED' && pv.status.phase === 'Available') this.free!.set(pv.metadata.name, pv);
        else this.free!.delete(pv.metadata.name);
      });
    }
    return this.free.values();
  }

  private provision(sc: StorageClass, pvc: PersistentVolumeClaim, node: Node | undefined): void {
    const key = objectKey(pvc.metadata);
    this.provisioning.add(key);
    const zone = node !== undefined ? node.metadata.labels?.[ZONE_LABEL] : this.zoneFor(sc, pvc);
    const latency: Micros = parseDuration(sc.metadata.annotations?.[PROVISIONING_LATENCY_ANNOTATION] ?? '') ?? DEFAULT_PROVISIONING_LATENCY_US;
    this.recorder.record(pvc, 'Normal', 'Provisioning', sc.provisioner, `External provisioner is provisioning volume for claim "${key}"`);
    this.engine.schedule(latency, () => {
      this.provisioning.delete(key);
      const cur = this.api.store.get('PersistentVolumeClaim', key);
      if (cur === undefined || cur.status.phase !== 'Pending') return;
      const pv: PersistentVolume = {
        apiVersion: 'v1',
        kind: 'PersistentVolume',
        metadata: { name: `pvc-${cur.metadata.uid ?? cur.metadata.name}`, ...(zone !== undefined ? { labels: { [ZONE_LABEL]: zone } } : {}), annotations: { 'pv.kubernetes.io/provisioned-by': sc.provisioner } },
        spec: {
          storage: cur.spec.storage,
          accessModes: cur.spec.accessModes,
          storageClassName: sc.metadata.name,
          persistentVolumeReclaimPolicy: sc.reclaimPolicy,
          ...(zone !== undefined ? { nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: ZONE_LABEL, operator: 'In', values: [zone] }] }] } } } : {}),
          claimRef: { namespace: cur.metadata.namespace ?? 'default', name: cur.metadata.name, ...(cur.metadata.uid ? { uid: cur.metadata.uid } : {}) },
          csiDriver: sc.provisioner,
        },
        status: { phase: 'Available' },
      };
      this.client.create(pv, (r) => {
        if (!r.ok) return;
        this.recorder.record(cur, 'Normal', 'ProvisioningSucceeded', sc.provisioner, `Successfully provisioned volume ${pv.metadata.name}`);
        this.bind(r.object as PersistentVolume, cur);
      });
    });
  }

  /** The zone of an Immediate volume: allowedTopologies' first, else a cluster zone chosen by the claim's name. */
  private zoneFor(sc: StorageClass, pvc: PersistentVolumeClaim): string | undefined {
    const allowed = sc.allowedTopologies?.[0]?.matchLabelExpressions.find((e) => e.key === ZONE_LABEL)?.values;
    if (allowed !== undefined && allowed.length > 0) return allowed[hash(pvc.metadata.name) % allowed.length];
    const zones = [...new Set([...this.api.store.list('Node')].map((n) => n.metadata.labels?.[ZONE_LABEL]).filter((z): z is string => z !== undefined))].sort();
    return zones.length === 0 ? undefined : zones[hash(pvc.metadata.name) % zones.length];
  }

  /** Binds both ways: the volume's claimRef and phase, then the claim's volumeName and phase. */
  private bind(pv: PersistentVolume, pvc: PersistentVolumeClaim): void {
    const ns = pvc.metadata.namespace ?? 'default';
    this.client.update('PersistentVolume', pv.metadata.name, (cur) =>
      cur.status.phase === 'Bound' ? cur : extend(cur, { spec: extend(cur.spec, { claimRef: { namespace: ns, name: pvc.metadata.name, ...(pvc.metadata.uid ? { uid: pvc.metadata.uid } : {}) } }), status: { phase: 'Bound' } }),
    );
    this.client.update('PersistentVolumeClaim', objectKey(pvc.metadata), (cur) => (cur.status.phase === 'Bound' ? cur : extend(cur, { spec: extend(cur.spec, { volumeName: pv.metadata.name }), status: { phase: 'Bound' } })));
  }

  /** A deleted claim releases its volume; a Delete policy deletes the volume. */
  private released(pvc: PersistentVolumeClaim): void {
    const name = pvc.spec.volumeName;
    if (name === undefined) return;
    const pv = this.api.store.get('PersistentVolume', name);
    if (pv === undefined) return;
    if (pv.spec.persistentVolumeReclaimPolicy === 'Delete') this.client.delete('PersistentVolume', name);
    else this.client.update('PersistentVolume', name, (cur) => extend(cur, { status: { phase: 'Released' } }));
  }
}

/** FNV-1a of a name (a stable choice, not a random stream). */
function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}
