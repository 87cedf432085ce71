// Scale benchmark: runs a named scale scenario in a child process (so peak RSS is the run's own) and reports
// wall time (load + simulate + write CSVs), events/s, pods scheduled per wall-second and peak RSS.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Runs `scenario` once (with `path=value` overrides) and returns its figures. */
export async function runScale(scenario, overrides = []) {
  const out = mkdtempSync(join(tmpdir(), 'kubesim-bench-'));
  try {
    const r = spawnSync(process.execPath, ['--max-semi-space-size=64', 'bench/scaleChild.js', scenario, join(out, 'r'), ...overrides], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`run failed: ${r.stderr}`);
    const m = JSON.parse(r.stdout);
    return {
      suite: 'scale',
      scenario,
      overrides,
      node: process.version,
      wallSeconds: Number(m.wallSeconds.toFixed(2)),
      eventsProcessed: m.eventsProcessed,
      eventsPerSecond: Math.round(m.eventsProcessed / m.wallSeconds),
      podsCreated: m.podsCreated,
      podsBound: m.podsBound,
      podsBoundPerWallSecond: Math.round(m.podsBound / m.wallSeconds),
      peakRssMiB: Math.round(m.maxRssKb / 1024),
      targets: { wallSeconds: 60, peakRssMiB: 2048 },
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
