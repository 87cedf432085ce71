import { describe, expect, it } from 'vitest';
import { Progress } from '../../src/cli/progress.js';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, columns: 120, write: (s: string) => writes.push(s) } as unknown as NodeJS.WriteStream };
}

describe('Progress', () => {
  it('draws simulated time, events/s and ETA on a TTY, and clears the line when done', () => {
    const f = fakeStream(true);
    const p = new Progress('quickstart', 7_200_000_000, false, f.stream);
    p.update(3_600_000_000, 1000);
    p.done();
    expect(f.writes[0]).toMatch(/^\rquickstart \[#{12}\.{12}\]  50%  sim 1h  \S+ events\/s  ETA [\d.]+s/);
    expect(f.writes[1]).toBe('\r\x1b[K');
  });
  it('writes nothing when piped or --quiet', () => {
    const piped = fakeStream(false);
    new Progress('q', 10, false, piped.stream).update(5, 1);
    const quiet = fakeStream(true);
    new Progress('q', 10, true, quiet.stream).update(5, 1);
    expect([...piped.writes, ...quiet.writes]).toEqual([]);
  });
});
