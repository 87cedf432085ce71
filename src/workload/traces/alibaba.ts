/**
 * Alibaba traces other than openb (../shared/traces/README.md has the mappings, checked against the data):
 * - `alibaba-dlrm` (cluster-trace-gpu-v2025, disaggregated DLRM serving): one row per instance; cpu_request/limit in
 *   vCPUs, memory_request/limit in GiB, gpu_request 0 or 1 whole GPU, max_instance_per_node the per-node cap of the
 *   app's instances (−1: none), times in seconds from the trace's start (empty: before its start, or after its end).
 *   Rows are not in time order.
 * - `alibaba-pai-machines` (cluster-trace-gpu-v2020 pai_machine_spec, no header row): machine, gpu_type, cap_cpu
 *   (cores), cap_mem (GB, read as GiB: GUESS), cap_gpu; gpu_type CPU means no GPU.
 * - `alibaba-spot-nodes` (cluster-trace-v2026-spot-gpu node_info_df): gpu_model, gpu_capacity_num, cpu_num (vCPUs),
 *   node_name; no memory column (the scenario gives one).
 * - `alibaba-2018-batch` (the batch_task shape of cluster-trace-v2018 as CloudSimPy's jobs.csv): one row per task
 *   with `instances_num` identical instances; cpu in cores, memory a fraction of a machine's (scaled by the stated
 *   machine memory), submit_time and duration in seconds. Rows are not in time order.
 */
import type { Hash } from 'node:crypto';
import { readCsvRows } from './csvRows.js';
import { GIB, MIB, type TraceNode, type TracePod } from '../../cluster/tracePod.js';

const us = (s: number | undefined) => (s === undefined ? undefined : Math.round(s * 1e6));

/** Reads the DLRM serving trace. */
export function dlrmPods(file: string, hash?: Hash): TracePod[] {
  const out: TracePod[] = [];
  readCsvRows(
    file,
    ['instance_sn', 'app_name', 'cpu_request', 'memory_request', 'gpu_request', 'creation_time', 'deletion_time'],
    (r) => {
      const gpus = r.number('gpu_request', { integer: true, max: 1024 });
      const max = r.number('max_instance_per_node', { min: -1, integer: true, empty: -1 });
      const cpuLimit = r.optionalNumber('cpu_limit');
      const memLimit = r.optionalNumber('memory_limit');
      out.push({
        name: r.text('instance_sn'),
        cpuMilli: Math.round(r.number('cpu_request') * 1000),
        memoryBytes: Math.round(r.number('memory_request') * GIB),
        ...(cpuLimit !== undefined ? { cpuLimitMilli: Math.round(cpuLimit * 1000) } : {}),
        ...(memLimit !== undefined ? { memoryLimitBytes: Math.round(memLimit * GIB) } : {}),
        gpu: gpus === 0 ? undefined : { count: gpus, milli: 1000, models: undefined },
        creationUs: us(r.optionalNumber('creation_time')),
        deletionUs: us(r.optionalNumber('deletion_time')),
        durationUs: undefined,
        qos: 'LS',
        app: r.text('app_name'),
        ...(max > 0 ? { maxPerNode: max } : {}),
      });
    },
    { hash },
  );
  return out;
}

/** The columns of pai_machine_spec.csv, which has no header row. */
export const PAI_MACHINE_COLUMNS = ['machine', 'gpu_type', 'cap_cpu', 'cap_mem', 'cap_gpu'] as const;

/** Reads the PAI machine list. */
export function paiNodes(file: string, hash?: Hash): TraceNode[] {
  const out: TraceNode[] = [];
  readCsvRows(
    file,
    PAI_MACHINE_COLUMNS,
    (r) => {
      // The header row of a copy that has one is skipped.
      if (r.text('machine') === 'machine') return;
      const gpus = r.number('cap_gpu', { integer: true, max: 1024 });
      out.push({ name: r.text('machine'), cpuMilli: Math.round(r.number('cap_cpu') * 1000), memoryBytes: Math.round(r.number('cap_mem') * GIB), gpus, gpuModel: gpus > 0 ? r.text('gpu_type') : '' });
    },
    { hash, header: PAI_MACHINE_COLUMNS },
  );
  return out;
}

/** Reads the spot-GPU node list; memory is undefined (the trace has none). */
export function spotNodes(file: string, hash?: Hash): TraceNode[] {
  const out: TraceNode[] = [];
  readCsvRows(
    file,
    ['gpu_model', 'gpu_capacity_num', 'cpu_num', 'node_name'],
    (r) => {
      const gpus = r.number('gpu_capacity_num', { integer: true, max: 1024 });
      out.push({ name: `node-${r.text('node_name')}`, cpuMilli: Math.round(r.number('cpu_num') * 1000), memoryBytes: undefined, gpus, gpuModel: gpus > 0 ? r.text('gpu_model') : '' });
    },
    { hash },
  );
  return out;
}

/** Reads batch tasks (CloudSimPy jobs.csv): one record per task, its instances counted in `instances`. */
export function batchTasks(file: string, machineMemoryBytes: number, hash?: Hash): TracePod[] {
  const out: TracePod[] = [];
  readCsvRows(
    file,
    ['submit_time', 'duration', 'cpu', 'memory', 'job_id', 'task_id', 'instances_num'],
    (r) => {
      const memory = r.number('memory', { max: 1 });
      out.push({
        name: `job-${r.text('job_id')}-task-${r.text('task_id')}`,
        cpuMilli: Math.round(r.number('cpu') * 1000),
        memoryBytes: Math.round((memory * machineMemoryBytes) / MIB) * MIB,
        gpu: undefined,
        creationUs: us(r.number('submit_time')),
        deletionUs: undefined,
        durationUs: Math.max(1, Math.round(r.number('duration') * 1e6)),
        qos: undefined,
        instances: r.number('instances_num', { integer: true, min: 1, max: 1_000_000 }),
      });
    },
    { hash },
  );
  return out;
}
