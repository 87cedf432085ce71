/**
 * `kubesim import-cluster`: a live cluster's dump (the shipped example, written as `kubectl get … -A -o yaml` prints
 * a real one) becomes a scenario whose run starts in that state. The first samples equal the dump, the controllers
 * adopt their pods (nothing is created or deleted in the first minute), the pods stay where they run, and an
 * anonymized import runs identically in shape.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCluster } from '../../src/workload/clusterImport/importCluster.js';
import { loadScenario } from '../../src/workload/loadScenario.js';
import { runScenario } from '../../src/sim/simulation.js';
import { resourceAmount } from '../../src/cluster/quantity.js';
import { InputError } from '../../src/workload/errors.js';
import type { Cell } from '../../src/metrics/csvFile.js';

const DUMP = join(__dirname, '../../workloads/imported-cluster/dump.yaml');
const dir = mkdtempSync(join(tmpdir(), 'kubesim-import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Outputs = Record<string, { columns: readonly string[]; rows: Cell[][] }>;
/** An output's rows as objects, numbers read as numbers (the cells are the CSV's text). */
const table = (o: Outputs, name: string) => o[name]!.rows.map((r) => Object.fromEntries(o[name]!.columns.map((c, i) => [c, typeof r[i] === 'string' && r[i] !== '' && !Number.isNaN(Number(r[i])) ? Number(r[i]) : r[i] === '' ? undefined : r[i]])));

async function run(scenarioFile: string, duration = '2m'): Promise<Outputs> {
  const s = loadScenario(scenarioFile, { overrides: [`spec.duration=${duration}`] });
  const r = await runScenario(s, {});
  return r.outputs!;
}

/** The dump's objects, read here without kubesim's loader. */
interface DumpPod {
  kind: 'Pod';
  metadata: { name: string; namespace: string };
  spec: { nodeName?: string; containers: { resources?: { requests?: Record<string, string> } }[] };
  status: { phase: string; conditions: { message?: string }[] };
}
interface DumpNode {
  kind: 'Node';
  metadata: { name: string; labels: Record<string, string> };
  status: { allocatable: Record<string, string> };
}
const dump = (parse(readFileSync(DUMP, 'utf8')) as { items: { kind: string }[] }).items;
const dumpPods = dump.filter((o): o is DumpPod => o.kind === 'Pod');
const dumpNodes = dump.filter((o): o is DumpNode => o.kind === 'Node');

