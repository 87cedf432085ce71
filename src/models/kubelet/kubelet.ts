/**
 * The kubelet of one node: the pod lifecycle (pkg/kubelet/kubelet.go `SyncPod`, pkg/kubelet/kuberuntime).
 *
 * A pod bound to the node is admitted (the resource-fit admission of pkg/kubelet/lifecycle/predicate.go: a pod
 * that does not fit fails with reason Out<resource>), then: sandbox creation; each init container and then each
 * container in order: image by `imagePullPolicy` (IfNotPresent uses the node's cache, Always pulls, Never fails
 * with ErrImageNeverPull if the image is absent), create + start; then the status goes to Running with the
 * Initialized condition, and ContainersReady and Ready once the startup and readiness probes have passed (probe
 * timing as upstream's prober; probes are assumed to succeed).
 * A pod annotated `kubesim.dev/duration` exits 0 after that long: Succeeded under restartPolicy Never or OnFailure;
 * under Always the container restarts after CrashLoopBackOff (10 s doubling to 300 s, reset after 10 min running).
 * `activeDeadlineSeconds` fails the pod with DeadlineExceeded. A pod given a deletionTimestamp is stopped
 * (its preStop hooks run, then the containers exit, all within the grace period) and the kubelet then removes it
 * from the API. A failing image pull gives ErrImagePull and is retried after ImagePullBackOff (10 s doubling to
 * 300 s). With `kubesim.dev/unhealthy-after` the containers hang after running that long: readiness fails, and the
 * liveness probe kills and restarts them after failureThreshold failed probes.
 *
 * Node failure (`fail`): the machine stops; containers die, the Lease is no longer renewed and nothing is written,
 * so the API keeps showing the pods as they were until the node lifecycle controller acts. Recovery (`recover`):
 * the kubelet starts again, renews its Lease, posts Ready, and syncs the pods bound to it: those deleted meanwhile
 * are removed, the others start again in new sandboxes (a restart of each container; under restartPolicy Never a
 * running pod fails with ContainerStatusUnknown, as the kubelet reports a container it cannot find).
 */
import type { Engine, EventHandle } from '../../engine/engine.js';
import { constant, type Distribution, sample } from '../../engine/distribution.js';
import type { Rng } from '../../engine/rng.js';
import type { Micros } from '../../engine/time.js';
import type { Container, Node, Pod, PodCondition, PodPhase } from '../../cluster/types.js';
import { objectKey } from '../../cluster/types.js';
import type { ApiClient, ApiServer, WatchEvent } from '../apiserver/apiServer.js';
import type { EventRecorder } from '../eventRecorder.js';
import { durationAnnotationUs, imageSizeBytes, exitCode, failureProbability, PRESTOP_DURATION_ANNOTATION, runDurationUs, UNHEALTHY_AFTER_ANNOTATION } from '../../cluster/annotations.js';
import { NodeInfo } from '../scheduler/nodeInfo.js';
import { podInfo } from '../scheduler/podInfo.js';
import { insufficientResources } from '../scheduler/plugins/nodeResourcesFit.js';
import { ImageManager, type PullConfig } from './imageManager.js';
import { cpuDemand, oomAfterUs, throttledDurationUs } from './limits.js';
import { cpuShares, NodeCpu } from './cpuShares.js';
import { podClaims } from '../scheduler/plugins/volumeBinding.js';
import { containerReadyDelayUs, probeFailsAtUs, readyDelayUs, startedDelayUs } from './probes.js';
import { isSidecar } from '../../cluster/podResources.js';

/** Attach (attach/detach controller) and mount of a pod's volumes: 5 s (GUESS: a cloud disk attach takes seconds). */
const DEFAULT_VOLUME_ATTACH = constant(5_000_000);
/** The volume manager's wait before it reports FailedMount: 2 min (podAttachAndMountTimeout). */
const VOLUME_MOUNT_TIMEOUT_US = 120_000_000;
import type { NodeLeases } from './nodeLease.js';
import { HostLocalIpam } from './hostLocalIpam.js';
import { extend } from '../../cluster/extend.js';

/** Kubelet timing settings (scenario `spec.kubelet`). */
export interface KubeletConfig {
  sandboxLatency: Distribution;
  containerStartLatency: Distribution;
  containerStopLatency: Distribution;
  /** Attach and mount of a pod's persistent volumes (default 5 s, GUESS). */
  volumeAttachLatency?: Distribution;
}

/** CrashLoopBackOff: 10 s initial (kubelet.go `backOffPeriod`), doubling, max 300 s (`MaxContainerBackOff`). */
/** nodeStatusMaxImages (kubelet config default): the images a Node's status lists. */
export const NODE_STATUS_MAX_IMAGES = 50;
/**
 * The image GC manager's image cache refresh (pkg/kubelet/images/image_gc_manager.go `Start`: ListImages every 30 s),
 * which the node status setter reads: a pulled image shows in `status.images` at the next refresh, and the 10 s
 * status sync (nodeStatusUpdateFrequency) sends the changed status. kubesim aligns both with the kubelet's start.
 */
export const IMAGE_CACHE_REFRESH_US = 30_000_000;
export const CRASHLOOP_INITIAL_US = 10_000_000;
export const CRASHLOOP_MAX_US = 300_000_000;
/** The backoff resets after a container ran for 2 × max = 10 min (client-go flowcontrol backoff). */
export const CRASHLOOP_RESET_US = 600_000_000;

