/**
 * A CSV file written as the simulation runs: rows are buffered in small batches, formatted with csv-stringify and
 * appended with synchronous writes, so memory stays flat however long the output grows and the simulation loop
 * never waits on stream backpressure.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { stringify } from 'csv-stringify/sync';

/** A cell value: strings and finite numbers; undefined is an empty cell. */
export type Cell = string | number | undefined;

const BATCH_ROWS = 2048;

/** One CSV file with a fixed header. */
export class CsvFile {
  private readonly fd: number;
  private buffer: Cell[][] = [];
  private closed = false;
  rows = 0;

  constructor(
    readonly path: string,
    readonly columns: readonly string[],
  ) {
    this.fd = openSync(path, 'w');
    writeSync(this.fd, stringify([columns as string[]]));
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
    writeSync(this.fd, stringify(this.buffer.map((r) => r.map((c) => (c === undefined ? '' : c)))));
    this.buffer = [];
  }

  /** Flushes and closes. */
  close(): void {
    if (this.closed) return;
    this.flush();
    closeSync(this.fd);
    this.closed = true;
  }
}

/** Formats a ratio with 6 decimals (fixed, so files are byte-stable). */
export function ratio(x: number): string {
  return Number.isFinite(x) ? x.toFixed(6) : '';
}
