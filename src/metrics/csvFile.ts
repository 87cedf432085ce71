/**
 * A CSV file written as the simulation runs: rows are buffered in small batches, formatted as RFC 4180 and appended
 * with synchronous writes, so memory stays flat however long the output grows and the simulation loop never waits
 * on stream backpressure. The formatting is hand-written because it is a hot path (csv-stringify took about 7% of
 * the wall time of the 100,000-pod proxy benchmark); a test checks it byte for byte against csv-stringify.
 */
import { closeSync, openSync, writeSync } from 'node:fs';

/** A cell value: strings and finite numbers; undefined is an empty cell. */
export type Cell = string | number | undefined;

const BATCH_ROWS = 2048;
const NEEDS_QUOTES = /[",\n\r]/;

/** One field: numbers as JavaScript prints them, strings quoted (quotes doubled) when they hold `"`, `,` or a line break. */
function field(c: Cell): string {
  if (c === undefined) return '';
  if (typeof c === 'number') return String(c);
  return NEEDS_QUOTES.test(c) ? `"${c.replaceAll('"', '""')}"` : c;
}

/** Rows as CSV text, each ended by `\n`. */
export function formatCsv(rows: readonly (readonly Cell[])[]): string {
  let out = '';
  for (const r of rows) {
    for (let i = 0; i < r.length; i++) out += i === 0 ? field(r[i]) : ',' + field(r[i]);
    out += '\n';
  }
  return out;
}

/**
 * One CSV file with a fixed header; without a path (a run that writes no files, the library API), the rows are kept
 * in memory as they would be written (`kept`).
 */
export class CsvFile {
  private readonly fd: number | undefined;
  private buffer: Cell[][] = [];
  private closed = false;
  rows = 0;
  /** The rows of a file kept in memory. */
  readonly kept: Cell[][] | undefined;

  constructor(
    readonly path: string | undefined,
    readonly columns: readonly string[],
  ) {
    if (path === undefined) {
      this.fd = undefined;
      this.kept = [];
      return;
    }
    this.kept = undefined;
    this.fd = openSync(path, 'w');
    writeSync(this.fd, formatCsv([columns]));
  }

  /** Appends a row (same length and order as the columns). */
  row(cells: Cell[]): void {
    this.buffer.push(cells);
    this.rows++;
    if (this.buffer.length >= BATCH_ROWS) this.flush();
  }

  /** Writes buffered rows. */
  flush(): void {
    if (this.buffer.length === 0) return;
    if (this.fd === undefined) this.kept!.push(...this.buffer);
    else writeSync(this.fd, formatCsv(this.buffer));
    this.buffer = [];
  }

  /** Flushes and closes. */
  close(): void {
    if (this.closed) return;
    this.flush();
    if (this.fd !== undefined) closeSync(this.fd);
    this.closed = true;
  }
}

/** Formats a ratio with 6 decimals (fixed, so files are byte-stable). */
export function ratio(x: number): string {
  return Number.isFinite(x) ? x.toFixed(6) : '';
}
