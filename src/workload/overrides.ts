/**
 * `--set path=value` overrides, applied to the scenario document before validation so that errors in an override
 * are reported like errors in the file. Paths are relative to `spec` unless they start with a top-level field
 * (`seed=7`, `cluster.nodePools[0].count=200`, `spec.duration=1h`); values are read as YAML scalars or flow
 * collections (`7`, `true`, `1h`, `[a, b]`).
 */
import { type Document, isSeq } from 'yaml';
import { InputError } from './errors.js';
import { parseYamlDocuments } from './yamlSource.js';

const TOP = new Set(['apiVersion', 'kind', 'metadata', 'spec']);

/** Parses `a.b[0].c` into path segments (numbers for list indexes). */
export function parseOverridePath(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  const re = /([^.[\]]+)|\[(\d+)\]/g;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(path)) !== null) {
    if (m[1] !== undefined) out.push(m[1]);
    else out.push(Number(m[2]));
    consumed += m[0].length;
  }
  const dots = (path.match(/\./g) ?? []).length;
  if (out.length === 0 || consumed + dots !== path.length) throw new InputError(`--set ${path}: expected a path like cluster.nodePools[0].count`);
  if (typeof out[0] === 'string' && !TOP.has(out[0])) out.unshift('spec');
  return out;
}

/** One parsed override. `source` says where it came from in messages (`--set`, `matrix`). */
export interface Override {
  text: string;
  path: (string | number)[];
  value: unknown;
  source?: string;
}

/** Parses `path=value`. */
export function parseOverride(text: string, source = '--set'): Override {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new InputError(`--set ${text}: expected path=value, e.g. --set seed=7`);
  const path = parseOverridePath(text.slice(0, eq));
  // Parsed with the loader's bounds (depth, keys, aliases, NaN and infinity refused).
  const docs = parseYamlDocuments(text.slice(eq + 1), `${source} ${text.slice(0, eq)}`);
  if (docs.length > 1) throw new InputError(`${source} ${text}: the value is not one YAML value`);
  const value = docs[0]?.value;
  return { text, path, value: value ?? '', source };
}

/** Applies overrides to a parsed YAML document in place. */
export function applyOverrides(doc: Document.Parsed, overrides: readonly Override[]): void {
  for (const o of overrides) {
    for (let i = 1; i <= o.path.length; i++) {
      const seg = o.path[i - 1];
      if (typeof seg === 'number') {
        const parent = doc.getIn(o.path.slice(0, i - 1), true);
        if (!isSeq(parent) || seg >= parent.items.length) {
          throw new InputError(`${o.source ?? '--set'} ${o.text}: there is no item [${seg}] at this path`);
        }
      }
    }
    doc.setIn(o.path, doc.createNode(o.value));
  }
}
