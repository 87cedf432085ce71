import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Engine } from '../../src/engine/engine.js';
import { EventHeap } from '../../src/engine/eventHeap.js';

describe('Engine', () => {
  it('fires events in time order, and in scheduling order at equal times', () => {
    const e = new Engine();
    const log: string[] = [];
    e.schedule(20, (x: string) => log.push(x), 'c');
    e.schedule(10, (x: string) => log.push(x), 'a');
    e.schedule(10, (x: string) => log.push(x), 'b');
    e.schedule(0, (x: string) => log.push(x), 'z');
    e.run();
    expect(log).toEqual(['z', 'a', 'b', 'c']);
    expect(e.now).toBe(20);
    expect(e.eventsProcessed).toBe(4);
  });

  it('orders events scheduled from handlers at the current time after those already queued', () => {
    const e = new Engine();
    const log: string[] = [];
    e.schedule(5, () => {
      log.push('first');
      e.schedule(0, () => log.push('nested'));
    });
    e.schedule(5, () => log.push('second'));
    e.run();
    expect(log).toEqual(['first', 'second', 'nested']);
  });

  it('cancels a pending event in O(1) and ignores stale handles', () => {
    const e = new Engine();
    const log: number[] = [];
    const h1 = e.schedule(10, () => log.push(1));
    const h2 = e.schedule(20, () => log.push(2));
    expect(e.cancel(h1)).toBe(true);
    expect(e.cancel(h1)).toBe(false);
    expect(e.pending).toBe(1);
    e.run();
    expect(log).toEqual([2]);
    // h2 fired: its slot was released and may be reused; the old handle must not cancel the new event.
    const h3 = e.schedule(5, () => log.push(3));
    expect(e.cancel(h2)).toBe(false);
    e.run();
    expect(log).toEqual([2, 3]);
    expect(e.cancel(h3)).toBe(false);
  });

  it('run(until) stops at the bound, advances the clock to it, and resumes later', () => {
    const e = new Engine();
    const log: number[] = [];
    for (const t of [5, 10, 15]) e.schedule(t, () => log.push(t));
    expect(e.run(10)).toBe(2);
    expect(e.now).toBe(10);
    expect(e.peek()).toBe(15);
    e.run(12);
    expect(e.now).toBe(12);
    e.run();
    expect(log).toEqual([5, 10, 15]);
  });

  it('rejects negative, fractional and past times', () => {
    const e = new Engine();
    expect(() => e.schedule(-1, () => undefined)).toThrow(RangeError);
    expect(() => e.schedule(1.5, () => undefined)).toThrow(RangeError);
    e.run(100);
    expect(() => e.at(50, () => undefined)).toThrow(RangeError);
  });

  it('peek skips cancelled events', () => {
    const e = new Engine();
    const h = e.schedule(1, () => undefined);
    e.schedule(7, () => undefined);
    e.cancel(h);
    expect(e.peek()).toBe(7);
  });

  it('property: fires every non-cancelled event exactly once, in (time, seq) order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 50 }), fc.boolean()), { maxLength: 300 }),
        (spec) => {
          const e = new Engine();
          const fired: number[] = [];
          const handles = spec.map(([t], i) => e.schedule(t, () => fired.push(i)));
          spec.forEach(([, cancel], i) => {
            if (cancel) e.cancel(handles[i]!);
          });
          e.run();
          const expected = spec
            .map(([t, c], i) => ({ t, c, i }))
            .filter((x) => !x.c)
            .sort((a, b) => a.t - b.t || a.i - b.i)
            .map((x) => x.i);
          expect(fired).toEqual(expected);
        },
      ),
    );
  });
});

describe('EventHeap', () => {
  it('pops in (time, seq) order through growth', () => {
    const h = new EventHeap(16);
    const keys: [number, number][] = [];
    for (let i = 0; i < 1000; i++) keys.push([(i * 7919) % 97, i]);
    keys.forEach(([t, s]) => h.push(t, s, s));
    const out: number[] = [];
    while (h.size > 0) out.push(h.pop());
    const expected = [...keys].sort((a, b) => a[0] - b[0] || a[1] - b[1]).map((k) => k[1]);
    expect(out).toEqual(expected);
  });
});

describe('Engine.stop', () => {
  it('returns from run after the current event, keeping the rest queued', () => {
    const e = new Engine();
    const log: number[] = [];
    e.schedule(1, () => log.push(1));
    e.schedule(2, () => {
      log.push(2);
      e.stop();
    });
    e.schedule(3, () => log.push(3));
    e.run(100);
    expect(log).toEqual([1, 2]);
    expect(e.now).toBe(2);
    e.run(100);
    expect(log).toEqual([1, 2, 3]);
    expect(e.now).toBe(100);
  });
});
