/**
 * A scheduling profile: the plugins of each extension point, in order, with score weights
 * (pkg/scheduler/framework/runtime/framework.go). The default profile reproduces upstream's MultiPoint default set
 * (pkg/scheduler/apis/config/v1/default_plugins.go) for the plugins kubesim implements, with the same weights.
 */
import type {
  BindPlugin,
  FilterPlugin,
  Plugin,
  PluginHandle,
  PostBindPlugin,
  PostFilterPlugin,
  PreBindPlugin,
  PreEnqueuePlugin,
  PreFilterPlugin,
  PreScorePlugin,
  QueueSortPlugin,
  ReservePlugin,
  NodeWalkPlugin,
  PermitPlugin,
  ScorePlugin,
} from './interfaces.js';
import type { Registry } from './registry.js';
import { extend } from '../../../cluster/extend.js';

/** One enabled plugin with its score weight. `score: false` disables it at the Score point only (upstream's `score.disabled`). */
export interface PluginConfig {
  name: string;
  weight?: number;
  args?: Record<string, unknown>;
  score?: boolean;
  /** Extension points the plugin is disabled at (KubeSchedulerConfiguration `<point>.disabled`). */
  disabledPoints?: readonly ExtensionPoint[];
  /** When set, the only extension points it is enabled at (enabled at single points, not multiPoint). */
  onlyPoints?: readonly ExtensionPoint[];
}

/** Extension point names as KubeSchedulerConfiguration spells them. */
export const EXTENSION_POINTS = ['preEnqueue', 'queueSort', 'preFilter', 'filter', 'postFilter', 'preScore', 'score', 'reserve', 'permit', 'preBind', 'bind', 'postBind'] as const;
export type ExtensionPoint = (typeof EXTENSION_POINTS)[number];

/** Whether a configured plugin is enabled at a point. */
function at(cfg: PluginConfig, point: ExtensionPoint): boolean {
  if (point === 'score' && cfg.score === false) return false;
  if (point === 'preScore' && cfg.score === false) return false;
  if (cfg.onlyPoints !== undefined && !cfg.onlyPoints.includes(point)) return false;
  return !(cfg.disabledPoints ?? []).includes(point);
}

/** Upstream's default MultiPoint plugins and weights, restricted to those kubesim implements so far, plus GpuShare. */
export const DEFAULT_PLUGINS: PluginConfig[] = [
  { name: 'SchedulingGates' },
  { name: 'PrioritySort' },
  { name: 'NodeUnschedulable' },
  { name: 'NodeName' },
  { name: 'TaintToleration', weight: 3 },
  { name: 'NodeAffinity', weight: 2 },
  { name: 'NodePorts' },
  { name: 'NodeResourcesFit', weight: 1 },
  // Not upstream's: kubesim's per-GPU check for GPU-sharing pods (plugins/gpu/gpuShare.ts), what a cluster sharing
  // GPUs adds to its scheduler; it passes every pod that asks for no GPU.
  { name: 'VolumeRestrictions' },
  { name: 'NodeVolumeLimits' },
  { name: 'VolumeBinding' },
  { name: 'VolumeZone' },
  { name: 'GpuShare' },
  // Not upstream's either: a per-node cap on an application's pods some traces carry (plugins/maxPerNode.ts).
  { name: 'MaxPerNode' },
  { name: 'PodTopologySpread', weight: 2 },
  { name: 'InterPodAffinity', weight: 2 },
  { name: 'DefaultPreemption' },
  { name: 'NodeResourcesBalancedAllocation', weight: 1 },
  { name: 'ImageLocality', weight: 1 },
  { name: 'DefaultBinder' },
];

/** The default plugins with Score disabled for every scoring plugin (filters, queue sort and binder stay). */
const FILTERS_ONLY: PluginConfig[] = DEFAULT_PLUGINS.map((p) => (p.weight !== undefined ? extend(p, { score: false }) : p));

/**
 * Named scheduling policies a scenario selects with `scheduler.profile` (all with upstream's filters):
 * - `default`: upstream's default scoring;
 * - `most-allocated`: bin-packing, NodeResourcesFit with the MostAllocated strategy (as upstream documents);
 * - `requested-to-capacity-ratio`: bin-packing through a utilisation shape (0 % → 0, 100 % → 10);
 * - `balanced-allocation`: NodeResourcesFit scoring disabled, leaving BalancedAllocation (and the other default
 *   scores) to rank nodes;
 * - `random`, `first-fit`, `round-robin`, `dot-product`: the policies of policies.ts alone (no upstream scoring);
 * - `gpu-random`, `gpu-dotprod`, `gpu-clustering`, `gpu-packing`, `gpu-bestfit`, `fgd`: the GPU-sharing policies of
 *   the FGD paper (plugins/gpu/).
 */
