/**
 * Samples the cluster every `interval` (from t = 0 to the end, inclusive) into `cluster.csv` and, optionally,
 * `nodes.csv`. State is kept incrementally from the store's commits (the truth, not any component's view):
 * requested resources per node count pods bound to it that are not terminal, as kubectl describe node does.
 */
import type { Engine } from '../engine/engine.js';
import type { Micros } from '../engine/time.js';
import { formatSeconds } from '../engine/time.js';
import type { Change } from '../cluster/store.js';
import type { Job, Node, Pod } from '../cluster/types.js';
import { CPU, MEMORY, PODS } from '../cluster/resources.js';
import { podInfo } from '../models/scheduler/podInfo.js';
import type { QueueLengths } from '../models/scheduler/queue/schedulingQueue.js';
import { type CsvFile, ratio } from './csvFile.js';
import { sampleEvery } from './sampleTicks.js';

interface NodeState {
  node: Node;
  pool: string;
  cpuReq: number;
  memReq: number;
  pods: number;
}

interface Counted {
  node: string;
  cpu: number;
  mem: number;
}

/** What the sampler reads from the scheduler. */
export interface SchedulerView {
  queueLengths(): QueueLengths & { gated: number };
  readonly stats: { attempts: number; preemptions: number; preemptionVictims: number };
  /** GPUs as the scheduler's device accounting sees them: count, allocated share, and fragmented share (milli-GPU). */
  gpuSummary(): { gpus: number; allocatedMilli: number; fragmentedMilli: number };
}

/** At most this many distinct pending request shapes (the smallest by cpu) are tried against each node. */
const MAX_PENDING_SHAPES = 32;

/**
 * Fragmentation of free capacity: the share of free cpu (memory) on nodes where no pending pod's request shape, nor
 * the typical pod (the mean request of the pods bound now), fits by cpu, memory and pod count. 0 when all free
 * capacity is usable by something waiting or typical; 1 when none is. Taints and affinity are not considered: it
 * measures whether the free capacity comes in useful pieces.
 */
export function fragmentation(
  nodes: readonly { cpuFree: number; memFree: number; podsFree: number }[],
  shapes: readonly { cpu: number; mem: number }[],
): { cpu: number; mem: number } {
  let cpuFree = 0;
  let memFree = 0;
  let cpuStranded = 0;
  let memStranded = 0;
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    const c = Math.max(0, n.cpuFree);
    const m = Math.max(0, n.memFree);
    cpuFree += c;
    memFree += m;
    let fits = false;
    if (n.podsFree > 0) {
      for (let j = 0; j < shapes.length; j++) {
        const sh = shapes[j]!;
        if (sh.cpu <= c && sh.mem <= m) {
          fits = true;
          break;
        }
      }
    }
    if (!fits) {
      cpuStranded += c;
      memStranded += m;
    }
  }
  return { cpu: cpuFree > 0 ? cpuStranded / cpuFree : 0, mem: memFree > 0 ? memStranded / memFree : 0 };
}

/** Per-interval sampler. */
export class ClusterSampler {
  private readonly nodes = new Map<string, NodeState>();
  private readonly counted = new Map<string, Counted>();
  private readonly phaseOf = new Map<string, string>();
  private unscheduled = 0;
  private scheduledPending = 0;
  private running = 0;
  private succeeded = 0;
  private failed = 0;
  private boundInInterval = 0;
  private jobsActive = 0;
  jobsCompleted = 0;
  private readonly jobState = new Map<string, 'active' | 'done'>();
  /** Per-sample requested ratios and unscheduled counts, for the summary. */
  readonly cpuRatios: number[] = [];
  readonly memRatios: number[] = [];
  readonly cpuFragmentation: number[] = [];
  readonly memFragmentation: number[] = [];
  /** Request shapes of unscheduled pods (`cpu/mem` → count) and the bound pods' request sums for the typical pod. */
  private readonly pendingShapes = new Map<number, Map<number, { cpu: number; mem: number; count: number }>>();
  private boundCpu = 0;
  private boundMem = 0;
  private boundPods = 0;
  private lastStats = { attempts: 0, preemptions: 0, preemptionVictims: 0 };
  peakUnscheduled = 0;
  jobsCreated = 0;

  constructor(
    private readonly engine: Engine,
    private readonly scheduler: SchedulerView,
    private readonly intervalUs: Micros,
    private readonly endUs: Micros,
    private readonly clusterCsv: CsvFile,
    private readonly nodesCsv: CsvFile | undefined,
  ) {}

  /** Schedules the samples. */
  start(): void {
    sampleEvery(this.engine, this.intervalUs, this.endUs, () => this.sample());
  }