interface Worker {
  pod: Pod;
  timer: EventHandle | undefined;
  /** `completing`: the app containers have exited and the sidecars are being stopped before the pod ends. */
  state: 'starting' | 'running' | 'backoff' | 'completing' | 'terminating' | 'done';
  restarts: number;
  /** When the kubelet admitted the pod (status.startTime). */
  admittedAt: Micros;
  /** When the containers last started (for the CrashLoopBackOff reset). */
  startedAt: Micros;
  backoffUs: Micros;
  /** Image pull back-off per image (µs of the last wait). */
  pullBackoff: Map<string, Micros>;
  /** The pod's address, allocated with its sandbox. */
  ip: string | undefined;
  /** When each sidecar's current instance started (absent while it is down or not started yet). */
  sidecarStartedAt: Map<string, Micros>;
  /** Restarts and last CrashLoopBackOff wait per sidecar. */
  sidecarRestarts: Map<string, number>;
  sidecarBackoff: Map<string, Micros>;
  /** Bumped whenever a container's readiness is lost, so a pending Ready write made before is dropped. */
  readyEpoch: number;
}

/** The pod's sidecars: init containers with restartPolicy Always, in order. */
function sidecarsOf(pod: Pod): Container[] {
  return (pod.spec.initContainers ?? []).filter(isSidecar);
}

/** The longest preStop hook of the pod's sidecars. */
function sidecarPreStopUs(pod: Pod): number {
  return preStopDurationUs(pod, sidecarsOf(pod));
}

/** `minimumGracePeriodInSeconds`: the extension a preStop hook gets when it outlives the grace period. */
export const MINIMUM_GRACE_PERIOD_US = 2_000_000;

/** The longest preStop hook of the given containers (default the app containers): sleep action, or the prestop-duration annotation. */
export function preStopDurationUs(pod: Pod, containers: readonly Container[] = pod.spec.containers): number {
  let longest = 0;
  for (const c of containers) {
    const hook = c.lifecycle?.preStop;
    if (hook === undefined) continue;
    const us = hook.sleep !== undefined ? hook.sleep.seconds * 1_000_000 : (durationAnnotationUs(pod.metadata.annotations, PRESTOP_DURATION_ANNOTATION) ?? 0);
    if (us > longest) longest = us;
  }
  return longest;
}

/** The kubelet of one node. */
export class Kubelet {
  private readonly workers = new Map<string, Worker>();
  /** Every pod bound to this node, as the kubelet's watch last showed it. */
  private readonly known = new Map<string, Pod>();
  private down = false;
  /** When the kubelet started, and whether an image report is due. */
  private startedAt: Micros = 0;
  private imageReportDue = false;
  /** Pod addresses from the node's podCIDR (host-local IPAM). */
  private readonly ipam: HostLocalIpam;
  /** Admission accounting: the pods admitted and not terminated (same layout as the scheduler's NodeInfo). */
  private readonly admitted: NodeInfo;
  /** The node's cores shared among its running pods (cpuShares.ts). */
  private readonly cpu: NodeCpu;

  constructor(
    private readonly engine: Engine,
    private readonly api: ApiServer,
    private readonly client: ApiClient,
    node: Node,
    private readonly rng: Rng,
    private readonly config: KubeletConfig,
    pull: PullConfig,
    private readonly recorder: EventRecorder,
    private readonly leases?: NodeLeases,
    readonly images: ImageManager = new ImageManager(engine, rng, pull, (node.status.images ?? []).flatMap((i) => i.names)),
  ) {
    this.admitted = new NodeInfo(node);
    this.cpu = new NodeCpu(engine, node.status.capacity.cpu ?? node.status.allocatable.cpu ?? 0);
    this.ipam = new HostLocalIpam(node.spec.podCIDR);
    this.images.onImagesChanged = () => this.reportImages();
    this.images.onGcFailed = (message) => this.recorder.record(this.admitted.node, 'Warning', 'FreeDiskSpaceFailed', 'kubelet', message, this.nodeName);
    this.images.inUse = () => {
      const out = new Set<string>();
      for (const w of this.workers.values()) if (w.state !== 'done') for (const c of [...(w.pod.spec.initContainers ?? []), ...w.pod.spec.containers]) out.add(c.image);
      return out;
    };
  }

  /** Name of the node. */
  get nodeName(): string {
    return this.admitted.name;
  }

