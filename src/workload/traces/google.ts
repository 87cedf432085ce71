/**
 * Google cluster-data 2019 (Borg, ClusterData2019.md and clusterdata_trace_format_v3.proto) as CSV exports of its
 * tables: `instance_events` (pods) and `machine_events` (nodes). Times are µs since the trace's start (0: before it,
 * 2^63 − 1: after it); cpu and memory are normalised (the largest machine is 1), scaled here by the stated machine
 * size. Nested fields may be exported as `resource_request.cpus` or `resource_request_cpus`; event types as numbers
 * or names.
 * - An instance (collection_id, instance_index) becomes one pod: created at its first SUBMIT, gone at its first EVICT,
 *   FAIL, FINISH, KILL or LOST; its requests are the first non-empty ones its events carry; its priority a label.
 * - A machine becomes a node when it is ADDed, with its first stated capacity; later ADD/REMOVE/UPDATE are ignored.
 */
import type { Hash } from 'node:crypto';
import { InputError } from '../errors.js';
import { readCsvRows, type RowReader } from './csvRows.js';
import type { TraceNode, TracePod } from '../../cluster/tracePod.js';

/** InstanceEvent types of the v3 format. */
const INSTANCE_TYPES = ['SUBMIT', 'QUEUE', 'ENABLE', 'SCHEDULE', 'EVICT', 'FAIL', 'FINISH', 'KILL', 'LOST', 'UPDATE_PENDING', 'UPDATE_RUNNING'];
const TERMINAL = new Set(['EVICT', 'FAIL', 'FINISH', 'KILL', 'LOST']);
/** MachineEvent types of the v3 format. */
const MACHINE_TYPES = ['EVENT_TYPE_UNKNOWN', 'ADD', 'REMOVE', 'UPDATE'];
/** The trace's "after the end" time. */
const END_OF_TRACE = 2 ** 63 - 1;

/** A machine size for normalised units: cores and bytes. */
export interface MachineSize {
  cpuMilli: number;
  memoryBytes: number;
}

function column(r: RowReader, names: readonly string[]): string {
  for (const n of names) if (n in r.row.fields) return n;
  return names[0]!;
}

function eventType(r: RowReader, types: readonly string[]): string {
  const v = r.text('type');
  if (/^\d+$/.test(v) && Number(v) < types.length) return types[Number(v)]!;
  const name = v.toUpperCase();
  if (types.includes(name)) return name;
  throw new InputError(`${r.file} line ${r.row.line}, column type: expected an event type (${types.join(', ')} or its number), found "${v}"`);
}

function traceTime(r: RowReader): number | undefined {
  const t = r.number('time', { integer: true });
  return t === 0 || t >= END_OF_TRACE ? undefined : t;
}

/** Reads instance events into pods. */
export function googleInstances(file: string, machine: MachineSize, hash?: Hash): TracePod[] {
  const byKey = new Map<string, TracePod>();
  readCsvRows(
    file,
    ['time', 'type', 'collection_id', 'instance_index'],
    (r) => {
      const type = eventType(r, INSTANCE_TYPES);
      const key = `${r.text('collection_id')}-${r.text('instance_index')}`;
      const t = traceTime(r);
      let p = byKey.get(key);
      if (p === undefined) {
        p = { name: `collection-${key}`, cpuMilli: 0, memoryBytes: 0, gpu: undefined, creationUs: type === 'SUBMIT' ? t : undefined, deletionUs: undefined, durationUs: undefined, qos: undefined };
        byKey.set(key, p);
      }
      if (type === 'SUBMIT' && p.creationUs === undefined) p.creationUs = t;
      if (TERMINAL.has(type) && p.deletionUs === undefined) p.deletionUs = t;
      const cpu = r.optionalNumber(column(r, ['resource_request.cpus', 'resource_request_cpus', 'cpus']));
      const mem = r.optionalNumber(column(r, ['resource_request.memory', 'resource_request_memory', 'memory']));
      if (p.cpuMilli === 0 && cpu !== undefined) p.cpuMilli = Math.round(cpu * machine.cpuMilli);
      if (p.memoryBytes === 0 && mem !== undefined) p.memoryBytes = Math.round(mem * machine.memoryBytes);
      const prio = r.text('priority');
      if (p.qos === undefined && prio !== '') p.qos = `priority-${prio}`;
    },
    { hash },
  );
  return [...byKey.values()];
}

/** Reads machine events into nodes (those ADDed, with their first capacity). */
export function googleMachines(file: string, machine: MachineSize, hash?: Hash): TraceNode[] {
  const nodes = new Map<string, TraceNode>();
  readCsvRows(
    file,
    ['time', 'machine_id', 'type'],
    (r) => {
      if (eventType(r, MACHINE_TYPES) !== 'ADD') return;
      const id = r.text('machine_id');
      if (nodes.has(id)) return;
      const cpu = r.number(column(r, ['capacity.cpus', 'capacity_cpus', 'cpus']));
      const mem = r.number(column(r, ['capacity.memory', 'capacity_memory', 'memory']));
      nodes.set(id, { name: `machine-${id}`, cpuMilli: Math.round(cpu * machine.cpuMilli), memoryBytes: Math.round(mem * machine.memoryBytes), gpus: 0, gpuModel: '' });
    },
    { hash },
  );
  return [...nodes.values()];
}
