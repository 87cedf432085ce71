// Child process of the scale benchmark: runs one scenario and prints its figures as JSON (peak RSS is this
// process's own, from process.resourceUsage()).
import { loadScenario } from '../dist/workload/loadScenario.js';
import { runScenario } from '../dist/sim/simulation.js';

const [scenarioFile, outDir] = process.argv.slice(2);
const t0 = process.hrtime.bigint();
const scenario = loadScenario(scenarioFile);
const r = await runScenario(scenario, { outDir });
const wallSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
process.stdout.write(JSON.stringify({ wallSeconds, eventsProcessed: r.eventsProcessed, podsBound: r.podsBound, podsCreated: r.podsCreated, maxRssKb: process.resourceUsage().maxRSS }) + '\n');
