/**
 * Loading a scenario, in phases:
 *   1. read the scenario file (YAML or JSON) and apply `--set` overrides to it;
 *   2. validate and convert it with the scenario schema;
 *   3. load its manifests (files, directories, inline objects), each validated with its kind's schema;
 *   4. check cross-object rules and limits (duplicate names, node count, expected job count);
 *   5. return the typed Scenario.
 * Every problem is an InputError naming file:line:col, the path, what was found and what was expected.
 */
import { KUBERNETES_MINOR, selectableMinor } from '../cluster/kubernetesVersion.js';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import type { z } from 'zod';
import type { Deployment, HorizontalPodAutoscaler, Ingress, IngressClass, Job, KubeObject, Pod, PodSpec, PriorityClass, Service } from '../cluster/types.js';
import { DEFAULT_CLASS_ANNOTATION, defaultClass, route } from '../cluster/ingressRules.js';
import { parseDurationFine } from '../cluster/duration.js';
import { serviceFleetObjects } from './serviceFleet.js';
import { resourceAmount } from '../cluster/quantity.js';
import { admitPodPriority, SYSTEM_PRIORITY_CLASSES } from '../cluster/priorityClasses.js';
import { kubeSchedulerConfiguration } from './schema/schedulerConfig.js';
import { mergePlugins, type ProfileInput } from '../models/scheduler/framework/mergePlugins.js';
import { Profile } from '../models/scheduler/framework/profile.js';
import type { PluginHandle } from '../models/scheduler/framework/interfaces.js';
import { readTraceWorkload } from './traces/traceWorkload.js';
import { INERT_FRAMEWORK_CALLS } from '../models/scheduler/framework/inertHandle.js';
import { inTreeRegistry } from '../models/scheduler/plugins/registry.js';
import { PodChangeLog } from '../models/scheduler/podChangeLog.js';
import { objectKey } from '../cluster/types.js';
import { type Override, applyOverrides, parseOverride } from './overrides.js';
import { InputError, describeValue, formatPath } from './errors.js';
import { traceSteps } from './trafficTrace.js';
import { type SourceDoc, locate, parseYamlDocuments, readText, toValue, valueAt } from './yamlSource.js';
import { MANIFEST_SCHEMAS, SUPPORTED_KINDS, type ParsedManifest } from './schema/kubernetes.js';
import { EVENT_ACTIONS, MAX_NODES, MAX_REPLICAS, type ScenarioDocument, scenarioSchema, type TrafficSpec } from './schema/scenario.js';
import { type ManifestProblem, toObject } from './manifests.js';
import { withSnapshotState } from './snapshotState.js';
import type { InertObject, KindCount, Matrix, PodBatchWorkload, PoissonJobsWorkload, Scenario, Traffic, Workload } from './scenario.js';
import { KUBERNETES_API } from './schema/kubernetesApi.js';
import { checkModel, modelOf } from './schema/openApiCheck.js';

/** Options of loadScenario. */
export interface LoadOptions {
  overrides?: readonly string[];
  /** Objects of kinds that are not built into Kubernetes (custom resources) are an error instead of skipped. */
  strict?: boolean;
  /** The scenario's text, when it does not come from `file` (which then only names it and anchors relative paths). */
  text?: string;
  /** Overrides from an experiment matrix (reported as "from matrix" in errors). */
  matrixOverrides?: readonly string[];
}

/** Most Jobs a PoissonJobs workload may be expected to create. */
export const MAX_GENERATED_JOBS = 1_000_000;

