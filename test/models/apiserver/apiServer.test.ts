import { describe, expect, it } from 'vitest';
import { Engine } from '../../../src/engine/engine.js';
import { constant } from '../../../src/engine/distribution.js';
import { RngStreams } from '../../../src/engine/rng.js';
import { ObjectStore } from '../../../src/cluster/store.js';
import type { Pod } from '../../../src/cluster/types.js';
import { ApiServer, type WatchEvent } from '../../../src/models/apiserver/apiServer.js';
import { TokenBucket } from '../../../src/models/apiserver/tokenBucket.js';

const ms = 1000;

function world(writeMs = 5, watchMs = 2) {
  const engine = new Engine();
  const rng = new RngStreams(1);
  const store = new ObjectStore(rng.stream('apiserver.names'));
  const api = new ApiServer(engine, store, { writeLatency: constant(writeMs * ms), watchLatency: constant(watchMs * ms) }, rng.stream('apiserver.latency'));
  return { engine, store, api };
}

const pod = (name: string, nodeName?: string): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: { containers: [{ name: 'c', image: 'busybox' }], ...(nodeName ? { nodeName } : {}) },
  status: { phase: 'Pending' },
});

describe('TokenBucket (client-go flowcontrol)', () => {
  it('lets a full burst through at once, then spaces requests at 1/qps', () => {
    const b = new TokenBucket(50, 100);
    const waits = Array.from({ length: 103 }, () => b.reserve(0));
    expect(waits.slice(0, 100).every((w) => w === 0)).toBe(true);
    expect(waits.slice(100)).toEqual([20_000, 40_000, 60_000]);
  });
  it('refills at qps up to burst', () => {
    const b = new TokenBucket(10, 2);
    b.reserve(0);
    b.reserve(0);
    expect(b.reserve(0)).toBe(100_000);
    expect(b.reserve(10_000_000)).toBe(0); // refilled (capped at 2)
    expect(b.reserve(10_000_000)).toBe(0);
    expect(b.reserve(10_000_000)).toBe(100_000);
  });
});

describe('ApiServer', () => {
  it('commits a write after the write latency and delivers it to watchers after the watch latency', () => {
    const { engine, store, api } = world(5, 2);
    const client = api.client('test', { qps: 50, burst: 100 });
    const seen: [number, string, number][] = [];
    api.watch('Pod', {}, (ev) => seen.push([engine.now, ev.type, ev.resourceVersion]));
    let committedAt = -1;
    client.create(pod('a'), (r) => {
      expect(r.ok).toBe(true);
      committedAt = engine.now;
    });
    engine.run();
    expect(committedAt).toBe(5 * ms);
    expect(store.get('Pod', 'default/a')?.metadata.creationTimestamp).toBe(5 * ms);
    expect(seen).toEqual([[7 * ms, 'ADDED', 1]]);
  });

  it('bounds a client to its QPS: 200 creates at qps 50, burst 100 take 2 s to commit', () => {
    const { engine, store, api } = world(5, 2);
    const client = api.client('scheduler', { qps: 50, burst: 100 });
    let last = 0;
    for (let i = 0; i < 200; i++) client.create(pod(`p${i}`), () => (last = engine.now));
    engine.run();
    expect(store.count('Pod')).toBe(200);
    // 100 go at once; the other 100 are spaced 20 ms apart: the last waits 100 × 20 ms = 2 s, plus 5 ms of latency.
    expect(last).toBe(2_000 * ms + 5 * ms);
  });

  it('delivers pod events only to the kubelet watching that node, with ADDED when a pod is bound to it', () => {
    const { engine, api } = world();
    const client = api.client('c', { qps: 1000, burst: 1000 });
    const n1: WatchEvent<Pod>[] = [];
    const n2: WatchEvent<Pod>[] = [];
    api.watch('Pod', { nodeName: 'n1' }, (ev) => n1.push(ev));
    api.watch('Pod', { nodeName: 'n2' }, (ev) => n2.push(ev));
    client.create(pod('a'));
    engine.run();
    client.update('Pod', 'default/a', (p) => ({ ...p, spec: { ...p.spec, nodeName: 'n1' } }));
    engine.run();
    client.update('Pod', 'default/a', (p) => ({ ...p, status: { ...p.status, phase: 'Running' } }));
    engine.run();
    expect(n1.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED']);
    expect(n1[1]!.object.status.phase).toBe('Running');
    expect(n1[1]!.old!.status.phase).toBe('Pending');
    expect(n2).toEqual([]);
  });

  it('deletes a running pod gracefully (deletionTimestamp) and an unbound pod at once', () => {
    const { engine, store, api } = world();
    const client = api.client('c', { qps: 1000, burst: 1000 });
    client.create(pod('bound', 'n1'));
    client.create(pod('unbound'));
    engine.run();
    client.delete('Pod', 'default/bound');
    client.delete('Pod', 'default/unbound');
    engine.run();
    expect(store.get('Pod', 'default/bound')?.metadata.deletionTimestamp).toBeGreaterThan(0);
    expect(store.get('Pod', 'default/bound')?.metadata.deletionGracePeriodSeconds).toBe(30);
    expect(store.get('Pod', 'default/unbound')).toBeUndefined();
  });

  it('keeps watch delivery in resourceVersion order even when latencies vary', () => {
    const engine = new Engine();
    const rng = new RngStreams(9);
    const store = new ObjectStore(rng.stream('names'));
    const api = new ApiServer(engine, store, { writeLatency: { kind: 'exponential', meanUs: 5 * ms }, watchLatency: { kind: 'exponential', meanUs: 20 * ms } }, rng.stream('lat'));
    const client = api.client('c', { qps: 1e6, burst: 1e6 });
    const rvs: number[] = [];
    api.watch('Pod', {}, (ev) => rvs.push(ev.resourceVersion));
    for (let i = 0; i < 300; i++) client.create(pod(`p${i}`));
    engine.run();
    expect(rvs).toHaveLength(300);
    expect(rvs).toEqual([...rvs].sort((a, b) => a - b));
  });

  it('generates reproducible names from generateName', () => {
    const names = () => {
      const { engine, store, api } = world();
      const client = api.client('c', { qps: 1000, burst: 1000 });
      for (let i = 0; i < 3; i++) client.create({ ...pod(''), metadata: { name: '', generateName: 'web-', namespace: 'default' } });
      engine.run();
      return [...store.list('Pod')].map((p) => p.metadata.name);
    };
    const a = names();
    expect(a).toHaveLength(3);
    expect(a.every((n) => /^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/.test(n))).toBe(true);
    expect(names()).toEqual(a);
  });
});
