/**
 * Manifests as kubectl takes them: every built-in kind of Kubernetes v1.34 loads (the modelled ones take effect, the
 * others are kept inert), `kind: List` and typed lists (`PodList`… as `kubectl get -o yaml|json` writes them),
 * directories with `recursive: true` (kubectl's -R), and kinds that are not built in (custom resources) skipped with
 * one warning per kind, or refused with `strict`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/workload/loadScenario.js';
import { KUBERNETES_API } from '../../src/workload/schema/kubernetesApi.js';

const dir = mkdtempSync(join(tmpdir(), 'kubesim-manifests-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(rel: string, text: string): string {
  const path = join(dir, rel);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}
const scenario = (name: string, manifests: string) => write(`${name}.yaml`, `apiVersion: kubesim.dev/v1\nkind: Scenario\nmetadata: {name: ${name}}\nspec:\n  duration: 1m\n  manifests:\n${manifests}`);

const APP = `apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: web, namespace: shop}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: web-config, namespace: shop}
data: {LOG_LEVEL: info}
---
apiVersion: v1
kind: Secret
metadata: {name: web-secret, namespace: shop}
type: Opaque
stringData: {password: hunter2}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: reader}
rules: [{apiGroups: [""], resources: [pods], verbs: [get, list]}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      serviceAccountName: web
      containers: [{name: web, image: "nginx:1.27", resources: {requests: {cpu: 100m}}}]
`;

describe('manifests as kubectl takes them', () => {
  it('keeps the built-in kinds kubesim does not model as inert objects, namespaced as the API has them', () => {
    write('app/app.yaml', APP);
    const s = loadScenario(scenario('app', '    - app\n'));
    expect(s.objects.map((o) => o.kind)).toEqual(['Deployment']);
    expect(s.inert.map((o) => `${o.kind} ${o.metadata.namespace ?? '-'}/${o.metadata.name}`)).toEqual(['Namespace -/shop', 'ServiceAccount shop/web', 'ConfigMap shop/web-config', 'Secret shop/web-secret', 'ClusterRole -/reader']);
    expect(s.kinds.find((k) => k.kind === 'Deployment')).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', status: 'modelled', count: 1 });
    expect(s.kinds.find((k) => k.kind === 'ConfigMap')?.status).toBe('inert');
    expect(s.warnings).toEqual([]);
  });

  it('knows every built-in kind of the API it follows (generated from its OpenAPI)', () => {
    expect(KUBERNETES_API.version).toBe('v1.34.0');
    const names = new Set(KUBERNETES_API.kinds.map(([v, k]) => `${v}/${k}`));
    for (const k of ['v1/ConfigMap', 'v1/Secret', 'v1/ServiceAccount', 'v1/Namespace', 'v1/ReplicationController', 'rbac.authorization.k8s.io/v1/RoleBinding', 'networking.k8s.io/v1/NetworkPolicy', 'coordination.k8s.io/v1/Lease', 'storage.k8s.io/v1/CSIDriver', 'resource.k8s.io/v1/ResourceClaim']) expect(names.has(k), k).toBe(true);
    // APIs removed before v1.34 are not served.
    expect(names.has('resource.k8s.io/v1alpha2/ResourceClaim')).toBe(false);
    expect(names.has('policy/v1beta1/PodDisruptionBudget')).toBe(false);
  });

  it('takes a kind: List and a typed list whose items carry no apiVersion or kind', () => {
    write('list/all.yaml', `apiVersion: v1\nkind: List\nitems:\n  - {apiVersion: v1, kind: Pod, metadata: {name: a}, spec: {containers: [{name: c, image: "x:1"}]}}\n  - {apiVersion: v1, kind: ConfigMap, metadata: {name: cm}}\n`);
    write('list/pods.json', JSON.stringify({ apiVersion: 'v1', kind: 'PodList', metadata: { resourceVersion: '12' }, items: [{ metadata: { name: 'b', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'x:1' }] }, status: { phase: 'Pending' } }] }));
    const s = loadScenario(scenario('list', '    - list\n'));
    expect(s.objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Pod/a', 'Pod/b']);
    expect(s.inert.map((o) => o.kind)).toEqual(['ConfigMap']);
  });

  it('reads subdirectories only with recursive: true, as kubectl -R', () => {
    write('tree/top.yaml', `{apiVersion: v1, kind: ConfigMap, metadata: {name: top}}\n`);
    write('tree/sub/deeper/inner.yaml', `{apiVersion: v1, kind: ConfigMap, metadata: {name: inner}}\n`);
    write('tree/notes.txt', 'not a manifest');
    expect(loadScenario(scenario('flat', '    - tree\n')).inert.map((o) => o.metadata.name)).toEqual(['top']);
    expect(loadScenario(scenario('deep', '    - {path: tree, recursive: true}\n')).inert.map((o) => o.metadata.name)).toEqual(['inner', 'top']);
  });

  it('skips the objects of a kind that is not built in with one warning per kind, and refuses them with strict', () => {
    write('crd/monitors.yaml', `apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: a}\n---\napiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: b}\n---\napiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: c}\n`);
    const file = scenario('crd', '    - crd\n');
    const s = loadScenario(file);
    expect(s.objects).toEqual([]);
    expect(s.kinds.filter((k) => k.status === 'skipped').map((k) => [k.kind, k.count])).toEqual([['Certificate', 1], ['ServiceMonitor', 2]]);
    expect(s.warnings).toEqual([
      `${file}: skipped 2 objects of kind ServiceMonitor (monitoring.coreos.com/v1): not a built-in Kubernetes kind (a custom resource?); --strict makes this an error`,
      `${file}: skipped 1 object of kind Certificate (cert-manager.io/v1): not a built-in Kubernetes kind (a custom resource?); --strict makes this an error`,
    ]);
    expect(() => loadScenario(file, { strict: true })).toThrow(/monitors\.yaml:2:7: kind: kind ServiceMonitor \(apiVersion monitoring\.coreos\.com\/v1\) is not a built-in Kubernetes v1\.34 kind \(a custom resource\?\); without --strict it is skipped/);
  });

  it('loads a whole kubectl get -A -o yaml List unchanged (the shipped dump): the built-in PriorityClasses it lists are the existing ones', () => {
    const dump = join(__dirname, '../../workloads/imported-cluster/dump.yaml');
    const s = loadScenario(scenario('dump-as-manifests', `    - ${dump}\n`));
    expect(s.objects.filter((o) => o.kind === 'PriorityClass').map((o) => o.metadata.name)).toEqual(['shop-critical']);
    expect(s.objects.filter((o) => o.kind === 'Pod').length).toBe(55);
    expect(s.kinds.find((k) => k.kind === 'PriorityClass')).toEqual({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', status: 'modelled', count: 3 });
    const changed = scenario('system-class-changed', `    - {apiVersion: scheduling.k8s.io/v1, kind: PriorityClass, metadata: {name: system-node-critical}, value: 5}\n`);
    expect(() => loadScenario(changed)).toThrow(/value: PriorityClass "system-node-critical" is a built-in system class with value 2000001000; its value cannot be changed \(found 5\)/);
  });

  it('still names an inert object without a name as an error', () => {
    write('bad/cm.yaml', `apiVersion: v1\nkind: ConfigMap\nmetadata: {labels: {a: b}}\n`);
    expect(() => loadScenario(scenario('bad', '    - bad\n'))).toThrow(/cm\.yaml:3:11: metadata: expected metadata with a name for ConfigMap v1/);
  });
});

describe('namespaces (NamespaceLifecycle)', () => {
  const deployment = (ns: string) => `{apiVersion: apps/v1, kind: Deployment, metadata: {name: web, namespace: ${ns}}, spec: {selector: {matchLabels: {a: b}}, template: {metadata: {labels: {a: b}}, spec: {containers: [{name: c, image: "x:1"}]}}}}`;
  it('refuses an object in a namespace no manifest creates, naming where it is written', () => {
    const file = scenario('ns-missing', `    - ${deployment('shop')}\n`);
    expect(() => loadScenario(file)).toThrow(/ns-missing\.yaml:7:80: spec\.manifests\[0\]\.metadata\.namespace: namespaces "shop" not found: no Namespace manifest creates it \(NamespaceLifecycle refuses the object\); add a v1 Namespace manifest, or set spec\.namespaces: auto/);
  });
  it('takes the namespaces the manifests create, in any order, and the ones every cluster has', () => {
    const file = scenario('ns-ok', `    - ${deployment('shop')}\n    - {apiVersion: v1, kind: Namespace, metadata: {name: shop}}\n    - {apiVersion: v1, kind: ConfigMap, metadata: {name: c, namespace: kube-system}}\n`);
    expect(loadScenario(file).warnings).toEqual([]);
  });
  it('creates the missing ones with namespaces: auto, naming them in one warning', () => {
    const file = write('ns-auto.yaml', `apiVersion: kubesim.dev/v1\nkind: Scenario\nmetadata: {name: ns-auto}\nspec:\n  duration: 1m\n  namespaces: auto\n  manifests:\n    - ${deployment('shop')}\n    - {apiVersion: v1, kind: ConfigMap, metadata: {name: c, namespace: batch}}\n`);
    const s = loadScenario(file);
    expect(s.objects.map((o) => o.metadata.namespace)).toEqual(['shop']);
    expect(s.warnings).toEqual([`${file}: created namespaces batch, shop (spec.namespaces: auto): no Namespace manifest creates them`]);
  });
  it('checks the namespaces of the pods generators create', () => {
    write('gen/pod.yaml', `{apiVersion: v1, kind: Pod, metadata: {name: p, namespace: jobs}, spec: {containers: [{name: c, image: "x:1"}]}}\n`);
    const file = write('gen.yaml', `apiVersion: kubesim.dev/v1\nkind: Scenario\nmetadata: {name: gen}\nspec:\n  duration: 1m\n  workloads:\n    - {kind: Pods, count: 3, template: gen/pod.yaml}\n`);
    expect(() => loadScenario(file)).toThrow(/namespaces "jobs" not found/);
  });
});

describe('strict field validation against the v1.34 API models (kubectl apply --validate=strict)', () => {
  const pod = (spec: string) => `    - {apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [{name: c, image: "x:1"${spec}}]}}\n`;
  const err = (name: string, manifests: string) => {
    try {
      loadScenario(scenario(name, manifests));
      return 'loaded';
    } catch (e) {
      return (e as Error).message.replace(/^.*?\.yaml:/, '');
    }
  };
  it('refuses an unknown field in a part kubesim does not model, with a did-you-mean', () => {
    expect(err('s1', pod(', env: [{name: A, valueFrom: {configMapKeyRef: {nmae: x, key: k}}}]'))).toBe('7:146: spec.manifests[0].spec.containers[0].env[0].valueFrom.configMapKeyRef.nmae: unknown field "nmae" (did you mean "name"?)');
    expect(err('s2', `    - {apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {volumes: [{name: v, emptyDri: {}}], containers: [{name: c, image: "x:1"}]}}\n`)).toMatch(/spec\.volumes\[0\]\.emptyDri: unknown field "emptyDri" \(did you mean "emptyDir"\?\)$/);
  });
  it('refuses a value of the wrong type there', () => {
    expect(err('s3', pod(', securityContext: {runAsUser: root}'))).toMatch(/spec\.containers\[0\]\.securityContext\.runAsUser: expected a number, found "root"$/);
    expect(err('s4', pod(', securityContext: {runAsNonRoot: "yes"}'))).toMatch(/runAsNonRoot: expected true or false, found "yes"$/);
  });
  it('checks the built-in kinds kubesim keeps inert too', () => {
    expect(err('s5', `    - {apiVersion: v1, kind: ConfigMap, metadata: {name: c}, data: {port: 8080}}\n`)).toMatch(/data\.port: expected a string, found 8080 \(quote it\)$/);
    expect(err('s6', `    - {apiVersion: rbac.authorization.k8s.io/v1, kind: Role, metadata: {name: r}, rules: [{apiGroups: [""], resources: [pods], verb: [get]}]}\n`)).toMatch(/rules\[0\]\.verb: unknown field "verb" \(did you mean "verbs"\?\)$/);
  });
  it('takes quantities as numbers or strings, and what kubectl get -o yaml adds (status, managedFields, timestamps)', () => {
    const dump = `    - apiVersion: v1
      kind: Pod
      metadata: {name: p, uid: 0c1d, resourceVersion: "123", creationTimestamp: "2026-01-01T00:00:00Z", managedFields: [{manager: kubectl, operation: Apply, apiVersion: v1, time: "2026-01-01T00:00:00Z", fieldsType: FieldsV1, fieldsV1: {f:spec: {}}}]}
      spec:
        volumes: [{name: tmp, emptyDir: {sizeLimit: 1Gi}}]
        containers: [{name: c, image: "x:1", resources: {requests: {cpu: 1, memory: 1Gi}, limits: {cpu: "2"}}}]
      status: {phase: Running, conditions: [{type: Ready, status: "True"}]}
`;
    expect(err('s7', dump)).toBe('loaded');
  });
});

describe('ReplicationController', () => {
  it('is modelled: the replication manager keeps its replicas, its selector defaulting to the template labels', async () => {
    const { runScenario } = await import('../../src/sim/simulation.js');
    const { readCsv } = await import('../../src/report/readCsv.js');
    const file = write('rc.yaml', `apiVersion: kubesim.dev/v1\nkind: Scenario\nmetadata: {name: rc}\nspec:\n  duration: 1m\n  cluster:\n    nodePools: [{name: n, count: 2, capacity: {cpu: "4", memory: 8Gi, pods: 110}}]\n  manifests:\n    - {apiVersion: v1, kind: ReplicationController, metadata: {name: nginx}, spec: {replicas: 3, template: {metadata: {labels: {app: nginx}}, spec: {containers: [{name: nginx, image: nginx, ports: [{containerPort: 80}]}]}}}}\n`);
    const s = loadScenario(file);
    expect(s.objects[0]).toMatchObject({ kind: 'ReplicationController', spec: { selector: { matchLabels: { app: 'nginx' } }, replicas: 3 } });
    const out = join(dir, 'rc-out');
    await runScenario(s, { outDir: out });
    const pods = readCsv(join(out, 'pods.csv'));
    expect(pods.map((p) => [p.owner_kind, p.owner_name, p.phase])).toEqual([['ReplicationController', 'nginx', 'Running'], ['ReplicationController', 'nginx', 'Running'], ['ReplicationController', 'nginx', 'Running']]);
    expect(readCsv(join(out, 'events.csv')).filter((e) => e.reason === 'SuccessfulCreate').map((e) => e.source)).toEqual(['replication-controller', 'replication-controller', 'replication-controller']);
  });
});
