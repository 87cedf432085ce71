/**
 * `kubesim import-trace`: reads a trace (checking every row), copies its files next to a new scenario that replays
 * it, and reports what it holds. The scenario is an ordinary one to edit: a Trace workload over the copied files, the
 * trace's nodes (or a node pool to size), a duration covering the trace's span, or a placement experiment.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { InputError } from '../errors.js';
import type { NODE_FORMATS, TRACE_FORMATS } from '../schema/scenario.js';
import { traceWorkload } from '../schema/scenario.js';
import { readTraceWorkload, traceName } from './traceWorkload.js';

/** What to import. */
export interface ImportOptions {
  format: (typeof TRACE_FORMATS)[number];
  pods: string;
  nodes?: string;
  nodeFormat?: (typeof NODE_FORMATS)[number];
  /** Output folder: `<name>.yaml` and `traces/`. */
  out: string;
  name?: string;
  /** Write a placement experiment (the FGD paper's protocol) instead of a replay in time. */
  placement?: boolean;
  timeScale?: number;
  /** Overwrite an existing scenario file. */
  force?: boolean;
}

/** What was imported. */
export interface ImportResult {
  scenario: string;
  pods: number;
  gpuPods: number;
  nodes: number | undefined;
  gpus: number | undefined;
  spanSeconds: number | undefined;
}

/** Imports a trace; throws InputError on bad input, leaving nothing half-written. */
export function importTrace(o: ImportOptions): ImportResult {
  const name = o.name ?? traceName(o.pods);
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name)) throw new InputError(`--name ${name}: expected a lowercase DNS label`);
  const file = join(o.out, `${name}.yaml`);
  if (existsSync(file) && o.force !== true) throw new InputError(`${file}: exists; pass --force to replace it`);
  const spec = traceWorkload.parse({ kind: 'Trace', name, format: o.format, pods: resolve(o.pods), ...(o.nodes !== undefined ? { nodes: resolve(o.nodes) } : {}), ...(o.nodeFormat !== undefined ? { nodeFormat: o.nodeFormat } : {}), ...(o.timeScale !== undefined ? { timeScale: o.timeScale } : {}) });
  const { workload, pools } = readTraceWorkload(spec, (p) => p, createHash('sha256'), [], `--pods ${o.pods}`);
  const times = workload.pods.flatMap((p) => [p.creationUs, p.deletionUs, p.creationUs !== undefined && p.durationUs !== undefined ? p.creationUs + p.durationUs : undefined]).filter((t): t is number => t !== undefined);
  const span = times.length > 0 ? Math.max(...times) - Math.min(...times) : undefined;
  const instances = workload.pods.reduce((a, p) => a + (p.instances ?? 1), 0);
  const gpuPods = workload.pods.filter((p) => p.gpu !== undefined).reduce((a, p) => a + (p.instances ?? 1), 0);

  // Written into a temporary folder first, then moved into place.
  const tmp = join(o.out, `.import-${name}-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(join(tmp, 'traces'), { recursive: true });
  try {
    const podsFile = `traces/${basename(o.pods)}`;
    copyFileSync(o.pods, join(tmp, podsFile));
    const nodesFile = o.nodes !== undefined ? `traces/${basename(o.nodes)}` : undefined;
    if (o.nodes !== undefined && nodesFile !== podsFile) copyFileSync(o.nodes, join(tmp, nodesFile!));
    const durationS = span === undefined ? 3600 : Math.ceil((span * (o.timeScale ?? 1)) / 1e6) + 600;
    const doc = {
      apiVersion: 'kubesim.dev/v1',
      kind: 'Scenario',
      metadata: { name, description: `Imported ${o.format} trace ${basename(o.pods)}: ${instances} pods (${gpuPods} with GPUs)${pools ? `, ${pools.reduce((a, p) => a + p.count, 0)} nodes` : ''}.` },
      spec: {
        seed: 1,
        ...(o.placement ? {} : { duration: `${durationS}s` }),
        ...(pools === undefined ? { cluster: { nodePools: [{ name: 'general', count: 100, capacity: { cpu: '64', memory: '256Gi', pods: 110 } }] } } : {}),
        scheduler: o.placement ? { profile: 'fgd', percentageOfNodesToScore: 100, tieBreak: 'first' } : { profile: 'default' },
        workloads: [{ kind: 'Trace', name, format: o.format, pods: `./${podsFile}`, ...(nodesFile !== undefined ? { nodes: `./${nodesFile}` } : {}), ...(o.nodeFormat !== undefined ? { nodeFormat: o.nodeFormat } : {}), ...(o.timeScale !== undefined ? { timeScale: o.timeScale } : {}) }],
        ...(o.placement ? { placement: { inflate: 1.3 } } : {}),
      },
    };
    const header = `# Imported by kubesim import-trace from ${basename(o.pods)}${o.nodes ? ` and ${basename(o.nodes)}` : ''}.\n${pools === undefined ? '# The trace has no node list: size the node pool below.\n' : ''}`;
    writeFileSync(join(tmp, `${name}.yaml`), header + stringify(doc));
    mkdirSync(join(o.out, 'traces'), { recursive: true });
    renameSync(join(tmp, podsFile), join(o.out, podsFile));
    if (nodesFile !== undefined && nodesFile !== podsFile) renameSync(join(tmp, nodesFile), join(o.out, nodesFile));
    renameSync(join(tmp, `${name}.yaml`), file);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return { scenario: file, pods: instances, gpuPods, nodes: pools?.reduce((a, p) => a + p.count, 0), gpus: pools?.reduce((a, p) => a + p.count * (p.capacity['nvidia.com/gpu'] ?? 0), 0), spanSeconds: span === undefined ? undefined : span / 1e6 };
}
