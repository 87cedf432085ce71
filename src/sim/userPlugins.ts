/**
 * Users' scheduler plugins (`spec.scheduler.plugins`): each module's default export is a plugin factory
 * `(args, handle) => plugin`, registered under the scenario's name for it next to the in-tree plugins. A plugin is
 * an object with `name` and the methods of the extension points it implements (see docs/scheduler.md).
 */
import { pathToFileURL } from 'node:url';
import type { Plugin, PluginFactory } from '../models/scheduler/framework/interfaces.js';
import type { Registry } from '../models/scheduler/framework/registry.js';
import { inTreeRegistry } from '../models/scheduler/plugins/registry.js';
import { InputError } from '../workload/errors.js';
import type { Scenario } from '../workload/scenario.js';

/** The in-tree registry plus the scenario's plugins, imported. */
export async function schedulerRegistry(scenario: Scenario): Promise<Registry> {
  const registry = inTreeRegistry();
  for (const p of scenario.scheduler.plugins ?? []) {
    let mod: { default?: unknown };
    try {
      mod = (await import(pathToFileURL(p.module).href)) as { default?: unknown };
    } catch (e) {
      throw new InputError(`${p.module}: cannot load scheduler plugin ${p.name}: ${(e as Error).message}`);
    }
    const factory = mod.default;
    if (typeof factory !== 'function') throw new InputError(`${p.module}: expected a default export: a plugin factory (args, handle) => plugin, found ${typeof factory}`);
    registry.register(p.name, ((args, handle) => {
      const plugin = (factory as PluginFactory)(args, handle) as Plugin | undefined;
      if (plugin === null || typeof plugin !== 'object' || plugin.name !== p.name) {
        throw new InputError(`${p.module}: the factory must return an object whose name is "${p.name}"`);
      }
      return plugin;
    }) satisfies PluginFactory);
  }
  return registry;
}
