/**
 * The loader on a few thousand fuzzed inputs (test/fuzz/loaderFuzz.ts): shipped scenarios and manifests mutated at
 * random, seeded. Each is accepted or refused with kubesim's InputError, never anything else, within 2 s.
 * `npm run fuzz` runs 100,000 cases and writes the reproducers of any failure.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { fuzzCases, fuzzWorkspace, runCase } from '../fuzz/loaderFuzz.js';

const workspace = fuzzWorkspace();
afterAll(() => workspace.dispose());

describe('the loader under fuzzing', () => {
  it('accepts a mutated scenario or manifest, or refuses it with an InputError, within 2 s', () => {
    let n = 0;
    const seen = { accepted: 0, refused: 0 };
    fc.assert(
      fc.property(fuzzCases(), (c) => {
        const o = runCase(workspace.dir, c, n++);
        expect(o.result, o.message).not.toBe('crashed');
        expect(o.ms).toBeLessThan(2000);
        seen[o.result as 'accepted' | 'refused']++;
      }),
      { numRuns: 2000, seed: 21 },
    );
    // The mutations reach both outcomes: a fuzzer whose every case is refused at the first byte tests nothing.
    expect(seen.accepted).toBeGreaterThan(50);
    expect(seen.refused).toBeGreaterThan(500);
  }, 180_000);
});
