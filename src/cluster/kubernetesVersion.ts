/**
 * The Kubernetes minor kubesim follows, and the older minors a scenario may select with `spec.kubernetesVersion`
 * for the behaviours that changed in the last three minors (docs/scheduler.md, "Kubernetes version"): kubesim's
 * scheduler, kubelet, controllers and kube-proxy follow upstream v1.34's source; a scenario naming v1.31–v1.33 gets
 * that minor's behaviour where kubesim can select it (each such place names the change and its minor).
 */

/** The followed minor. */
export const KUBERNETES_MINOR = 34;
/** `v1.<minor>`. */
export const KUBERNETES_VERSION = `v1.${KUBERNETES_MINOR}`;
/** The oldest minor `spec.kubernetesVersion` selects: the one before the oldest of the last three minors' changes. */
export const OLDEST_SELECTABLE_MINOR = KUBERNETES_MINOR - 3;

/** The minor of a version text (`v1.33`, `1.33`, `v1.33.2`), or undefined when it is not one kubesim can select. */
export function selectableMinor(text: string): number | undefined {
  const m = /^v?1\.(0|[1-9][0-9]?)(\.(0|[1-9][0-9]{0,2}))?$/.exec(text);
  if (m === null) return undefined;
  const minor = Number(m[1]);
  return minor >= OLDEST_SELECTABLE_MINOR && minor <= KUBERNETES_MINOR ? minor : undefined;
}

/** `v1.<minor>` of a selected minor. */
export function versionName(minor: number): string {
  return `v1.${minor}`;
}

/** Since which minor each selectable behaviour holds (the older one before it). */
export const SINCE = {
  /** kube-controller-manager `--node-monitor-grace-period` default 40 s → 50 s (kubernetes#126287; reference/k8s-defaults.md §3). */
  nodeMonitorGracePeriod50s: 32,
  /** NodeResourcesBalancedAllocation PreScore Skip for best-effort pods (kubernetes#129138). */
  balancedAllocationSkipsBestEffort: 33,
  /** NodePorts counts the host ports of sidecar containers (pkg/scheduler/util/utils.go `GetHostPorts`); app containers' only before. */
  sidecarHostPorts: 34,
} as const;
