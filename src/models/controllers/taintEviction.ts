/**
 * Taint eviction controller (pkg/controller/tainteviction/taint_eviction.go, formerly the NoExecuteTaintManager):
 * for each pod on a node with NoExecute taints (`processPodOnNode`):
 *   - a taint the pod does not tolerate: the pod is deleted at once;
 *   - all tolerated: the pod is deleted after the smallest tolerationSeconds among the tolerations used, counted
 *     from when the controller first saw it there (an eviction already scheduled keeps its earlier time);
 *     tolerations without tolerationSeconds tolerate forever;
 *   - the taints gone (node recovered) or the pod gone: the scheduled eviction is cancelled.
 * A deletion first adds the DisruptionTarget condition (reason DeletionByTaintManager) and records a
 * TaintManagerEviction event, then deletes the pod gracefully.
 */
import type { Engine, EventHandle } from '../../engine/engine.js';
import type { Micros } from '../../engine/time.js';
import type { Node, Pod, Taint, Toleration } from '../../cluster/types.js';
import { objectKey } from '../../cluster/types.js';
import type { ApiClient, ApiServer } from '../apiserver/apiServer.js';
import type { EventRecorder } from '../eventRecorder.js';
import { toleratesTaint } from '../scheduler/plugins/helpers/tolerations.js';
import { extend } from '../../cluster/extend.js';

export const TAINT_EVICTION_CONTROLLER = 'taint-eviction-controller';

/** `getMinTolerationTime` over the tolerations used, in µs; -1: tolerated forever. Undefined: a taint not tolerated. */
export function evictionDelayUs(taints: readonly Taint[], tolerations: readonly Toleration[] | undefined): Micros | undefined {
  let min = -1;
  for (const taint of taints) {
    const used = (tolerations ?? []).filter((t) => toleratesTaint(t, taint));
    if (used.length === 0) return undefined;
    for (const t of used) {
      if (t.tolerationSeconds === undefined) continue;
      const us = Math.max(0, t.tolerationSeconds) * 1_000_000;
      if (min < 0 || us < min) min = us;
    }
  }
  return min;
}

interface Scheduled {
  createdAt: Micros;
  handle: EventHandle;
}

/** The taint eviction controller. */
export class TaintEvictionController {
  private readonly noExecute = new Map<string, Taint[]>();
  private readonly podsByNode = new Map<string, Map<string, Pod>>();
  private readonly scheduled = new Map<string, Scheduled>();
  /** Evictions done (pods marked for deletion). */
  evictions = 0;

  constructor(
    private readonly engine: Engine,
    private readonly api: ApiServer,
    private readonly client: ApiClient,
    private readonly recorder: EventRecorder,
  ) {}

  /** Starts the informers. */
  start(): void {
    this.api.watch('Node', {}, (ev) => this.onNode(ev.type === 'DELETED' ? undefined : ev.object, ev.object.metadata.name));
    this.api.watch('Pod', {}, (ev) => {
      const pod = ev.object;
      const key = objectKey(pod.metadata);
      const node = pod.spec.nodeName;
      if (ev.type === 'DELETED' || node === undefined || pod.status.phase === 'Succeeded' || pod.status.phase === 'Failed') {
        if (node !== undefined) this.podsByNode.get(node)?.delete(key);
        this.cancel(key);
        return;
      }
      let m = this.podsByNode.get(node);
      if (m === undefined) {
        m = new Map();
        this.podsByNode.set(node, m);
      }
      const isNew = !m.has(key);
      m.set(key, pod);
      const taints = this.noExecute.get(node);
      if (isNew && taints !== undefined) this.processPod(key, pod, taints);
    });
  }

  private onNode(node: Node | undefined, name: string): void {
    const taints = node?.spec.taints?.filter((t) => t.effect === 'NoExecute') ?? [];
    const before = this.noExecute.get(name);
    if (taints.length === 0) {
      if (before === undefined) return;
      this.noExecute.delete(name);
    } else {
      if (before !== undefined && sameTaints(before, taints)) return;
      this.noExecute.set(name, taints);
    }
    const pods = [...(this.podsByNode.get(name) ?? [])].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [key, pod] of pods) this.processPod(key, pod, taints);
  }

  /** `processPodOnNode`. */
  private processPod(key: string, pod: Pod, taints: readonly Taint[]): void {
    if (taints.length === 0) return this.cancel(key);
    if (pod.metadata.deletionTimestamp !== undefined) return;
    const now = this.engine.now;
    const delay = evictionDelayUs(taints, pod.spec.tolerations);
    if (delay === undefined) {
      this.cancel(key);
      return this.evict(key, pod);
    }
    if (delay < 0) return this.cancel(key);
    const prior = this.scheduled.get(key);
    const createdAt = prior?.createdAt ?? now;
    if (prior !== undefined) {
      if (prior.createdAt + delay < now + delay) return;
      this.cancel(key);
    }
    const handle = this.engine.schedule(delay, () => {
      this.scheduled.delete(key);
      const current = this.api.store.get('Pod', key);
      if (current !== undefined) this.evict(key, current);
    });
    this.scheduled.set(key, { createdAt, handle });
  }

  private cancel(key: string): void {
    const s = this.scheduled.get(key);
    if (s === undefined) return;
    this.engine.cancel(s.handle);
    this.scheduled.delete(key);
  }

  /** `addConditionAndDeletePod`. */
  private evict(key: string, pod: Pod): void {
    if (pod.metadata.deletionTimestamp !== undefined) return;
    this.evictions++;
    const now = this.engine.now;
    this.recorder.record(pod, 'Normal', 'TaintManagerEviction', TAINT_EVICTION_CONTROLLER, `Marking for deletion Pod ${key}`);
    this.client.update('Pod', key, (p) =>
      extend(p, {
        status: extend(p.status, {
          conditions: [...(p.status.conditions ?? []).filter((c) => c.type !== 'DisruptionTarget'), { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint', lastTransitionTime: now }],
        }),
      }),
    );
    this.client.delete('Pod', key);
  }
}

function sameTaints(a: readonly Taint[], b: readonly Taint[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i]!.key !== b[i]!.key || a[i]!.value !== b[i]!.value || a[i]!.effect !== b[i]!.effect) return false;
  return true;
}