describe('import-cluster on a realistic dump', () => {
  let plain: Outputs;
  let anonymized: Outputs;
  beforeAll(async () => {
    importCluster({ dump: DUMP, out: join(dir, 'plain') });
    importCluster({ dump: DUMP, out: join(dir, 'anon'), anonymize: true });
    plain = await run(join(dir, 'plain', 'scenario.yaml'));
    anonymized = await run(join(dir, 'anon', 'scenario.yaml'));
  }, 60_000);

  it('writes a scenario folder: scenario.yaml naming the snapshot, and the snapshot in files the loader reads', () => {
    const s = parse(readFileSync(join(dir, 'plain', 'scenario.yaml'), 'utf8'));
    expect(s.spec.cluster.snapshot).toBe('./cluster/');
    const files = readdirSync(join(dir, 'plain', 'cluster'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(readFileSync(join(dir, 'plain', 'cluster', f)).length).toBeLessThanOrEqual(512 * 1024);
  });

  it("the first sample of nodes.csv has each node's requests and pod count as the dump has them", () => {
    const expected = new Map<string, { cpu: number; mem: number; pods: number }>();
    for (const n of dumpNodes) expected.set(n.metadata.name, { cpu: 0, mem: 0, pods: 0 });
    for (const p of dumpPods) {
      if (p.spec.nodeName === undefined || p.status.phase === 'Succeeded' || p.status.phase === 'Failed') continue;
      const e = expected.get(p.spec.nodeName)!;
      for (const c of p.spec.containers) {
        e.cpu += resourceAmount('cpu', c.resources?.requests?.cpu ?? 0);
        e.mem += resourceAmount('memory', c.resources?.requests?.memory ?? 0);
      }
      e.pods++;
    }
    const first = table(plain, 'nodes').filter((r) => r.time_s === 0);
    expect(first.map((r) => r.node)).toEqual(dumpNodes.map((n) => n.metadata.name));
    for (const r of first) {
      const e = expected.get(String(r.node))!;
      expect([r.cpu_requested_m, r.memory_requested_bytes, r.pods], String(r.node)).toEqual([e.cpu, e.mem, e.pods]);
      const n = dumpNodes.find((x) => x.metadata.name === r.node)!;
      expect(r.cpu_allocatable_m).toBe(resourceAmount('cpu', n.status.allocatable.cpu!));
      expect(r.pool).toBe(n.metadata.labels['eks.amazonaws.com/nodegroup']);
    }
  });

  it('the first sample of cluster.csv counts the running, pending and finished pods of the dump', () => {
    const first = table(plain, 'cluster')[0]!;
    const running = dumpPods.filter((p) => p.spec.nodeName !== undefined && p.status.phase === 'Running').length;
    const pending = dumpPods.filter((p) => p.spec.nodeName === undefined).length;
    expect(first.time_s).toBe(0);
    expect([first.nodes, first.nodes_ready, first.pods_running, first.pods_unscheduled, first.pods_succeeded]).toEqual([dumpNodes.length, dumpNodes.length, running, pending, 1]);
    expect(pending).toBe(2);
  });

  it('the controllers adopt their pods: nothing is created, deleted or restarted in the first minute', () => {
    const events = table(plain, 'events').filter((e) => Number(e.time_s) <= 60);
    expect(events.filter((e) => ['SuccessfulCreate', 'SuccessfulDelete', 'Killing', 'ScalingReplicaSet', 'SuccessfulRescale', 'Pulling', 'Started'].includes(String(e.reason)))).toEqual([]);
    const pods = table(plain, 'pods');
    expect(pods.filter((p) => Number(p.created_s) > 0)).toEqual([]);
    expect(pods.length).toBe(dumpPods.length);
  });

  it('every running pod stays on the node the dump has it on; the pending ones stay pending, for the reason the cluster gave', () => {
    const pods = new Map(table(plain, 'pods').map((p) => [`${p.namespace}/${p.name}`, p]));
    for (const p of dumpPods) {
      const row = pods.get(`${p.metadata.namespace}/${p.metadata.name}`)!;
      expect(row.node ?? undefined, p.metadata.name).toBe(p.spec.nodeName);
    }
    const failed = table(plain, 'events').filter((e) => e.reason === 'FailedScheduling');
    const recorded = dumpPods.find((p) => p.spec.nodeName === undefined)!.status.conditions[0]!.message;
    expect(failed.length).toBeGreaterThan(0);
    expect(String(failed[0]!.message).replace(/\s+$/, '')).toBe(recorded);
  });

  it('the snapshot pods are not counted as created or bound, nor in the scheduling latencies', () => {
    const s = table(plain, 'summary')[0]!;
    expect([s.pods_created, s.pods_bound]).toEqual([0, 0]);
    expect(s.scheduling_latency_p99_s).toBeUndefined();
  });

  it('an anonymized import runs identically in shape: the same cluster.csv, per-node figures and placements', () => {
    expect(anonymized.cluster!.rows.map((r) => r.slice(1))).toEqual(plain.cluster!.rows.map((r) => r.slice(1)));
    const shape = (o: Outputs) => table(o, 'nodes').map((r) => [r.time_s, r.cpu_requested_m, r.memory_requested_bytes, r.pods, r.ready]);
    expect(shape(anonymized)).toEqual(shape(plain));
    const placed = (o: Outputs) => table(o, 'pods').map((p) => [p.owner_kind, p.phase, p.cpu_request_m, p.memory_request_bytes]).sort();
    expect(placed(anonymized)).toEqual(placed(plain));
  });

  it('an anonymized snapshot holds none of the names, namespaces, zones or images of the dump', () => {
    const text = readdirSync(join(dir, 'anon', 'cluster')).map((f) => readFileSync(join(dir, 'anon', 'cluster', f), 'utf8')).join('\n');
    for (const secret of ['frontend', 'shop', 'redis', 'eu-west-1a', 'ip-10-0-', '123456789012', 'nightly-report', 'Customer-facing', 'CATALOG_URL', 'catalog.shop.svc']) expect(text, secret).not.toContain(secret);
    const anonRows = table(anonymized, 'events').map((e) => `${e.namespace}/${e.name} ${e.message}`).join('\n');
    expect(anonRows).not.toContain('shop/');
  });
});

describe('what import-cluster keeps, adds and leaves out', () => {
  it('leaves out the controllers’ EndpointSlices and the built-in PriorityClasses, and adds the ServiceAccounts and Secrets pods need', () => {
    const r = importCluster({ dump: DUMP, out: join(dir, 'kept') });
    expect(r.dropped).toEqual({ 'built-in PriorityClasses': 2, 'EndpointSlices of the EndpointSlice controller': 7 });
    expect(r.standIns).toEqual({ ServiceAccount: 5, Secret: 1 });
    expect(r.usageAnnotated).toBeGreaterThan(0);
    const s = loadScenario(r.scenario);
    expect(s.inert.filter((o) => o.kind === 'Secret').map((o) => [`${o.metadata.namespace}/${o.metadata.name}`, o.keys])).toEqual([['shop/cart-db', ['password']]]);
    // ConfigMaps keep their keys, not their values.
    const text = readdirSync(join(dir, 'kept', 'cluster')).map((f) => readFileSync(join(dir, 'kept', 'cluster', f), 'utf8')).join('\n');
    expect(text).not.toContain('BEGIN CERTIFICATE');
    expect(text).not.toContain('managedFields');
  });

  it("a folder's other files are left alone; a scenario.yaml import-cluster did not write is refused; an earlier import is replaced only with force", () => {
    const busy = join(dir, 'busy');
    mkdirSync(busy, { recursive: true });
    writeFileSync(join(busy, 'notes.txt'), 'mine');
    importCluster({ dump: DUMP, out: busy });
    expect(readFileSync(join(busy, 'notes.txt'), 'utf8')).toBe('mine');
    expect(() => importCluster({ dump: DUMP, out: busy })).toThrow(/pass --force/);
    expect(() => importCluster({ dump: DUMP, out: busy, force: true })).not.toThrow();
    const mine = join(dir, 'mine');
    mkdirSync(mine, { recursive: true });
    writeFileSync(join(mine, 'scenario.yaml'), 'apiVersion: kubesim.dev/v1\n');
    expect(() => importCluster({ dump: DUMP, out: mine, force: true })).toThrow(/scenario\.yaml was not written by import-cluster/);
    expect(readFileSync(join(mine, 'scenario.yaml'), 'utf8')).toBe('apiVersion: kubesim.dev/v1\n');
  });

  it('a dump that is not Kubernetes objects is one InputError naming the file and nothing is written', () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'apiVersion: v1\nkind: List\nitems:\n  - just a string\n');
    const out = join(dir, 'bad-out');
    expect(() => importCluster({ dump: bad, out })).toThrow(InputError);
    expect(() => importCluster({ dump: bad, out })).toThrow(/bad\.yaml: items\[0\]: expected a Kubernetes object/);
    expect(existsSync(out)).toBe(false);
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"apiVersion": "v1", "kind": "List", "items": [');
    expect(() => importCluster({ dump: broken, out })).toThrow(/broken\.json: malformed JSON/);
  });

  it('a JSON dump (kubectl -o json) imports as the YAML one does', () => {
    const json = join(dir, 'dump.json');
    writeFileSync(json, JSON.stringify(parse(readFileSync(DUMP, 'utf8'))));
    const a = importCluster({ dump: json, out: join(dir, 'from-json') });
    const b = importCluster({ dump: DUMP, out: join(dir, 'from-yaml') });
    expect(a.kinds).toEqual(b.kinds);
    expect(readdirSync(join(dir, 'from-json', 'cluster')).map((f) => readFileSync(join(dir, 'from-json', 'cluster', f), 'utf8'))).toEqual(readdirSync(join(dir, 'from-yaml', 'cluster')).map((f) => readFileSync(join(dir, 'from-yaml', 'cluster', f), 'utf8')));
  });
});

describe('the shipped imported-cluster example', () => {
  const EXAMPLE = join(__dirname, '../../workloads/imported-cluster');
  const files = (root: string) => readdirSync(join(root, 'cluster')).map((f) => [f, readFileSync(join(root, 'cluster', f), 'utf8')]);

  it('is what import-cluster writes from its dump today (re-import with: kubesim import-cluster dump.yaml --out . --name imported-cluster --force)', () => {
    const out = join(dir, 'example');
    importCluster({ dump: join(EXAMPLE, 'dump.yaml'), out, name: 'imported-cluster' });
    expect(files(out)).toEqual(files(EXAMPLE));
    expect(readFileSync(join(out, 'scenario.yaml'), 'utf8')).toBe(readFileSync(join(EXAMPLE, 'scenario.yaml'), 'utf8'));
  });

  it('its what-ifs answer what they ask: a drained group evicts its pods, a lost zone lowers availability and recovers, the 3x frontend creates its 12 pods, three nodes fewer leave nine', async () => {
    const summary = async (name: string) => table(await run(join(EXAMPLE, `${name}.yaml`), '40m'), 'summary')[0]!;
    const drain = await summary('drain-general');
    expect(Number(drain.evictions)).toBeGreaterThan(0);
    const zone = await summary('zone-b-fails');
    expect(Number(zone.availability_min)).toBeLessThan(1);
    expect(Number(zone.recovery_s)).toBeGreaterThan(0);
    const scaled = await summary('frontend-3x');
    expect(Number(scaled.pods_created)).toBe(12);
    const removed = table(await run(join(EXAMPLE, 'remove-3-nodes.yaml'), '40m'), 'cluster');
    expect(Number(removed.at(-1)!.nodes)).toBe(9);
  }, 60_000);
});

