/**
 * The ConfigMaps, Secrets and ServiceAccounts of the cluster (from the scenario's manifests, fixed for the run), and
 * what pods need of them:
 * - the ServiceAccount admission plugin (plugin/pkg/admission/serviceaccount) refuses a pod naming a ServiceAccount
 *   that does not exist ("error looking up service account shop/web: serviceaccount \"web\" not found"); the
 *   `default` ServiceAccount exists in every namespace (the serviceaccount controller creates it);
 * - the kubelet cannot create a container whose env or envFrom names a missing ConfigMap or Secret (or key), unless
 *   the reference is optional (pkg/kubelet/kubelet_pods.go `makeEnvironmentVariables`: CreateContainerConfigError);
 * - a configMap, secret or projected volume of a missing object (not optional) cannot be mounted
 *   (pkg/volume/configmap, pkg/volume/secret: "MountVolume.SetUp failed … configmap \"x\" not found").
 */
import type { Container, Pod } from '../../cluster/types.js';

/** One ConfigMap or Secret: its data keys. */
export type ConfigData = ReadonlySet<string>;

type Ref = { name?: unknown; key?: unknown; optional?: unknown } | undefined;

export class ConfigObjects {
  constructor(
    /** `namespace/name` → data keys. */
    readonly configMaps: ReadonlyMap<string, ConfigData> = new Map(),
    readonly secrets: ReadonlyMap<string, ConfigData> = new Map(),
    /** `namespace/name` of the ServiceAccounts besides each namespace's `default`. */
    readonly serviceAccounts: ReadonlySet<string> = new Set(),
  ) {}

  /** The ServiceAccount admission's refusal, or undefined. */
  serviceAccountProblem(pod: Pod): string | undefined {
    const spec = pod.spec as { serviceAccountName?: unknown; serviceAccount?: unknown };
    const name = typeof spec.serviceAccountName === 'string' && spec.serviceAccountName !== '' ? spec.serviceAccountName : typeof spec.serviceAccount === 'string' && spec.serviceAccount !== '' ? spec.serviceAccount : 'default';
    const ns = pod.metadata.namespace ?? 'default';
    if (name === 'default' || this.serviceAccounts.has(`${ns}/${name}`)) return undefined;
    return `error looking up service account ${ns}/${name}: serviceaccount "${name}" not found`;
  }

  /** Why the kubelet cannot make the container's environment (the `Error: …` of its Failed event), or undefined. */
  envProblem(pod: Pod, c: Container): string | undefined {
    const ns = pod.metadata.namespace ?? 'default';
    const x = c as { env?: { valueFrom?: { configMapKeyRef?: Ref; secretKeyRef?: Ref } }[]; envFrom?: { configMapRef?: Ref; secretRef?: Ref }[] };
    for (const from of x.envFrom ?? []) {
      const p = this.missing(ns, 'configmap', from.configMapRef, undefined) ?? this.missing(ns, 'secret', from.secretRef, undefined);
      if (p !== undefined) return p;
    }
    for (const e of x.env ?? []) {
      const p = this.missing(ns, 'configmap', e.valueFrom?.configMapKeyRef, 'key') ?? this.missing(ns, 'secret', e.valueFrom?.secretKeyRef, 'key');
      if (p !== undefined) return p;
    }
    return undefined;
  }

  /** The pod's configMap, secret and projected volumes whose object is missing: [volume, message] pairs. */
  volumeProblems(pod: Pod): [string, string][] {
    const ns = pod.metadata.namespace ?? 'default';
    const out: [string, string][] = [];
    for (const v of pod.spec.volumes ?? []) {
      const cm = v.configMap as Ref;
      const sec = v.secret as { secretName?: unknown; optional?: unknown } | undefined;
      const sources = (v.projected as { sources?: { configMap?: Ref; secret?: Ref }[] } | undefined)?.sources ?? [];
      const p =
        this.missing(ns, 'configmap', cm, undefined) ??
        this.missing(ns, 'secret', sec === undefined ? undefined : { name: sec.secretName, optional: sec.optional }, undefined) ??
        sources.map((s) => this.missing(ns, 'configmap', s.configMap, undefined) ?? this.missing(ns, 'secret', s.secret, undefined)).find((m) => m !== undefined);
      if (p !== undefined) out.push([v.name, p]);
    }
    return out;
  }

  private missing(ns: string, what: 'configmap' | 'secret', ref: Ref, keyField: 'key' | undefined): string | undefined {
    if (ref === undefined || typeof ref.name !== 'string' || ref.optional === true) return undefined;
    const data = (what === 'configmap' ? this.configMaps : this.secrets).get(`${ns}/${ref.name}`);
    if (data === undefined) return `${what} "${ref.name}" not found`;
    if (keyField !== undefined && typeof ref.key === 'string' && !data.has(ref.key)) return `couldn't find key ${ref.key} in ${what === 'configmap' ? 'ConfigMap' : 'Secret'} ${ns}/${ref.name}`;
    return undefined;
  }
}
