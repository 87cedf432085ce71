import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/workload/loadScenario.js';
import { InputError } from '../../src/workload/errors.js';
import { parseDuration, formatDuration } from '../../src/cluster/duration.js';
import { scenarioJsonSchemaText } from '../../src/workload/jsonSchema.js';
import { defaultPullPolicy } from '../../src/cluster/podDefaults.js';

const dir = mkdtempSync(join(tmpdir(), 'kubesim-load-'));
let n = 0;
function file(text: string, name = `s${++n}.yaml`): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const BASE = `apiVersion: kubesim.dev/v1
kind: Scenario
metadata: {name: t}
spec:
  duration: 1h
  cluster:
    nodePools:
      - {name: general, count: 3, capacity: {cpu: "4", memory: 16Gi, pods: 110}}
`;

function error(path: string, overrides: string[] = []): string {
  try {
    loadScenario(path, { overrides });
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error('expected an InputError');
}

describe('durations (Go time.ParseDuration syntax)', () => {
  it.each([
    ['500ms', 500_000],
    ['90s', 90_000_000],
    ['10m', 600_000_000],
    ['6h', 21_600_000_000],
    ['1h30m', 5_400_000_000],
    ['1.5s', 1_500_000],
    ['250us', 250],
    ['0', 0],
  ])('%s → %d µs', (text, us) => expect(parseDuration(text)).toBe(us));
  it.each(['', '10', '1d', 'm', '1 h', '-5s'])('rejects %j', (text) => expect(parseDuration(text)).toBeUndefined());
  it('formats back exactly', () => expect(formatDuration(5_400_250_000)).toBe('1h30m250ms'));
});

describe('loadScenario', () => {
  it('loads a scenario with defaults applied', () => {
    const s = loadScenario(file(BASE));
    expect(s.durationUs).toBe(3_600_000_000);
    expect(s.nodePools[0]!.capacity).toEqual({ cpu: 4000, memory: 17179869184, pods: 110 });
    expect(s.clients.scheduler).toEqual({ qps: 50, burst: 100 });
    expect(s.scheduler.podMaxBackoff).toBe(10_000_000);
    expect(s.seed).toBe(1);
  });

  it('applies --set overrides (relative to spec) before validation', () => {
    const s = loadScenario(file(BASE), { overrides: ['seed=9', 'cluster.nodePools[0].count=7', 'spec.duration=30m'] });
    expect([s.seed, s.nodePools[0]!.count, s.durationUs]).toEqual([9, 7, 1_800_000_000]);
    expect(s.overrides).toEqual(['seed=9', 'cluster.nodePools[0].count=7', 'spec.duration=30m']);
  });

  it('loads multi-document manifest files and directories of real manifests with upstream defaults', () => {
    const m = join(dir, 'manifests');
    mkdirSync(m, { recursive: true });
    writeFileSync(
      join(m, 'a.yaml'),
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx, env: [{name: A, value: b}], resources: {requests: {cpu: 0.5, memory: 1.5Gi}}}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}, ports: [{port: 80}]}
`,
    );
    writeFileSync(join(m, 'b.json'), JSON.stringify({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox:1.36' }] } } } }));
    writeFileSync(join(m, 'notes.txt'), 'ignored');
    const s = loadScenario(file(`${BASE}  manifests: [./manifests/]\n`));
    expect(s.objects.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['Deployment/default/web', 'Service/default/web', 'Job/default/j']);
    const d = s.objects[0]!;
    if (d.kind !== 'Deployment') throw new Error();
    expect(d.spec.replicas).toBe(1);
    expect(d.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } });
    expect(d.spec.template.spec.containers[0]!.resources?.requests).toEqual({ cpu: 500, memory: 1610612736 });
    expect(d.spec.template.spec.containers[0]!.imagePullPolicy).toBe('Always');
    expect(d.spec.template.spec.terminationGracePeriodSeconds).toBe(30);
    const j = s.objects[2]!;
    if (j.kind !== 'Job') throw new Error();
    expect([j.spec.completions, j.spec.parallelism, j.spec.backoffLimit]).toEqual([1, 1, 6]);
  });

  it('defaults imagePullPolicy like SetDefaults_Container', () => {
    expect(defaultPullPolicy('nginx')).toBe('Always');
    expect(defaultPullPolicy('nginx:latest')).toBe('Always');
    expect(defaultPullPolicy('nginx:1.27')).toBe('IfNotPresent');
    expect(defaultPullPolicy('registry:5000/app')).toBe('Always');
    expect(defaultPullPolicy('app@sha256:abc')).toBe('IfNotPresent');
  });
});

describe('bad input: one clear message naming file, line:column, path, found and expected', () => {
  it('malformed YAML', () => {
    const p = file('apiVersion: kubesim.dev/v1\nkind: Scenario\nspec: {duration: [1h\n');
    expect(error(p)).toMatch(new RegExp(`^${p}:\\d+:\\d+: malformed YAML`));
  });
  it('a wrong type', () => {
    const p = file(BASE.replace('count: 3', 'count: three'));
    expect(error(p)).toBe(`${p}:8:32: spec.cluster.nodePools[0].count: expected an integer, found "three"`);
  });
  it('an unknown field, with a suggestion', () => {
    const p = file(BASE.replace('  duration: 1h', '  duraton: 1h'));
    expect(error(p)).toBe(`${p}:5:3: spec.duraton: unknown field "duraton" in spec (did you mean "duration"?)`);
  });
  it('an unknown field inside a Kubernetes manifest', () => {
    const p = file(`${BASE}  manifests:\n    - {apiVersion: apps/v1, kind: Deployment, metadata: {name: w}, spec: {replcas: 2, selector: {matchLabels: {a: b}}, template: {metadata: {labels: {a: b}}, spec: {containers: [{name: c, image: x}]}}}}\n`);
    expect(error(p)).toMatch(/spec\.manifests\[0\]\.spec\.replcas: unknown field "replcas" in a Deployment spec \(did you mean "replicas"\?\)$/);
  });
  it('a negative replica count', () => {
    const p = file(`${BASE}  manifests:\n    - {apiVersion: apps/v1, kind: Deployment, metadata: {name: w}, spec: {replicas: -2, selector: {matchLabels: {a: b}}, template: {metadata: {labels: {a: b}}, spec: {containers: [{name: c, image: x}]}}}}\n`);
    expect(error(p)).toMatch(/:\d+:\d+: spec\.manifests\[0\]\.spec\.replicas: expected an integer ≥ 0, found -2$/);
  });
  it('an unparsable quantity', () => {
    const p = file(BASE.replace('memory: 16Gi', 'memory: 16GB'));
    expect(error(p)).toBe(`${p}:8:64: spec.cluster.nodePools[0].capacity.memory: "16GB" is not a quantity: unknown suffix "GB"; expected a quantity such as 100m, 1.5, 512Mi or 2Gi`);
  });
  it('a missing manifest file', () => {
    const p = file(`${BASE}  manifests: [./nope.yaml]\n`);
    expect(error(p)).toMatch(new RegExp(`^${p}:9:15: spec\\.manifests\\[0\\]: manifest path .*nope\\.yaml not found$`));
  });
  it('a 10^12-node pool is refused up front', () => {
    const p = file(BASE.replace('count: 3', 'count: 1000000000000'));
    expect(error(p)).toBe(`${p}:8:32: spec.cluster.nodePools[0].count: expected at most 100000 nodes, found 1000000000000`);
  });
  it('a missing scenario file', () => {
    expect(error(join(dir, 'missing.yaml'))).toBe(`${join(dir, 'missing.yaml')}: scenario file not found`);
  });
  it('a Job template whose pods would restart forever', () => {
    const p = file(`${BASE}  manifests:\n    - {apiVersion: batch/v1, kind: Job, metadata: {name: j}, spec: {template: {spec: {containers: [{name: c, image: x}]}}}}\n`);
    expect(error(p)).toMatch(/spec\.template\.spec\.restartPolicy: a Job's pods need restartPolicy Never or OnFailure/);
  });
  it('a Deployment whose selector does not match its template', () => {
    const p = file(`${BASE}  manifests:\n    - {apiVersion: apps/v1, kind: Deployment, metadata: {name: w}, spec: {selector: {matchLabels: {a: b}}, template: {metadata: {labels: {a: c}}, spec: {containers: [{name: c, image: x}]}}}}\n`);
    expect(error(p)).toMatch(/spec\.template\.metadata\.labels: `selector` does not match template `labels`$/);
  });
  it('a built-in kind under an apiVersion Kubernetes does not serve', () => {
    const q = file(`${BASE}  manifests:\n    - {apiVersion: apps/v1beta1, kind: Deployment, metadata: {name: c}}\n`);
    expect(error(q)).toMatch(/expected apiVersion "apps\/v1" for kind Deployment, found "apps\/v1beta1"$/);
    const r = file(`${BASE}  manifests:\n    - {apiVersion: v2, kind: ConfigMap, metadata: {name: c}}\n`);
    expect(error(r)).toMatch(/expected apiVersion "v1" for kind ConfigMap, found "v2"$/);
  });
  it('an invalid --set names the override', () => {
    expect(error(file(BASE), ['cluster.nodePools[0].count=-1'])).toMatch(/spec\.cluster\.nodePools\[0\]\.count: expected an integer ≥ 0, found -1 \(from --set cluster\.nodePools\[0\]\.count=-1\)$/);
    expect(error(file(BASE), ['cluster.nodePools[5].count=1'])).toBe('--set cluster.nodePools[5].count=1: there is no item [5] at this path');
    expect(error(file(BASE), ['novalue'])).toBe('--set novalue: expected path=value, e.g. --set seed=7');
  });
  it('a YAML alias bomb', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 0; i < 9; i++) bomb.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`);
    expect(error(file(bomb.join('\n') + '\n'))).toMatch(/YAML aliases expand too much/);
  });
  it('an absurd Poisson rate', () => {
    const p = file(`${BASE}  workloads:\n    - {kind: PoissonJobs, rate: 1000000/s, template: {apiVersion: batch/v1, kind: Job, metadata: {name: j}, spec: {template: {spec: {restartPolicy: Never, containers: [{name: c, image: x}]}}}}}\n`);
    expect(error(p)).toMatch(/spec\.workloads\[0\]\.rate: this rate creates about 3600000000 Jobs over the run; the limit is 1000000/);
  });
});

