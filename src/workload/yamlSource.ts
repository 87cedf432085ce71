/**
 * Reading YAML/JSON input with positions: documents keep their source nodes so an error at a path can name the
 * line and column. Multi-document files are supported.
 *
 * No input can make the loader overflow the stack, take quadratic time or read without end. The parser is fed one
 * token at a time and stopped when it holds too many levels open (it recurses once per level); the parsed documents
 * are then walked once, without recursion, for their exact depth, the keys of each mapping and duplicate keys (a
 * hashed check: the parser's own is quadratic); alias expansion is bounded (alias bombs are refused). Every limit is
 * an InputError naming file:line:col and the limit (docs/scenario.md, "Limits").
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { type CST, Composer, type Document, LineCounter, Lexer, Parser, isMap, isSeq, isScalar, isPair, type Node as YamlNode } from 'yaml';
import { InputError, formatPath } from './errors.js';

/**
 * Largest YAML or JSON file kubesim reads: 512 KiB, what the loader parses, checks and converts in about a second
 * whatever its structure (the YAML parser reads dense flow collections at about 0.6 MB/s on one core of this
 * machine). A larger manifest set is split over several files.
 */
export const MAX_INPUT_BYTES = 512 * 1024;
/** Deepest nesting of mappings and lists in a document (Kubernetes objects nest about 15 levels). */
export const MAX_DEPTH = 100;
/** Most levels the YAML parser may hold open while it reads (its own stack; the exact depth is checked after). */
export const MAX_PARSER_DEPTH = 2 * MAX_DEPTH;
/** Most keys in one mapping. */
export const MAX_KEYS = 10_000;
/** Most alias expansions in one document. */
export const MAX_ALIASES = 1000;

/** One parsed document with what is needed to point at its parts. */
export interface SourceDoc {
  file: string;
  index: number;
  doc: Document.Parsed;
  lines: LineCounter;
  value: unknown;
}

/**
 * Reads a file, naming it in the error if it is missing or unreadable. Reads at most `limit` bytes whatever the
 * file is (a device or a pipe has no size: /dev/zero is refused at the limit, not read without end).
 */
