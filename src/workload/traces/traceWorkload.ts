/**
 * A Trace workload at load time: the trace's files are read (and hashed into the scenario's hash) once, its pods
 * filtered to the window, and its node list, when given, turned into node pools of identical nodes. The pods become
 * bare Pods: requests = limits (as the FGD artefact sets them), whole GPUs as `nvidia.com/gpu`, a GPU share and
 * model constraints as kubesim's GPU annotations, the trace's QoS as a label.
 */
import type { Hash } from 'node:crypto';
import type { NodePoolSpec, TraceWorkloadSpec } from '../schema/scenario.js';
import { GPU_MODEL_LABEL, GPU_RESOURCE } from '../../cluster/gpuRequest.js';
import { InputError } from '../errors.js';
import { openbNodes, openbPods } from './openb.js';
import { batchTasks, dlrmPods, paiNodes, spotNodes } from './alibaba.js';
import { googleInstances, googleMachines } from './google.js';
import type { TraceNode } from '../../cluster/tracePod.js';
import type { TraceWorkload } from '../../models/generators/traceReplay.js';

/** Most pods a trace workload may replay (a bound, not an out-of-memory). */
export const MAX_TRACE_PODS = 3_000_000;

/** Reads a Trace workload's files; `resolvePath` resolves paths against the scenario, `where` names the field. */
export function readTraceWorkload(w: TraceWorkloadSpec, resolvePath: (p: string) => string, hash: Hash, readFiles: string[], where: string): { workload: TraceWorkload; pools: NodePoolSpec[] | undefined } {
  const read = <T>(file: string, f: (file: string, hash: Hash) => T): T => {
    const abs = resolvePath(file);
    hash.update(`\0${abs}\0`);
    if (!readFiles.includes(abs)) readFiles.push(abs);
    try {
      return f(abs, hash);
    } catch (e) {
      throw e instanceof InputError ? new InputError(`${where}: ${e.message}`) : e;
    }
  };
  const machine = { cpuMilli: w.machine.cpu, memoryBytes: w.machine.memory };
  const all = read(w.pods, (f, h) => {
    switch (w.format) {
      case 'openb':
        return openbPods(f, h);
      case 'alibaba-dlrm':
        return dlrmPods(f, h);
      case 'alibaba-2018-batch':
        return batchTasks(f, machine.memoryBytes, h);
      case 'google-2019':
        return googleInstances(f, machine, h);
    }
  });
  const startUs = w.window?.start ?? 0;
  const endUs = w.window?.end;
  if (endUs !== undefined && endUs <= startUs) throw new InputError(`${where}.window: expected end after start`);
  // In the window: created before its end and not deleted before its start (pods alive at the start come at 0).
  const pods = all.filter((p) => (endUs === undefined || (p.creationUs ?? 0) < endUs) && (p.deletionUs === undefined || p.deletionUs > startUs));
  const instances = pods.reduce((a, p) => a + (p.instances ?? 1), 0);
  if (instances * w.load > MAX_TRACE_PODS) throw new InputError(`${where}: ${Math.round(instances * w.load)} pods in the window; the limit is ${MAX_TRACE_PODS} (take a window or a load below 1)`);
  const name = w.name ?? traceName(w.pods);
  const workload: TraceWorkload = { kind: 'Trace', name, format: w.format, namespace: w.namespace, pods, startUs, timeScale: w.timeScale, load: w.load, departures: w.departures };
  let pools: NodePoolSpec[] | undefined;
  if (w.nodes !== undefined) {
    const format = w.nodeFormat ?? (w.format === 'openb' || w.format === 'google-2019' ? w.format : undefined);
    if (format === undefined) throw new InputError(`${where}.nodeFormat: the ${w.format} trace has no node list format of its own; expected one of openb, alibaba-pai-machines, alibaba-spot-nodes, google-2019`);
    const nodes = read(w.nodes, (f, h) => (format === 'openb' ? openbNodes(f, h) : format === 'alibaba-pai-machines' ? paiNodes(f, h) : format === 'alibaba-spot-nodes' ? spotNodes(f, h) : googleMachines(f, machine, h)));
    pools = nodePools(nodes.map((n) => ({ ...n, memoryBytes: n.memoryBytes ?? machine.memoryBytes })), name);
  }
  return { workload, pools };
}

/**
 * A DNS-label name from a trace file's name ("jobs.csv" → "jobs"); the openb variants are named by their variant
 * ("openb_pod_list_gpushare40.csv" → "gpushare40").
 */
export function traceName(file: string): string {
  const base = file.split(/[\\/]/).pop()!.replace(/\.[^.]*$/, '').replace(/^openb_pod_list_/, '');
  const n = base.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/, '');
  return n === '' ? 'trace' : n;
}

/**
 * Trace nodes as node pools, one per distinct shape (GPU model and count, cpu, memory) in order of first appearance,
 * named `<trace>-<model>-<gpus>g-<i>` or `<trace>-cpu-<i>`; the GPU model is the `nvidia.com/gpu.product` label.
 */
export function nodePools(nodes: readonly TraceNode[], trace: string): NodePoolSpec[] {
  const pools = new Map<string, NodePoolSpec>();
  for (const n of nodes) {
    if (n.memoryBytes === undefined) throw new InputError(`node ${n.name}: the trace gives no memory`);
    const key = `${n.gpuModel}|${n.gpus}|${n.cpuMilli}|${n.memoryBytes}`;
    const p = pools.get(key);
    if (p !== undefined) {
      p.count++;
      continue;
    }
    const model = n.gpuModel.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
    const name = `${trace.slice(0, 30).replace(/-+$/, '')}-${n.gpus > 0 ? `${model || 'gpu'}-${n.gpus}g` : 'cpu'}-${pools.size}`;
    const capacity: Record<string, number> = { cpu: n.cpuMilli, memory: n.memoryBytes, pods: 110 };
    if (n.gpus > 0) capacity[GPU_RESOURCE] = n.gpus;
    pools.set(key, { name, count: 1, capacity, ...(n.gpus > 0 ? { labels: { [GPU_MODEL_LABEL]: n.gpuModel } } : {}) } as NodePoolSpec);
  }
  return [...pools.values()];
}

