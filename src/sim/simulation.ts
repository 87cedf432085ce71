/**
 * One simulation cell: builds the world from a typed Scenario and runs it, in phases:
 *   1. engine, random streams, object store, API server, event recorder;
 *   2. observers (pods.csv, cluster.csv, nodes.csv, events.csv) subscribe to commits and events;
 *   3. models: scheduler, controllers, one kubelet per node (which registers its Node), workload generators;
 *   4. the scenario's manifests are applied at t = 0 through a user's client;
 *   5. the engine runs to the scenario's duration in slices (progress, interrupt);
 *   6. outputs are completed (summary.csv, manifest.json) in a temporary folder renamed into place.
 */
import { ConfigObjects } from '../models/apiserver/configObjects.js';
import type { InertObject } from '../workload/scenario.js';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Engine } from '../engine/engine.js';
import { RngStreams } from '../engine/rng.js';
import type { Micros } from '../engine/time.js';
import { formatSeconds } from '../engine/time.js';
import { ObjectStore } from '../cluster/store.js';
import type { KubeObject, Node } from '../cluster/types.js';
import { ApiServer } from '../models/apiserver/apiServer.js';
import { EventRecorder } from '../models/eventRecorder.js';
import { Kubelet } from '../models/kubelet/kubelet.js';
import type { NodeInfo } from '../models/scheduler/nodeInfo.js';
import { schedulerRegistry } from './userPlugins.js';
import { policyName, schedulerFor, traceNames } from './schedulerFor.js';
import { runPlacement } from './placement.js';
import { ReplicaSetController } from '../models/controllers/replicaSet.js';
import { DeploymentController } from '../models/controllers/deployment.js';
import { DaemonSetController } from '../models/controllers/daemonSet.js';
import { CRONJOB_CONTROLLER, CronJobController } from '../models/controllers/cronJob.js';
import { ENDPOINTSLICE_CONTROLLER, EndpointSliceController } from '../models/controllers/endpointSlice.js';
import { STATEFULSET_CONTROLLER, StatefulSetController } from '../models/controllers/statefulSet.js';
import { GarbageCollector } from '../models/controllers/garbageCollector.js';
import { PodGC } from '../models/controllers/podGC.js';
import { DisruptionController } from '../models/controllers/disruption.js';
import { JobController } from '../models/controllers/job.js';
import { startPodBatch } from '../models/generators/podBatch.js';
import { startPoissonJobs } from '../models/generators/poissonJobs.js';
import { startTraceReplay } from '../models/generators/traceReplay.js';
import type { Scenario } from '../workload/scenario.js';
import { type Cell, CsvFile } from '../metrics/csvFile.js';
import { AUTOSCALING_COLUMNS, CLUSTER_COLUMNS, PROXY_COLUMNS, SERVICE_COLUMNS, EVENT_COLUMNS, NODE_COLUMNS, POD_COLUMNS, SCHEDULING_COLUMNS, SUMMARY_COLUMNS, WORKLOAD_COLUMNS } from '../metrics/columns.js';
import { csvTracer } from '../metrics/schedulingTrace.js';
import type { Tracer } from '../models/scheduler/cycleTrace.js';
import { PodTracker } from '../metrics/podTracker.js';
import { ClusterSampler } from '../metrics/clusterSampler.js';
import { summaryRow } from '../metrics/summary.js';
import { POOL_LABEL, poolNode, poolNodes } from './nodePools.js';
import { CLUSTER_AUTOSCALER, ClusterAutoscaler } from '../models/controllers/clusterAutoscaler/autoscaler.js';
import { type NodeFleet, ScenarioEvents } from './scenarioEvents.js';
import { NodeLeases } from '../models/kubelet/nodeLease.js';
import { NODE_LIFECYCLE_CONTROLLER, NodeLifecycleController, nodeLifecycleConfig } from '../models/controllers/nodeLifecycle.js';
import { TAINT_EVICTION_CONTROLLER, TaintEvictionController } from '../models/controllers/taintEviction.js';
import { WorkloadSampler } from '../metrics/workloadSampler.js';
import { AutoscalingSampler } from '../metrics/autoscalingSampler.js';
import { ServiceTable } from '../models/proxy/serviceTable.js';
import { ProxyGroup } from '../models/proxy/kubeProxy.js';
import { TrafficModel } from '../models/traffic/trafficModel.js';
import { PROXY_COSTS } from '../models/proxy/costs.js';
import { ratio } from '../metrics/csvFile.js';
import { UsageModel } from '../models/metrics/usageModel.js';
import { EvictionManagers } from '../models/kubelet/evictionManager.js';
import { PersistentVolumeController, PV_CONTROLLER } from '../models/controllers/persistentVolume.js';
import { EPHEMERAL_STORAGE_USAGE_ANNOTATION, MEMORY_USAGE_ANNOTATION } from '../cluster/usage.js';
import { EPHEMERAL_STORAGE } from '../cluster/resources.js';
import { MetricsServer } from '../models/metrics/metricsServer.js';
import { HPA_CONTROLLER, HorizontalController } from '../models/controllers/hpa/horizontal.js';
import { publish, tempFolder } from './resultsFolder.js';
import { DEFAULTS } from '../workload/defaults.js';
import { extend } from '../cluster/extend.js';
import { snapshotNodeReady } from '../workload/snapshotState.js';
import { withKubesimRevisions } from './snapshotRevisions.js';