/** Loads, validates and converts a scenario file. Throws InputError on bad input. */
export function loadScenario(file: string, opts: LoadOptions = {}): Scenario {
  const hash = createHash('sha256');
  const readFiles: string[] = [resolve(file)];
  const text = opts.text ?? readText(file, 'scenario');
  hash.update(text);
  const docs = parseYamlDocuments(text, file);
  if (docs.length !== 1) throw new InputError(`${file}: expected one scenario document, found ${docs.length}`);
  const src = docs[0]!;
  const overrides: Override[] = [...(opts.overrides ?? []).map((o) => parseOverride(o)), ...(opts.matrixOverrides ?? []).map((o) => parseOverride(o, 'matrix'))];
  if (overrides.length > 0) {
    applyOverrides(src.doc, overrides);
    src.value = toValue(src.doc, file);
    for (const o of overrides) hash.update(`\0--set ${o.text}`);
  }
  const doc = validate(scenarioSchema, src, [], overrides);
  const base = dirname(resolve(file));

  const objects: KubeObject[] = [];
  const ctx: LoadContext = { strict: opts.strict === true, inert: [], kinds: new Map(), namespaced: [] };
  // The cluster snapshot first: its objects are the state the manifests are applied to.
  const snapshot = doc.spec.cluster.snapshot;
  if (snapshot !== undefined) {
    for (const m of manifestDocs(resolve(base, snapshot), `${locate(src, ['spec', 'cluster', 'snapshot'])}: spec.cluster.snapshot`, true)) {
      hash.update(`\0snapshot\0${m.file}\0`);
      hash.update(m.text);
      readFiles.push(resolve(m.file));
      for (const d of m.docs) objects.push(...manifestObjects(d, [], ctx, true));
    }
  }
  const snapshotObjects = objects.length;
  doc.spec.manifests.forEach((entry, i) => {
    // A path, `-` (standard input), `{path, recursive}` (kubectl's -R), or an inline manifest.
    const ref = manifestRef(entry);
    if (ref !== undefined) {
      const path = ref.path === '-' ? STDIN : resolve(base, ref.path);
      for (const m of manifestDocs(path, `${locate(src, ['spec', 'manifests', i])}: spec.manifests[${i}]`, ref.recursive)) {
        hash.update(`\0${m.file}\0`);
        hash.update(m.text);
        readFiles.push(m.file === STDIN ? '-' : resolve(m.file));
        for (const d of m.docs) objects.push(...manifestObjects(d, [], ctx));
      }
    } else {
      objects.push(...manifestObjects(src, ['spec', 'manifests', i], ctx));
    }
  });
  const readTemplate = (template: string | Record<string, unknown>, path: (string | number)[], want: string): KubeObject => {
    let obj: KubeObject;
    if (typeof template === 'string') {
      const files = manifestDocs(resolve(base, template), `${locate(src, [...path, 'template'])}: ${formatPath([...path, 'template'])}`);
      const all = files.flatMap((f) => f.docs);
      if (all.length !== 1) throw new InputError(`${locate(src, [...path, 'template'])}: ${formatPath([...path, 'template'])}: expected a file with one ${want} manifest, found ${all.length} documents`);
      hash.update(files[0]!.text);
      if (!readFiles.includes(resolve(files[0]!.file))) readFiles.push(resolve(files[0]!.file));
      obj = manifestObject(all[0]!, []);
    } else {
      obj = manifestObject(src, [...path, 'template']);
    }
    if (obj.kind !== want) throw new InputError(`${locate(src, [...path, 'template'])}: ${formatPath([...path, 'template'])}: expected a ${want} template, found kind ${obj.kind}`);
    return obj;
  };
  // Service fleets expand into Deployments and Services here, so events and traffic can name them.
  doc.spec.workloads.forEach((w, i) => {
    if (w.kind !== 'Services') return;
    objects.push(...serviceFleetObjects(w, readTemplate(w.template, ['spec', 'workloads', i], 'Deployment') as Deployment));
  });
  checkObjects(objects, doc, src);
  // Trace patterns become step patterns: the file is read (and hashed) now, so a run never reads outside its inputs.
  const traffic = doc.spec.traffic.map((t0, i): Traffic => {
    const t = resolveIngress(t0, objects, src, ['spec', 'traffic', i]);
    if (typeof t.pattern !== 'object' || !('trace' in t.pattern)) return t;
    const path = ['spec', 'traffic', i, 'pattern', 'trace', 'file'];
    const where = `${locate(src, path)}: ${formatPath(path)}`;
    const file = resolve(base, t.pattern.trace.file);
    let text: string;
    try {
      text = readText(file, 'traffic trace');
    } catch (e) {
      throw e instanceof InputError ? new InputError(`${where}: ${e.message}`) : e;
    }
    hash.update(`\0${file}\0`);
    hash.update(text);
    if (!readFiles.includes(file)) readFiles.push(file);
    return { ...t, pattern: traceSteps(text, t.pattern.trace.file, t.pattern.trace, where) };
  });

  if (doc.spec.duration === undefined && doc.spec.placement === undefined) throw new InputError(`${locate(src, ['spec'])}: spec.duration: required (a simulated duration such as 1h)`);
  const durationUs = doc.spec.duration ?? 1_000_000;
  let nodePools = doc.spec.cluster.nodePools;
  let tracePoolsFrom: string | undefined;
  const workloads: Workload[] = doc.spec.workloads.flatMap((w, i): Workload[] => {
    if (w.kind === 'Services') return [];
    if (w.kind === 'Trace') {
      const path = ['spec', 'workloads', i];
      const where = `${locate(src, path)}: ${formatPath(path)}`;
      const { workload, pools } = readTraceWorkload(w, (f) => resolve(base, f), hash, readFiles, where);
      if (pools !== undefined) {
        if (tracePoolsFrom !== undefined) throw new InputError(`${where}.nodes: only one Trace workload may give the nodes (${tracePoolsFrom} does already)`);
        tracePoolsFrom = formatPath(path);
        nodePools = pools;
      }
      return [workload];
    }
    const path = ['spec', 'workloads', i];
    const want = w.kind === 'Pods' ? 'Pod' : 'Job';
    const template = readTemplate(w.template, path, want);
    const startUs = w.start ?? 0;
    if (w.kind === 'Pods') {
      return [{ kind: 'Pods', name: w.name ?? template.metadata.name, count: w.count, template: template as Pod, ratePerSecond: w.rate, startUs } satisfies PodBatchWorkload];
    }
    const stopUs = Math.min(w.stop ?? durationUs, durationUs);
    const expected = (w.rate * Math.max(0, stopUs - startUs)) / 1e6;
    const maxJobs = w.maxJobs ?? MAX_GENERATED_JOBS;
    if (maxJobs > MAX_GENERATED_JOBS || (w.maxJobs === undefined && expected > MAX_GENERATED_JOBS)) {
      throw new InputError(`${locate(src, [...path, 'rate'])}: ${formatPath([...path, 'rate'])}: this rate creates about ${Math.round(expected)} Jobs over the run; the limit is ${MAX_GENERATED_JOBS} (lower the rate or set maxJobs)`);
    }
    return [
      {
        kind: 'PoissonJobs',
        name: w.name ?? template.metadata.name,
        ratePerSecond: w.rate,
        template: template as Job,
        duration: w.duration,
        startUs,
        stopUs,
        maxJobs,
      } satisfies PoissonJobsWorkload,
    ];
  });

  // The objects generators create at run time need their namespaces too.
  doc.spec.workloads.forEach((w, i) => {
    const where = `${locate(src, ['spec', 'workloads', i])}: ${formatPath(['spec', 'workloads', i])}`;
    if (w.kind === 'Trace') ctx.namespaced.push({ namespace: w.namespace, where });
  });
  for (const [i, w] of workloads.entries()) {
    if (w.kind === 'Trace') continue;
    ctx.namespaced.push({ namespace: w.template.metadata.namespace ?? 'default', where: `${src.file}: spec.workloads (${w.name ?? i})` });
  }
  for (const o of objects) if (o.metadata.namespace !== undefined && !ctx.namespaced.some((n) => n.namespace === o.metadata.namespace)) ctx.namespaced.push({ namespace: o.metadata.namespace, where: `${src.file}: spec.workloads` });
  const warnings = [...ctx.kinds.values()].filter((k) => k.status === 'skipped').map((k) => `${file}: skipped ${k.count} object${k.count === 1 ? '' : 's'} of kind ${k.kind} (${k.apiVersion}): not a built-in Kubernetes kind (a custom resource?); --strict makes this an error`);
  checkNamespaces(ctx, doc.spec.namespaces, file, warnings);
  checkPriorities(objects, workloads, src);
  checkEvents(doc, objects, src);
  const scheduler = schedulerSettings(doc, src, base, hash, readFiles);
  return {
    name: doc.metadata.name,
    description: doc.metadata.description,
    file,
    files: readFiles,
    hash: hash.digest('hex'),
    overrides: overrides.map((o) => (o.source === 'matrix' ? `matrix:${o.text}` : o.text)),
    seed: doc.spec.seed,
    inert: ctx.inert,
    kinds: [...ctx.kinds.values()].sort((a, b) => (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : a.apiVersion < b.apiVersion ? -1 : a.apiVersion > b.apiVersion ? 1 : 0)),
    warnings,
    kubernetesMinor: doc.spec.kubernetesVersion === undefined ? KUBERNETES_MINOR : selectableMinor(doc.spec.kubernetesVersion)!,
    durationUs,
    nodePools,
    objects,
    snapshotObjects,
    workloads,
    events: doc.spec.events,
    images: Object.fromEntries(Object.entries(doc.spec.images).flatMap(([k, v]) => (typeof v === 'number' ? [[k, v]] : v.size !== undefined ? [[k, v.size]] : v.layers !== undefined ? [[k, v.layers.reduce((a, l) => a + l.size, 0)]] : []))),
    imageLayers: Object.fromEntries(Object.entries(doc.spec.images).flatMap(([k, v]) => (typeof v !== 'number' && v.layers !== undefined ? [[k, v.layers]] : []))),
    imagePullFailures: Object.fromEntries(Object.entries(doc.spec.images).flatMap(([k, v]) => (typeof v === 'number' || v.pullFailureProbability === undefined ? [] : [[k, v.pullFailureProbability]]))),
    apiServer: doc.spec.apiServer,
    clients: doc.spec.clients,
    scheduler,
    kubelet: doc.spec.kubelet,
    metrics: doc.spec.metrics,
    clusterAutoscaler: doc.spec.clusterAutoscaler,
    kubeProxy: doc.spec.kubeProxy,
    traffic: expandTraffic(traffic, objects),
    matrix: matrixOf(doc, src),
    placement: doc.spec.placement,
  };
}

