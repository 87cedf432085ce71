/**
 * `npm run fuzz [-- --runs N --seed S --out DIR]`: loads N fuzzed inputs (default 100,000) in this process and writes
 * the reproducers of every crash or load over 2 s to DIR (default fuzz-failures/), with a summary line.
 */
import fc from 'fast-check';
import { fuzzCases, fuzzWorkspace, mutatedText, runCase, writeReproducer } from './loaderFuzz.js';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : dflt;
};
const runs = Number(arg('runs', '100000'));
const seed = Number(arg('seed', '1'));
const out = arg('out', 'fuzz-failures');
const workspace = fuzzWorkspace();
const counts = { accepted: 0, refused: 0, crashed: 0, slow: 0 };
let n = 0;
let slowest = 0;
const t0 = process.hrtime.bigint();
try {
  fc.assert(
    fc.property(fuzzCases(), (c) => {
      const text = mutatedText(c);
      const o = runCase(workspace.dir, c, n, text);
      counts[o.result]++;
      slowest = Math.max(slowest, o.ms);
      if (o.ms >= 2000) counts.slow++;
      if (o.result === 'crashed' || o.ms >= 2000) process.stderr.write(`case ${n}: ${o.result} in ${o.ms.toFixed(0)} ms → ${writeReproducer(out, c, o, n, text)}.yaml\n`);
      if (++n % 5000 === 0) process.stderr.write(`${n} cases: ${JSON.stringify(counts)}\n`);
    }),
    { numRuns: runs, seed },
  );
} finally {
  workspace.dispose();
}
const wall = Number(process.hrtime.bigint() - t0) / 1e9;
process.stdout.write(`${n} cases (seed ${seed}) in ${wall.toFixed(0)} s: ${counts.accepted} accepted, ${counts.refused} refused, ${counts.crashed} crashed, ${counts.slow} over 2 s (slowest ${slowest.toFixed(0)} ms)\n`);
process.exitCode = counts.crashed + counts.slow > 0 ? 1 : 0;
