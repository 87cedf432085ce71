// FGD protocol benchmark (issue: one cell of the FGD paper's protocol in < 2 s wall; the 60-run default-trace sweep in
// < 2 minutes on this machine). Needs the openb trace in ../shared/traces; skipped without it.
//  - one cell: tinybench over loadScenario + runScenario in this process (the trace read and the 10,831-pod protocol
//    on 1,213 nodes), FGD and the other five policies;
//  - one cell from the command line (node start-up and module loading included);
//  - the whole sweep: `kubesim sweep workloads/fgd-openb.yaml` on 2 workers, report included.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bench } from 'tinybench';
import { loadScenario } from '../dist/workload/loadScenario.js';
import { runScenario } from '../dist/sim/simulation.js';

const SCENARIO = 'workloads/fgd-openb.yaml';
const POLICIES = ['gpu-random', 'gpu-dotprod', 'gpu-clustering', 'gpu-packing', 'gpu-bestfit', 'fgd'];

export async function runFgdBench() {
  if (!existsSync('../shared/traces/alibaba-clusterdata/cluster-trace-gpu-v2023/openb_pod_list_default.csv')) return { suite: 'fgd', skipped: 'the openb trace is not in ../shared/traces' };
  const out = mkdtempSync(join(tmpdir(), 'kubesim-bench-fgd-'));
  try {
    const bench = new Bench({ iterations: 3, warmupIterations: 1, time: 0 });
    let k = 0;
    for (const policy of POLICIES) {
      bench.add(policy, async () => {
        const s = loadScenario(SCENARIO, { overrides: [`scheduler.profile=${policy}`, 'seed=42'] });
        await runScenario(s, { outDir: join(out, `cell-${k++}`) });
      });
    }
    await bench.run();
    const cells = bench.tasks.map((t) => ({ policy: t.name, meanSeconds: Number((t.result.latency.mean / 1000).toFixed(3)), maxSeconds: Number((t.result.latency.max / 1000).toFixed(3)), samples: t.result.latency.samplesCount ?? t.result.samples?.length }));
    const t0 = process.hrtime.bigint();
    const cli = spawnSync(process.execPath, ['--max-semi-space-size=64', 'dist/cli/main.js', 'run', SCENARIO, '--out', join(out, 'cli'), '--no-report', '--quiet'], { encoding: 'utf8' });
    if (cli.status !== 0) throw new Error(cli.stderr);
    const cliSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const t1 = process.hrtime.bigint();
    const sweep = spawnSync(process.execPath, ['--max-semi-space-size=64', 'dist/cli/main.js', 'sweep', SCENARIO, '--workers', '2', '--out', join(out, 'sweep'), '--quiet'], { encoding: 'utf8' });
    if (sweep.status !== 0) throw new Error(sweep.stderr);
    const sweepSeconds = Number(process.hrtime.bigint() - t1) / 1e9;
    return {
      suite: 'fgd',
      scenario: SCENARIO,
      node: process.version,
      cellInProcess: cells,
      cellFromCommandLineSeconds: Number(cliSeconds.toFixed(2)),
      sweep60RunsSeconds: Number(sweepSeconds.toFixed(2)),
      targets: { cellSeconds: 2, sweepSeconds: 120 },
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
