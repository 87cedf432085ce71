/** Plugin registry: name → factory (pkg/scheduler/framework/runtime/registry.go); a duplicate name is an error. */
import type { PluginFactory } from './interfaces.js';

/** A registry of plugin factories. */
export class Registry {
  private readonly factories = new Map<string, PluginFactory>();

  /** Registers a factory; throws if the name is taken. */
  register(name: string, factory: PluginFactory): void {
    if (this.factories.has(name)) throw new Error(`a plugin named "${name}" already exists`);
    this.factories.set(name, factory);
  }

  /** The factory of `name`, if registered. */
  get(name: string): PluginFactory | undefined {
    return this.factories.get(name);
  }

  /** Registered names, in registration order. */
  names(): string[] {
    return [...this.factories.keys()];
  }
}
