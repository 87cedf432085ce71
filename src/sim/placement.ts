/**
 * A placement experiment (scenario `spec.placement`): the protocol of the FGD paper (Weng et al., USENIX ATC'23;
 * reference/fgd-policies.md §1) run with kubesim's scheduler, its plugins and its own random streams.
 *   1. The cluster: the scenario's nodes (a trace's node list or node pools), in an order shuffled per seed
 *      (`placement.nodes`), so `scheduler.tieBreak: first` breaks ties at random per seed as the artefact's random
 *      node-name prefixes do.
 *   2. The pods: every Trace, Pods and bare Pod of the scenario, shuffled (`placement.order`); with `inflate`, clones
 *      drawn with replacement from the originals (`placement.inflate`) are appended until the next draw would take
 *      the GPU demand past `inflate` × GPU capacity (the artefact's stop test adds the draw's per-GPU share, kept
 *      here), or random pods are removed until it is within it.
 *   3. One pod at a time, each once: the scheduling cycle (Scheduler.placeNow) places it on the cluster as the
 *      earlier pods left it, or it is dropped. Nothing departs and nothing is retried.
 *   4. After every pod: allocated GPU share, the cluster's GPU fragmentation F = Σ_n F_n(M) over the typical pods of
 *      the original workload (gpu/fragmentation.ts), and the fragmentation rate F / idle GPU share; binned by the GPU
 *      demand arrived so far (failed pods included) in 1 % steps of GPU capacity, each bin the mean over its pods (an
 *      empty bin takes its neighbour's, below first).
 * Outputs: placement.csv (the bins), placements.csv (each pod's fate), summary.csv, manifest.json.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Engine } from '../engine/engine.js';
import { RngStreams, type Rng } from '../engine/rng.js';
import { ObjectStore } from '../cluster/store.js';
import type { Node, Pod } from '../cluster/types.js';
import { ApiServer } from '../models/apiserver/apiServer.js';
import { EventRecorder } from '../models/eventRecorder.js';
import { nodeFrag, typicalPods } from '../models/scheduler/gpu/fragmentation.js';
import { podInfo } from '../models/scheduler/podInfo.js';
import type { NodeInfo } from '../models/scheduler/nodeInfo.js';
import { scaledTracePods } from '../models/generators/traceReplay.js';
import { tracePodObject } from '../models/generators/tracePods.js';
import { CsvFile, type Cell } from '../metrics/csvFile.js';
import { PLACEMENT_COLUMNS, PLACEMENTS_COLUMNS, SUMMARY_COLUMNS } from '../metrics/columns.js';
import { InputError } from '../workload/errors.js';
import type { Scenario } from '../workload/scenario.js';
import { poolNodes } from './nodePools.js';
import { podShape, policyName, schedulerFor, traceNames } from './schedulerFor.js';
import { schedulerRegistry } from './userPlugins.js';
import type { RunOptions, RunResult } from './simulation.js';
import { publish, tempFolder } from './resultsFolder.js';
import { extend } from '../cluster/extend.js';

/** One pod of the experiment. */
interface Entry {
  pod: Pod;
  clone: boolean;
  /** GPU demand in milli-GPU (count × share) and the per-GPU share. */
  demand: number;
  perGpu: number;
}

/** Fisher–Yates shuffle in place on a seeded stream. */
function shuffle<T>(a: T[], rng: Rng): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
}

function entry(pod: Pod, clone: boolean): Entry {
  const g = podInfo(pod).gpu;
  return { pod, clone, demand: g === undefined ? 0 : g.count * g.milli, perGpu: g === undefined ? 0 : g.milli };
}

/** The experiment's original pods, in workload order. */
function originalPods(scenario: Scenario, streams: RngStreams): Pod[] {
  const pods: Pod[] = [];
  for (const w of scenario.workloads) {
    if (w.kind === 'Trace') for (const p of scaledTracePods(w, streams.stream(`trace.${w.name}`))) pods.push(tracePodObject(p.pod, w, p.name));
    else if (w.kind === 'Pods') for (let i = 1; i <= w.count; i++) pods.push(extend(w.template, { metadata: extend(w.template.metadata, { name: `${w.name}-${i}` }), status: { phase: 'Pending' } }));
    else throw new InputError(`${scenario.file}: spec.placement: a placement experiment takes Trace and Pods workloads, not ${w.kind}`);
  }
  for (const o of scenario.objects) if (o.kind === 'Pod') pods.push(o);
  return pods;
}

