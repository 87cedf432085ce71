/**
 * Streams the rows of a CSV trace file through csv-parse, synchronously and in 64 KiB chunks, so a trace of millions of
 * rows is turned into compact records as it is read and never held as text. Errors name the file, the line and the
 * column: "traces/pods.csv line 12, column cpu_milli: expected an integer ≥ 0, found "-5"". The bytes read can feed the
 * scenario's hash.
 */
import type { Hash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { Parser } from 'csv-parse';
import { InputError } from '../errors.js';

/** Most rows one trace file may have (a bound, not an out-of-memory). */
export const MAX_TRACE_FILE_ROWS = 5_000_000;

/** One row: its fields by column name and its line in the file. */
export interface CsvRow {
  fields: Record<string, string>;
  line: number;
}

/** Reads typed fields of a row, with errors naming file, line and column. */
export class RowReader {
  constructor(
    readonly file: string,
    public row: CsvRow,
  ) {}

  private fail(column: string, expected: string): never {
    throw new InputError(`${this.file} line ${this.row.line}, column ${column}: expected ${expected}, found "${this.row.fields[column] ?? ''}"`);
  }

  /** A text field ('' when empty). */
  text(column: string): string {
    return this.row.fields[column] ?? '';
  }

  /** A number ≥ `min` (finite); `empty` when the field is empty and a fallback is allowed. */
  number(column: string, opts: { min?: number; max?: number; integer?: boolean; empty?: number } = {}): number {
    const raw = this.row.fields[column] ?? '';
    if (raw === '') {
      if (opts.empty !== undefined) return opts.empty;
      this.fail(column, 'a number');
    }
    const v = Number(raw);
    const min = opts.min ?? 0;
    const what = `${opts.integer ? 'an integer' : 'a number'} ≥ ${min}${opts.max !== undefined ? ` and ≤ ${opts.max}` : ''}`;
    if (!Number.isFinite(v) || v < min || (opts.max !== undefined && v > opts.max) || (opts.integer === true && !Number.isInteger(v))) this.fail(column, what);
    return v;
  }

  /** An optional number: undefined when empty. */
  optionalNumber(column: string, opts: { min?: number; integer?: boolean } = {}): number | undefined {
    return (this.row.fields[column] ?? '') === '' ? undefined : this.number(column, opts);
  }
}

/**
 * Calls `onRow` for every row of a CSV file. With `header`, the file has no header row and these are its columns;
 * otherwise the first row names them. `required` columns must be present.
 */
export function readCsvRows(file: string, required: readonly string[], onRow: (r: RowReader) => void, opts: { header?: readonly string[]; hash?: Hash } = {}): number {
  const header = opts.header;
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`${file}: cannot read the trace file (${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory' : (e as Error).message})`);
  }
  const parser = new Parser({ columns: header !== undefined ? [...header] : true, info: true, skip_empty_lines: true, trim: true, bom: true });
  parser.on('error', () => undefined);
  const reader = new RowReader(file, { fields: {}, line: 0 });
  let rows = 0;
  let checked = false;
  const drain = () => {
    if (parser.errored) throw new InputError(`${file}: not a well-formed CSV file (${parser.errored.message})`);
    let rec: { record: Record<string, string>; info: { lines: number } } | null;
    while ((rec = parser.read() as typeof rec) !== null) {
      if (!checked) {
        const missing = required.filter((c) => !(c in rec!.record));
        if (missing.length > 0) throw new InputError(`${file}: no column ${missing.map((m) => `"${m}"`).join(', ')}; found ${Object.keys(rec.record).join(', ')}`);
        checked = true;
      }
      if (++rows > MAX_TRACE_FILE_ROWS) throw new InputError(`${file}: more than ${MAX_TRACE_FILE_ROWS} rows; the limit is ${MAX_TRACE_FILE_ROWS}`);
      reader.row = { fields: rec.record, line: rec.info.lines };
      onRow(reader);
    }
  };
  try {
    const buf = Buffer.alloc(1 << 16);
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      const chunk = Buffer.from(buf.subarray(0, n));
      opts.hash?.update(chunk);
      parser.write(chunk);
      drain();
    }
    parser.end();
    drain();
  } finally {
    closeSync(fd);
  }
  return rows;
}
