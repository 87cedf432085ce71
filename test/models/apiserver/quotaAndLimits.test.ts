/**
 * LimitRanger and ResourceQuota admission (plugin/pkg/admission/limitranger, plugin/pkg/admission/resourcequota):
 * LimitRange defaulting (SetDefaults_LimitRangeItem, then the admission's mutation), min/max/ratio violations, quota
 * usage of non-terminal pods, "exceeded quota" and "must specify" rejections, and a ReplicaSet whose creations a quota
 * refuses (FailedCreate events).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { Engine } from '../../../src/engine/engine.js';
import { constant } from '../../../src/engine/distribution.js';
import { RngStreams } from '../../../src/engine/rng.js';
import { ObjectStore } from '../../../src/cluster/store.js';
import type { LimitRange, Pod, ResourceQuota } from '../../../src/cluster/types.js';
import { ApiServer } from '../../../src/models/apiserver/apiServer.js';
import { admitLimitRanges } from '../../../src/models/apiserver/limitRanger.js';
import { podQuotaUsage } from '../../../src/models/apiserver/resourceQuota.js';
import { loadScenario } from '../../../src/workload/loadScenario.js';
import { runScenario } from '../../../src/sim/simulation.js';
import { makePod } from '../../helpers/objects.js';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const dir = mkdtempSync(join(tmpdir(), 'kubesim-quota-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function world() {
  const engine = new Engine();
  const rng = new RngStreams(1);
  const store = new ObjectStore(rng.stream('apiserver.names'));
  const api = new ApiServer(engine, store, { writeLatency: constant(1000), watchLatency: constant(1000) }, rng.stream('apiserver.latency'));
  return { engine, store, api, client: api.client('user', { qps: 1e9, burst: 1e9 }) };
}

const limitRange = (items: LimitRange['spec']['limits']): LimitRange => ({ apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'lr', namespace: 'default' }, spec: { limits: items } });
const quota = (hard: Record<string, number>): ResourceQuota => ({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'compute', namespace: 'default' }, spec: { hard }, status: { hard, used: {} } });

describe('LimitRange', () => {
  it('SetDefaults_LimitRangeItem: default limit ← max, default request ← default limit ← min', () => {
    const file = join(dir, 'lr.yaml');
    writeFileSync(file, `apiVersion: kubesim.dev/v1\nkind: Scenario\nmetadata: {name: lr}\nspec:\n  duration: 1m\n  manifests:\n    - {apiVersion: v1, kind: LimitRange, metadata: {name: lr}, spec: {limits: [{type: Container, max: {cpu: "2", memory: 2Gi}, default: {memory: 1Gi}, min: {ephemeral-storage: 1Gi}}]}}\n`);
    const lr = loadScenario(file).objects[0] as LimitRange;
    expect(lr.spec.limits[0]).toMatchObject({ default: { cpu: 2000, memory: GiB }, defaultRequest: { cpu: 2000, memory: GiB, 'ephemeral-storage': GiB } });
  });

  it('fills a container\'s missing requests and limits from the Container item', () => {
    const admitted = admitLimitRanges(makePod('p', { cpu: 100 }), [limitRange([{ type: 'Container', default: { cpu: 500, memory: 512 * MiB }, defaultRequest: { cpu: 250, memory: 256 * MiB } }])]) as Pod;
    expect(admitted.spec.containers[0]!.resources).toEqual({ requests: { cpu: 100, memory: 256 * MiB }, limits: { cpu: 500, memory: 512 * MiB } });
  });

  it('a Pod item bounds the pod\'s requests with its sidecars and init peaks, as admission.go podRequests does', () => {
    const lr = [limitRange([{ type: 'Pod', max: { cpu: 1000 } }])];
    const pod = makePod('p', {}, { initContainers: [{ name: 'log', image: 'fluent-bit:3', restartPolicy: 'Always', resources: { limits: { cpu: 600 } } }] });
    pod.spec.containers[0]!.resources = { limits: { cpu: 600 } };
    expect(admitLimitRanges(pod, lr)).toBe('[maximum cpu usage per Pod is 1, but limit is 1200m]');
  });

  it('forbids requests under min, limits over max and ratios over maxLimitRequestRatio, with upstream\'s messages', () => {
    const lr = [limitRange([{ type: 'Container', min: { cpu: 100 }, max: { memory: GiB }, maxLimitRequestRatio: { cpu: 2000 } }])];
    expect(admitLimitRanges(makePod('p', { cpu: 50, memory: MiB }), lr)).toBe('[minimum cpu usage per Container is 100m, but request is 50m, maximum memory usage per Container is 1Gi.  No limit is specified, cpu max limit to request ratio per Container is 2, but no limit is specified]');
    const pod = makePod('q', {});
    pod.spec.containers[0]!.resources = { requests: { cpu: 200, memory: MiB }, limits: { cpu: 1000, memory: 2 * GiB } };
    expect(admitLimitRanges(pod, lr)).toBe('[maximum memory usage per Container is 1Gi, but limit is 2Gi, cpu max limit to request ratio per Container is 2, but provided ratio is 5.000000]');
  });
});

describe('ResourceQuota', () => {
  it('counts non-terminal pods and refuses the pod that would exceed the quota', () => {
    const w = world();
    w.store.create(quota({ pods: 3, 'requests.cpu': 1000 }), 0);
    const results: string[] = [];
    for (const [name, cpu] of [['a', 400], ['b', 400], ['c', 400]] as const) w.client.create(makePod(name, { cpu }), (r) => results.push(r.ok ? 'ok' : r.message));
    w.engine.run(1_000_000);
    expect(results).toEqual(['ok', 'ok', 'Pod "default/c" is forbidden: exceeded quota: compute, requested: requests.cpu=400m, used: requests.cpu=800m, limited: requests.cpu=1']);
    // A finished pod frees its share.
    w.client.update('Pod', 'default/a', (p) => ({ ...p, status: { ...p.status, phase: 'Succeeded' } }));
    w.engine.run(2_000_000);
    expect(w.api.quotas.usage('default')).toMatchObject({ pods: 1, 'requests.cpu': 400 });
    let ok = false;
    w.client.create(makePod('d', { cpu: 400 }), (r) => (ok = r.ok));
    w.engine.run(3_000_000);
    expect(ok).toBe(true);
  });

  it('a quota over cpu or memory needs every container to state it', () => {
    const w = world();
    w.store.create(quota({ 'limits.memory': 4 * GiB }), 0);
    let message = '';
    w.client.create(makePod('p', { cpu: 100 }), (r) => (message = r.ok ? 'ok' : r.message));
    w.engine.run(1_000_000);
    expect(message).toBe('Pod "default/p" is forbidden: failed quota: compute: must specify limits.memory for: c');
  });

  it('a quota over cpu names every container lacking it, init containers and sidecars included (pods.go Constraints)', () => {
    const w = world();
    w.store.create(quota({ 'requests.cpu': 10_000, 'limits.memory': 4 * GiB }), 0);
    const pod = makePod('p', { cpu: 100 }, { initContainers: [{ name: 'setup', image: 'busybox:1.36', resources: { limits: { memory: MiB } } }, { name: 'log', image: 'fluent-bit:3', restartPolicy: 'Always' }] });
    let message = '';
    w.client.create(pod, (r) => (message = r.ok ? 'ok' : r.message));
    w.engine.run(1_000_000);
    expect(message).toBe('Pod "default/p" is forbidden: failed quota: compute: must specify limits.memory for: c,log; requests.cpu for: log,setup');
  });

  it('a sidecar counts in the quota usage: requests and limits as PodRequests and PodLimits sum them', () => {
    const pod = makePod('p', {}, {
      initContainers: [
        { name: 'log', image: 'fluent-bit:3', restartPolicy: 'Always', resources: { requests: { cpu: 200, memory: 64 * MiB }, limits: { cpu: 500, memory: 128 * MiB } } },
        { name: 'migrate', image: 'busybox:1.36', resources: { requests: { cpu: 1000 }, limits: { cpu: 2000 } } },
      ],
    });
    pod.spec.containers[0]!.resources = { requests: { cpu: 300, memory: 256 * MiB }, limits: { cpu: 600, memory: 512 * MiB } };
    const u = podQuotaUsage(pod);
    // cpu requests: max(300 + 200, 1000 + 200) = 1200; limits: max(600 + 500, 2000 + 500) = 2500; memory: sums.
    expect(u).toMatchObject({ 'requests.cpu': 1200, cpu: 1200, 'requests.memory': 320 * MiB, 'limits.cpu': 2500, 'limits.memory': 640 * MiB });
  });

  it('a ReplicaSet creates pods up to the quota; the rest are FailedCreate events', async () => {
    const file = join(dir, 'quota.yaml');
    writeFileSync(
      file,
      `apiVersion: kubesim.dev/v1
kind: Scenario
metadata: {name: quota}
spec:
  duration: 1m
  cluster:
    nodePools: [{name: n, count: 2, capacity: {cpu: "8", memory: 16Gi, pods: 110}}]
  manifests:
    - {apiVersion: v1, kind: ResourceQuota, metadata: {name: team}, spec: {hard: {requests.cpu: "2", pods: "10"}}}
    - {apiVersion: v1, kind: LimitRange, metadata: {name: defaults}, spec: {limits: [{type: Container, defaultRequest: {cpu: 500m, memory: 256Mi}, default: {cpu: "1", memory: 512Mi}}]}}
    - apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web}
      spec:
        replicas: 6
        selector: {matchLabels: {app: web}}
        template: {metadata: {labels: {app: web}}, spec: {containers: [{name: c, image: web:1}]}}
`,
    );
    const out = join(dir, 'out');
    await runScenario(loadScenario(file), { outDir: out });
    const pods = parse(readFileSync(join(out, 'pods.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    // 4 pods of the LimitRange's 500m default request fill the 2-cpu quota.
    expect(pods).toHaveLength(4);
    expect(pods.every((p) => p.cpu_request_m === '500' && p.qos_class === 'Burstable')).toBe(true);
    const events = parse(readFileSync(join(out, 'events.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    const failed = events.filter((e) => e.reason === 'FailedCreate');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed[0]!.message).toMatch(/^Error creating: Pod "default\/web-[a-z0-9]+-" is forbidden: exceeded quota: team, requested: requests\.cpu=500m, used: requests\.cpu=2, limited: requests\.cpu=2$/);
  });
});