export function readText(file: string, what: string, limit = MAX_INPUT_BYTES): string {
  let fd: number;
  // Standard input is read from its descriptor: a pipe from another process may be a socket, which /dev/stdin
  // cannot be opened on.
  if (file === STDIN_PATH) fd = 0;
  else try {
    const st = statSync(file);
    if (st.isDirectory()) throw new InputError(`${file}: expected a ${what} file, found a directory`);
    if (st.isFile() && st.size > limit) throw new InputError(`${file}: ${what} file is ${st.size} bytes; the limit is ${limit} (split it into several files)`);
    fd = openSync(file, 'r');
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(code === 'EACCES' || code === 'EPERM' ? `${file}: ${what} file cannot be read: permission denied` : `${file}: ${what} file not found`);
  }
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(1 << 20, limit + 1 - total));
      let n: number;
      try {
        n = readSync(fd, buf, 0, buf.length, null);
      } catch (e) {
        // A non-blocking standard input with nothing yet: wait for the writer.
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') {
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
          continue;
        }
        throw new InputError(`${file}: ${what} file cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      }
      if (n === 0) break;
      chunks.push(buf.subarray(0, n));
      total += n;
      if (total > limit) throw new InputError(`${file}: ${what} file is more than ${limit} bytes; the limit is ${limit}`);
    }
    return Buffer.concat(chunks, total).toString('utf8');
  } finally {
    if (fd !== 0) closeSync(fd);
  }
}

/** The path standard input is read by (a manifest path `-`, `import-cluster -`). */
export const STDIN_PATH = '/dev/stdin';

/** Parses YAML (JSON is YAML) into documents; empty documents are skipped. */
export function parseYamlDocuments(text: string, file: string, limit = MAX_INPUT_BYTES): SourceDoc[] {
  const lines = new LineCounter();
  if (text.length > limit) throw new InputError(`${file}: the text is ${text.length} characters; the limit is ${limit}`);
  const docs = parseBounded(text, lines, file);
  const out: SourceDoc[] = [];
  docs.forEach((doc, index) => {
    const err = doc.errors[0];
    if (err !== undefined) {
      const pos = lines.linePos(err.pos[0]);
      throw new InputError(`${file}:${pos.line}:${pos.col}: malformed YAML: ${firstLine(err.message)}`);
    }
    checkShape(doc, lines, file);
    out.push({ file, index, doc, lines, value: undefined });
  });
  return out.flatMap((src) => {
    src.value = toValue(src.doc, file);
    return src.value === null || src.value === undefined ? [] : [src];
  });
}

/** A document's value, with alias expansion bounded. */
export function toValue(doc: Document.Parsed, file: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (e) {
    throw new InputError(`${file}: ${firstLine((e as Error).message)} (YAML aliases expand too much; the limit is ${MAX_ALIASES} expansions)`);
  }
}

/**
 * Parses documents, feeding the parser one lexical token at a time and watching its stack: the parser and the
 * composer recurse once per level of what the parser has open, and a text that keeps it deeper than
 * MAX_PARSER_DEPTH (deep nesting, keys chained after an unclosed bracket, broken indentation) is refused before any
 * of them can overflow. The first syntax error the parser finds is reported at once.
 */
function parseBounded(text: string, lines: LineCounter, file: string): Document.Parsed[] {
  const parser = new Parser(lines.addNewLine);
  const cst: CST.Token[] = [];
  lines.addNewLine(0);
  for (const lexeme of new Lexer().lex(text)) {
    for (const t of parser.next(lexeme)) {
      // The first syntax error ends the parse: a broken text can hold one per token, and only the first is reported.
      if (t.type === 'error') {
        // An earlier error the composer finds in what came before is the one to report.
        const before = Array.from(new Composer({ prettyErrors: false, uniqueKeys: false }).compose(cst))
          .flatMap((d) => d.errors)
          .filter((e) => e.pos[0] < t.offset)
          .sort((a, b) => a.pos[0] - b.pos[0])[0];
        const pos = lines.linePos(before?.pos[0] ?? t.offset);
        const message = before?.message ?? (t.source ? `${t.message}: ${JSON.stringify(t.source)}` : t.message);
        throw new InputError(`${file}:${pos.line}:${pos.col}: malformed YAML: ${firstLine(message)}`);
      }
      cst.push(t);
    }
    if (parser.stack.length > MAX_PARSER_DEPTH) {
      const pos = lines.linePos(parser.offset);
      throw new InputError(`${file}:${pos.line}:${pos.col}: nesting too deep: mappings and lists nest at most ${MAX_DEPTH} levels`);
    }
  }
  for (const t of parser.end()) cst.push(t);
  return Array.from(new Composer({ prettyErrors: false, uniqueKeys: false }).compose(cst));
}

/** The message for a NaN or infinite number (YAML's .nan, .inf, 1e999). */
function nonFinite(v: number): string {
  return `${Number.isNaN(v) ? '.nan' : v > 0 ? '.inf' : '-.inf'} is not a number Kubernetes or kubesim takes: fields are strings, integers or finite numbers (quote it for a string)`;
}

/**
 * One pass over a parsed document, with an explicit stack: its depth (at most MAX_DEPTH), the keys of each mapping
 * (at most MAX_KEYS) and duplicate keys (hashed, so a mapping of many keys costs linear time).
 */
function checkShape(doc: Document.Parsed, lines: LineCounter, file: string): void {
  const at = (node: { range?: [number, number, number] | null } | null | undefined) => {
    const off = node?.range?.[0];
    if (off === undefined) return file;
    const p = lines.linePos(off);
    return `${file}:${p.line}:${p.col}`;
  };
  const stack: { node: unknown; depth: number }[] = [{ node: doc.contents, depth: 1 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (isMap(node) || isSeq(node)) {
      if (depth > MAX_DEPTH) throw new InputError(`${at(node)}: nesting too deep: mappings and lists nest at most ${MAX_DEPTH} levels`);
    }
    if (isMap(node)) {
      if (node.items.length > MAX_KEYS) throw new InputError(`${at(node)}: a mapping of ${node.items.length} keys; the limit is ${MAX_KEYS}`);
      const seen = new Set<string>();
      for (const pair of node.items) {
        const k = pair.key;
        if (isScalar(k)) {
          const name = `${typeof k.value}:${String(k.value)}`;
          if (seen.has(name)) throw new InputError(`${at(k)}: malformed YAML: Map keys must be unique (the key ${JSON.stringify(String(k.value))} appears twice)`);
          seen.add(name);
        } else if (k !== null && k !== undefined) throw new InputError(`${at(k as YamlNode)}: malformed YAML: a mapping key must be a string, not a ${isMap(k) ? 'mapping' : isSeq(k) ? 'list' : 'alias'}`);
        if (pair.value !== null && pair.value !== undefined) stack.push({ node: pair.value, depth: depth + 1 });
      }
    } else if (isSeq(node)) {
      for (const item of node.items) if (item !== null && item !== undefined) stack.push({ node: item, depth: depth + 1 });
    } else if (isPair(node)) {
      stack.push({ node: node.key, depth }, { node: node.value, depth });
    } else if (isScalar(node)) {
      if (typeof node.value === 'number' && !Number.isFinite(node.value)) throw new InputError(`${at(node)}: ${nonFinite(node.value)}`);
    }
  }
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