/**
 * `spec.scheduler`, with `config` (a KubeSchedulerConfiguration file or inline document) turned into profiles:
 * plugins merged with upstream's defaults, each profile built once so unknown plugins and bad args are reported here.
 */
function schedulerSettings(doc: ScenarioDocument, src: SourceDoc, base: string, hash: ReturnType<typeof createHash>, readFiles: string[]): Scenario['scheduler'] {
  const s0 = doc.spec.scheduler;
  // Users' plugins: the module must exist (it is imported when the run starts); its text is part of the scenario hash.
  const registry = inTreeRegistry();
  const plugins = (s0.plugins ?? []).map((p, i) => {
    const where = `${locate(src, ['spec', 'scheduler', 'plugins', i])}: spec.scheduler.plugins[${i}]`;
    if (registry.get(p.name) !== undefined) throw new InputError(`${where}.name: "${p.name}" is an in-tree plugin; give yours another name`);
    const module = resolve(base, p.module);
    if (!existsSync(module)) throw new InputError(`${where}.module: ${p.module} not found`);
    hash.update(`\0plugin ${p.name}\0`);
    hash.update(readText(module, `${where}.module`));
    readFiles.push(module);
    // At load only the name is known: a placeholder lets profiles name it; the run imports the real factory.
    registry.register(p.name, () => ({ name: p.name }));
    return { name: p.name, module };
  });
  const s = { ...s0, ...(plugins.length > 0 ? { plugins } : { plugins: undefined }) };
  if (s.config === undefined) return s;
  const path = ['spec', 'scheduler', 'config'];
  let cfgSrc = src;
  let prefix: (string | number)[] = path;
  let where = (p: (string | number)[]) => `${locate(src, [...path, ...p])}: ${formatPath([...path, ...p])}`;
  if (typeof s.config === 'string') {
    const files = manifestDocs(resolve(base, s.config), `${locate(src, path)}: ${formatPath(path)}`);
    const docs = files.flatMap((f) => f.docs);
    if (docs.length !== 1) throw new InputError(`${locate(src, path)}: ${formatPath(path)}: expected a file with one KubeSchedulerConfiguration, found ${docs.length} documents`);
    hash.update(files[0]!.text);
    readFiles.push(resolve(files[0]!.file));
    cfgSrc = docs[0]!;
    prefix = [];
    where = (p) => `${locate(cfgSrc, p)}: ${formatPath(p)}`;
  }
  const cfg = validate(kubeSchedulerConfiguration, cfgSrc, prefix);
  const profiles = (cfg.profiles ?? [{ schedulerName: 'default-scheduler' }]).map((p, i) => {
    const merged = mergePlugins(p as ProfileInput);
    try {
      new Profile(p.schedulerName, merged, registry, PROBE_HANDLE);
    } catch (e) {
      // With users' plugins, only unknown names are sure errors now; the rest is checked when the run builds them.
      const msg = (e as Error).message;
      if (plugins.length === 0 || msg.includes('is not registered')) throw new InputError(`${where(['profiles', i])}: ${msg}`);
    }
    return { schedulerName: p.schedulerName, plugins: merged, ...(p.percentageOfNodesToScore !== undefined ? { percentageOfNodesToScore: p.percentageOfNodesToScore } : {}) };
  });
  const names = profiles.map((p) => p.schedulerName);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new InputError(`${where(['profiles'])}: two profiles have schedulerName "${dup}"`);
  return {
    ...s,
    profiles,
    percentageOfNodesToScore: cfg.percentageOfNodesToScore ?? s.percentageOfNodesToScore,
    podInitialBackoff: cfg.podInitialBackoffSeconds !== undefined ? cfg.podInitialBackoffSeconds * 1_000_000 : s.podInitialBackoff,
    podMaxBackoff: cfg.podMaxBackoffSeconds !== undefined ? cfg.podMaxBackoffSeconds * 1_000_000 : s.podMaxBackoff,
  };
}

/** A plugin handle for building profiles at load time (never used to schedule). */
const PROBE_HANDLE: PluginHandle = {
  bindPod: () => undefined,
  nodes: () => [],
  nodeInfo: () => undefined,
  typicalPods: () => [],
  podsWithAffinity: () => 0,
  podsWithRequiredAntiAffinity: () => 0,
  defaultSelector: () => undefined,
  podLog: () => new PodChangeLog(),
  imageNodes: () => 0,
  podCount: () => 0,
  random: () => {
    throw new Error('no random stream at load time');
  },
  addWork: () => undefined,
  ...INERT_FRAMEWORK_CALLS,
  preemptionRandom: () => {
    throw new Error('no random stream at load time');
  },
};

/** Reads `spec.matrix`: dimensions in declared order; `seeds: N` means N seeds counting up from spec.seed. */
function matrixOf(doc: ScenarioDocument, src: SourceDoc): Matrix | undefined {
  const m = doc.spec.matrix;
  if (m === undefined) return undefined;
  const dimensions: Matrix['dimensions'] = [];
  let seeds: Matrix['seeds'] = [doc.spec.seed];
  for (const [path, values] of Object.entries(m)) {
    const where = `${locate(src, ['spec', 'matrix', path])}: spec.matrix[${JSON.stringify(path)}]`;
    if (path === 'seeds') {
      if (typeof values === 'number') {
        const base = doc.spec.seed;
        if (typeof base !== 'number') throw new InputError(`${where}: seeds: N needs an integer spec.seed to count from; give a list of seeds instead`);
        if (values > MAX_SEEDS) throw new InputError(`${where}: expected at most ${MAX_SEEDS} seeds, found ${values}`);
        seeds = Array.from({ length: values }, (_, i) => base + i);
      } else {
        if (values.length > MAX_SEEDS) throw new InputError(`${where}: expected at most ${MAX_SEEDS} seeds, found ${values.length}`);
        if (!values.every((v) => (typeof v === 'number' && Number.isInteger(v)) || (typeof v === 'string' && v.length > 0))) throw new InputError(`${where}: expected a list of integer or string seeds`);
        seeds = values as (number | string)[];
      }
      continue;
    }
    if (typeof values === 'number') throw new InputError(`${where}: expected a list of values for this override path`);
    if (path === 'seed') throw new InputError(`${where}: vary the seed with seeds: N or seeds: [list]`);
    dimensions.push({ path, values });
  }
  const cells = dimensions.reduce((n, d) => n * d.values.length, 1) * seeds.length;
  if (cells > MAX_RUNS) throw new InputError(`${locate(src, ['spec', 'matrix'])}: spec.matrix: ${cells} runs; the limit is ${MAX_RUNS}`);
  return { dimensions, seeds };
}

