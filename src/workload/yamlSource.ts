/**
 * Reading YAML/JSON input with positions: documents keep their source nodes so an error at a path can name the
 * line and column. Multi-document files are supported; alias expansion is bounded (YAML alias bombs are refused).
 */
import { readFileSync, statSync } from 'node:fs';
import { type Document, LineCounter, parseAllDocuments, isMap, isSeq, isScalar, isPair, type Node as YamlNode } from 'yaml';
import { InputError, formatPath } from './errors.js';

/** Largest input file kubesim reads (a scenario or manifest file this large is a mistake). */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;

/** One parsed document with what is needed to point at its parts. */
export interface SourceDoc {
  file: string;
  index: number;
  doc: Document.Parsed;
  lines: LineCounter;
  value: unknown;
}

/** Reads a file, naming it in the error if it is missing or unreadable. */
export function readText(file: string, what: string): string {
  let size: number;
  try {
    const st = statSync(file);
    if (st.isDirectory()) throw new InputError(`${file}: expected a ${what} file, found a directory`);
    size = st.size;
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`${file}: ${what} file not found`);
  }
  if (size > MAX_INPUT_BYTES) throw new InputError(`${file}: ${what} file is ${size} bytes; the limit is ${MAX_INPUT_BYTES}`);
  return readFileSync(file, 'utf8');
}

/** Parses YAML (JSON is YAML) into documents; empty documents are skipped. */
export function parseYamlDocuments(text: string, file: string): SourceDoc[] {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (!Array.isArray(docs)) throw new InputError(`${file}: not a YAML document`);
  const out: SourceDoc[] = [];
  docs.forEach((doc, index) => {
    const err = doc.errors[0];
    if (err !== undefined) {
      const pos = lines.linePos(err.pos[0]);
      throw new InputError(`${file}:${pos.line}:${pos.col}: malformed YAML: ${firstLine(err.message)}`);
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 1000 });
    } catch (e) {
      throw new InputError(`${file}: ${firstLine((e as Error).message)} (YAML aliases expand too much)`);
    }
    if (value === null || value === undefined) return;
    out.push({ file, index, doc, lines, value });
  });
  return out;
}

/** `file:line:col` of the node at `path` (or of its closest existing ancestor). With `key`, points at the key. */
export function locate(src: SourceDoc, path: readonly PropertyKey[], key?: string): string {
  let node: unknown = src.doc.contents;
  let found: YamlNode | undefined = node as YamlNode;
  for (const p of path) {
    const next = child(node, p);
    if (next === undefined) break;
    node = next;
    found = next as YamlNode;
  }
  let offset = found?.range?.[0];
  if (key !== undefined && isMap(node)) {
    const pair = node.items.find((it) => isPair(it) && isScalar(it.key) && String(it.key.value) === key);
    const k = pair?.key as YamlNode | undefined;
    if (k?.range) offset = k.range[0];
  }
  if (offset === undefined) return src.file;
  const pos = src.lines.linePos(offset);
  return `${src.file}:${pos.line}:${pos.col}`;
}

function child(node: unknown, p: PropertyKey): unknown {
  if (isMap(node)) {
    const pair = node.items.find((it) => isScalar(it.key) && String(it.key.value) === String(p));
    return pair?.value ?? undefined;
  }
  if (isSeq(node) && typeof p === 'number') return node.items[p];
  return undefined;
}

/** The value at `path` in a plain JS value. */
export function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let v = value;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

export { formatPath };