/**
 * What the filters see of a pod, when nothing but its own demands decides where it fits (no pod affinity or
 * spreading); undefined otherwise. The cluster only fills up in a placement experiment (nothing departs, nodes do not
 * change), so a pod that fits nowhere means every later pod with the same key fits nowhere either.
 */
function filterKey(pod: Pod): string | undefined {
  const s = pod.spec;
  if (s.affinity !== undefined || (s.topologySpreadConstraints?.length ?? 0) > 0) return undefined;
  const info = podInfo(pod);
  const r = info.requests;
  const g = info.gpu;
  let key = `${r.milliCPU}|${r.memory}|${r.ephemeralStorage}|${r.scalar.join(';')}|${g === undefined ? '' : `${g.count}|${g.milli}|${g.models?.join(',') ?? ''}`}|${s.nodeName ?? ''}|${info.hostPorts.join(',')}|${s.priority ?? 0}|${s.schedulerName ?? ''}`;
  if (s.nodeSelector !== undefined || s.tolerations !== undefined) key += JSON.stringify([s.nodeSelector, s.tolerations]);
  // The app's per-node cap (MaxPerNode) depends on the pod's labels and annotations.
  const cap = pod.metadata.annotations?.['kubesim.dev/max-per-node'];
  if (cap !== undefined) key += `|${cap}|${pod.metadata.labels?.['kubesim.dev/app'] ?? ''}`;
  return key;
}