/** Most seeds and runs (cells × seeds) a matrix may ask for. */
export const MAX_SEEDS = 1000;
export const MAX_RUNS = 10_000;

/** Validates `valueAt(src.value, prefix)` against `schema`; throws the first problem as an InputError. */
function validate<S extends z.ZodType>(schema: S, src: SourceDoc, prefix: (string | number)[], overrides: readonly Override[] = []): z.output<S> {
  const value = valueAt(src.value, prefix);
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issues = [...r.error.issues].sort((a, b) => rank(a.code) - rank(b.code));
  const issue = issues[0]!;
  const path = [...prefix, ...(issue.path as (string | number)[])];
  const key = issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
  const where = locate(src, path, key);
  const shownPath = formatPath(key !== undefined ? [...path, key] : path);
  const found = valueAt(src.value, path);
  const fromOverride = overrides.find((o) => o.path.every((p, i) => path[i] === p));
  throw new InputError(`${where}: ${shownPath}: ${message(issue, found)}${fromOverride ? ` (from ${fromOverride.source ?? '--set'} ${fromOverride.text})` : ''}`);
}

function rank(code: string): number {
  return code === 'unrecognized_keys' ? 0 : 1;
}

const ZOD_DEFAULT = /^(Invalid input|Too small|Too big|Invalid option|Invalid literal|Expected)/;

function message(issue: z.core.$ZodIssue, found: unknown): string {
  if (!ZOD_DEFAULT.test(issue.message)) {
    return issue.code === 'unrecognized_keys' || found === undefined || issue.message.includes('found') || issue.message.includes(JSON.stringify(found)) ? issue.message : `${issue.message}, found ${describeValue(found)}`;
  }
  switch (issue.code) {
    case 'invalid_type':
      if (found === undefined) return `missing required field (expected ${typeName(issue.expected)})`;
      return `expected ${typeName(issue.expected)}, found ${describeValue(found)}`;
    case 'too_small':
      return `expected ${issue.origin === 'array' ? `at least ${issue.minimum} item(s)` : issue.origin === 'string' ? 'a non-empty string' : `a value ≥ ${issue.minimum}`}, found ${describeValue(found)}`;
    case 'too_big':
      return `expected ${issue.origin === 'array' ? `at most ${issue.maximum} item(s)` : `a value ≤ ${issue.maximum}`}, found ${describeValue(found)}`;
    case 'invalid_value':
      return `expected ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}, found ${describeValue(found)}`;
    default:
      return `${issue.message}, found ${describeValue(found)}`;
  }
}

function typeName(t: string): string {
  return ({ int: 'an integer', number: 'a number', string: 'a string', boolean: 'true or false', object: 'a mapping', array: 'a list', record: 'a mapping' } as Record<string, string>)[t] ?? t;
}

interface ManifestFile {
  file: string;
  text: string;
  docs: SourceDoc[];
}

/** Standard input, as a manifest path `-` names it. */
const STDIN = '/dev/stdin';

/** A manifests entry that names files: a path string, or `{path, recursive}`; undefined for an inline manifest. */
function manifestRef(entry: string | Record<string, unknown>): { path: string; recursive: boolean } | undefined {
  if (typeof entry === 'string') return { path: entry, recursive: false };
  const keys = Object.keys(entry);
  if (typeof entry.path === 'string' && keys.every((k) => k === 'path' || k === 'recursive') && (entry.recursive === undefined || typeof entry.recursive === 'boolean')) return { path: entry.path, recursive: entry.recursive === true };
  return undefined;
}

/**
 * Reads a manifest file, standard input, or every *.yaml, *.yml, *.json file of a directory, as `kubectl apply -f`
 * does; with `recursive` (kubectl's -R) the directory's subdirectories too, in name order.
 */
function manifestDocs(path: string, where: string, recursive = false): ManifestFile[] {
  let isDir = false;
  if (path !== STDIN) {
    try {
      isDir = statSync(path).isDirectory();
    } catch {
      throw new InputError(`${where}: manifest path ${path} not found`);
    }
  }
  const list = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true })
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .flatMap((e) => (e.isDirectory() ? (recursive ? list(join(dir, e.name)) : []) : ['.yaml', '.yml', '.json'].includes(extname(e.name)) ? [join(dir, e.name)] : []));
  const files = isDir ? list(path) : [path];
  return files.map((file) => {
    const name = file === STDIN ? '<stdin>' : file;
    const text = file === STDIN ? readText(file, 'manifest').replace(/^\uFEFF/, '') : readText(file, 'manifest');
    return { file, text, docs: parseYamlDocuments(text, name) };
  });
}

/** What loading the manifests collects beside the modelled objects. */
interface LoadContext {
  strict: boolean;
  inert: InertObject[];
  kinds: Map<string, KindCount>;
  /** The namespace of every namespaced object, with where it was written (for NamespaceLifecycle). */
  namespaced: { namespace: string; where: string }[];
}

/** Strict field validation of a built-in object against its API model (schema/openApiCheck.ts). */
function strictFields(src: SourceDoc, prefix: (string | number)[], value: Record<string, unknown>, apiVersion: string, kind: string): void {
  const model = modelOf(apiVersion, kind);
  if (model === undefined) return;
  const p = checkModel(value, model);
  if (p === undefined) return;
  const path = [...prefix, ...p.path];
  const unknownKey = p.message.startsWith('unknown field');
  const where = unknownKey ? locate(src, path.slice(0, -1), String(path[path.length - 1])) : locate(src, path);
  throw new InputError(`${where}: ${formatPath(path)}: ${p.message}`);
}

