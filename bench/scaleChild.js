// Child process of the scale benchmark: runs one scenario (with optional `path=value` overrides, as `--set`) and prints its figures as JSON (peak RSS is this
// process's own, from process.resourceUsage()).
import { loadScenario } from '../dist/workload/loadScenario.js';
import { runScenario } from '../dist/sim/simulation.js';

const [scenarioFile, outDir, ...overrides] = process.argv.slice(2);
const t0 = process.hrtime.bigint();
const scenario = loadScenario(scenarioFile, { overrides });
const r = await runScenario(scenario, { outDir });
const wallSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
process.stdout.write(JSON.stringify({ wallSeconds, eventsProcessed: r.eventsProcessed, podsBound: r.podsBound, podsCreated: r.podsCreated, maxRssKb: process.resourceUsage().maxRSS }) + '\n');