/** Runs a placement experiment and writes its outputs. */
export async function runPlacement(scenario: Scenario, opts: RunOptions): Promise<RunResult> {
  const started = opts.wallClock?.();
  const settings = scenario.placement!;
  const registry = await schedulerRegistry(scenario);
  const streams = new RngStreams(scenario.seed);

  // 1. nodes
  const nodes: Node[] = [...scenario.nodePools.flatMap((p) => poolNodes(p)), ...scenario.objects.filter((o): o is Node => o.kind === 'Node')];
  if (settings.shuffleNodes) shuffle(nodes, streams.stream('placement.nodes'));

  // 2. pods
  const originals = originalPods(scenario, streams);
  const typical = typicalPods(originals.map(podShape));
  const list = originals.map((p) => entry(p, false));
  if (settings.shuffle) shuffle(list, streams.stream('placement.order'));
  let capacity = 0;
  for (const n of nodes) capacity += (n.status.allocatable['nvidia.com/gpu'] ?? 0) * 1000;
  if (settings.inflate !== undefined && capacity > 0) {
    const target = settings.inflate * capacity;
    let total = list.reduce((a, e) => a + e.demand, 0);
    const rng = streams.stream('placement.inflate');
    if (total < target && total > 0) {
      const source = originals.map((p) => entry(p, false));
      for (let k = 1; ; k++) {
        const e = source[rng.int(source.length)]!;
        if (total + e.perGpu > target) break;
        const pod = extend(e.pod, { metadata: extend(e.pod.metadata, { name: `${e.pod.metadata.name}-clone-${k}` }) });
        list.push(entry(pod, true));
        total += e.demand;
      }
    } else {
      while (total > target && list.length > 0) total -= list.splice(rng.int(list.length), 1)[0]!.demand;
    }
  }
  list.forEach((e, i) => (e.pod = extend(e.pod, { metadata: extend(e.pod.metadata, { uid: `placement-${i}` }) })));

  // 3. the scheduler on a cluster outside time
  const engine = new Engine();
  const api = new ApiServer(engine, new ObjectStore(streams.stream('apiserver.names')), scenario.apiServer, streams.stream('apiserver.latency'));
  const scheduler = schedulerFor(scenario, engine, api, streams, registry, new EventRecorder(() => 0), typical);
  for (const n of nodes) scheduler.cache.upsertNode(n);
  const infos = scheduler.cache.nodeList;

  if (opts.outDir === undefined) throw new InputError(`${scenario.file ?? scenario.name}: a placement experiment writes its results to a folder: give an output folder`);
  const outDir = opts.outDir;
  const tmp = tempFolder(outDir);
  const placements = new CsvFile(join(tmp, 'placements.csv'), PLACEMENTS_COLUMNS);
  try {
    // 4. metrics, kept incrementally: per-node F, allocated GPU and cpu
    const frag = new Float64Array(infos.length);
    const index = new Map(infos.map((n, i) => [n.name, i]));
    let fragTotal = 0;
    let cpuAlloc = 0;
    let cpuReq = 0;
    const nodeF = (i: number) => {
      const n = infos[i]!;
      return n.gpus === undefined ? 0 : nodeFrag(typical, n.allocMilliCPU - n.reqMilliCPU, n.gpus.model, n.gpus.free, n.gpus.count);
    };
    infos.forEach((n, i) => {
      frag[i] = nodeF(i);
      fragTotal += frag[i]!;
      cpuAlloc += n.allocMilliCPU;
      cpuReq += n.reqMilliCPU;
    });
    let used = 0;
    for (const n of infos) if (n.gpus !== undefined) used += n.gpus.count * 1000 - n.gpus.freeTotal;
    const bins: { events: number; alloc: number; frag: number; rate: number; cpu: number; arrived: number; placed: number; failed: number }[] = [];
    let arrived = 0;
    let placed = 0;
    let failed = 0;
    const pct = (x: number) => (capacity > 0 ? (100 * x) / capacity : 0);
    const nowhere = new Map<string, number>();
    // Per filter key, the nodes not yet known to reject it (see filterKey). Exact only when every feasible node is
    // scored (the filter walk then always starts at the first node) and every plugin is kubesim's (whose verdicts
    // only turn to rejection as the cluster fills).
    const candidates = new Map<string, NodeInfo[]>();
    const narrow = (scenario.scheduler.profiles ?? [{ percentageOfNodesToScore: undefined }]).every((p) => (p.percentageOfNodesToScore ?? scenario.scheduler.percentageOfNodesToScore) === 100) && (scenario.scheduler.plugins ?? []).length === 0;
    for (let k = 0; k < list.length; k++) {
      if (k % 2000 === 0 && opts.shouldStop?.()) throw new Interrupted();
      const e = list[k]!;
      arrived += e.demand;
      const key = filterKey(e.pod);
      const known = key === undefined ? undefined : nowhere.get(key);
      let r: { node: string } | { message: string };
      if (known !== undefined) r = { message: `no node fits: an identical pod (index ${known}) found none, and the cluster has only filled since` };
      else {
        const cand = key === undefined || !narrow ? undefined : candidates.get(key);
        const res = scheduler.placeNow(e.pod, cand);
        // The nodes this key's pods were rejected by stay rejected: they are not filtered again.
        if (key !== undefined && narrow && res.rejected.length > 0) {
          const gone = new Set(res.rejected);
          candidates.set(key, (cand ?? infos).filter((n) => !gone.has(n)));
        }
        // A failure among the candidates only: the full attempt gives kube-scheduler's message over every node.
        r = 'message' in res && cand !== undefined ? scheduler.placeNow(e.pod) : res;
        if ('message' in r && key !== undefined) nowhere.set(key, k);
      }
      let gpuIdx = '';
      if ('node' in r) {
        placed++;
        const i = index.get(r.node)!;
        const n = infos[i]!;
        const before = frag[i]!;
        frag[i] = nodeF(i);
        fragTotal += frag[i]! - before;
        cpuReq += podInfo(e.pod).requests.milliCPU;
        used += e.demand;
        gpuIdx = n.gpus?.indicesOf(e.pod.metadata.uid!).join(' ') ?? '';
      } else failed++;
      const x = capacity > 0 ? Math.round(pct(arrived)) : 0;
      const b = (bins[x] ??= { events: 0, alloc: 0, frag: 0, rate: 0, cpu: 0, arrived: 0, placed: 0, failed: 0 });
      const idle = capacity - used;
      b.events++;
      b.alloc += pct(used);
      b.frag += pct(fragTotal);
      b.rate += idle > 0 ? (100 * fragTotal) / idle : 0;
      b.cpu += cpuAlloc > 0 ? (100 * cpuReq) / cpuAlloc : 0;
      b.arrived = k + 1;
      b.placed = placed;
      b.failed = failed;
      const g = podInfo(e.pod).gpu;
      placements.row([k, e.pod.metadata.name, e.clone ? 1 : 0, podInfo(e.pod).requests.milliCPU, podInfo(e.pod).requests.memory, g?.count ?? 0, g?.milli ?? 0, g?.models?.join('|') ?? '', 'node' in r ? r.node : '', gpuIdx, pct(arrived).toFixed(3), 'message' in r ? r.message : '']);
    }
    placements.close();

    // Bins: means, an empty bin taking its lower (else upper) neighbour's values.
    const value = (x: number) => {
      for (const y of [x, x - 1, x + 1]) {
        const b = bins[y];
        if (b !== undefined && b.events > 0) return b;
      }
      return undefined;
    };
    const fmt = (v: number) => v.toFixed(4);
    const curve = new CsvFile(join(tmp, 'placement.csv'), PLACEMENT_COLUMNS);
    for (let x = 0; x < bins.length; x++) {
      const b = value(x);
      const own = bins[x];
      curve.row(b === undefined ? [x, 0, ...Array<Cell>(PLACEMENT_COLUMNS.length - 2).fill(undefined)] : [x, own?.events ?? 0, b.arrived, b.placed, b.failed, fmt(b.alloc / b.events), fmt(100 - b.alloc / b.events), fmt(b.frag / b.events), fmt(b.rate / b.events), fmt(b.cpu / b.events)]);
    }
    curve.close();
    const at = (x: number, f: (b: NonNullable<ReturnType<typeof value>>) => number): Cell => {
      const b = value(x);
      return b === undefined ? undefined : fmt(f(b));
    };

    const row: Partial<Record<(typeof SUMMARY_COLUMNS)[number], Cell>> = {
      scenario: scenario.name,
      seed: String(scenario.seed),
      duration_s: '0.000000',
      nodes: infos.length,
      pods_created: list.length,
      pods_bound: placed,
      pods_unscheduled_end: failed,
      scheduling_attempts: list.length,
      events_processed: list.length,
      policy: policyName(scenario),
      trace: traceNames(scenario),
      gpus: capacity / 1000,
      gpu_allocated_ratio_end: capacity > 0 ? (used / capacity).toFixed(6) : undefined,
      unallocated_gpu_pct_at_100: at(100, (b) => 100 - b.alloc / b.events),
      unallocated_gpu_pct_at_130: at(130, (b) => 100 - b.alloc / b.events),
      frag_rate_pct_at_80: at(80, (b) => b.rate / b.events),
      frag_amount_pct_at_90: at(90, (b) => b.frag / b.events),
    };
    const summary = new CsvFile(join(tmp, 'summary.csv'), SUMMARY_COLUMNS);
    summary.row(SUMMARY_COLUMNS.map((c) => row[c]));
    summary.close();
    const ended = opts.wallClock?.();
    publish(tmp, outDir, scenario, {
      placement: { pods: list.length, clones: list.filter((e) => e.clone).length, placed, failed, gpus: capacity / 1000, typicalPods: typical.length },
      eventsProcessed: list.length,
    }, started, ended, opts.force === true);
    return { outDir: opts.outDir, eventsProcessed: list.length, simulatedUs: 0, interrupted: false, podsCreated: list.length, podsBound: placed };
  } catch (e) {
    try {
      placements.close();
    } catch {
      // already closed
    }
    rmSync(tmp, { recursive: true, force: true });
    if (e instanceof Interrupted) return { outDir: opts.outDir, eventsProcessed: 0, simulatedUs: 0, interrupted: true, podsCreated: 0, podsBound: 0 };
    throw e;
  }
}

/** Thrown to unwind an interrupted experiment. */
class Interrupted extends Error {}