/** Where an object's namespace is written (its metadata when the namespace is the default). */
function namespaceWhere(src: SourceDoc, prefix: (string | number)[], value: Record<string, unknown>): string {
  const meta = value.metadata as Record<string, unknown> | undefined;
  const path = [...prefix, 'metadata', ...(meta?.namespace !== undefined ? ['namespace'] : [])];
  return `${locate(src, path)}: ${formatPath([...prefix, 'metadata', 'namespace'])}`;
}

/** Namespaces every cluster has (the API server creates them: pkg/controlplane/controller/systemnamespaces). */
const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/**
 * NamespaceLifecycle (plugin/pkg/admission/namespace/lifecycle): an object in a namespace that does not exist is
 * refused ("namespaces \"shop\" not found"); the manifests' Namespaces exist from t = 0, whatever their order. With
 * `namespaces: auto` the missing ones are created instead, and named in one warning.
 */
function checkNamespaces(ctx: LoadContext, mode: 'manifests' | 'auto', file: string, warnings: string[]): void {
  const exist = new Set([...SYSTEM_NAMESPACES, ...ctx.inert.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name)]);
  const missing = [...new Set(ctx.namespaced.filter((o) => !exist.has(o.namespace)).map((o) => o.namespace))].sort();
  if (missing.length === 0) return;
  if (mode === 'auto') {
    warnings.push(`${file}: created namespace${missing.length === 1 ? '' : 's'} ${missing.join(', ')} (spec.namespaces: auto): no Namespace manifest creates ${missing.length === 1 ? 'it' : 'them'}`);
    return;
  }
  const first = ctx.namespaced.find((o) => !exist.has(o.namespace))!;
  throw new InputError(`${first.where}: namespaces "${first.namespace}" not found: no Namespace manifest creates it (NamespaceLifecycle refuses the object); add a v1 Namespace manifest, or set spec.namespaces: auto`);
}

/** Built-in kinds by `apiVersion/kind` (generated from Kubernetes v1.34's OpenAPI: schema/kubernetesApi.ts). */
const BUILTIN = new Map(KUBERNETES_API.kinds.map(([apiVersion, kind, namespaced, model]) => [`${apiVersion}/${kind}`, { apiVersion, kind, namespaced, model }]));

function countKind(ctx: LoadContext, apiVersion: string, kind: string, status: KindCount['status']): void {
  const key = `${apiVersion}/${kind}`;
  const c = ctx.kinds.get(key);
  if (c === undefined) ctx.kinds.set(key, { apiVersion, kind, status, count: 1 });
  else c.count++;
}

/**
 * The objects of one manifest document: a `List` or typed list (`PodList`… as `kubectl get -o yaml|json` writes
 * them) gives its items; a modelled kind is validated and converted; another built-in kind is kept as an inert
 * object; a kind that is not built in (a custom resource) is counted and skipped, or refused with `strict`.
 */
function manifestObjects(src: SourceDoc, prefix: (string | number)[], ctx: LoadContext, snapshot = false): KubeObject[] {
  const value = valueAt(src.value, prefix) as Record<string, unknown> | undefined;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InputError(`${locate(src, prefix)}: ${formatPath(prefix)}: expected a Kubernetes manifest (a mapping with apiVersion and kind)`);
  }
  const kind = value.kind;
  const head = (what: string) => `${locate(src, [...prefix, what])}: ${formatPath([...prefix, what])}`;
  if (typeof kind === 'string' && (kind === 'List' || kind.endsWith('List')) && Array.isArray(value.items)) {
    const itemKind = kind === 'List' ? undefined : kind.slice(0, -4);
    const out: KubeObject[] = [];
    value.items.forEach((item: unknown, j: number) => {
      // Typed lists from the API leave apiVersion and kind out of their items.
      if (itemKind !== undefined && item !== null && typeof item === 'object' && !Array.isArray(item)) {
        const it = item as Record<string, unknown>;
        if (it.kind === undefined) it.kind = itemKind;
        if (it.apiVersion === undefined && typeof value.apiVersion === 'string') it.apiVersion = value.apiVersion;
      }
      out.push(...manifestObjects(src, [...prefix, 'items', j], ctx, snapshot));
    });
    return out;
  }
  if (typeof kind !== 'string') throw new InputError(`${head('kind')}: missing kind; expected a Kubernetes kind such as ${SUPPORTED_KINDS.slice(0, 6).join(', ')}`);
  const apiVersion = value.apiVersion;
  if (typeof apiVersion !== 'string') throw new InputError(`${head('apiVersion')}: missing apiVersion for kind ${kind}`);
  // The built-in PriorityClasses exist in every cluster (pkg/apis/scheduling: SystemPriorityClasses), and a dump lists
  // them: applied unchanged they are the existing objects (kubectl apply changes nothing); another value is refused,
  // as the API server refuses changing a class's value.
  const meta0 = value.metadata as Record<string, unknown> | undefined;
  if (apiVersion === 'scheduling.k8s.io/v1' && kind === 'PriorityClass' && typeof meta0?.name === 'string' && SYSTEM_PRIORITY_CLASSES.has(meta0.name)) {
    const builtin = SYSTEM_PRIORITY_CLASSES.get(meta0.name)!;
    if (value.value !== builtin) throw new InputError(`${head('value')}: PriorityClass "${meta0.name}" is a built-in system class with value ${builtin}; its value cannot be changed (found ${describeValue(value.value)})`);
    countKind(ctx, apiVersion, kind, 'modelled');
    return [];
  }
  if ((MANIFEST_SCHEMAS as Record<string, z.ZodType>)[`${apiVersion}/${kind}`] !== undefined) {
    countKind(ctx, apiVersion, kind, 'modelled');
    const obj = manifestObject(src, prefix);
    strictFields(src, prefix, value, apiVersion, kind);
    if (obj.metadata.namespace !== undefined) ctx.namespaced.push({ namespace: obj.metadata.namespace, where: namespaceWhere(src, prefix, value) });
    return [snapshot ? withSnapshotState(obj, value) : obj];
  }
  const builtin = BUILTIN.get(`${apiVersion}/${kind}`);
  if (builtin !== undefined) {
    const meta = value.metadata as Record<string, unknown> | undefined;
    if (meta === null || typeof meta !== 'object' || typeof meta.name !== 'string' || meta.name === '') throw new InputError(`${head('metadata')}: expected metadata with a name for ${kind} ${apiVersion}`);
    if (meta.namespace !== undefined && typeof meta.namespace !== 'string') throw new InputError(`${head('metadata')}.namespace: expected a string`);
    const nameProblem = nameRule(kind, meta.name);
    if (nameProblem !== undefined) throw new InputError(`${head('metadata')}.name: ${nameProblem}`);
    const metadata: InertObject['metadata'] = { name: meta.name };
    if (builtin.namespaced) {
      metadata.namespace = (meta.namespace as string | undefined) ?? 'default';
      ctx.namespaced.push({ namespace: metadata.namespace, where: namespaceWhere(src, prefix, value) });
    }
    if (meta.labels !== undefined) metadata.labels = meta.labels as Record<string, string>;
    if (meta.annotations !== undefined) metadata.annotations = meta.annotations as Record<string, string>;
    strictFields(src, prefix, value, apiVersion, kind);
    const inert: InertObject = { apiVersion, kind, metadata };
    if ((kind === 'ConfigMap' || kind === 'Secret') && apiVersion === 'v1') {
      const keys = new Set<string>();
      for (const field of ['data', 'binaryData', 'stringData']) {
        const d = value[field];
        if (d !== null && typeof d === 'object' && !Array.isArray(d)) for (const k of Object.keys(d)) keys.add(k);
      }
      inert.keys = [...keys].sort();
    }
    ctx.inert.push(inert);
    countKind(ctx, apiVersion, kind, 'inert');
    return [];
  }
  // A built-in or modelled kind under an apiVersion Kubernetes v1.34 does not serve is a mistake, not a custom resource.
  const versions = [...new Set([...Object.keys(MANIFEST_SCHEMAS).filter((k) => k.endsWith(`/${kind}`)).map((k) => k.slice(0, -kind.length - 1)), ...[...BUILTIN.values()].filter((b) => b.kind === kind).map((b) => b.apiVersion)])].sort();
  if (versions.length > 0) throw new InputError(`${head('apiVersion')}: expected apiVersion ${versions.map((v) => `"${v}"`).join(' or ')} for kind ${kind}, found ${describeValue(apiVersion)}`);
  if (ctx.strict) throw new InputError(`${head('kind')}: kind ${kind} (apiVersion ${apiVersion}) is not a built-in Kubernetes ${KUBERNETES_API.version.replace(/\.\d+$/, '')} kind (a custom resource?); without --strict it is skipped`);
  countKind(ctx, apiVersion, kind, 'skipped');
  return [];
}

