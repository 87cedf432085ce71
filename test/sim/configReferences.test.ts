/**
 * References to ConfigMaps, Secrets and ServiceAccounts resolve as in a cluster: a missing env source leaves the
 * container in CreateContainerConfigError, a missing volume source leaves the pod ContainerCreating with FailedMount
 * events, a missing ServiceAccount is refused by admission (the ReplicaSet's FailedCreate events); present (or
 * optional) ones let the pods run.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/workload/loadScenario.js';
import { runScenario } from '../../src/sim/simulation.js';
import { readCsv } from '../../src/report/readCsv.js';

const dir = mkdtempSync(join(tmpdir(), 'kubesim-refs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(name: string, podSpec: string, extra = '') {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `apiVersion: kubesim.dev/v1
kind: Scenario
metadata: {name: ${name}}
spec:
  duration: 5m
  cluster:
    nodePools: [{name: n, count: 1, capacity: {cpu: "4", memory: 8Gi, pods: 110}, images: [{name: "app:1", size: 10Mi}]}]
  manifests:
    - {apiVersion: v1, kind: Namespace, metadata: {name: shop}}
${extra}    - apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web, namespace: shop}
      spec:
        replicas: 1
        selector: {matchLabels: {app: web}}
        template:
          metadata: {labels: {app: web}}
          spec:
${podSpec}
`,
  );
  const out = join(dir, name);
  await runScenario(loadScenario(file), { outDir: out });
  return { pods: readCsv(join(out, 'pods.csv')), events: readCsv(join(out, 'events.csv')) };
}

const container = (extra: string) => `            containers:\n              - name: web\n                image: "app:1"\n${extra}`;
const ENV = container('                env: [{name: LEVEL, valueFrom: {configMapKeyRef: {name: web-config, key: LEVEL}}}]\n');
const CM = (data: string) => `    - {apiVersion: v1, kind: ConfigMap, metadata: {name: web-config, namespace: shop}, data: {${data}}}\n`;

describe('references to ConfigMaps, Secrets and ServiceAccounts', () => {
  it('a missing ConfigMap in env: the container waits in CreateContainerConfigError, with the kubelet\'s event', async () => {
    const { pods, events } = await run('env-missing', ENV);
    expect(pods[0]).toMatchObject({ phase: 'Pending', running_s: '' });
    expect(events.find((e) => e.reason === 'Failed')?.message).toBe('Error: configmap "web-config" not found');
  });

  it('the ConfigMap present (or the reference optional) lets the pod run; a missing key does not', async () => {
    expect((await run('env-ok', ENV, CM('LEVEL: info'))).pods[0]!.phase).toBe('Running');
    expect((await run('env-optional', container('                env: [{name: L, valueFrom: {configMapKeyRef: {name: nope, key: L, optional: true}}}]\n'))).pods[0]!.phase).toBe('Running');
    const { pods, events } = await run('env-key', ENV, CM('OTHER: x'));
    expect(pods[0]!.phase).toBe('Pending');
    expect(events.find((e) => e.reason === 'Failed')?.message).toBe("Error: couldn't find key LEVEL in ConfigMap shop/web-config");
  });

  it('a missing Secret behind envFrom waits the same way', async () => {
    const { pods, events } = await run('envfrom', container('                envFrom: [{secretRef: {name: creds}}]\n'));
    expect(pods[0]!.phase).toBe('Pending');
    expect(events.find((e) => e.reason === 'Failed')?.message).toBe('Error: secret "creds" not found');
  });

  it('a missing Secret volume: FailedMount at once, then the 2-minute timeout message, and no sandbox', async () => {
    const { pods, events } = await run('volume', `            volumes: [{name: certs, secret: {secretName: tls}}]\n${container('')}`);
    expect(pods[0]).toMatchObject({ phase: 'Pending', running_s: '' });
    const mounts = events.filter((e) => e.reason === 'FailedMount').map((e) => e.message);
    expect(mounts[0]).toBe('MountVolume.SetUp failed for volume "certs" : secret "tls" not found');
    expect(mounts.slice(1)).toContain('Unable to attach or mount volumes: unmounted volumes=[certs]: timed out waiting for the condition');
    expect(mounts.length).toBeGreaterThanOrEqual(3); // once, then every 2 min of the 5 min run
  });

  it('a ServiceAccount that does not exist: admission refuses the pods (FailedCreate); the default one always exists', async () => {
    const { pods, events } = await run('sa-missing', `            serviceAccountName: web\n${container('')}`);
    expect(pods).toHaveLength(0);
    expect(events.find((e) => e.reason === 'FailedCreate')?.message).toMatch(/^Error creating: Pod "shop\/web-[a-z0-9]+-" is forbidden: error looking up service account shop\/web: serviceaccount "web" not found$/);
    expect((await run('sa-ok', `            serviceAccountName: web\n${container('')}`, '    - {apiVersion: v1, kind: ServiceAccount, metadata: {name: web, namespace: shop}}\n')).pods[0]!.phase).toBe('Running');
    expect((await run('sa-default', `            serviceAccountName: default\n${container('')}`)).pods[0]!.phase).toBe('Running');
  });
});
