/**
 * DefaultBinder (pkg/scheduler/framework/plugins/defaultbinder/default_binder.go): POSTs a Binding for the pod
 * through the scheduler's API client (so its QPS limit applies), which sets `spec.nodeName`.
 */
import type { BindPlugin, PluginHandle } from '../framework/interfaces.js';
import { Code, status } from '../framework/status.js';

export const DEFAULT_BINDER = 'DefaultBinder';

/** Creates the plugin. */
export function defaultBinder(_args: Record<string, unknown> | undefined, handle: PluginHandle): BindPlugin {
  return {
    name: DEFAULT_BINDER,
    bind(_state, pod, nodeName, done) {
      handle.bindPod(pod.pod, nodeName, (ok, message) => done(ok ? null : status(Code.Error, message ?? 'binding failed')));
      return null;
    },
  };
}