/** Validates one manifest (the document at `prefix` of `src`) and converts it. */
/**
 * Names stricter than the DNS subdomain every object has, as the API server checks them: a Service's name is a
 * DNS-1035 label (pkg/apis/core/validation ValidateServiceName), a Namespace's a DNS label; a Job's name becomes the
 * value of its pods' `batch.kubernetes.io/job-name` label, so at most 63 characters; a CronJob's at most 52
 * (pkg/apis/batch/validation: the Jobs it creates add an 11-character suffix).
 */
function nameRule(kind: string, name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  if (kind === 'Service' && !/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/.test(name)) return `a Service name is a DNS-1035 label: at most 63 characters of a-z, 0-9 and "-", starting with a letter, found ${describeValue(name)}`;
  if (kind === 'Namespace' && !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(name)) return `a Namespace name is a DNS label of at most 63 characters, found ${describeValue(name)}`;
  if (kind === 'Job' && name.length > 63) return `a Job name is at most 63 characters (it is its pods' job-name label), found ${name.length}`;
  if (kind === 'CronJob' && name.length > 52) return `a CronJob name is at most 52 characters (its Jobs add an 11-character suffix), found ${name.length}`;
  return undefined;
}

function manifestObject(src: SourceDoc, prefix: (string | number)[]): KubeObject {
  const value = valueAt(src.value, prefix) as Record<string, unknown> | undefined;
  const head = (what: string) => `${locate(src, [...prefix, what])}: ${formatPath([...prefix, what])}`;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InputError(`${locate(src, prefix)}: ${formatPath(prefix)}: expected a Kubernetes manifest (a mapping with apiVersion and kind)`);
  }
  const kind = value.kind;
  if (typeof kind !== 'string') throw new InputError(`${head('kind')}: missing kind; expected one of ${SUPPORTED_KINDS.join(', ')}`);
  const schema = (MANIFEST_SCHEMAS as Record<string, z.ZodType>)[`${String(value.apiVersion)}/${kind}`];
  if (schema === undefined) {
    const known = Object.keys(MANIFEST_SCHEMAS).find((k) => k.endsWith(`/${kind}`));
    if (known) throw new InputError(`${head('apiVersion')}: expected apiVersion "${known.slice(0, -kind.length - 1)}" for kind ${kind}, found ${describeValue(value.apiVersion)}`);
    throw new InputError(`${head('kind')}: kind ${kind} is not supported; expected one of ${SUPPORTED_KINDS.join(', ')}`);
  }
  const parsed = validate(schema, src, prefix) as ParsedManifest;
  const nameProblem = nameRule(kind, parsed.metadata.name);
  if (nameProblem !== undefined) throw new InputError(`${head('metadata')}.name: ${nameProblem}`);
  const problems: ManifestProblem[] = [];
  const obj = toObject(parsed, problems);
  const p = problems[0];
  if (p !== undefined) {
    const path = [...prefix, ...p.path];
    throw new InputError(`${locate(src, path)}: ${formatPath(path)}: ${p.message}`);
  }
  return obj;
}

/**
 * What the Priority admission plugin would refuse, found at load instead of mid-run: a pod spec naming a class that
 * does not exist, a priority integer contradicting its class, and a second globalDefault class.
 */
function checkPriorities(objects: KubeObject[], workloads: Workload[], src: SourceDoc): void {
  const classes = new Map<string, PriorityClass>();
  let globalDefault: string | undefined;
  for (const o of objects) {
    if (o.kind !== 'PriorityClass') continue;
    if (SYSTEM_PRIORITY_CLASSES.has(o.metadata.name)) throw new InputError(`${src.file}: PriorityClass "${o.metadata.name}" is a built-in system class and cannot be redefined`);
    if (o.globalDefault) {
      if (globalDefault !== undefined) throw new InputError(`${src.file}: PriorityClass "${o.metadata.name}" is marked globalDefault, but "${globalDefault}" already is; only one default may exist`);
      globalDefault = o.metadata.name;
    }
    classes.set(o.metadata.name, o);
  }
  const all = [...classes.values()];
  const check = (what: string, spec: PodSpec | undefined) => {
    if (spec === undefined) return;
    const probe = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'probe' }, spec, status: { phase: 'Pending' } } as Pod;
    const r = admitPodPriority(probe, (n) => classes.get(n), () => all);
    if (typeof r === 'string') throw new InputError(`${src.file}: ${what}: spec.priorityClassName: ${r}`);
  };
  for (const o of objects) {
    const where = `${o.kind} "${objectKey(o.metadata)}"`;
    if (o.kind === 'Pod') check(where, o.spec);
    else if (o.kind === 'Deployment' || o.kind === 'ReplicaSet' || o.kind === 'DaemonSet' || o.kind === 'Job') check(`${where} template`, o.spec.template.spec);
  }
  workloads.forEach((w, i) => {
    if (w.kind !== 'Trace') check(`spec.workloads[${i}].template`, w.kind === 'Pods' ? w.template.spec : w.template.spec.template.spec);
  });
}

