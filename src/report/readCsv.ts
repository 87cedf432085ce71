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

/** Reads a column of numbers, skipping empty cells. */
export function numbers(rows: readonly Row[], column: string): number[] {
  const out: number[] = [];
  for (const r of rows) {
    const v = r[column];
    if (v !== undefined && v !== '') out.push(Number(v));
  }
  return out;
}
