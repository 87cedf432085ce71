/**
 * Alibaba cluster-trace-gpu-v2023 ("openb", the FGD paper's trace): a node list and pod lists. Mapping (checked
 * against the data, ../shared/traces/README.md):
 * - nodes `sn, cpu_milli, memory_mib, gpu, model`: milli-CPU, MiB, whole GPUs, GPU model ('' for CPU-only);
 * - pods `name, cpu_milli, memory_mib, num_gpu, gpu_milli, gpu_spec, qos, pod_phase, creation_time, deletion_time,
 *   scheduled_time`: requests (limits equal them), `gpu_milli` the per-GPU share that matters only when num_gpu is 1
 *   (each GPU is whole otherwise), `gpu_spec` the accepted models separated by "|" (empty: any), times in seconds.
 *   Some variants (multigpu*) have only the first five columns: no times.
 */
import type { Hash } from 'node:crypto';
import { readCsvRows } from './csvRows.js';
import { MIB, type TraceNode, type TracePod } from '../../cluster/tracePod.js';

const POD_COLUMNS = ['name', 'cpu_milli', 'memory_mib', 'num_gpu', 'gpu_milli'] as const;
const NODE_COLUMNS = ['sn', 'cpu_milli', 'memory_mib', 'gpu', 'model'] as const;

/** Seconds (possibly empty) → µs. */
function secondsUs(s: number | undefined): number | undefined {
  return s === undefined ? undefined : Math.round(s * 1e6);
}

/** Reads an openb pod list. */
export function openbPods(file: string, hash?: Hash): TracePod[] {
  const out: TracePod[] = [];
  readCsvRows(
    file,
    POD_COLUMNS,
    (r) => {
      const count = r.number('num_gpu', { integer: true, max: 1024 });
      const milli = r.number('gpu_milli', { integer: true, max: 1_000_000 });
      const spec = r.text('gpu_spec');
      out.push({
        name: r.text('name'),
        cpuMilli: r.number('cpu_milli', { integer: true }),
        memoryBytes: r.number('memory_mib') * MIB,
        // A share matters only for single-GPU pods; the artefact clips it to (0, 1000].
        gpu: count === 0 ? undefined : { count, milli: count === 1 ? Math.min(1000, Math.max(1, milli)) : 1000, models: spec === '' ? undefined : spec.split('|').filter((x) => x !== '') },
        creationUs: secondsUs(r.optionalNumber('creation_time')),
        deletionUs: secondsUs(r.optionalNumber('deletion_time')),
        durationUs: undefined,
        qos: r.text('qos') || undefined,
      });
    },
    { hash },
  );
  return out;
}

/** Reads an openb node list. */
export function openbNodes(file: string, hash?: Hash): TraceNode[] {
  const out: TraceNode[] = [];
  readCsvRows(
    file,
    NODE_COLUMNS,
    (r) => {
      const gpus = r.number('gpu', { integer: true, max: 1024 });
      out.push({ name: r.text('sn'), cpuMilli: r.number('cpu_milli', { integer: true }), memoryBytes: r.number('memory_mib') * MIB, gpus, gpuModel: gpus > 0 ? r.text('model') : '' });
    },
    { hash },
  );
  return out;
}
