import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AUTOSCALING_COLUMNS, CLUSTER_COLUMNS, EVENT_COLUMNS, NODE_COLUMNS, POD_COLUMNS, PROXY_COLUMNS, SCHEDULING_COLUMNS, SERVICE_COLUMNS, SUMMARY_COLUMNS, WORKLOAD_COLUMNS, PLACEMENT_COLUMNS, PLACEMENTS_COLUMNS } from '../../src/metrics/columns.js';
import { fragmentation } from '../../src/metrics/clusterSampler.js';
import { mean, percentile } from '../../src/metrics/stats.js';

const doc = readFileSync(new URL('../../docs/outputs.md', import.meta.url), 'utf8');

function documented(section: string): string[] {
  const start = doc.indexOf(`## ${section}`);
  const end = doc.indexOf('\n## ', start + 1);
  const body = doc.slice(start, end < 0 ? undefined : end);
  return [...body.matchAll(/^\| `([a-z0-9_]+)` \|/gm)].map((m) => m[1]!);
}

describe('docs/outputs.md documents every column, in file order', () => {
  it.each([
    ['pods.csv', POD_COLUMNS],
    ['nodes.csv', NODE_COLUMNS],
    ['cluster.csv', CLUSTER_COLUMNS],
    ['workloads.csv', WORKLOAD_COLUMNS],
    ['autoscaling.csv', AUTOSCALING_COLUMNS],
    ['proxy.csv', PROXY_COLUMNS],
    ['services.csv', SERVICE_COLUMNS],
    ['events.csv', EVENT_COLUMNS],
    ['summary.csv', SUMMARY_COLUMNS],
    ['scheduling.csv', SCHEDULING_COLUMNS],
    ['placement.csv', PLACEMENT_COLUMNS],
    ['placements.csv', PLACEMENTS_COLUMNS],
  ] as const)('%s', (file, columns) => {
    expect(documented(file)).toEqual([...columns]);
  });
});

describe('summary statistics', () => {
  it('nearest-rank percentiles', () => {
    const xs = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect([percentile(xs, 50), percentile(xs, 90), percentile(xs, 99), percentile(xs, 100)]).toEqual([5, 9, 10, 10]);
    expect(percentile([], 50)).toBeUndefined();
    expect(mean([1, 2, 6])).toBe(3);
  });
});

describe('fragmentation of free capacity', () => {
  it('counts free capacity on nodes where no pending or typical shape fits as stranded', () => {
    const nodes = [
      { cpuFree: 3000, memFree: 1e9, podsFree: 10 }, // fits a 2-cpu/1-GB pod
      { cpuFree: 1000, memFree: 8e9, podsFree: 10 }, // too little cpu for any shape
      { cpuFree: 4000, memFree: 4e9, podsFree: 0 }, // no pod slot left
    ];
    const f = fragmentation(nodes, [{ cpu: 2000, mem: 1e9 }]);
    expect(f.cpu).toBeCloseTo(5000 / 8000, 9);
    expect(f.mem).toBeCloseTo(12e9 / 13e9, 9);
    expect(fragmentation(nodes, [{ cpu: 500, mem: 1e8 }]).cpu).toBeCloseTo(4000 / 8000, 9);
    expect(fragmentation([], [])).toEqual({ cpu: 0, mem: 0 });
  });
});
