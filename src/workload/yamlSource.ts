/**
 * Reading YAML/JSON input with positions: documents keep their source nodes so an error at a path can name the
 * line and column. Multi-document files are supported.
 *
 * No input can make the loader overflow the stack, take quadratic time or read without end. Before the parser sees
 * a text, its tokens are scanned (yaml's Lexer, which does not recurse) for a bound on the nesting depth; the parsed
 * documents are then walked once, without recursion, for their exact depth, the keys of each mapping and duplicate
 * keys (a hashed check: the parser's own is quadratic); alias expansion is bounded (alias bombs are refused). Every
 * limit is an InputError naming file:line:col and the limit (docs/scenario.md, "Limits").
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { type Document, LineCounter, Lexer, CST, parseAllDocuments, isMap, isSeq, isScalar, isPair, isAlias, type Node as YamlNode } from 'yaml';
import { InputError, formatPath } from './errors.js';

/**
 * Largest YAML or JSON file kubesim reads: 512 KiB, what the loader parses, checks and converts in about a second
 * whatever its structure (the YAML parser reads dense flow collections at about 0.6 MB/s on one core of this
 * machine). A larger manifest set is split over several files.
 */
export const MAX_INPUT_BYTES = 512 * 1024;
/** Deepest nesting of mappings and lists in a document (Kubernetes objects nest about 15 levels). */
export const MAX_DEPTH = 100;
/**
 * Bound on the nesting the token scan may see before parsing (2 × the column where a block node starts, plus the
 * open brackets): deeper text could overflow the parser's stack, which recurses once per level.
 */
export const MAX_SCANNED_DEPTH = 300;
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
  try {
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
        throw new InputError(`${file}: ${what} file cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      }
      if (n === 0) break;
      chunks.push(buf.subarray(0, n));
      total += n;
      if (total > limit) throw new InputError(`${file}: ${what} file is more than ${limit} bytes; the limit is ${limit}`);
    }
    return Buffer.concat(chunks, total).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** Parses YAML (JSON is YAML) into documents; empty documents are skipped. */
export function parseYamlDocuments(text: string, file: string): SourceDoc[] {
  const lines = new LineCounter();
  if (text.length > MAX_INPUT_BYTES) throw new InputError(`${file}: the text is ${text.length} characters; the limit is ${MAX_INPUT_BYTES}`);
  scanDepth(text, file);
  const docs = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false });
  if (!Array.isArray(docs)) throw new InputError(`${file}: not a YAML document`);
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
 * A bound on the nesting depth from the tokens, before parsing: a block node starts at least one column right of its
 * parent (a list may share its mapping key's column), so its depth is at most 2 × its column + 2; each open bracket
 * adds one, and so does each implicit key chained after another in a flow collection. Refuses text above
 * MAX_SCANNED_DEPTH.
 */
function scanDepth(text: string, file: string): void {
  let offset = 0;
  let lineStart = 0;
  let flow = 0;
  let blockCol = 0;
  let firstOnLine = true;
  // Implicit keys chained in a flow collection (`[a: b: c: …`, e.g. an unclosed bracket) nest in the parser too.
  let chain = 0;
  for (const tok of new Lexer().lex(text)) {
    // The lexer's control characters (document, scalar, flow-error marks) are not source text.
    if (tok === CST.DOCUMENT || tok === CST.SCALAR || tok === CST.FLOW_END) continue;
    const type = CST.tokenType(tok);
    if (type === 'newline') firstOnLine = true;
    else if (type !== 'space' && type !== 'comment' && type !== 'byte-order-mark') {
      const col = offset - lineStart;
      if (flow === 0 && (firstOnLine || type === 'seq-item-ind' || type === 'explicit-key-ind')) blockCol = col;
      firstOnLine = false;
      if (type === 'flow-map-start' || type === 'flow-seq-start') {
        flow++;
        chain = 0;
      } else if ((type === 'flow-map-end' || type === 'flow-seq-end') && flow > 0) {
        flow--;
        chain = 0;
      } else if (type === 'comma') chain = 0;
      else if (type === 'map-value-ind' && flow > 0) chain++;
      if (2 * blockCol + 2 + flow + chain > MAX_SCANNED_DEPTH) {
        throw new InputError(`${file}:${lineOf(text, offset)}: nesting too deep: YAML nested more than ${MAX_DEPTH} levels (or indented past column ${Math.floor(MAX_SCANNED_DEPTH / 2) - 1}) is refused`);
      }
    }
    offset += tok.length;
    const nl = tok.lastIndexOf('\n');
    if (nl >= 0) {
      lineStart = offset - (tok.length - nl - 1);
      firstOnLine = true;
    }
  }
}

/** The message for a NaN or infinite number (YAML's .nan, .inf, 1e999). */
function nonFinite(v: number): string {
  return `${Number.isNaN(v) ? '.nan' : v > 0 ? '.inf' : '-.inf'} is not a number Kubernetes or kubesim takes: fields are strings, integers or finite numbers (quote it for a string)`;
}

function lineOf(text: string, offset: number): string {
  let line = 1;
  let last = -1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    last = i;
  }
  return `${line}:${offset - last}`;
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
    } else if (isAlias(node)) {
      // An alias points at a node walked where it is defined.
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