const hasNodePort = (s: Service) => s.spec.type === 'NodePort' || s.spec.type === 'LoadBalancer';

/** Idle latency an ingress controller adds to a request: 1 ms (GUESS; IngressClass annotation `kubesim.dev/request-latency`). */
export const INGRESS_REQUEST_LATENCY_US = 1000;
/** CPU time of an ingress controller per proxied request: 250 µs (GUESS, ~4,000 requests/s per core; annotation `kubesim.dev/request-cpu`). */
export const INGRESS_REQUEST_CPU_US = 250;
/** IngressClass annotations: the controller's Service, its per-request CPU and idle latency. */
export const INGRESS_SERVICE_ANNOTATION = 'kubesim.dev/controller-service';
export const INGRESS_CPU_ANNOTATION = 'kubesim.dev/request-cpu';
export const INGRESS_LATENCY_ANNOTATION = 'kubesim.dev/request-latency';

/**
 * A traffic entry through an Ingress becomes external traffic to the class's controller Service, with the Service the
 * rules choose as its backend (cluster/ingressRules.ts); the class, its controller Service and a matching rule must exist.
 */
function resolveIngress(t: TrafficSpec, objects: readonly KubeObject[], src: SourceDoc, path: (string | number)[]): Traffic {
  if (t.ingress === undefined) return { ...t, service: t.service!, ingress: undefined };
  const fail = (sub: (string | number)[], msg: string): never => {
    throw new InputError(`${locate(src, [...path, ...sub])}: ${formatPath([...path, ...sub])}: ${msg}`);
  };
  if (t.dnsName !== undefined) fail(['dnsName'], 'traffic through an Ingress comes from external clients, which do not use the cluster DNS');
  const classes = objects.filter((o): o is IngressClass => o.kind === 'IngressClass');
  const dflt = defaultClass(classes);
  const className = t.ingress.className ?? dflt;
  if (className === undefined) fail(['ingress'], `no default IngressClass (annotated ${DEFAULT_CLASS_ANNOTATION}: "true"); name one with className, among: ${classes.map((c) => c.metadata.name).join(', ') || '(none)'}`);
  const cls = classes.find((c) => c.metadata.name === className);
  if (cls === undefined) fail(['ingress', 'className'], `no IngressClass "${className}" among the manifests`);
  const a = cls!.metadata.annotations ?? {};
  const where = `IngressClass ${className}`;
  const svcRef = a[INGRESS_SERVICE_ANNOTATION];
  if (svcRef === undefined) fail(['ingress'], `${where} needs the annotation ${INGRESS_SERVICE_ANNOTATION}: namespace/name of the Service in front of its controller pods`);
  const svcKey = svcRef!.includes('/') ? svcRef! : `default/${svcRef}`;
  const svc = objects.find((o): o is Service => o.kind === 'Service' && `${o.metadata.namespace ?? 'default'}/${o.metadata.name}` === svcKey);
  if (svc === undefined) fail(['ingress'], `${where}: its controller Service "${svcKey}" is not among the manifests`);
  if (!hasNodePort(svc!)) fail(['ingress'], `${where}: its controller Service "${svcKey}" has no NodePort for external clients (expected type NodePort or LoadBalancer)`);
  const fine = (name: string, dflt: number): number => {
    const text = a[name];
    if (text === undefined) return dflt;
    const us = parseDurationFine(text.trim());
    if (us === undefined || us < 0) fail(['ingress'], `${where}: annotation ${name}: expected a duration such as 250us or 1ms, got "${text}"`);
    return us!;
  };
  const ingresses = objects.filter((o): o is Ingress => o.kind === 'Ingress');
  const r = route(ingresses, className!, dflt, t.ingress.host, t.ingress.path);
  if (r === undefined) fail(['ingress'], `no rule of the Ingresses of class ${className} matches host ${t.ingress.host} and path ${t.ingress.path}, and none has a defaultBackend (requests would get 404)`);
  if (!objects.some((o) => o.kind === 'Service' && `${o.metadata.namespace ?? 'default'}/${o.metadata.name}` === r!.service)) fail(['ingress'], `Ingress ${r!.ingress} routes ${t.ingress.host}${t.ingress.path} to Service "${r!.service}", which is not among the manifests`);
  const { ingress, ...rest } = t;
  return {
    ...rest,
    service: svcKey,
    external: true,
    ingress: { className: className!, host: ingress.host, path: ingress.path, backend: r!.service, ingress: r!.ingress, via: r!.via, requestCpuUs: fine(INGRESS_CPU_ANNOTATION, INGRESS_REQUEST_CPU_US), requestLatencyUs: fine(INGRESS_LATENCY_ANNOTATION, INGRESS_REQUEST_LATENCY_US) },
  };
}

/** Traffic entries with a `prefix*` Service become one entry per matching Service (in name order). */
function expandTraffic(traffic: readonly Traffic[], objects: readonly KubeObject[]): Traffic[] {
  const out: Traffic[] = [];
  for (const t of traffic) {
    if (!t.service.endsWith('*')) {
      out.push(t);
      continue;
    }
    const full = t.service.includes('/') ? t.service : `default/${t.service}`;
    const prefix = full.slice(0, -1);
    // External clients reach only Services with a NodePort (NodePort, LoadBalancer).
    const names = objects
      .filter((o) => o.kind === 'Service' && `${o.metadata.namespace ?? 'default'}/${o.metadata.name}`.startsWith(prefix) && (!t.external || hasNodePort(o as Service)))
      .map((o) => `${o.metadata.namespace ?? 'default'}/${o.metadata.name}`);
    for (const n of names.sort()) out.push({ ...t, service: n });
  }
  return out;
}

