/** Memory budgets: the machine's share split over workers, --max-memory, and the load-time estimate from object counts. */
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HEAP_COST, MIN_BUDGET_MB, checkMemory, estimateMemory, heapBudgetMb, machineMemoryBytes } from '../../src/experiment/memory.js';
import { loadScenario } from '../../src/workload/loadScenario.js';
import { InputError } from '../../src/workload/errors.js';

const root = resolve(new URL('../..', import.meta.url).pathname);

describe('heap budgets', () => {
  it('give each worker an equal share of three quarters of the machine', () => {
    const one = heapBudgetMb(1);
    expect(one).toBe(Math.floor((machineMemoryBytes() * 0.75) / 1024 / 1024));
    expect(heapBudgetMb(2)).toBe(Math.floor(one / 2));
    expect(heapBudgetMb(1_000_000)).toBe(MIN_BUDGET_MB);
  });

  it('take --max-memory as a quantity and refuse what is not one', () => {
    expect(heapBudgetMb(4, '8Gi')).toBe(8192);
    expect(heapBudgetMb(1, '300Mi')).toBe(300);
    expect(() => heapBudgetMb(1, 'lots')).toThrow(InputError);
    expect(() => heapBudgetMb(1, '10Mi')).toThrow(/at least 256Mi/);
  });
});

describe('the load-time memory estimate', () => {
  it('counts the nodes, the replicas of the Service fleet and its Services', () => {
    const s = loadScenario(join(root, 'workloads/proxy-modes.yaml'), { overrides: ['workloads[0].count=30000'] });
    const e = estimateMemory(s);
    expect(e).toMatchObject({ nodes: 5000, pods: 300_000, services: 30_000, transientPods: 0 });
    expect(e.bytes).toBe(HEAP_COST.baseBytes + 5000 * HEAP_COST.perNodeBytes + 300_000 * HEAP_COST.perPodBytes + 30_000 * HEAP_COST.perServiceBytes);
  });

  it('counts the Jobs a Poisson stream creates over the run as transient pods', () => {
    const s = loadScenario(join(root, 'workloads/quickstart.yaml'));
    const e = estimateMemory(s);
    // Two streams of 40 Jobs/h for 2 h, of 4 and 8 completions (one pod each).
    expect(e.transientPods).toBe(80 * 4 + 80 * 8);
    expect(e.nodes).toBe(100);
  });

  it('refuses a scenario whose estimate exceeds the budget, naming both', () => {
    const s = loadScenario(join(root, 'workloads/proxy-modes.yaml'), { overrides: ['workloads[0].count=30000'] });
    expect(() => checkMemory(s, 2048, 'proxy-modes.yaml')).toThrow(/^proxy-modes\.yaml: the run would need about 4,[0-9]{3} MiB of memory \(5000 nodes, 300000 pods, 30000 Services\); its budget is 2,048 MiB/);
    expect(() => checkMemory(s, 8192)).not.toThrow();
  });
});