/** Options of one run. */
export interface RunOptions {
  /** Final output folder (replaced atomically); none: nothing is written and the outputs come back in the result. */
  outDir?: string;
  /** Replace an earlier result beside files kubesim did not write, keeping them (sim/resultsFolder.ts). */
  force?: boolean;
  /** Called after each slice with simulated time and events so far. */
  onProgress?: (simUs: Micros, events: number) => void;
  /** Returns true to stop early (SIGINT): nothing is written to outDir. */
  shouldStop?: () => boolean;
  /** Wall-clock reader, for manifest.json only (the CLI passes one; simulation code never reads the clock). */
  wallClock?: () => { ms: number; iso: string };
  /** Write every scheduling attempt's trace to scheduling.csv. */
  traceScheduling?: boolean;
  /** An extra tracer of scheduling attempts (explain). */
  tracer?: Tracer;
}

/** What a run reports. */
export interface RunResult {
  outDir: string | undefined;
  /** Without an output folder: each output's columns and rows, as its CSV file would hold them. */
  outputs?: Record<string, { columns: readonly string[]; rows: Cell[][] }>;
  eventsProcessed: number;
  simulatedUs: Micros;
  interrupted: boolean;
  podsCreated: number;
  podsBound: number;
}

/** Whether any pod the scenario creates declares its use of a resource (the usage annotation given). */
function declaresUsage(scenario: Scenario, annotation: string): boolean {
  const has = (a: Record<string, string> | undefined) => a?.[annotation] !== undefined;
  for (const o of scenario.objects) {
    if (o.kind === 'Pod' && has(o.metadata.annotations)) return true;
    if ((o.kind === 'Deployment' || o.kind === 'ReplicaSet' || o.kind === 'StatefulSet' || o.kind === 'DaemonSet' || o.kind === 'Job') && has(o.spec.template.metadata?.annotations)) return true;
    if (o.kind === 'CronJob' && has(o.spec.jobTemplate.spec.template.metadata?.annotations)) return true;
  }
  for (const w of scenario.workloads) {
    if (w.kind === 'Pods' && has(w.template.metadata.annotations)) return true;
    if (w.kind === 'PoissonJobs' && has(w.template.spec.template.metadata?.annotations)) return true;
  }
  return false;
}

/** GPUs of the cluster and the share allocated. */
function gpuAllocation(nodes: readonly NodeInfo[]): { gpus: number; allocatedRatio: number | undefined } {
  let count = 0;
  let free = 0;
  for (const n of nodes) {
    if (n.gpus === undefined) continue;
    count += n.gpus.count;
    free += n.gpus.freeTotal;
  }
  return { gpus: count, allocatedRatio: count > 0 ? 1 - free / (count * 1000) : undefined };
}

/** Clients no real component would rate-limit here: the user applying manifests and the workload generators. */
const USER_LIMITS = { qps: 1e9, burst: 1e9 };

/**
 * Runs a scenario and writes its outputs. Between slices of simulated time it yields to the event loop, so a
 * SIGINT handler (or any other callback) can run and ask it to stop.
 */