/** Timed events must name objects and pools that exist (Deployments and ReplicaSets from the manifests). */
function checkEvents(doc: ScenarioDocument, objects: KubeObject[], src: SourceDoc): void {
  // Pools are the declared ones, and the pool labels of Node manifests and snapshot Nodes (import-cluster sets them
  // from node groups); new nodes (addNodes) come only from a declared pool, which says what they are.
  const declared = new Set(doc.spec.cluster.nodePools.map((p) => p.name));
  const pools = new Set([...declared, ...objects.flatMap((o) => (o.kind === 'Node' && o.metadata.labels?.['kubesim.dev/pool'] !== undefined ? [o.metadata.labels['kubesim.dev/pool']] : []))]);
  const have = new Set(objects.map((o) => `${o.kind}/${objectKey({ ...o.metadata, namespace: o.kind === 'Node' || o.kind === 'PriorityClass' ? undefined : o.metadata.namespace ?? 'default' })}`));
  const ref = (r: string) => (r.includes('/') ? r : `default/${r}`);
  doc.spec.traffic.forEach((t, i) => {
    const full = ['spec', 'traffic', i];
    if (t.service === undefined) {
      // Through an Ingress: resolved (and checked) with the traffic.
    } else if (t.service.endsWith('*')) {
      if (expandTraffic([{ ...t, service: t.service, ingress: undefined }], objects).length === 0) throw new InputError(`${locate(src, [...full, 'service'])}: ${formatPath([...full, 'service'])}: no Service matches "${t.service}"`);
    } else if (!have.has(`Service/${ref(t.service)}`)) throw new InputError(`${locate(src, [...full, 'service'])}: ${formatPath([...full, 'service'])}: no Service "${ref(t.service)}" among the manifests`);
    else if (t.external && !hasNodePort(objects.find((o) => o.kind === 'Service' && `${o.metadata.namespace ?? 'default'}/${o.metadata.name}` === ref(t.service!)) as Service)) {
      throw new InputError(`${locate(src, [...full, 'external'])}: ${formatPath([...full, 'external'])}: Service "${ref(t.service!)}" has no NodePort for external clients (expected type NodePort or LoadBalancer)`);
    }
    if (t.from !== undefined && !pools.has(t.from)) throw new InputError(`${locate(src, [...full, 'from'])}: ${formatPath([...full, 'from'])}: no node pool "${t.from}"; expected one of ${[...pools].join(', ') || '(none)'}`);
  });
  doc.spec.events.forEach((e, i) => {
    const fail = (path: (string | number)[], msg: string) => {
      const full = ['spec', 'events', i, ...path];
      throw new InputError(`${locate(src, full)}: ${formatPath(full)}: ${msg}`);
    };
    const rolloutPrefix = e.rollout?.deployment.endsWith('*') ? ref(e.rollout.deployment).slice(0, -1) : undefined;
    if (rolloutPrefix !== undefined && ![...have].some((h) => h.startsWith(`Deployment/${rolloutPrefix}`))) fail(['rollout', 'deployment'], `no Deployment matches "${e.rollout!.deployment}"`);
    const deployment = rolloutPrefix !== undefined ? undefined : (e.rollout?.deployment ?? e.rollback?.deployment ?? e.pause?.deployment ?? e.resume?.deployment ?? e.scale?.deployment ?? e.load?.deployment);
    if (e.hpaTarget !== undefined) {
      const h = e.hpaTarget;
      const hpa = objects.find((o): o is HorizontalPodAutoscaler => o.kind === 'HorizontalPodAutoscaler' && `${o.metadata.namespace ?? 'default'}/${o.metadata.name}` === ref(h.hpa));
      if (hpa === undefined) fail(['hpaTarget', 'hpa'], `no HorizontalPodAutoscaler "${ref(h.hpa)}" among the manifests`);
      const metric = h.metric ?? 'cpu';
      if ((h.averageUtilization !== undefined || h.averageValue !== undefined) && !hpa!.spec.metrics?.some((m) => m.type === 'Resource' && m.resource?.name === metric)) {
        fail(['hpaTarget', 'metric'], `HorizontalPodAutoscaler "${ref(h.hpa)}" has no Resource metric ${metric}`);
      }
      if (h.averageValue !== undefined) {
        try {
          resourceAmount(metric, h.averageValue);
        } catch (err) {
          fail(['hpaTarget', 'averageValue'], `expected a ${metric} quantity: ${(err as Error).message}`);
        }
      }
    }
    const action = EVENT_ACTIONS.find((a) => e[a] !== undefined)!;
    if (deployment !== undefined && !have.has(`Deployment/${ref(deployment)}`)) fail([action, 'deployment'], `no Deployment "${ref(deployment)}" among the manifests`);
    if (e.scale?.replicaSet !== undefined && !have.has(`ReplicaSet/${ref(e.scale.replicaSet)}`)) fail(['scale', 'replicaSet'], `no ReplicaSet "${ref(e.scale.replicaSet)}" among the manifests`);
    const pool = e.addNodes?.pool ?? e.failNodes?.pool ?? e.recoverNodes?.pool ?? e.drainNodes?.pool ?? e.uncordonNodes?.pool;
    if (e.addNodes !== undefined && !declared.has(e.addNodes.pool)) fail([action, 'pool'], `no node pool "${e.addNodes.pool}" declared in spec.cluster.nodePools (new nodes are made from a declared pool); expected one of ${[...declared].join(', ') || '(none)'}`);
    if (pool !== undefined && !pools.has(pool)) fail([action, 'pool'], `no node pool "${pool}"; expected one of ${[...pools].join(', ') || '(none)'}`);
  });
}

function checkObjects(objects: KubeObject[], doc: ScenarioDocument, src: SourceDoc): void {
  const seen = new Set<string>();
  let nodes = 0;
  for (const pool of doc.spec.cluster.nodePools) {
    nodes += pool.count;
    for (let i = 0; i < Math.min(pool.count, MAX_NODES); i++) seen.add(`Node/${pool.name}-${i}`);
  }
  const poolNames = new Set<string>();
  doc.spec.cluster.nodePools.forEach((p, i) => {
    if (poolNames.has(p.name)) throw new InputError(`${locate(src, ['spec', 'cluster', 'nodePools', i, 'name'])}: spec.cluster.nodePools[${i}].name: duplicate pool name "${p.name}"`);
    poolNames.add(p.name);
  });
  for (const o of objects) {
    const key = `${o.kind}/${objectKey(o.metadata)}`;
    if (o.metadata.name && seen.has(key)) throw new InputError(`${src.file}: ${o.kind} "${objectKey(o.metadata)}" is defined twice (node pools name their nodes <pool>-<index>)`);
    seen.add(key);
    if (o.kind === 'Node') nodes++;
    const replicas = o.kind === 'Deployment' || o.kind === 'ReplicaSet' ? o.spec.replicas ?? 1 : o.kind === 'Job' ? Math.max(o.spec.completions ?? 0, o.spec.parallelism ?? 0) : 0;
    if (replicas > MAX_REPLICAS) throw new InputError(`${src.file}: ${o.kind} "${objectKey(o.metadata)}" asks for ${replicas} pods; the limit is ${MAX_REPLICAS}`);
  }
  if (nodes > MAX_NODES) throw new InputError(`${locate(src, ['spec', 'cluster', 'nodePools'])}: spec.cluster.nodePools: ${nodes} nodes in all; the limit is ${MAX_NODES}`);
}
