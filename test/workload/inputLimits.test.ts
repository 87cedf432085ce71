/**
 * Bounded input work: the worst inputs found by fuzzing the loader (deep and wide YAML, long lists, unbounded
 * devices, alias bombs, NaN and infinity) are refused with kubesim's InputError, naming file:line:col and the limit,
 * within 2 s; and the loader keeps working afterwards in the same process (no stack overflow leaves it broken).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/workload/loadScenario.js';
import { InputError } from '../../src/workload/errors.js';
import { MAX_DEPTH, MAX_INPUT_BYTES, MAX_KEYS, parseYamlDocuments } from '../../src/workload/yamlSource.js';
import { LIST_LIMITS } from '../../src/workload/schema/scenario.js';

const dir = mkdtempSync(join(tmpdir(), 'kubesim-limits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const head = (spec: string) => `apiVersion: kubesim.dev/v1\nkind: Scenario\nmetadata: {name: limits}\nspec:\n  duration: 1h\n${spec}`;
const POOL = '  cluster:\n    nodePools:\n      - {name: p, count: 3, capacity: {cpu: "8", memory: 32Gi, pods: 110}}\n';
const POD = (extra: string) => `{apiVersion: v1, kind: Pod, metadata: {name: a}, spec: {containers: [{name: c, image: nginx}]${extra}}}`;
const times = (n: number, f: (i: number) => string, sep: string) => Array.from({ length: n }, (_, i) => f(i)).join(sep);

/** Loads `text` as a scenario file; returns the InputError's message (or "ok") and the wall time. */
function load(name: string, text: string, overrides: string[] = []): { result: string; ms: number } {
  mkdirSync(join(dir, name));
  const file = join(dir, name, 'limits.yaml');
  writeFileSync(file, text);
  const t0 = process.hrtime.bigint();
  let result = 'ok';
  try {
    loadScenario(file, { overrides });
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    result = e.message;
  }
  return { result, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
}

const N = 20_000;
const WORST: [string, string, RegExp][] = [
  ['deep flow nesting', head(`  x: ${'['.repeat(5000)}${']'.repeat(5000)}\n`), /limits\.yaml:6:\d+: nesting too deep/],
  ['deep block nesting', head(POOL + times(600, (i) => `${' '.repeat(i + 2)}k${i}:`, '\n') + ' 1\n'), /nesting too deep/],
  ['deep compact lists', head(`  x: \n    ${'- '.repeat(5000)}x\n`), /nesting too deep/],
  ['nesting just past the exact limit', head(`  x: ${'['.repeat(MAX_DEPTH)}${']'.repeat(MAX_DEPTH)}\n`), new RegExp(`limits\\.yaml:6:\\d+: nesting too deep: mappings and lists nest at most ${MAX_DEPTH} levels`)],
  ['a flow mapping of 8,000 labels', head(`  cluster:\n    nodePools:\n      - {name: p, count: 3, capacity: {cpu: "8"}, labels: {${times(8000, (i) => `l${i}: v`, ', ')}}}\n`), /^ok$|limits\.yaml/],
  ['a mapping of 30,000 keys', head(`  images:\n${times(30_000, (i) => `    i${i}: 1Mi`, '\n')}\n`), new RegExp(`limits\\.yaml:7:5: a mapping of 30000 keys; the limit is ${MAX_KEYS}`)],
  ['a duplicate key among 9,000', head(`  images:\n${times(9000, (i) => `    i${i}: 1Mi`, '\n')}\n    i5: 2Mi\n`), /limits\.yaml:9007:5: malformed YAML: Map keys must be unique/],
  ['20,000 node pools', head(`  cluster:\n    nodePools:\n${times(N, (i) => `      - {name: p${i}, count: 1, capacity: {cpu: "8"}}`, '\n')}\n`), /the limit is|at most 1000 node pools/],
  ['20,000 events', head(POOL + `  events:\n${times(N, (i) => `    - {at: ${i}s, failNodes: {pool: p, count: 1}}`, '\n')}\n`), /the limit is|at most 10000 events/],
  ['20,000 workloads', head(POOL + `  workloads:\n${times(N, (i) => `    - {kind: Pods, name: w${i}, count: 1, template: ${POD('')}}`, '\n')}\n`), /the limit is|at most 1000 workloads/],
  ['20,000 Ingress paths', head(POOL + `  manifests:\n    - {apiVersion: networking.k8s.io/v1, kind: Ingress, metadata: {name: i}, spec: {rules: [{http: {paths: [${times(N, (i) => `{path: /p${i}, pathType: Prefix, backend: {service: {name: s, port: {number: 80}}}}`, ', ')}]}}]}}\n`), /the limit is/],
  ['20,000 affinity terms', head(POOL + `  manifests:\n    - ${POD(`, affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [${times(N, (i) => `{matchExpressions: [{key: k${i}, operator: In, values: [v]}]}`, ', ')}]}}}`)}\n`), /the limit is/],
  ['an alias bomb', head(`  x:\n    a: &a [x, x, x, x, x, x, x, x, x, x]\n    b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n    c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n    d: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n`), /aliases expand too much; the limit is 1000 expansions/],
  ['a file over the size limit', head(`  description: "${'x'.repeat(MAX_INPUT_BYTES)}"\n`), new RegExp(`limits\\.yaml: scenario file is \\d+ bytes; the limit is ${MAX_INPUT_BYTES} \\(split it into several files\\)`)],
  ['the largest file accepted, of dense flow mappings', head(`  cluster:\n    nodePools:\n      - {name: p, count: 1, capacity: {cpu: "8"}}\n  images: {${times(Math.floor(MAX_INPUT_BYTES / 26), (i) => `"ex.com/i${String(i).padStart(6, '0')}": 1Mi`, ', ')}}\n`), /limits\.yaml:9:\d+: a mapping of \d+ keys; the limit is 10000/],
  ['the largest file accepted, of long lists', head(`  x: [${times(Math.floor(MAX_INPUT_BYTES / 15), (i) => `{a: [${i % 10}]}`, ', ')}]\n`), /spec\.x|unknown field "x"/],
];

