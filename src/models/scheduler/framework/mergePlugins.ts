/**
 * Builds a profile's plugin list from a KubeSchedulerConfiguration profile the way upstream defaults and expands it
 * (pkg/scheduler/apis/config/v1/default_plugins.go `mergePlugins`, runtime/framework.go `expandMultiPointPlugins`):
 * - start from the default MultiPoint plugins and weights;
 * - `multiPoint.disabled` removes defaults (`"*"`: all of them); `multiPoint.enabled` adds plugins at every point
 *   they implement, or changes the weight of a default one;
 * - `<point>.disabled` turns a plugin off at that point (`"*"`: every default plugin there); `<point>.enabled`
 *   turns it back on, or adds a plugin at that point only (with `weight` for `score`);
 * - `pluginConfig` gives args by plugin name.
 */
import { DEFAULT_PLUGINS, EXTENSION_POINTS, type ExtensionPoint, type PluginConfig } from './profile.js';
import { extend } from '../../../cluster/extend.js';

interface PluginRef {
  name: string;
  weight?: number;
}
type PluginSet = { enabled?: PluginRef[]; disabled?: PluginRef[] };

/** A configured profile: plugins per point, pluginConfig. */
export interface ProfileInput {
  plugins?: Partial<Record<'multiPoint' | ExtensionPoint, PluginSet>>;
  pluginConfig?: { name: string; args?: Record<string, unknown> }[];
}

/** The merged plugin list. */
export function mergePlugins(profile: ProfileInput, defaults: readonly PluginConfig[] = DEFAULT_PLUGINS): PluginConfig[] {
  type Mutable = { -readonly [K in keyof PluginConfig]: PluginConfig[K] } & { disabledPoints: ExtensionPoint[]; onlyPoints?: ExtensionPoint[] };
  let list: Mutable[] = defaults.map((p) => extend(p, { disabledPoints: [...(p.disabledPoints ?? [])], onlyPoints: p.onlyPoints === undefined ? undefined : [...p.onlyPoints] }));
  const mp = profile.plugins?.multiPoint;
  const disabled = new Set((mp?.disabled ?? []).map((p) => p.name));
  if (disabled.has('*')) list = [];
  else list = list.filter((p) => !disabled.has(p.name));
  for (const e of mp?.enabled ?? []) {
    const existing = list.find((p) => p.name === e.name);
    if (existing !== undefined) {
      if (e.weight !== undefined && e.weight > 0) existing.weight = e.weight;
      existing.onlyPoints = undefined;
    } else list.push({ name: e.name, ...(e.weight ? { weight: e.weight } : {}), disabledPoints: [] });
  }
  for (const point of EXTENSION_POINTS) {
    const set = profile.plugins?.[point];
    if (set === undefined) continue;
    const off = new Set((set.disabled ?? []).map((p) => p.name));
    for (const p of list) if (off.has('*') || off.has(p.name)) p.disabledPoints.push(point);
    for (const e of set.enabled ?? []) {
      const existing = list.find((p) => p.name === e.name);
      if (existing !== undefined) {
        existing.disabledPoints = existing.disabledPoints.filter((x) => x !== point);
        if (existing.onlyPoints !== undefined && !existing.onlyPoints.includes(point)) existing.onlyPoints.push(point);
        if (point === 'score' && e.weight !== undefined && e.weight > 0) existing.weight = e.weight;
        if (point === 'score') existing.score = undefined;
      } else {
        list.push({ name: e.name, ...(point === 'score' && e.weight ? { weight: e.weight } : {}), disabledPoints: [], onlyPoints: [point] });
      }
    }
  }
  const args = new Map((profile.pluginConfig ?? []).map((c) => [c.name, c.args]));
  return list.map((p) => {
    const a = args.get(p.name);
    const { disabledPoints, onlyPoints, ...rest } = p;
    return Object.assign({}, rest, a !== undefined ? { args: Object.assign({}, (p.args ?? {}), a) } : {}, disabledPoints.length > 0 ? { disabledPoints } : {}, onlyPoints !== undefined ? { onlyPoints } : {});
  });
}