describe('published JSON Schema', () => {
  it('schema/scenario.schema.json is generated from the loader schema (run `npm run schema` after changing it)', () => {
    const committed = readFileSync(new URL('../../schema/scenario.schema.json', import.meta.url), 'utf8');
    expect(committed).toBe(scenarioJsonSchemaText());
  });
});

describe('PriorityClass and PodDisruptionBudget manifests', () => {
  const pod = (extra: string) => `    - {apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {${extra}containers: [{name: c, image: "a:1"}]}}\n`;
  it('loads classes and budgets with their defaults', () => {
    const p = file(`${BASE}  manifests:
    - {apiVersion: scheduling.k8s.io/v1, kind: PriorityClass, metadata: {name: high}, value: 1000}
    - {apiVersion: policy/v1, kind: PodDisruptionBudget, metadata: {name: b}, spec: {maxUnavailable: "25%", selector: {matchLabels: {app: x}}}}
${pod('priorityClassName: high, ')}`);
    const s = loadScenario(p, { overrides: [] });
    expect(s.objects.find((o) => o.kind === 'PriorityClass')).toMatchObject({ value: 1000, preemptionPolicy: 'PreemptLowerPriority' });
    expect(s.objects.find((o) => o.kind === 'PodDisruptionBudget')).toMatchObject({ metadata: { namespace: 'default' }, spec: { maxUnavailable: '25%' } });
  });
  it('refuses a pod naming an unknown class, a second global default, and a budget with both bounds', () => {
    expect(error(file(`${BASE}  manifests:\n${pod('priorityClassName: nope, ')}`))).toMatch(/Pod "default\/p": spec.priorityClassName: no PriorityClass with name nope was found$/);
    expect(
      error(file(`${BASE}  manifests:
    - {apiVersion: scheduling.k8s.io/v1, kind: PriorityClass, metadata: {name: a}, value: 1, globalDefault: true}
    - {apiVersion: scheduling.k8s.io/v1, kind: PriorityClass, metadata: {name: b}, value: 2, globalDefault: true}
`)),
    ).toMatch(/PriorityClass "b" is marked globalDefault, but "a" already is/);
    expect(error(file(`${BASE}  manifests:\n    - {apiVersion: policy/v1, kind: PodDisruptionBudget, metadata: {name: b}, spec: {minAvailable: 1, maxUnavailable: 1}}\n`))).toMatch(/minAvailable and maxUnavailable cannot both be set/);
  });
});

describe('DaemonSet manifests', () => {
  it('load with upstream defaults (RollingUpdate maxUnavailable 1, maxSurge 0, revisionHistoryLimit 10)', () => {
    const p = file(`${BASE}  manifests:
    - apiVersion: apps/v1
      kind: DaemonSet
      metadata: {name: agent, namespace: kube-system}
      spec:
        selector: {matchLabels: {app: agent}}
        template:
          metadata: {labels: {app: agent}}
          spec: {containers: [{name: a, image: "agent:1"}]}
`);
    const ds = loadScenario(p, { overrides: [] }).objects.find((o) => o.kind === 'DaemonSet');
    expect(ds).toMatchObject({ spec: { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } }, revisionHistoryLimit: 10 } });
  });
});
