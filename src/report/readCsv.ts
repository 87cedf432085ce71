/** Reading kubesim's CSV outputs back as rows of strings (csv-parse). */
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { InputError } from '../workload/errors.js';

/** A CSV row keyed by column name. */
export type Row = Record<string, string>;

/** Reads a CSV with a header; throws InputError if the file is missing. */
export function readCsv(file: string): Row[] {
  if (!existsSync(file)) throw new InputError(`${file}: not found (is this a kubesim results folder?)`);
  return parse(readFileSync(file, 'utf8'), { columns: true, skip_empty_lines: true }) as Row[];
}

/**
 * Reads numeric columns of a CSV without building a row object per line (a sweep's pods.csv files hold millions of
 * rows together): one array of numbers per column, empty cells skipped.
 */
export function readNumberColumns(file: string, columns: readonly string[]): number[][] {
  if (!existsSync(file)) throw new InputError(`${file}: not found (is this a kubesim results folder?)`);
  const text = readFileSync(file, 'utf8');
  const header = (parse(text.slice(0, text.indexOf('\n') + 1), { to_line: 1 }) as string[][])[0] ?? [];
  const index = columns.map((c) => header.indexOf(c));
  const out = columns.map((): number[] => []);
  parse(text, {
    from_line: 2,
    skip_empty_lines: true,
    on_record: (record: string[]) => {
      for (let i = 0; i < index.length; i++) {
        const v = index[i]! >= 0 ? record[index[i]!] : undefined;
        if (v !== undefined && v !== '') out[i]!.push(Number(v));
      }
      return null;
    },
  });
  return out;
}

/** Reads a column of numbers, skipping empty cells. */
export function numbers(rows: readonly Row[], column: string): number[] {
  const out: number[] = [];
  for (const r of rows) {
    const v = r[column];
    if (v !== undefined && v !== '') out.push(Number(v));
  }
  return out;
}

/**
 * Sums one numeric column per `time_s` without materialising rows (services.csv holds a row per Service per interval:
 * over a million at 30,000 Services). Only for kubesim's own files, whose numeric columns are never quoted.
 */
export function sumByTime(file: string, column: string): Map<number, number> {
  const text = readFileSync(file, 'utf8');
  const headerEnd = text.indexOf('\n');
  const header = text.slice(0, headerEnd).split(',');
  const t = header.indexOf('time_s');
  const c = header.indexOf(column);
  if (t < 0 || c < 0) throw new InputError(`${file}: expected columns time_s and ${column}`);
  const out = new Map<number, number>();
  let pos = headerEnd + 1;
  while (pos < text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    const cells = text.slice(pos, end).split(',');
    pos = end + 1;
    if (cells.length <= Math.max(t, c)) continue;
    const time = Number(cells[t]);
    out.set(time, (out.get(time) ?? 0) + Number(cells[c]));
  }
  return out;
}
