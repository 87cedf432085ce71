import { describe, expect, it } from 'vitest';
import { SchedulingQueue } from '../../../src/models/scheduler/queue/schedulingQueue.js';
import { prioritySort } from '../../../src/models/scheduler/plugins/prioritySort.js';
import { makePod } from '../../helpers/objects.js';

const s = 1_000_000;
const newQueue = (interested: (p: string, e: string) => boolean = () => true) => new SchedulingQueue((a, b) => prioritySort().less(a, b), 1 * s, 10 * s, interested);

describe('SchedulingQueue (backend/queue/scheduling_queue.go)', () => {
  it('backs off 1, 2, 4, 8, 10, 10 s after successive attempts', () => {
    const q = newQueue();
    expect([1, 2, 3, 4, 5, 6].map((a) => q.backoffDuration(a) / s)).toEqual([1, 2, 4, 8, 10, 10]);
    expect(q.backoffDuration(0)).toBe(0);
  });

  it('pops by priority, then by arrival', () => {
    const q = newQueue();
    q.add(makePod('low-early', {}, { priority: 0 }), 0);
    q.add(makePod('high', {}, { priority: 100 }), 5);
    q.add(makePod('low-late', {}, { priority: 0 }), 3);
    expect([q.pop(), q.pop(), q.pop()].map((i) => i?.pod.metadata.name)).toEqual(['high', 'low-early', 'low-late']);
    expect(q.pop()).toBeUndefined();
  });

  it('parks an unschedulable pod until a cluster event its rejecting plugin cares about, then honours the backoff', () => {
    const q = newQueue((plugin, event) => plugin === 'NodeResourcesFit' && event === 'NodeAdd');
    q.add(makePod('p'), 0);
    const info = q.pop()!;
    info.unschedulablePlugins = new Set(['NodeResourcesFit']);
    q.requeueFailed(info, q.schedulingCycle, 0, false);
    expect(q.lengths()).toEqual({ active: 0, backoff: 0, unschedulable: 1 });
    expect(q.moveAllToActiveOrBackoff('AssignedPodDelete', 0)).toBe(0);
    expect(q.moveAllToActiveOrBackoff('NodeAdd', 0.5 * s)).toBe(1);
    // attempts = 1 → 1 s backoff from the attempt at t=0: still backing off at 0.5 s.
    expect(q.lengths()).toEqual({ active: 0, backoff: 1, unschedulable: 0 });
    expect(q.flushBackoffCompleted(0.9 * s)).toBe(0);
    expect(q.flushBackoffCompleted(1 * s)).toBe(1);
    expect(q.pop()?.pod.metadata.name).toBe('p');
  });

  it('sends a pod to backoffQ instead of unschedulable when a move request happened during its cycle', () => {
    const q = newQueue();
    q.add(makePod('p'), 0);
    const info = q.pop()!;
    const cycle = q.schedulingCycle;
    q.moveAllToActiveOrBackoff('NodeAdd', 0);
    q.requeueFailed(info, cycle, 0, false);
    expect(q.lengths()).toEqual({ active: 0, backoff: 1, unschedulable: 0 });
  });

  it('flushes pods unschedulable for more than 5 minutes', () => {
    const q = newQueue(() => false);
    q.add(makePod('p'), 0);
    const info = q.pop()!;
    info.unschedulablePlugins = new Set(['X']);
    q.requeueFailed(info, q.schedulingCycle, 0, false);
    expect(q.flushUnschedulableLeftover(300 * s)).toBe(0);
    expect(q.flushUnschedulableLeftover(300 * s + 1)).toBe(1);
    expect(q.lengths().active).toBe(1);
  });

  it('forgets deleted pods wherever they are', () => {
    const q = newQueue();
    const p = makePod('p');
    q.add(p, 0);
    q.delete(p.metadata.uid!);
    expect(q.pop()).toBeUndefined();
    expect(q.lengths()).toEqual({ active: 0, backoff: 0, unschedulable: 0 });
  });
});