  /** Registers the Node (Ready, as `registerWithTaints`/`tryRegisterWithAPIServer` do) and watches its pods. */
  start(): void {
    this.api.watch('Pod', { nodeName: this.nodeName }, (ev) => this.onPod(ev));
    const node = this.admitted.node;
    this.startedAt = this.engine.now;
    this.leases?.start(this.nodeName, this.engine.now);
    this.client.create(extend(node, { status: extend(node.status, { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', lastTransitionTime: this.engine.now }] }) }));
  }

  /**
   * The kubelet of a node in a cluster snapshot (`spec.cluster.snapshot`): the Node is registered already, with the
   * conditions the snapshot recorded, so it is in the store from t = 0 (no registration round trip); the kubelet
   * watches its pods and renews its Lease. A Node the snapshot recorded as not Ready has a kubelet that is down
   * (the node lifecycle controller goes on from there); its pods are not taken over.
   */
  restore(ready: boolean): void {
    this.api.watch('Pod', { nodeName: this.nodeName }, (ev) => this.onPod(ev));
    this.startedAt = this.engine.now;
    this.api.store.create(this.admitted.node, this.engine.now);
    if (ready) this.leases?.start(this.nodeName, this.engine.now);
    else this.down = true;
  }

  /**
   * A pod of the snapshot already running here: its containers are up, so the kubelet takes them over as it does
   * after a restart (the container runtime lists them; pkg/kubelet `syncPod` finds nothing to start): the pod is
   * admitted, keeps its address, and runs on (its duration, probes and CPU from now) without a status write.
   */
  resume(pod: Pod): void {
    if (this.down) return;
    const uid = pod.metadata.uid!;
    this.known.set(uid, pod);
    if (this.workers.has(uid)) return;
    this.admitted.addPod(podInfo(pod));
    const now = this.engine.now;
    const restarts = pod.status.containerStatuses?.[0]?.restartCount ?? 0;
    const w: Worker = { pod, timer: undefined, state: 'starting', restarts, admittedAt: now, startedAt: now, backoffUs: 0, pullBackoff: new Map(), ip: this.ipam.reserve(pod.status.podIP), sidecarStartedAt: new Map(), sidecarRestarts: new Map(), sidecarBackoff: new Map(), readyEpoch: 0 };
    for (const c of sidecarsOf(pod)) w.sidecarStartedAt.set(c.name, now);
    for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) this.images.adopt(c.image);
    this.workers.set(uid, w);
    this.running(w, true);
  }

  /**
   * The node status setter `Images`: after the next image cache refresh the Node's `status.images` lists the images
   * on the node (largest first, nodeStatusMaxImages), which the scheduler's ImageLocality reads.
   */
  private reportImages(): void {
    if (this.imageReportDue) return;
    this.imageReportDue = true;
    const since = this.engine.now - this.startedAt;
    const at = this.startedAt + Math.ceil(since / IMAGE_CACHE_REFRESH_US) * IMAGE_CACHE_REFRESH_US;
    this.engine.at(Math.max(at, this.engine.now), () => {
      this.imageReportDue = false;
      if (this.down) return;
      const images = this.images.imageList(NODE_STATUS_MAX_IMAGES);
      this.client.update('Node', this.nodeName, (n) => extend(n, { status: extend(n.status, { images }) }));
    });
  }

  /** Whether the node is down. */
  get failed(): boolean {
    return this.down;
  }

  /** The node stops: containers die, heartbeats stop, nothing more is written. */
  fail(): void {
    if (this.down) return;
    this.down = true;
    this.leases?.stop(this.nodeName, this.engine.now);
    for (const [uid, w] of this.workers) {
      this.cancelTimer(w);
      w.state = 'done';
      this.admitted.removePod(uid);
      this.ipam.release(w.ip);
    }
    this.workers.clear();
  }

  /**
   * Evicts a pod for node pressure (pkg/kubelet/eviction/eviction_manager.go `evictPod`): a hard threshold kills it
   * at once (grace period 0), the pod fails with reason Evicted and the manager's message, with the DisruptionTarget
   * condition (TerminationByKubelet) and an Evicted event. Returns false when the pod is not running here.
   */
  evict(uid: string, message: string): boolean {
    const w = this.workers.get(uid);
    if (w === undefined || this.down || (w.state !== 'running' && w.state !== 'backoff' && w.state !== 'starting')) return false;
    this.cancelTimer(w);
    this.recorder.record(w.pod, 'Warning', 'Evicted', 'kubelet', message, this.nodeName);
    w.state = 'done';
    this.admitted.removePod(uid);
    this.ipam.release(w.ip);
    const now = this.engine.now;
    this.client.update('Pod', objectKey(w.pod.metadata), (p) =>
      p.status.phase === 'Succeeded' || p.status.phase === 'Failed'
        ? p
        : extend(p, {
            status: extend(p.status, {
              phase: 'Failed',
              reason: 'Evicted',
              message,
              conditions: [
                ...(p.status.conditions ?? []).filter((c) => c.type !== 'DisruptionTarget' && c.type !== 'Ready' && c.type !== 'ContainersReady'),
                { type: 'DisruptionTarget', status: 'True', reason: 'TerminationByKubelet', message, lastTransitionTime: now },
                { type: 'ContainersReady', status: 'False', lastTransitionTime: now },
                { type: 'Ready', status: 'False', lastTransitionTime: now },
              ],
            }),
          }),
    );
    return true;
  }

  /** The node is back: the kubelet renews its Lease, posts Ready and syncs its pods again. */
  recover(): void {
    if (!this.down) return;
    this.down = false;
    const now = this.engine.now;
    this.leases?.start(this.nodeName, now);
    this.client.update('Node', this.nodeName, (n) => extend(n, { status: extend(n.status, { conditions: [...(n.status.conditions ?? []).filter((c) => c.type !== 'Ready'), { type: 'Ready', status: 'True', reason: 'KubeletReady', lastTransitionTime: now }] }) }));
    const pods = [...this.known.values()].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
    for (const pod of pods) {
      if (pod.status.phase === 'Succeeded' || pod.status.phase === 'Failed') continue;
      if (pod.metadata.deletionTimestamp !== undefined) {
        this.client.delete('Pod', objectKey(pod.metadata), { gracePeriodSeconds: 0 });
        continue;
      }
      const wasRunning = pod.status.phase === 'Running';
      if (wasRunning && pod.spec.restartPolicy === 'Never') {
        this.writeStatus(pod, 'Failed', [['ContainersReady', 'False'], ['Ready', 'False']], { reason: 'ContainerStatusUnknown', message: 'The container could not be located when the pod was terminated' });
        continue;
      }
      this.admit(pod, (pod.status.containerStatuses?.[0]?.restartCount ?? 0) + (wasRunning ? 1 : 0));
    }
  }

  private onPod(ev: WatchEvent<Pod>): void {
    const pod = ev.object;
    const uid = pod.metadata.uid!;
    if (ev.type === 'DELETED') this.known.delete(uid);
    else this.known.set(uid, pod);
    if (this.down) return;
    const w = this.workers.get(uid);
    if (ev.type === 'DELETED') {
      if (w !== undefined) this.forget(uid, w);
      return;
    }
    if (w === undefined) {
      if (pod.status.phase === 'Succeeded' || pod.status.phase === 'Failed') return;
      if (pod.metadata.deletionTimestamp !== undefined) {
        this.client.delete('Pod', objectKey(pod.metadata), { gracePeriodSeconds: 0 });
        return;
      }
      this.admit(pod);
      return;
    }
    w.pod = pod;
    if (pod.metadata.deletionTimestamp !== undefined && w.state !== 'terminating' && w.state !== 'done') this.terminate(w);
  }

  private admit(pod: Pod, restarts = 0): void {
    const info = podInfo(pod);
    const missing = insufficientResources(info, this.admitted);
    if (missing.length > 0) {
      const first = missing[0]!;
      const resource = first === 'Too many pods' ? 'pods' : first.replace('Insufficient ', '');
      const reason = `OutOf${resource}`;
      const message = `Pod was rejected: Node didn't have enough resource: ${resource}`;
      this.recorder.record(pod, 'Warning', reason, 'kubelet', message, this.nodeName);
      this.writeStatus(pod, 'Failed', [], { reason, message });
      return;
    }
    this.admitted.addPod(info);
    const w: Worker = { pod, timer: undefined, state: 'starting', restarts, admittedAt: this.engine.now, startedAt: this.engine.now, backoffUs: 0, pullBackoff: new Map(), ip: undefined, sidecarStartedAt: new Map(), sidecarRestarts: new Map(), sidecarBackoff: new Map(), readyEpoch: 0 };
    this.workers.set(pod.metadata.uid!, w);
    const deadline = pod.spec.activeDeadlineSeconds;
    if (deadline !== undefined) {
      this.engine.schedule(deadline * 1_000_000, () => {
        if (w.state === 'done' || w.state === 'terminating') return;
        this.cancelTimer(w);
        this.finish(w, 'Failed', { reason: 'DeadlineExceeded', message: `Pod was active on the node longer than the specified deadline` });
      });
    }
    const sandbox = () => {
      w.timer = this.engine.schedule(sample(this.config.sandboxLatency, this.rng), () => {
        w.timer = undefined;
        w.ip = this.ipam.allocate();
        this.startContainers(w, [...(pod.spec.initContainers ?? []), ...pod.spec.containers], 0);
      });
    };
    if (podClaims(pod).length === 0 && this.api.configObjects.volumeProblems(pod).length === 0) return sandbox();
    this.waitForVolumes(w, sandbox, this.engine.now);
  }

  /**
   * The volume manager (pkg/kubelet/volumemanager `WaitForAttachAndMount`): the pod's claims must be bound, then their
   * volumes are attached (the attach/detach controller) and mounted before the sandbox starts. Claims are checked every
   * second; after 2 minutes a FailedMount warning is recorded (and the wait goes on), as the kubelet's
   * "Unable to attach or mount volumes … timed out waiting for the condition".
   */
  private waitForVolumes(w: Worker, then: () => void, since: Micros, reported = false): void {
    const ns = w.pod.metadata.namespace ?? 'default';
    const claims = podClaims(w.pod);
    const unbound = claims.filter((c) => this.client.get('PersistentVolumeClaim', `${ns}/${c}`)?.status.phase !== 'Bound');
    // configMap, secret and projected volumes of objects that do not exist cannot be set up (they never appear:
    // the cluster's ConfigMaps and Secrets are the manifests').
    const config = this.api.configObjects.volumeProblems(w.pod);
    if (!reported) for (const [volume, problem] of config) this.recorder.record(w.pod, 'Warning', 'FailedMount', 'kubelet', `MountVolume.SetUp failed for volume "${volume}" : ${problem}`, this.nodeName);
    if (unbound.length === 0 && config.length === 0) {
      w.timer = this.engine.schedule(sample(this.config.volumeAttachLatency ?? DEFAULT_VOLUME_ATTACH, this.rng), () => {
        w.timer = undefined;
        then();
      });
      return;
    }
    if (this.engine.now - since >= VOLUME_MOUNT_TIMEOUT_US) {
      this.recorder.record(w.pod, 'Warning', 'FailedMount', 'kubelet', `Unable to attach or mount volumes: unmounted volumes=[${[...unbound, ...config.map(([v]) => v)].join(' ')}]: timed out waiting for the condition`, this.nodeName);
      since = this.engine.now;
    }
    // Claims are polled every second; missing ConfigMaps and Secrets only get the next timeout message.
    w.timer = this.engine.schedule(unbound.length > 0 ? 1_000_000 : since + VOLUME_MOUNT_TIMEOUT_US - this.engine.now, () => {
      w.timer = undefined;
      if (w.state === 'starting') this.waitForVolumes(w, then, since, true);
    });
  }

  /** Starts containers[i…] one after another (images first), then marks the pod running. */
  private startContainers(w: Worker, containers: Container[], i: number): void {
    if (w.state !== 'starting') return;
    const c = containers[i];
    if (c === undefined) return this.running(w);
    const pod = w.pod;
    const policy = c.imagePullPolicy ?? 'IfNotPresent';
    const start = () => {
      if (w.state !== 'starting') return;
      // The container's config (its environment) is made after the image is there: a missing ConfigMap, Secret or
      // key leaves it waiting with CreateContainerConfigError (kuberuntime startContainer, generateContainerConfig).
      const problem = this.api.configObjects.envProblem(pod, c);
      if (problem !== undefined) {
        this.recorder.record(pod, 'Warning', 'Failed', 'kubelet', `Error: ${problem}`, this.nodeName);
        this.writeStatus(pod, w.pod.status.phase === 'Running' ? 'Running' : 'Pending', [], undefined, { container: c.name, reason: 'CreateContainerConfigError' });
        return;
      }
      w.timer = this.engine.schedule(sample(this.config.containerStartLatency, this.rng), () => {
        w.timer = undefined;
        this.recorder.record(pod, 'Normal', 'Started', 'kubelet', `Started container ${c.name}`, this.nodeName);
        this.images.used(c.image);
        if (!isSidecar(c)) return this.startContainers(w, containers, i + 1);
        // A sidecar keeps running; the next container starts once it has started (its startup probe passed).
        this.sidecarStarted(w, c);
        const wait = startedDelayUs(c);
        if (wait === 0) return this.startContainers(w, containers, i + 1);
        w.timer = this.engine.schedule(wait, () => {
          w.timer = undefined;
          this.startContainers(w, containers, i + 1);
        });
      });
    };
    const present = this.images.has(c.image);
    if (policy === 'Never' && !present) {
      this.recorder.record(pod, 'Warning', 'ErrImageNeverPull', 'kubelet', `Container image "${c.image}" is not present with pull policy of Never`, this.nodeName);
      return; // the container waits; the pod stays Pending
    }
    if (policy === 'IfNotPresent' && present) {
      this.recorder.record(pod, 'Normal', 'Pulled', 'kubelet', `Container image "${c.image}" already present on machine`, this.nodeName);
      return start();
    }
    this.recorder.record(pod, 'Normal', 'Pulling', 'kubelet', `Pulling image "${c.image}"`, this.nodeName);
    const hinted = imageSizeBytes(pod.metadata.annotations);
    this.images.pull(c.image, (waitedUs, ok) => {
      if (w.state !== 'starting') return;
      if (ok) {
        w.pullBackoff.delete(c.image);
        this.recorder.record(pod, 'Normal', 'Pulled', 'kubelet', `Successfully pulled image "${c.image}" in ${(waitedUs / 1e6).toFixed(3)}s`, this.nodeName);
        return start();
      }
      this.pullFailed(w, containers, i, c);
    }, hinted !== undefined && !(this.images.listed(c.image)) ? hinted : undefined);
  }

  /**
   * A failed pull (pkg/kubelet/images/image_manager.go): ErrImagePull, then the pull is retried after a back-off
   * per pod and image (10 s doubling to 300 s, the kubelet's imageBackOff), each wait reported as ImagePullBackOff.
   * The pod stays Pending meanwhile.
   */
  private pullFailed(w: Worker, containers: Container[], i: number, c: Container): void {
    const pod = w.pod;
    this.recorder.record(pod, 'Warning', 'Failed', 'kubelet', `Failed to pull image "${c.image}": rpc error: code = NotFound desc = failed to pull and unpack image "${c.image}"`, this.nodeName);
    this.recorder.record(pod, 'Warning', 'Failed', 'kubelet', 'Error: ErrImagePull', this.nodeName);
    const phase = w.pod.status.phase === 'Running' ? 'Running' : 'Pending';
    this.writeStatus(pod, phase, [], undefined, { container: c.name, reason: 'ErrImagePull' });
    const prev = w.pullBackoff.get(c.image);
    const backoff = prev === undefined ? CRASHLOOP_INITIAL_US : Math.min(prev * 2, CRASHLOOP_MAX_US);
    w.pullBackoff.set(c.image, backoff);
    // The next sync finds the image in back-off and reports it, then retries when the back-off expires.
    w.timer = this.engine.schedule(Math.min(backoff, 1_000_000), () => {
      w.timer = undefined;
      if (w.state !== 'starting') return;
      this.recorder.record(pod, 'Normal', 'BackOff', 'kubelet', `Back-off pulling image "${c.image}"`, this.nodeName);
      this.recorder.record(pod, 'Warning', 'Failed', 'kubelet', 'Error: ImagePullBackOff', this.nodeName);
      this.writeStatus(pod, phase, [], undefined, { container: c.name, reason: 'ImagePullBackOff' });
      w.timer = this.engine.schedule(backoff - Math.min(backoff, 1_000_000), () => {
        w.timer = undefined;
        this.startContainers(w, containers, i);
      });
    });
  }

  /** The app containers are up (`resumed`: taken over from a snapshot, whose recorded readiness stands). */
  private running(w: Worker, resumed = false): void {
    w.state = 'running';
    w.startedAt = this.engine.now;
    if (!resumed) this.scheduleReady(w, true);
    const run = runDurationUs(w.pod.metadata.annotations);
    const d = run === undefined ? undefined : throttledDurationUs(w.pod, run);
    // A memory limit the pod's use passes: the kernel OOM-kills the container (limits.ts).
    const oom = oomAfterUs(w.pod);
    if (oom !== undefined && (d === undefined || oom < d)) {
      const startedAt = w.startedAt;
      w.timer = this.engine.schedule(oom, () => {
        w.timer = undefined;
        if (w.state === 'running' && w.startedAt === startedAt) this.containersExited(w, 137, 'OOMKilled');
      });
      return;
    }
    const kill = this.livenessKillUs(w);
    if (kill !== undefined && (d === undefined || kill.killUs < d)) {
      const startedAt = w.startedAt;
      if (kill.unreadyUs !== undefined && kill.unreadyUs < kill.killUs) {
        this.engine.schedule(kill.unreadyUs, () => {
          if (w.state !== 'running' || w.startedAt !== startedAt) return;
          this.recorder.record(w.pod, 'Warning', 'Unhealthy', 'kubelet', 'Readiness probe failed: the container does not answer', this.nodeName);
          this.writeStatus(w.pod, 'Running', [['Initialized', 'True'], ['ContainersReady', 'False'], ['Ready', 'False']]);
        });
      }
      w.timer = this.engine.schedule(kill.killUs, () => {
        w.timer = undefined;
        this.recorder.record(w.pod, 'Warning', 'Unhealthy', 'kubelet', 'Liveness probe failed: the container does not answer', this.nodeName);
        this.recorder.record(w.pod, 'Normal', 'Killing', 'kubelet', `Container ${kill.container} failed liveness probe, will be restarted`, this.nodeName);
        // The kill takes the container's stop time (capped by the grace period), then the restart policy applies.
        const graceUs = (w.pod.spec.terminationGracePeriodSeconds ?? 30) * 1_000_000;
        w.timer = this.engine.schedule(Math.min(sample(this.config.containerStopLatency, this.rng), graceUs), () => {
          w.timer = undefined;
          this.containersExited(w, 137);
        });
      });
      return;
    }
    // The node's CPU: the run's work is shared out by CFS weights when the node's pods want more than its cores.
    const demand = cpuDemand(w.pod);
    if (demand > 0) {
      this.cpu.add(w.pod.metadata.uid!, demand, cpuShares(podInfo(w.pod).requests.milliCPU), d, () => this.containersExited(w));
      return;
    }
    if (d === undefined) return;
    w.timer = this.engine.schedule(d, () => {
      w.timer = undefined;
      this.containersExited(w);
    });
  }

  /**
   * Probes: the pod is Running once its app containers have started, and Ready when every app container and every
   * sidecar is ready (pkg/kubelet/status/generate.go `GenerateContainersReadyCondition` counts restartable init
   * containers since v1.29): each container's readiness from its own start. A sidecar that is down keeps the pod
   * unready until it has started again. `first`: the write when the app containers have just started.
   */
  private scheduleReady(w: Worker, first = false): void {
    const now = this.engine.now;
    let readyAt = w.startedAt + readyDelayUs(w.pod.spec.containers);
    let down = false;
    for (const sc of sidecarsOf(w.pod)) {
      const at = w.sidecarStartedAt.get(sc.name);
      if (at === undefined) down = true;
      else readyAt = Math.max(readyAt, at + containerReadyDelayUs(sc));
    }
    const ready: [PodCondition['type'], PodCondition['status']][] = [['Initialized', 'True'], ['ContainersReady', 'True'], ['Ready', 'True']];
    if (!down && readyAt <= now) return this.writeStatus(w.pod, 'Running', ready);
    if (first) this.writeStatus(w.pod, 'Running', [['Initialized', 'True'], ['ContainersReady', 'False'], ['Ready', 'False']]);
    if (down) return;
    const startedAt = w.startedAt;
    const epoch = w.readyEpoch;
    this.engine.schedule(readyAt - now, () => {
      if (w.state === 'running' && w.startedAt === startedAt && w.readyEpoch === epoch) this.writeStatus(w.pod, 'Running', ready);
    });
  }

  /**
   * A sidecar (re)started: with `kubesim.dev/unhealthy-after` and a liveness probe it hangs after that long, is
   * marked unready at its readiness probe's failureThreshold-th failing tick and killed at its liveness probe's; it is
   * then restarted whatever the pod's restartPolicy (kuberuntime `computePodActions`: restartable init containers
   * always restart), after its own CrashLoopBackOff, while the app containers keep running.
   */
  private sidecarStarted(w: Worker, c: Container): void {
    const startedAt = this.engine.now;
    w.sidecarStartedAt.set(c.name, startedAt);
    const hang = durationAnnotationUs(w.pod.metadata.annotations, UNHEALTHY_AFTER_ANNOTATION);
    if (hang === undefined || c.livenessProbe === undefined) return;
    const alive = () => (w.state === 'starting' || w.state === 'running' || w.state === 'backoff') && w.sidecarStartedAt.get(c.name) === startedAt;
    const killIn = probeFailsAtUs(c.livenessProbe, hang);
    const unreadyIn = c.readinessProbe !== undefined ? probeFailsAtUs(c.readinessProbe, hang) : undefined;
    if (unreadyIn !== undefined && unreadyIn < killIn) {
      this.engine.schedule(unreadyIn, () => {
        if (!alive()) return;
        this.recorder.record(w.pod, 'Warning', 'Unhealthy', 'kubelet', 'Readiness probe failed: the container does not answer', this.nodeName);
        this.unready(w);
      });
    }
    this.engine.schedule(killIn, () => {
      if (!alive()) return;
      this.recorder.record(w.pod, 'Warning', 'Unhealthy', 'kubelet', 'Liveness probe failed: the container does not answer', this.nodeName);
      this.recorder.record(w.pod, 'Normal', 'Killing', 'kubelet', `Container ${c.name} failed liveness probe, will be restarted`, this.nodeName);
      w.sidecarStartedAt.delete(c.name);
      this.unready(w);
      const graceUs = (w.pod.spec.terminationGracePeriodSeconds ?? 30) * 1_000_000;
      const live = () => w.state === 'starting' || w.state === 'running' || w.state === 'backoff';
      this.engine.schedule(Math.min(sample(this.config.containerStopLatency, this.rng), graceUs), () => {
        if (!live()) return;
        const prev = w.sidecarBackoff.get(c.name);
        const backoff = prev === undefined || this.engine.now - startedAt >= CRASHLOOP_RESET_US ? CRASHLOOP_INITIAL_US : Math.min(prev * 2, CRASHLOOP_MAX_US);
        w.sidecarBackoff.set(c.name, backoff);
        w.sidecarRestarts.set(c.name, (w.sidecarRestarts.get(c.name) ?? 0) + 1);
        this.recorder.record(w.pod, 'Warning', 'BackOff', 'kubelet', `Back-off restarting failed container ${c.name}`, this.nodeName);
        this.engine.schedule(backoff, () => {
          if (!live()) return;
          this.engine.schedule(sample(this.config.containerStartLatency, this.rng), () => {
            if (!live()) return;
            this.recorder.record(w.pod, 'Normal', 'Started', 'kubelet', `Started container ${c.name}`, this.nodeName);
            this.sidecarStarted(w, c);
            if (w.state === 'running') this.scheduleReady(w);
          });
        });
      });
    });
  }

  /** A container lost its readiness: ContainersReady and Ready go False, a pending Ready write is dropped. */
  private unready(w: Worker): void {
    w.readyEpoch++;
    if (w.state === 'running' || w.state === 'backoff') this.writeStatus(w.pod, 'Running', [['Initialized', 'True'], ['ContainersReady', 'False'], ['Ready', 'False']]);
  }

  /**
   * With `kubesim.dev/unhealthy-after`, the containers hang after running that long: each probe fails from its
   * first tick at or after the hang; the container is killed at its liveness probe's failureThreshold-th failing
   * tick (prober/worker.go: period, initialDelay, failureThreshold 3) and marked unready at the readiness probe's.
   * Offsets from the container start; undefined without the annotation or a liveness probe.
   */
  private livenessKillUs(w: Worker): { killUs: number; unreadyUs: number | undefined; container: string } | undefined {
    const hang = durationAnnotationUs(w.pod.metadata.annotations, UNHEALTHY_AFTER_ANNOTATION);
    if (hang === undefined) return undefined;
    let best: { killUs: number; unreadyUs: number | undefined; container: string } | undefined;
    const failAt = (p: NonNullable<Container['livenessProbe']>) => probeFailsAtUs(p, hang);
    for (const c of w.pod.spec.containers) {
      if (c.livenessProbe === undefined) continue;
      const killUs = failAt(c.livenessProbe);
      if (best === undefined || killUs < best.killUs) best = { killUs, unreadyUs: c.readinessProbe !== undefined ? failAt(c.readinessProbe) : undefined, container: c.name };
    }
    return best;
  }

  /**
   * The containers ended after their duration, with the scripted exit code (`kubesim.dev/exit-code`), or 1 with
   * the `kubesim.dev/failure-probability` drawn per run. restartPolicy Never: Succeeded on 0, Failed otherwise;
   * OnFailure: Succeeded on 0, else restarted in place; Always: restarted. Restarts go through CrashLoopBackOff.
   */
  private containersExited(w: Worker, forced?: number, reason?: string): void {
    const policy = w.pod.spec.restartPolicy ?? 'Always';
    const p = failureProbability(w.pod.metadata.annotations);
    const code = forced ?? (p > 0 && this.rng.next() < p ? 1 : exitCode(w.pod.metadata.annotations));
    if (code === 0 && policy !== 'Always') return this.stopSidecars(w, () => this.finish(w, 'Succeeded', { reason: 'Completed' }));
    if (code !== 0 && policy === 'Never') return this.stopSidecars(w, () => this.finish(w, 'Failed', { reason: reason ?? 'Error', message: `container exited with code ${code}${reason !== undefined ? ` (${reason})` : ''}` }, code));
    // Restart with CrashLoopBackOff.
    const ranUs = this.engine.now - w.startedAt;
    w.backoffUs = ranUs >= CRASHLOOP_RESET_US || w.backoffUs === 0 ? CRASHLOOP_INITIAL_US : Math.min(w.backoffUs * 2, CRASHLOOP_MAX_US);
    w.restarts++;
    w.state = 'backoff';
    this.writeStatus(w.pod, 'Running', [['Initialized', 'True'], ['ContainersReady', 'False'], ['Ready', 'False']]);
    this.recorder.record(w.pod, 'Warning', 'BackOff', 'kubelet', 'Back-off restarting failed container', this.nodeName);
    w.timer = this.engine.schedule(w.backoffUs, () => {
      w.timer = undefined;
      w.state = 'starting';
      this.startContainers(w, w.pod.spec.containers, 0);
    });
  }

  /**
   * The app containers have ended for good: the sidecars do not hold the pod up (KEP-753). The kubelet kills them,
   * in reverse order, each within the pod's grace period (kuberuntime `computePodActions`: a pod whose regular
   * containers are done is killed), and the pod's phase follows the app containers once they are stopped.
   */
  private stopSidecars(w: Worker, then: () => void): void {
    const side = sidecarsOf(w.pod);
    if (side.length === 0) return then();
    this.cancelTimer(w);
    w.state = 'completing';
    w.readyEpoch++;
    this.writeStatus(w.pod, 'Running', [['ContainersReady', 'False'], ['Ready', 'False']]);
    for (const c of [...side].reverse()) this.recorder.record(w.pod, 'Normal', 'Killing', 'kubelet', `Stopping container ${c.name}`, this.nodeName);
    const graceUs = (w.pod.spec.terminationGracePeriodSeconds ?? 30) * 1_000_000;
    w.timer = this.engine.schedule(Math.min(sidecarPreStopUs(w.pod) + sample(this.config.containerStopLatency, this.rng), graceUs), () => {
      w.timer = undefined;
      if (w.state === 'completing') then();
    });
  }

  private finish(w: Worker, phase: PodPhase, why: { reason: string; message?: string }, exitCode?: number): void {
    w.state = 'done';
    this.admitted.removePod(w.pod.metadata.uid!);
    this.ipam.release(w.ip);
    this.writeStatus(w.pod, phase, [['ContainersReady', 'False'], ['Ready', 'False']], phase === 'Failed' ? why : { reason: why.reason }, undefined, exitCode);
  }

  private terminate(w: Worker): void {
    this.cancelTimer(w);
    const wasRunning = w.state === 'running' || w.state === 'backoff';
    w.state = 'terminating';
    for (const c of w.pod.spec.containers) this.recorder.record(w.pod, 'Normal', 'Killing', 'kubelet', `Stopping container ${c.name}`, this.nodeName);
    const graceUs = (w.pod.metadata.deletionGracePeriodSeconds ?? 30) * 1_000_000;
    // killContainer (kuberuntime_container.go): the preStop hook runs first, within the grace period; then SIGTERM
    // and the containers' stop time, capped by what is left of the grace period. A hook still running when the grace
    // period ends gets a one-off 2 s extension (minimumGracePeriodInSeconds) before SIGKILL.
    const preStopUs = wasRunning ? preStopDurationUs(w.pod) : 0;
    const appUs = !wasRunning ? 0 : preStopUs >= graceUs && preStopUs > 0 ? graceUs + MINIMUM_GRACE_PERIOD_US : Math.min(preStopUs + sample(this.config.containerStopLatency, this.rng), graceUs);
    // Sidecars are stopped after the app containers, in reverse order, within what is left of the grace period.
    const side = sidecarsOf(w.pod);
    for (const c of [...side].reverse()) this.recorder.record(w.pod, 'Normal', 'Killing', 'kubelet', `Stopping container ${c.name}`, this.nodeName);
    const stopUs = wasRunning && side.length > 0 && appUs < graceUs ? Math.min(appUs + sidecarPreStopUs(w.pod) + sample(this.config.containerStopLatency, this.rng), graceUs) : appUs;
    w.timer = this.engine.schedule(stopUs, () => {
      w.timer = undefined;
      this.admitted.removePod(w.pod.metadata.uid!);
      this.client.delete('Pod', objectKey(w.pod.metadata), { gracePeriodSeconds: 0 });
    });
  }

  private forget(uid: string, w: Worker): void {
    this.cancelTimer(w);
    w.state = 'done';
    this.admitted.removePod(uid);
    this.ipam.release(w.ip);
    this.workers.delete(uid);
  }

  private cancelTimer(w: Worker): void {
    if (w.timer !== undefined) this.engine.cancel(w.timer);
    w.timer = undefined;
    this.cpu.remove(w.pod.metadata.uid!);
  }

  /** The status manager's write: phase, conditions, and startTime (set once). */
  private writeStatus(pod: Pod, phase: PodPhase, conditions: [PodCondition['type'], PodCondition['status']][], why?: { reason?: string; message?: string }, waiting?: { container: string; reason: string }, exitCode?: number): void {
    const now = this.engine.now;
    const worker = this.workers.get(pod.metadata.uid!);
    const startTime = worker?.admittedAt;
    const restarts = worker?.restarts ?? 0;
    const podIP = worker?.ip;
    const ready = conditions.some(([t, s]) => t === 'ContainersReady' && s === 'True');
    this.client.update('Pod', objectKey(pod.metadata), (p) => {
      if (p.status.phase === 'Succeeded' || p.status.phase === 'Failed') return p;
      const merged = new Map<string, PodCondition>((p.status.conditions ?? []).map((c) => [c.type, c]));
      for (const [type, status] of conditions) {
        const prev = merged.get(type);
        merged.set(type, prev?.status === status ? prev : { type, status, lastTransitionTime: now });
      }
      const status = Object.assign(
        {},
        p.status,
        { phase, conditions: [...merged.values()] },
        p.status.startTime === undefined && startTime !== undefined ? { startTime: Math.min(startTime, now) } : {},
        podIP !== undefined && p.status.podIP !== podIP ? { podIP } : {},
        why?.reason !== undefined ? { reason: why.reason } : {},
        why?.message !== undefined ? { message: why.message } : {},
        restarts > 0 || waiting !== undefined || exitCode !== undefined
          ? { containerStatuses: p.spec.containers.map((c) => ({ name: c.name, restartCount: restarts, ready, ...(waiting?.container === c.name ? { waitingReason: waiting.reason } : {}), ...(exitCode !== undefined ? { exitCode } : {}) })) }
          : {},
        worker !== undefined && worker.sidecarRestarts.size > 0
          ? { initContainerStatuses: sidecarsOf(p).map((c) => ({ name: c.name, restartCount: worker.sidecarRestarts.get(c.name) ?? 0, ready: worker.sidecarStartedAt.has(c.name) })) }
          : {},
      );
      return extend(p, { status });
    });
  }
}
