import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { CsvFile, formatCsv, type Cell } from '../../src/metrics/csvFile.js';

const tricky: Cell[][] = [
  ['plain', 0, -1.5, 1e21, 0.000001, undefined, ''],
  ['a,b', 'say "hi"', 'line\nbreak', 'cr\rhere', '"', ',', ' spaced '],
  ['ünïcode ✓', '=1+1', '-x', "'q'", 'tab\there', Number.MAX_SAFE_INTEGER, -0],
];

describe('CSV formatting', () => {
  it('writes the same bytes as csv-stringify for numbers, empty cells, quotes, commas and line breaks', () => {
    const expected = stringify(tricky.map((r) => r.map((c) => (c === undefined ? '' : c))));
    expect(formatCsv(tricky)).toBe(expected);
  });

  it('writes the header, then every row in order across batch flushes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubesim-csv-'));
    const f = new CsvFile(join(dir, 'x.csv'), ['t', 'name']);
    for (let i = 0; i < 5000; i++) f.row([i, `n,${i}`]);
    f.close();
    const lines = readFileSync(join(dir, 'x.csv'), 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(5001);
    expect(lines[0]).toBe('t,name');
    expect(lines[4097]).toBe('4096,"n,4096"');
    expect(f.rows).toBe(5000);
  });
});