  /** Store commit listener. */
  onCommit(c: Change): void {
    const o = c.object;
    if (o.kind === 'Node') {
      const name = o.metadata.name;
      if (c.type === 'DELETED') this.nodes.delete(name);
      else {
        const s = this.nodes.get(name);
        if (s) s.node = o;
        else this.nodes.set(name, { node: o, pool: o.metadata.labels?.['kubesim.dev/pool'] ?? '', cpuReq: 0, memReq: 0, pods: 0 });
      }
    } else if (o.kind === 'Pod') {
      this.onPod(c as Change<Pod>);
    } else if (o.kind === 'Job') {
      this.onJob(c as Change<Job>);
    }
  }

  private onPod(c: Change<Pod>): void {
    const pod = c.object;
    const uid = pod.metadata.uid!;
    const prev = this.phaseOf.get(uid);
    const now = c.type === 'DELETED' ? undefined : this.bucket(pod);
    if (prev !== now) {
      if (prev !== undefined) this.adjust(prev, -1);
      if (now !== undefined) {
        this.adjust(now, 1);
        this.phaseOf.set(uid, now);
      } else this.phaseOf.delete(uid);
      if (prev === 'unscheduled' || now === 'unscheduled') {
        const r = podInfo(pod).requests;
        let byMem = this.pendingShapes.get(r.milliCPU);
        if (byMem === undefined) this.pendingShapes.set(r.milliCPU, (byMem = new Map()));
        const e = byMem.get(r.memory) ?? { cpu: r.milliCPU, mem: r.memory, count: 0 };
        e.count += now === 'unscheduled' ? 1 : -1;
        if (e.count > 0) byMem.set(r.memory, e);
        else {
          byMem.delete(r.memory);
          if (byMem.size === 0) this.pendingShapes.delete(r.milliCPU);
        }
      }
    }
    if (c.old !== undefined && !c.old.spec.nodeName && pod.spec.nodeName) this.boundInInterval++;
    // Requested resources: bound and not terminal.
    const counts = c.type !== 'DELETED' && pod.spec.nodeName !== undefined && pod.status.phase !== 'Succeeded' && pod.status.phase !== 'Failed';
    const had = this.counted.get(uid);
    if (had !== undefined && (!counts || had.node !== pod.spec.nodeName)) {
      const s = this.nodes.get(had.node);
      if (s) {
        s.cpuReq -= had.cpu;
        s.memReq -= had.mem;
        s.pods--;
      }
      this.boundCpu -= had.cpu;
      this.boundMem -= had.mem;
      this.boundPods--;
      this.counted.delete(uid);
    }
    if (counts && !this.counted.has(uid)) {
      const info = podInfo(pod);
      const entry = { node: pod.spec.nodeName!, cpu: info.requests.milliCPU, mem: info.requests.memory };
      const s = this.nodes.get(entry.node);
      if (s) {
        s.cpuReq += entry.cpu;
        s.memReq += entry.mem;
        s.pods++;
      }
      this.boundCpu += entry.cpu;
      this.boundMem += entry.mem;
      this.boundPods++;
      this.counted.set(uid, entry);
    }
  }

  private onJob(c: Change<Job>): void {
    const key = `${c.object.metadata.namespace}/${c.object.metadata.name}`;
    const done = c.object.status.conditions?.some((x) => (x.type === 'Complete' || x.type === 'Failed') && x.status === 'True') ?? false;
    const prev = this.jobState.get(key);
    if (c.type === 'ADDED') this.jobsCreated++;
    if (c.type === 'DELETED') {
      if (prev === 'active') this.jobsActive--;
      this.jobState.delete(key);
      return;
    }
    const next = done ? 'done' : 'active';
    if (prev === next) return;
    if (prev === 'active') this.jobsActive--;
    if (next === 'active') this.jobsActive++;
    else if (c.object.status.conditions?.some((x) => x.type === 'Complete' && x.status === 'True')) this.jobsCompleted++;
    this.jobState.set(key, next);
  }

  private bucket(pod: Pod): string {
    switch (pod.status.phase) {
      case 'Pending':
        return pod.spec.nodeName ? 'scheduledPending' : 'unscheduled';
      case 'Running':
        return 'running';
      case 'Succeeded':
        return 'succeeded';
      case 'Failed':
        return 'failed';
      default:
        return 'scheduledPending';
    }
  }

  private adjust(bucket: string, d: number): void {
    switch (bucket) {
      case 'unscheduled':
        this.unscheduled += d;
        break;
      case 'scheduledPending':
        this.scheduledPending += d;
        break;
      case 'running':
        this.running += d;
        break;
      case 'succeeded':
        this.succeeded += d;
        break;
      case 'failed':
        this.failed += d;
        break;
    }
  }

  /** Usage per node at a time (milli-CPU, bytes), from the usage model; the run sets it. */
  usageSource: ((t: Micros) => Map<string, [number, number]>) | undefined;
  readonly cpuUsedRatios: number[] = [];
  readonly memUsedRatios: number[] = [];