export const PROFILE_PRESETS: Record<string, PluginConfig[]> = {
  default: DEFAULT_PLUGINS,
  'most-allocated': DEFAULT_PLUGINS.map((p) => (p.name === 'NodeResourcesFit' ? extend(p, { args: { scoringStrategy: { type: 'MostAllocated' } } }) : p)),
  'requested-to-capacity-ratio': DEFAULT_PLUGINS.map((p) =>
    p.name === 'NodeResourcesFit'
      ? extend(p, { args: { scoringStrategy: { type: 'RequestedToCapacityRatio', requestedToCapacityRatio: { shape: [{ utilization: 0, score: 0 }, { utilization: 100, score: 10 }] } } } })
      : p,
  ),
  'balanced-allocation': DEFAULT_PLUGINS.map((p) => (p.name === 'NodeResourcesFit' ? extend(p, { score: false }) : p)),
  random: [...FILTERS_ONLY, { name: 'Random', weight: 1 }],
  'first-fit': [...FILTERS_ONLY, { name: 'FirstFit' }],
  'round-robin': [...FILTERS_ONLY, { name: 'RoundRobin' }],
  'dot-product': [...FILTERS_ONLY, { name: 'DotProduct', weight: 1 }],
  // The FGD paper's policies: the default filters, one score plugin (weight 1000 as in its artefact).
  'gpu-random': [...FILTERS_ONLY, { name: 'Random', weight: 1000 }],
  'gpu-dotprod': [...FILTERS_ONLY, { name: 'DotProd', weight: 1000 }],
  'gpu-clustering': [...FILTERS_ONLY, { name: 'GpuClustering', weight: 1000 }],
  'gpu-packing': [...FILTERS_ONLY, { name: 'GpuPacking', weight: 1000 }],
  'gpu-bestfit': [...FILTERS_ONLY, { name: 'BestFit', weight: 1000 }],
  fgd: [...FILTERS_ONLY, { name: 'FGD', weight: 1000 }],
};

/** Upstream's default scheduler name. */
export const DEFAULT_PROFILE_NAME = 'default-scheduler';

/** A built profile. */
export class Profile {
  readonly preEnqueue: PreEnqueuePlugin[] = [];
  readonly queueSort: QueueSortPlugin;
  readonly preFilter: PreFilterPlugin[] = [];
  readonly filter: FilterPlugin[] = [];
  readonly postFilter: PostFilterPlugin[] = [];
  readonly preScore: PreScorePlugin[] = [];
  readonly score: ScorePlugin[] = [];
  readonly scoreWeights: number[] = [];
  readonly reserve: ReservePlugin[] = [];
  readonly permit: PermitPlugin[] = [];
  readonly preBind: PreBindPlugin[] = [];
  readonly bind: BindPlugin[] = [];
  readonly postBind: PostBindPlugin[] = [];
  nodeWalk: NodeWalkPlugin | undefined;

  constructor(
    readonly schedulerName: string,
    plugins: readonly PluginConfig[],
    registry: Registry,
    handle: PluginHandle,
  ) {
    let queueSort: QueueSortPlugin | undefined;
    for (const cfg of plugins) {
      const factory = registry.get(cfg.name);
      if (factory === undefined) throw new Error(`profile ${schedulerName}: plugin "${cfg.name}" is not registered`);
      const p = factory(cfg.args, handle) as Plugin & Record<string, unknown>;
      if ('preEnqueue' in p && at(cfg, 'preEnqueue')) this.preEnqueue.push(p as unknown as PreEnqueuePlugin);
      if ('less' in p && at(cfg, 'queueSort')) {
        if (queueSort !== undefined) throw new Error(`profile ${schedulerName}: only one QueueSort plugin may be enabled`);
        queueSort = p as unknown as QueueSortPlugin;
      }
      if ('preFilter' in p && at(cfg, 'preFilter')) this.preFilter.push(p as unknown as PreFilterPlugin);
      if ('filter' in p && at(cfg, 'filter')) this.filter.push(p as unknown as FilterPlugin);
      if ('postFilter' in p && at(cfg, 'postFilter')) this.postFilter.push(p as unknown as PostFilterPlugin);
      if ('preScore' in p && at(cfg, 'preScore')) this.preScore.push(p as unknown as PreScorePlugin);
      if ('score' in p && at(cfg, 'score')) {
        this.score.push(p as unknown as ScorePlugin);
        this.scoreWeights.push(cfg.weight ?? 1);
      }
      if ('reserve' in p && at(cfg, 'reserve')) this.reserve.push(p as unknown as ReservePlugin);
      if ('permit' in p && at(cfg, 'permit')) this.permit.push(p as unknown as PermitPlugin);
      if ('preBind' in p && at(cfg, 'preBind')) this.preBind.push(p as unknown as PreBindPlugin);
      if ('bind' in p && at(cfg, 'bind')) this.bind.push(p as unknown as BindPlugin);
      if ('postBind' in p && at(cfg, 'postBind')) this.postBind.push(p as unknown as PostBindPlugin);
      if ('walk' in p) {
        if (this.nodeWalk !== undefined) throw new Error(`profile ${schedulerName}: only one NodeWalk plugin (FirstFit, RoundRobin) may be enabled`);
        this.nodeWalk = p as unknown as NodeWalkPlugin;
      }
    }
    if (queueSort === undefined) throw new Error(`profile ${schedulerName}: a QueueSort plugin is required`);
    if (this.bind.length === 0) throw new Error(`profile ${schedulerName}: a Bind plugin is required`);
    this.queueSort = queueSort;
  }
}