describe('the loader on the worst inputs found by fuzzing', () => {
  for (const [what, text, want] of WORST) {
    it(`${what}: refused (or loaded) with kubesim's own error within 2 s`, () => {
      const { result, ms } = load(what.replace(/\W+/g, '-'), text);
      expect(result).toMatch(want);
      expect(ms).toBeLessThan(2000);
    });
  }

  it('a device without end (/dev/zero) is refused at the size limit, not read forever', () => {
    const t0 = process.hrtime.bigint();
    expect(() => loadScenario('/dev/zero')).toThrow(new InputError(`/dev/zero: scenario file is more than ${MAX_INPUT_BYTES} bytes; the limit is ${MAX_INPUT_BYTES}`));
    expect(Number(process.hrtime.bigint() - t0) / 1e6).toBeLessThan(2000);
  });

  it('keeps parsing in the same process after refusing nesting that would overflow the parser', () => {
    for (let i = 0; i < 3; i++) expect(() => parseYamlDocuments('['.repeat(20_000) + ']'.repeat(20_000), 'deep.yaml')).toThrow(InputError);
    expect(parseYamlDocuments('a: [1, {b: 2}]\n', 'ok.yaml')[0]!.value).toEqual({ a: [1, { b: 2 }] });
    expect(load('after', head(POOL)).result).toBe('ok');
  });

  it('the documented list limits hold at the limit and one past it', () => {
    expect(load('pools-at', head(`  cluster:\n    nodePools:\n${times(LIST_LIMITS.nodePools, (i) => `      - {name: p${i}, count: 1, capacity: {cpu: "8"}}`, '\n')}\n`)).result).toBe('ok');
    expect(load('pools-past', head(`  cluster:\n    nodePools:\n${times(LIST_LIMITS.nodePools + 1, (i) => `      - {name: p${i}, count: 1, capacity: {cpu: "8"}}`, '\n')}\n`)).result).toMatch(/limits\.yaml:\d+:\d+: spec\.cluster\.nodePools: expected at most 1000 node pools/);
  });
});