  private readonly freeScratch: { cpuFree: number; memFree: number; podsFree: number }[] = [];

  private sample(): void {
    const time = formatSeconds(this.engine.now);
    const used = this.usageSource?.(this.engine.now) ?? new Map<string, [number, number]>();
    let cpuUsed = 0;
    let memUsed = 0;
    let ready = 0;
    let cpuAlloc = 0;
    let cpuReq = 0;
    let memAlloc = 0;
    let memReq = 0;
    // Free capacity per node for the fragmentation measure, in reused scratch objects (no allocation per sample).
    const free = this.freeScratch;
    let k = 0;
    for (const s of this.nodes.values()) {
      const name = s.node.metadata.name;
      const a = s.node.status.allocatable;
      const isReady = s.node.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
      if (isReady) ready++;
      cpuAlloc += a[CPU] ?? 0;
      memAlloc += a[MEMORY] ?? 0;
      cpuReq += s.cpuReq;
      memReq += s.memReq;
      const u = used.get(name);
      cpuUsed += u?.[0] ?? 0;
      memUsed += u?.[1] ?? 0;
      this.nodesCsv?.row([time, name, s.pool, isReady ? 1 : 0, a[CPU] ?? 0, s.cpuReq, u?.[0] ?? 0, a[MEMORY] ?? 0, s.memReq, u?.[1] ?? 0, a[PODS] ?? 0, s.pods]);
      const f = (free[k++] ??= { cpuFree: 0, memFree: 0, podsFree: 0 });
      f.cpuFree = (a[CPU] ?? 0) - s.cpuReq;
      f.memFree = (a[MEMORY] ?? 0) - s.memReq;
      f.podsFree = (a[PODS] ?? 0) - s.pods;
    }
    free.length = k;
    const q = this.scheduler.queueLengths();
    const frag = fragmentation(free, this.shapes());
    this.cpuFragmentation.push(frag.cpu);
    this.memFragmentation.push(frag.mem);
    const st = this.scheduler.stats;
    const last = this.lastStats;
    const attempts = st.attempts - last.attempts;
    const preemptions = st.preemptions - last.preemptions;
    const victims = st.preemptionVictims - last.preemptionVictims;
    this.lastStats = { attempts: st.attempts, preemptions: st.preemptions, preemptionVictims: st.preemptionVictims };
    const cpuRatio = cpuAlloc > 0 ? cpuReq / cpuAlloc : 0;
    const memRatio = memAlloc > 0 ? memReq / memAlloc : 0;
    this.cpuRatios.push(cpuRatio);
    this.memRatios.push(memRatio);
    const cpuUsedRatio = cpuAlloc > 0 ? cpuUsed / cpuAlloc : 0;
    const memUsedRatio = memAlloc > 0 ? memUsed / memAlloc : 0;
    this.cpuUsedRatios.push(cpuUsedRatio);
    this.memUsedRatios.push(memUsedRatio);
    if (this.unscheduled > this.peakUnscheduled) this.peakUnscheduled = this.unscheduled;
    const g = this.scheduler.gpuSummary();
    const idle = g.gpus * 1000 - g.allocatedMilli;
    this.clusterCsv.row([
      time, this.nodes.size, ready, this.unscheduled, this.scheduledPending, this.running, this.succeeded, this.failed,
      cpuAlloc, cpuReq, ratio(cpuRatio), memAlloc, memReq, ratio(memRatio),
      cpuUsed, ratio(cpuUsedRatio), memUsed, ratio(memUsedRatio), q.active, q.backoff, q.unschedulable, q.gated, this.boundInInterval, ratio((this.boundInInterval * 1e6) / this.intervalUs), attempts,
      preemptions, victims, ratio(frag.cpu), ratio(frag.mem),
      this.jobsActive, this.jobsCompleted,
      g.gpus, g.gpus > 0 ? ratio(g.allocatedMilli / (g.gpus * 1000)) : undefined, idle > 0 ? ratio(g.fragmentedMilli / idle) : undefined,
    ]);
    this.boundInInterval = 0;
  }

  /** The pending pods' request shapes (smallest cpu first, at most MAX_PENDING_SHAPES) and the typical pod's. */
  private shapes(): { cpu: number; mem: number }[] {
    const out: { cpu: number; mem: number }[] = [...this.pendingShapes.values()]
      .flatMap((m) => [...m.values()])
      .sort((a, b) => a.cpu - b.cpu || a.mem - b.mem)
      .slice(0, MAX_PENDING_SHAPES);
    if (this.boundPods > 0) out.push({ cpu: this.boundCpu / this.boundPods, mem: this.boundMem / this.boundPods });
    return out;
  }
}
