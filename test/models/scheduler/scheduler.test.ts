import { describe, expect, it } from 'vitest';
import { makeNode, makePod } from '../../helpers/objects.js';
import { ms, s, withScheduler, world } from '../../helpers/world.js';

describe('Scheduler', () => {
  it('binds pods through the API and records Scheduled events', () => {
    const w = world();
    withScheduler(w);
    w.admin.create(makeNode('n1', { cpu: 4000, memory: 8e9 }));
    w.admin.create(makePod('p', { cpu: 1000 }));
    w.engine.run(1 * s);
    expect(w.store.get('Pod', 'default/p')?.spec.nodeName).toBe('n1');
    expect(w.store.get('Pod', 'default/p')?.status.conditions?.find((c) => c.type === 'PodScheduled')?.status).toBe('True');
    expect(w.events.map((e) => e.reason)).toEqual(['Scheduled']);
    expect(w.events[0]!.message).toBe('Successfully assigned default/p to n1');
  });

  it('places on the least allocated node (default profile)', () => {
    const w = world();
    withScheduler(w);
    w.admin.create(makeNode('small', { cpu: 2000, memory: 4e9 }));
    w.admin.create(makeNode('big', { cpu: 8000, memory: 16e9 }));
    w.admin.create(makePod('p', { cpu: 1000, memory: 1e9 }));
    w.engine.run(1 * s);
    expect(w.store.get('Pod', 'default/p')?.spec.nodeName).toBe('big');
  });

  it('reports an unschedulable pod with the upstream message and PodScheduled=False, then schedules it when a node is added', () => {
    const w = world();
    const sched = withScheduler(w);
    w.admin.create(makeNode('n1', { cpu: 1000, memory: 1e9 }));
    w.admin.create(makeNode('n2', { cpu: 4000, memory: 8e9 }, { taints: [{ key: 'gpu', value: 'true', effect: 'NoSchedule' }] }));
    w.admin.create(makePod('big', { cpu: 2000 }));
    w.engine.run(2 * s);
    const failed = w.events.filter((e) => e.reason === 'FailedScheduling');
    // 2000m on a 1000m node exceeds its allocatable: UnschedulableAndUnresolvable, so preemption does not try it.
    expect(failed[0]!.message).toBe('0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {gpu: true}. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.');
    const cond = w.store.get('Pod', 'default/big')?.status.conditions?.find((c) => c.type === 'PodScheduled');
    expect(cond).toMatchObject({ status: 'False', reason: 'Unschedulable' });
    expect(sched.queueLengths().unschedulable).toBe(1);
    w.admin.create(makeNode('n3', { cpu: 4000, memory: 8e9 }));
    w.engine.run(20 * s);
    expect(w.store.get('Pod', 'default/big')?.spec.nodeName).toBe('n3');
  });

  it('takes the cycle cost in simulated time, one pod at a time', () => {
    const w = world();
    withScheduler(w, { cycleCost: { base: 10 * ms, perNodeFiltered: 0, perNodeScored: 0, perWorkUnit: 0, perFilterWorkUnit: 0 } });
    w.admin.create(makeNode('n1', { cpu: 64000, memory: 64e9 }));
    w.engine.run(100 * ms);
    const t0 = w.engine.now;
    for (let i = 0; i < 5; i++) w.admin.create(makePod(`p${i}`, { cpu: 100 }));
    w.engine.run(t0 + 10 * s);
    const bound = w.events.filter((e) => e.reason === 'Scheduled').map((e) => e.timeUs - t0);
    // Pods arrive at +2 ms (write + watch); cycles of 10 ms run back to back; each bind adds 1 ms.
    expect(bound).toEqual([13, 23, 33, 43, 53].map((x) => x * ms));
  });

  it('bounds the binding rate by the scheduler client QPS', () => {
    const w = world();
    withScheduler(w, {}, { qps: 50, burst: 100 });
    w.admin.create(makeNode('n1', { cpu: 1e9, memory: 1e15, pods: 10000 }));
    w.engine.run(10 * ms);
    for (let i = 0; i < 300; i++) w.admin.create(makePod(`p${i}`, { cpu: 1 }));
    w.engine.run(3 * s);
    const boundBy3s = [...w.store.list('Pod')].filter((p) => p.spec.nodeName).length;
    // 100 (burst) + 50/s × ~3 s = about 250, not 300.
    expect(boundBy3s).toBeGreaterThan(230);
    expect(boundBy3s).toBeLessThan(260);
  });

  it('breaks ties with the seeded stream: same seed, same placements; other seeds spread differently', () => {
    const placements = (seed: number) => {
      const w = world(seed);
      withScheduler(w);
      for (let i = 0; i < 4; i++) w.admin.create(makeNode(`n${i}`, { cpu: 100000, memory: 1e12 }));
      w.engine.run(10 * ms);
      for (let i = 0; i < 12; i++) w.admin.create(makePod(`p${i}`));
      w.engine.run(2 * s);
      return [...w.store.list('Pod')].map((p) => p.spec.nodeName).join(',');
    };
    expect(placements(1)).toBe(placements(1));
    const all = new Set([1, 2, 3, 4, 5].map(placements));
    expect(all.size).toBeGreaterThan(1);
  });
});

describe('Scheduler profiles', () => {
  it('most-allocated packs onto the fuller node; default spreads to the emptier one', async () => {
    const { PROFILE_PRESETS } = await import('../../../src/models/scheduler/framework/profile.js');
    const place = (profile: string) => {
      const w = world();
      withScheduler(w, { profiles: [{ schedulerName: 'default-scheduler', plugins: PROFILE_PRESETS[profile]! }] });
      w.admin.create(makeNode('a', { cpu: 4000, memory: 8e9 }));
      w.admin.create(makeNode('b', { cpu: 4000, memory: 8e9 }));
      w.admin.create({ ...makePod('first', { cpu: 2000, memory: 2e9 }), spec: { ...makePod('first', { cpu: 2000, memory: 2e9 }).spec, nodeName: 'a' } });
      w.engine.run(1 * s);
      w.admin.create(makePod('p', { cpu: 1000, memory: 1e9 }));
      w.engine.run(2 * s);
      return w.store.get('Pod', 'default/p')?.spec.nodeName;
    };
    expect(place('default')).toBe('b');
    expect(place('most-allocated')).toBe('a');
  });
});