describe('types as the API server checks them', () => {
  const cases: [string, string, RegExp][] = [
    ['a container command of .nan', `  manifests:\n    - {apiVersion: v1, kind: Pod, metadata: {name: a}, spec: {containers: [{name: c, image: nginx, command: [.nan]}]}}\n`, /limits\.yaml:10:\d+: \.nan is not a number/],
    ['an env value of .inf', `  manifests:\n    - {apiVersion: v1, kind: Pod, metadata: {name: a}, spec: {containers: [{name: c, image: nginx, env: [{name: A, value: .inf}]}]}}\n`, /\.inf is not a number/],
    ['a number where a string is required (args)', `  manifests:\n    - {apiVersion: v1, kind: Pod, metadata: {name: a}, spec: {containers: [{name: c, image: nginx, args: [3]}]}}\n`, /containers\[0\]\.args\[0\]: expected a string \(quote numbers and booleans\)/],
    ['a number as an env value', `  manifests:\n    - {apiVersion: v1, kind: Pod, metadata: {name: a}, spec: {containers: [{name: c, image: nginx, env: [{name: A, value: 3}]}]}}\n`, /env\[0\]\.value: expected a string value/],
    ['a probe handler of -.inf', `  manifests:\n    - {apiVersion: v1, kind: Pod, metadata: {name: a}, spec: {containers: [{name: c, image: nginx, readinessProbe: {httpGet: {port: -.inf}}}]}}\n`, /-\.inf is not a number/],
    ['a probe port out of range', `  manifests:\n    - {apiVersion: v1, kind: Pod, metadata: {name: a}, spec: {containers: [{name: c, image: nginx, livenessProbe: {tcpSocket: {port: 70000}}}]}}\n`, /tcpSocket\.port: expected a value ≤ 65535, found 70000/],
    ['a volume mount without a path', `  manifests:\n    - {apiVersion: v1, kind: Pod, metadata: {name: a}, spec: {containers: [{name: c, image: nginx, volumeMounts: [{name: v, mountPath: 1.5}]}]}}\n`, /volumeMounts\[0\]\.mountPath/],
    ['a pool count of .inf in the matrix', `  matrix:\n    cluster.nodePools[0].count: [1, .inf]\n`, /limits\.yaml:\d+:\d+: \.inf is not a number/],
    ['a scenario name longer than 200 characters', '', /metadata\.name: scenario names are at most 200 characters/],
    ['a Service name of 64 characters', `  manifests:\n    - {apiVersion: v1, kind: Service, metadata: {name: ${'s'.repeat(64)}}, spec: {ports: [{port: 80}]}}\n`, /spec\.manifests\[0\]\.metadata\.name: a Service name is a DNS-1035 label/],
    ['a Job name of 64 characters', `  manifests:\n    - {apiVersion: batch/v1, kind: Job, metadata: {name: ${'j'.repeat(64)}}, spec: {template: {spec: {restartPolicy: Never, containers: [{name: c, image: nginx}]}}}}\n`, /a Job name is at most 63 characters \(it is its pods' job-name label\), found 64/],
    ['a matchFields requirement with two values', `  manifests:\n    - ${POD(`, affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchFields: [{key: metadata.name, operator: In, values: [p-0, p-1]}]}]}}}`)}\n`, /matchFields\[0\]\.values: must be only one value when `operator` is 'In' or 'NotIn' for node field selector/],
    ['a matchFields requirement with Exists', `  manifests:\n    - ${POD(`, affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchFields: [{key: metadata.name, operator: Exists}]}]}}}`)}\n`, /matchFields\[0\]\.operator: Exists is not a valid selector operator for a node field selector/],
    ['a matchFields requirement on a label', `  manifests:\n    - ${POD(`, affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchFields: [{key: zone, operator: In, values: [a]}]}]}}}`)}\n`, /matchFields\[0\]\.key: "zone" is not a valid field selector key/],
    ['a container name of 64 characters', `  manifests:\n    - {apiVersion: v1, kind: Pod, metadata: {name: a}, spec: {containers: [{name: ${'c'.repeat(64)}, image: nginx}]}}\n`, /container names are at most 63 characters/],
  ];
  for (const [what, spec, want] of cases) {
    it(`${what} is refused`, () => {
      const text = what.startsWith('a scenario name') ? head(POOL).replace('name: limits', `name: ${'a'.repeat(300)}`) : head(POOL + spec);
      expect(load(what.replace(/\W+/g, '-'), text).result).toMatch(want);
    });
  }

  it('a matchFields requirement on metadata.name with one value is accepted', () => {
    expect(load('match-fields-ok', head(POOL + `  manifests:\n    - ${POD(`, affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchFields: [{key: metadata.name, operator: NotIn, values: [p-0]}]}]}}}`)}\n`)).result).toBe('ok');
  });

  it('a --set value of .nan or .inf is refused', () => {
    expect(load('set-nan', head(POOL), ['cluster.nodePools[0].count=.inf']).result).toMatch(/^--set cluster\.nodePools\[0\]\.count:1:1: \.inf is not a number/);
  });

  it('a pod requesting ephemeral-storage fits a pool whose capacity omits it (the kubelet reports its 100Gi filesystem)', async () => {
    const { runInline } = await import('../helpers/inlineScenario.js');
    const rows = await runInline(dir, 'disk', head(POOL.replace('duration: 1h', '') + `  manifests:\n    - {apiVersion: v1, kind: Pod, metadata: {name: disk}, spec: {containers: [{name: c, image: nginx, resources: {requests: {ephemeral-storage: 10Gi}}}]}}\n`).replace('duration: 1h', 'duration: 1m'));
    expect(rows('pods.csv').find((r) => r.name === 'disk')?.node).toMatch(/^p-\d$/);
  });
});

describe('broken YAML', () => {
  it('is refused at its first error without composing the rest (a broken start once cost 2 s over 90,000 errors)', () => {
    const body = Array.from({ length: 22_000 }, (_, i) => ` "k${i}": [${i}],`).join('\n');
    const text = `*s[\`1on": "kubesim.dev/v1",\n${body}\n`;
    const t0 = process.hrtime.bigint();
    expect(() => parseYamlDocuments(text, 'broken.yaml')).toThrow(/^broken\.yaml:1:3: malformed YAML: Unexpected flow-seq-start token$/);
    expect(Number(process.hrtime.bigint() - t0) / 1e6).toBeLessThan(2000);
  });
});