export async function runScenario(scenario: Scenario, opts: RunOptions): Promise<RunResult> {
  if (scenario.placement !== undefined) return runPlacement(scenario, opts);
  const started = opts.wallClock?.();
  const registry = await schedulerRegistry(scenario);
  // 1. the world
  const engine = new Engine();
  const streams = new RngStreams(scenario.seed);
  const store = new ObjectStore(streams.stream('apiserver.names'));
  const api = new ApiServer(engine, store, scenario.apiServer, streams.stream('apiserver.latency'));
  api.configObjects = configObjectsOf(scenario.inert);
  const recorder = new EventRecorder(() => engine.now);

  // 2. observers, writing into a temporary folder next to the final one
  const tmp = opts.outDir === undefined ? undefined : tempFolder(opts.outDir);
  const at = (name: string) => (tmp === undefined ? undefined : join(tmp, name));
  const files = {
    pods: new CsvFile(at('pods.csv'), POD_COLUMNS),
    nodes: scenario.metrics.nodes ? new CsvFile(at('nodes.csv'), NODE_COLUMNS) : undefined,
    cluster: new CsvFile(at('cluster.csv'), CLUSTER_COLUMNS),
    events: new CsvFile(at('events.csv'), EVENT_COLUMNS),
    workloads: new CsvFile(at('workloads.csv'), WORKLOAD_COLUMNS),
    autoscaling: new CsvFile(at('autoscaling.csv'), AUTOSCALING_COLUMNS),
    proxy: new CsvFile(at('proxy.csv'), PROXY_COLUMNS),
    services: new CsvFile(at('services.csv'), SERVICE_COLUMNS),
    scheduling: opts.traceScheduling ? new CsvFile(at('scheduling.csv'), SCHEDULING_COLUMNS) : undefined,
  };
  try {
    const pods = new PodTracker(files.pods);
    store.onCommit((c) => pods.onCommit(c));
    recorder.onEvent((e) => pods.onEvent(e));
    recorder.onEvent((e) => files.events.row([formatSeconds(e.timeUs), e.type, e.reason, e.kind, e.namespace, e.name, e.source, e.host, e.message]));

    // 3. models
    const scheduler = schedulerFor(scenario, engine, api, streams, registry, recorder);
    scheduler.onScheduled = (pod, t) => pods.onScheduled(pod, t);
    if (files.scheduling !== undefined) scheduler.tracer = csvTracer(files.scheduling);
    if (opts.tracer !== undefined) scheduler.tracer = opts.tracer;
    const sampler = new ClusterSampler(engine, scheduler, scenario.metrics.interval, scenario.durationUs, files.cluster, files.nodes);
    store.onCommit((c) => sampler.onCommit(c));
    const workloads = new WorkloadSampler(engine, scenario.metrics.interval, scenario.durationUs, files.workloads);
    store.onCommit((c) => workloads.onCommit(c));
    scheduler.start();
    new ReplicaSetController(engine, api, api.client('replicaset-controller', scenario.clients.controllerManager), recorder).start();
    // The replication manager, when the manifests have ReplicationControllers (its watches would change nothing else).
    if (scenario.objects.some((o) => o.kind === 'ReplicationController')) new ReplicaSetController(engine, api, api.client('replication-controller', scenario.clients.controllerManager), recorder, 'ReplicationController').start();
    new DeploymentController(engine, api, api.client('deployment-controller', scenario.clients.controllerManager), recorder).start();
    new JobController(engine, api, api.client('job-controller', scenario.clients.controllerManager), recorder).start();
    new DisruptionController(engine, api, api.client('disruption-controller', scenario.clients.controllerManager)).start();
    new EndpointSliceController(engine, api, api.client(ENDPOINTSLICE_CONTROLLER, scenario.clients.controllerManager)).start();
    new CronJobController(engine, api, api.client(CRONJOB_CONTROLLER, scenario.clients.controllerManager), recorder).start();
    new StatefulSetController(engine, api, api.client(STATEFULSET_CONTROLLER, scenario.clients.controllerManager), recorder).start();
    new DaemonSetController(engine, api, api.client('daemonset-controller', scenario.clients.controllerManager), recorder).start();
    new GarbageCollector(api, api.client('generic-garbage-collector', scenario.clients.controllerManager)).start();
    new PodGC(engine, api, api.client('pod-garbage-collector', scenario.clients.controllerManager)).start();
    new PersistentVolumeController(engine, api, api.client(PV_CONTROLLER, scenario.clients.controllerManager), recorder).start();
    const leases = new NodeLeases();
    new NodeLifecycleController(engine, api, api.client(NODE_LIFECYCLE_CONTROLLER, scenario.clients.controllerManager), leases, recorder, nodeLifecycleConfig(scenario.kubernetesMinor)).start();
    const usage = new UsageModel(api, streams.seed);
    // Pressure signals the kubelets watch: only what some pod declares can pass its request.
    const signals = { memory: declaresUsage(scenario, MEMORY_USAGE_ANNOTATION), disk: declaresUsage(scenario, EPHEMERAL_STORAGE_USAGE_ANNOTATION) };
    if (signals.disk) usage.indexByNode();
    usage.start();
    sampler.usageSource = (t) => usage.byNode(t);
    const metricsServer = new MetricsServer(engine, usage);
    const hpa = new HorizontalController(engine, api, api.client(HPA_CONTROLLER, scenario.clients.controllerManager), metricsServer, recorder);
    hpa.start();
    const taintEviction = new TaintEvictionController(engine, api, api.client(TAINT_EVICTION_CONTROLLER, scenario.clients.controllerManager), recorder);
    taintEviction.start();

    const user = api.client('kubectl', USER_LIMITS);
    // Pools with `kubelet: false` register their nodes directly (scheduler_perf's fake nodes): bound pods never start.
    let fakeNodes = 0;
    for (const pool of scenario.nodePools) {
      if (pool.kubelet !== false) continue;
      fakeNodes += pool.count;
      for (const node of poolNodes(pool)) user.create(extend(node, { status: extend(node.status, { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', lastTransitionTime: 0 }] }) }));
    }
    // The cluster snapshot's objects (the state at t = 0) and the manifests applied to it.
    const restored = scenario.objects.slice(0, scenario.snapshotObjects);
    const applied = scenario.objects.slice(scenario.snapshotObjects);
    const nodes: Node[] = [...scenario.nodePools.filter((p) => p.kubelet !== false).flatMap(poolNodes), ...applied.filter((o): o is Node => o.kind === 'Node')];
    const poolBandwidth = new Map(scenario.nodePools.map((p) => [p.name, p.imagePullBandwidth]));
    const nextIndex = new Map(scenario.nodePools.map((p) => [p.name, p.count]));
    const fleetClient = api.client('cloud-provider', USER_LIMITS);
    let nodeIndex = 0;
    const fleet: NodeFleet = {
      kubelets: new Map(),
      nextNode: (pool) => {
        const i = nextIndex.get(pool.name)!;
        nextIndex.set(pool.name, i + 1);
        return poolNode(pool, i);
      },
      removeNode: (name) => {
        const k = fleet.kubelets.get(name);
        if (k === undefined) return;
        k.kubelet.fail();
        fleet.kubelets.delete(name);
        fleetClient.delete('Node', name);
      },
      startNode: (given, snapshot) => {
        // Node IPAM (kube-controller-manager --allocate-node-cidrs): a /24 of 10.244.0.0/16 per node, in
        // registration order, unless the Node manifest gives one.
        const node = given.spec.podCIDR !== undefined ? given : extend(given, { spec: extend(given.spec, { podCIDR: `10.${244 + (nodeIndex >> 8)}.${nodeIndex & 255}.0/24` }) });
        nodeIndex++;
        const sizes = new Map((node.status.images ?? []).flatMap((i) => i.names.map((n) => [n, i.sizeBytes] as const)));
        const k = scenario.kubelet;
        const kubelet = new Kubelet(
          engine,
          api,
          api.client(`kubelet/${node.metadata.name}`, scenario.clients.kubelet),
          node,
          streams.stream(`node/${node.metadata.name}/kubelet`),
          { sandboxLatency: k.sandboxLatency, containerStartLatency: k.containerStartLatency, containerStopLatency: k.containerStopLatency },
          {
            serializeImagePulls: k.serializeImagePulls,
            registryPullQPS: k.registryPullQPS,
            registryBurst: k.registryBurst,
            bandwidth: poolBandwidth.get(node.metadata.labels?.[POOL_LABEL] ?? '') ?? k.imagePullBandwidth,
            overhead: k.imagePullOverhead,
            sizeOf: (image) => scenario.images[image] ?? sizes.get(image) ?? k.defaultImageSize,
            failureProbability: (image) => scenario.imagePullFailures[image] ?? 0,
            listed: (image) => scenario.images[image] !== undefined,
            layersOf: (image) => scenario.imageLayers[image],
            imageFsBytes: node.status.capacity['ephemeral-storage'] ?? DEFAULTS.kubelet.imageFsBytes,
          },
          recorder,
          leases,
        );
        fleet.kubelets.set(node.metadata.name, { kubelet, node });
        if (signals.disk) kubelet.images.otherUsageBytes = () => usage.nodeUsageOf(node.metadata.name, EPHEMERAL_STORAGE, engine.now);
        if (snapshot) kubelet.restore(snapshotNodeReady(node));
        else kubelet.start();
      },
    };
    api.restore(() => {
      for (const node of restored) if (node.kind === 'Node') fleet.startNode(node, true);
    });
    for (const node of nodes) fleet.startNode(node);
    // Node-pressure eviction, when some pod's memory or ephemeral-storage use may pass its request (a usage
    // annotation): otherwise pods use their requests, which the scheduler fits in the allocatable.
    const evictionManagers = signals.memory || signals.disk ? new EvictionManagers(engine, usage, () => fleet.kubelets, api.client('kubelet-eviction', USER_LIMITS), signals) : undefined;
    evictionManagers?.start();
    const autoscaled = scenario.nodePools.filter((p) => p.autoscaling !== undefined);
    let autoscaler: ClusterAutoscaler | undefined;
    if (autoscaled.length > 0) {
      const byName = new Map(autoscaled.map((p) => [p.name, p]));
      autoscaler = new ClusterAutoscaler(
        engine,
        api,
        api.client(CLUSTER_AUTOSCALER, scenario.clients.controllerManager),
        scheduler,
        {
          newNode: (group) => fleet.nextNode(byName.get(group)!),
          startNode: (node) => fleet.startNode(node),
          removeNode: (name) => fleet.removeNode(name),
          groupOf: (node) => {
            const pool = node.metadata.labels?.[POOL_LABEL];
            return pool !== undefined && byName.has(pool) ? pool : undefined;
          },
        },
        autoscaled.map((p) => ({ name: p.name, min: p.autoscaling!.min, max: p.autoscaling!.max, template: () => poolNode(p, nextIndex.get(p.name)!) })),
        scenario.clusterAutoscaler,
        streams.stream('cluster-autoscaler'),
        recorder,
      );
      autoscaler.start();
    }
    const scenarioEvents = new ScenarioEvents(engine, api, api.client('kubectl-events', USER_LIMITS), recorder, streams, fleet, scenario.nodePools, usage);

    // 4. manifests and workload generators. PriorityClasses are cluster configuration: they exist before anything
    // else is created, so every pod's admission sees them.
    // LimitRanges and ResourceQuotas are namespace configuration: they exist before anything else too.
    const config = (o: KubeObject) => o.kind === 'PriorityClass' || o.kind === 'LimitRange' || o.kind === 'ResourceQuota' || o.kind === 'StorageClass' || o.kind === 'PersistentVolume' || o.kind === 'IngressClass' || o.kind === 'Ingress';
    for (const o of scenario.objects) if (config(o)) store.create(o, 0);
    pods.restoring = true;
    api.restore(() => restoreSnapshot(api, restored.filter((o) => o.kind !== 'Node' && !config(o)), fleet));
    pods.restoring = false;
    for (const o of applied) if (o.kind !== 'Node' && !config(o)) user.create(o);
    const generators = api.client('workload-generator', USER_LIMITS);
    for (const w of scenario.workloads) {
      if (w.kind === 'Pods') startPodBatch(engine, generators, w);
      else if (w.kind === 'Trace') startTraceReplay(engine, streams, generators, w);
      else startPoissonJobs(engine, streams, generators, w);
    }
    // kube-proxy: one group of simulated proxies per node pool (and one for Node manifests).
    const serviceTable = new ServiceTable(api);
    const kp = scenario.kubeProxy;
    const costs = Object.assign({}, PROXY_COSTS, Object.fromEntries(Object.entries(kp.costs ?? {}).filter(([, v]) => v !== undefined)));
    // Node manifests (and snapshot Nodes) labelled with a pool the scenario does not declare form their own group.
    const manifestNodes = scenario.objects.filter((o): o is Node => o.kind === 'Node');
    const declared = new Set(scenario.nodePools.map((p) => p.name));
    const labelled = [...new Set(manifestNodes.map((n) => n.metadata.labels?.[POOL_LABEL]).filter((p): p is string => p !== undefined && !declared.has(p)))].sort();
    const groupNames = [...scenario.nodePools.map((p) => p.name), ...labelled, ...(manifestNodes.some((n) => n.metadata.labels?.[POOL_LABEL] === undefined) ? ['nodes'] : [])];
    // Nodes per pool, recounted only when the node set or labels changed (the cache's nodesVersion).
    let counted = { version: -1, sizes: new Map<string, number>() };
    const poolSize = (g: string) => () => {
      const log = scheduler.cache.log;
      if (counted.version !== log.nodesVersion) {
        const sizes = new Map<string, number>();
        for (const n of scheduler.cache.nodeList) {
          const pool = n.node.metadata.labels?.[POOL_LABEL] ?? 'nodes';
          sizes.set(pool, (sizes.get(pool) ?? 0) + 1);
        }
        counted = { version: log.nodesVersion, sizes };
      }
      return counted.sizes.get(g) ?? 0;
    };
    const proxyGroups = groupNames.map((g) => {
      const group = new ProxyGroup(
        engine,
        serviceTable,
        g,
        poolSize(g),
        kp.mode,
        costs,
        kp.minSyncPeriod,
        kp.proxiesPerPool,
        (i) => streams.stream(`kube-proxy/${g}/${i}`),
      );
      group.onSync = (r) => files.proxy.row([formatSeconds(r.timeUs), r.group, r.proxy, ratio(r.nodes), r.mode, r.full ? 'full' : 'partial', r.servicePorts, r.endpoints, r.written, formatSeconds(r.durationUs), r.changed, r.maxLatencyUs === undefined ? undefined : formatSeconds(r.maxLatencyUs)]);
      return group;
    });
    const traffic = new TrafficModel(engine, api, scenario.traffic, serviceTable, proxyGroups, kp.mode, costs, scenario.metrics.interval, scenario.durationUs, (cells) => files.services.row(cells));
    traffic.nodeGroup = (name) => (scheduler.cache.node(name)?.node.metadata.labels?.[POOL_LABEL] ?? 'nodes');
    // CoreDNS's and the ingress controllers' CPU follows the traffic they serve (the HPA and node usage see it).
    traffic.servedLoad = (pods, milliCpu) => {
      const perWorkload = new Map<string, number>();
      for (const p of pods) {
        const w = usage.workloadOf(p);
        perWorkload.set(w, (perWorkload.get(w) ?? 0) + 1);
      }
      for (const [w, n] of perWorkload) usage.setServedLoad(w, (milliCpu * n) / pods.length);
    };
    serviceTable.onChange = (key) => {
      proxyGroups.forEach((g) => g.changed(key));
      traffic.invalidate(key);
    };
    serviceTable.start();
    for (const g of proxyGroups) g.start();
    traffic.start();
    const autoscalingSampler = new AutoscalingSampler(engine, api, scenario.metrics.interval, scenario.durationUs, files.autoscaling, usage, () => scheduler.cache.nodeList.length, autoscaler);
    store.onCommit((c) => autoscalingSampler.onCommit(c));
    autoscalingSampler.start();
    scenarioEvents.start(scenario.events);
    sampler.start();
    workloads.start();

    // 5. run in slices
    const slice = Math.max(1, Math.floor(scenario.durationUs / 200));
    let interrupted = false;
    for (let t = 0; t < scenario.durationUs; ) {
      t = Math.min(scenario.durationUs, t + slice);
      engine.run(t);
      opts.onProgress?.(engine.now, engine.eventsProcessed);
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (opts.shouldStop?.()) {
        interrupted = true;
        break;
      }
    }
    if (interrupted) {
      for (const f of Object.values(files)) f?.close();
      if (tmp !== undefined) rmSync(tmp, { recursive: true, force: true });
      return { outDir: opts.outDir, eventsProcessed: engine.eventsProcessed, simulatedUs: engine.now, interrupted, podsCreated: pods.created, podsBound: pods.bound };
    }

    // 6. outputs
    pods.finish();
    const summary = new CsvFile(at('summary.csv'), SUMMARY_COLUMNS);
    summary.row(summaryRow(scenario, fleet.kubelets.size + fakeNodes, pods, sampler, engine.eventsProcessed, scheduler.stats, { evictions: taintEviction.evictions + scenarioEvents.evictions + (evictionManagers?.evictions ?? 0), availability: workloads.availability(scenarioEvents.disruptions, scenarioEvents.rollouts) }, extend(autoscalingSampler.summary(), { hpaRescales: hpa.rescales, caNodesAdded: autoscaler?.stats.nodesAdded ?? 0, caNodesRemoved: autoscaler?.stats.nodesRemoved ?? 0 }), {
      mode: kp.mode,
      services: serviceTable.serviceCount,
      endpoints: serviceTable.totals.endpoints,
      durationsUs: proxyGroups.flatMap((g) => g.durationsUs),
      latenciesUs: proxyGroups.flatMap((g) => g.latenciesUs),
      natRules: serviceTable.totals.natRules,
      virtualServers: serviceTable.totals.virtualServers,
    }, traffic.summary(), { policy: policyName(scenario), trace: traceNames(scenario), ...gpuAllocation(scheduler.cache.nodeList) }));
    summary.close();
    for (const f of Object.values(files)) f?.close();
    const ended = opts.wallClock?.();
    if (tmp === undefined) {
      const outputs: NonNullable<RunResult['outputs']> = { summary: { columns: summary.columns, rows: summary.kept! } };
      for (const [name, f] of Object.entries(files)) if (f !== undefined) outputs[name] = { columns: f.columns, rows: f.kept! };
      return { outDir: undefined, outputs, eventsProcessed: engine.eventsProcessed, simulatedUs: engine.now, interrupted, podsCreated: pods.created, podsBound: pods.bound };
    }
    publish(tmp, opts.outDir!, scenario, {
      simulatedSeconds: scenario.durationUs / 1e6,
      eventsProcessed: engine.eventsProcessed,
    }, started, ended, opts.force === true);
    return { outDir: opts.outDir, eventsProcessed: engine.eventsProcessed, simulatedUs: engine.now, interrupted, podsCreated: pods.created, podsBound: pods.bound };
  } catch (e) {
    for (const f of Object.values(files)) {
      try {
        f?.close();
      } catch {
        // already closed
      }
    }
    if (tmp !== undefined) rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

/**
 * Order of the snapshot's objects in the store: claims before the pods that mount them, pods before their
 * controllers, which therefore find them at their first sync and adopt them through their ownerReferences (no
 * replacements are created), and the owners of controllers (Deployments, CronJobs) after them.
 */
const RESTORE_ORDER: Partial<Record<KubeObject['kind'], number>> = { PersistentVolumeClaim: 0, Pod: 1, ReplicaSet: 2, ReplicationController: 2, StatefulSet: 2, DaemonSet: 2, Job: 2, Deployment: 3, CronJob: 3 };

/**
 * Puts a cluster snapshot's objects (Nodes excepted: their kubelets restore them) into the store at t = 0 as they
 * were, without admission: the pods running on their nodes are taken over by the nodes' kubelets, pending pods wait
 * for the scheduler. Services keep their addresses (allocated as upstream's allocator would when in its range).
 */
function restoreSnapshot(api: ApiServer, objects: readonly KubeObject[], fleet: NodeFleet): void {
  const rank = (o: KubeObject) => RESTORE_ORDER[o.kind] ?? 4;
  const ordered = withKubesimRevisions(objects).map((o, i) => ({ o, i })).sort((a, b) => rank(a.o) - rank(b.o) || a.i - b.i);
  for (const { o } of ordered) {
    const admitted = o.kind === 'Service' ? api.admit(o) : o;
    const r = api.store.create(typeof admitted === 'string' ? o : admitted, 0);
    if (!r.ok || r.object.kind !== 'Pod') continue;
    const pod = r.object;
    if (pod.spec.nodeName !== undefined && pod.status.phase === 'Running') fleet.kubelets.get(pod.spec.nodeName)?.kubelet.resume(pod);
  }
}

/** The ConfigMaps, Secrets and ServiceAccounts among the scenario's inert objects. */
function configObjectsOf(inert: readonly InertObject[]): ConfigObjects {
  const configMaps = new Map<string, Set<string>>();
  const secrets = new Map<string, Set<string>>();
  const accounts = new Set<string>();
  for (const o of inert) {
    if (o.apiVersion !== 'v1') continue;
    const key = `${o.metadata.namespace ?? 'default'}/${o.metadata.name}`;
    if (o.kind === 'ConfigMap') configMaps.set(key, new Set(o.keys));
    else if (o.kind === 'Secret') secrets.set(key, new Set(o.keys));
    else if (o.kind === 'ServiceAccount') accounts.add(key);
  }
  return new ConfigObjects(configMaps, secrets, accounts);
}
