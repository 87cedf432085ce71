/**
 * Writes scheduling attempts' traces to scheduling.csv (`run --trace-scheduling`), in the tidy long format of
 * SCHEDULING_COLUMNS: `point` is preFilter, filter, score, total (weighted = the node's total, selected = 1 for the
 * chosen node) or result (node = the chosen node, message = the event text).
 */
import { formatSeconds } from '../engine/time.js';
import type { CycleTrace, Tracer } from '../models/scheduler/cycleTrace.js';
import type { CsvFile } from './csvFile.js';

/** A tracer that writes every attempt of every pod, for the nodes each attempt evaluated. */
export function csvTracer(file: CsvFile): Tracer {
  return {
    allNodes: false,
    wants: () => true,
    emit(t: CycleTrace) {
      const head = [formatSeconds(t.timeUs), t.namespace, t.name, t.attempt, t.profile];
      for (const f of t.preFilter) file.row([...head, '', 'preFilter', f.plugin, f.code, f.reasons.join('; '), undefined, undefined, undefined, undefined, undefined]);
      for (const n of t.nodes) {
        for (const f of n.filters) file.row([...head, n.name, 'filter', f.plugin, f.code, f.reasons.join('; '), undefined, undefined, undefined, undefined, undefined]);
        for (const sc of n.scores) file.row([...head, n.name, 'score', sc.plugin, undefined, undefined, sc.raw, sc.normalized, sc.weighted, undefined, undefined]);
        if (n.total !== null) file.row([...head, n.name, 'total', undefined, undefined, undefined, undefined, undefined, n.total, n.name === t.selected ? 1 : 0, undefined]);
      }
      file.row([...head, t.selected ?? undefined, 'result', undefined, t.selected === null ? 'Unschedulable' : 'Success', undefined, undefined, undefined, undefined, undefined, t.message]);
    },
  };
}
