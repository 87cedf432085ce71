// `npm run bench`: runs kubesim's benchmark suites and writes bench/results/<suite>.json.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { runHoldModel } from './holdModel.js';

// The suites run the compiled dist/: build it first, so a figure never comes from stale code.
const build = spawnSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const only = process.argv[2];
mkdirSync('bench/results', { recursive: true });

if (!only || only === 'engine') {
  const rows = await runHoldModel();
  console.table(rows);
  const fastestRaw = (n) => Math.max(...rows.filter((r) => r.n === n && r.task !== 'engine').map((r) => r.eventsPerSecond));
  const ratio = (n) => rows.find((r) => r.n === n && r.task === 'engine').eventsPerSecond / fastestRaw(n);
  const result = { suite: 'engine-hold-model', node: process.version, rows, engineVsFastestRaw: { '1e5': ratio(100_000), '1e6': ratio(1_000_000) } };
  console.log('engine / fastest raw queue:', result.engineVsFastestRaw);
  writeFileSync('bench/results/engine.json', JSON.stringify(result, null, 2) + '\n');
}

if (!only || only === 'scale') {
  const { runScale } = await import('./scale.js');
  const result = await runScale('bench/scale-5k.yaml');
  console.log(result);
  writeFileSync('bench/results/scale-5k.json', JSON.stringify(result, null, 2) + '\n');
}

if (!only || only === 'scale-storage') {
  // scale-5k with a default WaitForFirstConsumer StorageClass, 1,500 StatefulSet claims, a LimitRange and a ResourceQuota.
  const { runScale } = await import('./scale.js');
  const result = await runScale('bench/scale-5k-storage.yaml');
  console.log(result);
  writeFileSync('bench/results/scale-5k-storage.json', JSON.stringify(result, null, 2) + '\n');
}

if (!only || only === 'proxy') {
  // kube-proxy at scale: 10,000 Services × 10 endpoints on 5,000 nodes, steady traffic, one hour, per mode.
  const { runScale } = await import('./scale.js');
  const rows = [];
  for (const mode of ['iptables', 'ipvs', 'nftables']) {
    const r = await runScale('bench/proxy-10k.yaml', [`kubeProxy.mode=${mode}`]);
    console.log(r);
    rows.push({ mode, ...r });
  }
  writeFileSync('bench/results/proxy-10k.json', JSON.stringify({ suite: 'proxy-10k', node: process.version, rows }, null, 2) + '\n');
}

if (!only || only === 'sweep') {
  const { runSweepBench } = await import('./sweep.js');
  const result = await runSweepBench();
  console.log(result);
  writeFileSync('bench/results/sweep.json', JSON.stringify(result, null, 2) + '\n');
}

if (!only || only === 'scheduler') {
  const { runSchedulerBench } = await import('./scheduler.js');
  const result = runSchedulerBench();
  console.log(result);
  writeFileSync('bench/results/scheduler.json', JSON.stringify(result, null, 2) + '\n');
}

if (!only || only === 'fgd') {
  const { runFgdBench } = await import('./fgd.js');
  const result = await runFgdBench();
  console.log(JSON.stringify(result, null, 2));
  writeFileSync('bench/results/fgd.json', JSON.stringify(result, null, 2) + '\n');
}

if (!only || only === 'affinity') {
  const { runAffinityBench } = await import('./affinity.js');
  const result = runAffinityBench();
  console.table(result.rows);
  writeFileSync('bench/results/affinity.json', JSON.stringify(result, null, 2) + '\n');
}
