/**
 * Storage: the PersistentVolume controller with dynamic provisioning, VolumeBinding and VolumeZone in the scheduler,
 * the kubelet waiting for its volumes, StatefulSet claims kept across pod recreation. Checked on runs' CSVs.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../../src/workload/loadScenario.js';
import { runScenario } from '../../../src/sim/simulation.js';

const dir = mkdtempSync(join(tmpdir(), 'kubesim-storage-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
type Row = Record<string, string>;

async function run(name: string, body: string): Promise<{ pods: Row[]; events: Row[] }> {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `apiVersion: kubesim.dev/v1
kind: Scenario
metadata: {name: ${name}}
spec:
  seed: 2
  duration: 2m
  cluster:
    nodePools: [{name: z, count: 3, capacity: {cpu: "4", memory: 8Gi, pods: 110}, labels: {topology.kubernetes.io/zone: [zone-a, zone-b, zone-c]}}]
  manifests:
${body}`,
  );
  const out = join(dir, name);
  await runScenario(loadScenario(file), { outDir: out });
  const read = (f: string) => parse(readFileSync(join(out, f), 'utf8'), { columns: true }) as Row[];
  return { pods: read('pods.csv'), events: read('events.csv') };
}

const zoneOf = (node: string) => ['zone-a', 'zone-b', 'zone-c'][Number(node.split('-').pop())];

const pod = (name: string, claim: string, extra = '') => `
    - apiVersion: v1
      kind: Pod
      metadata: {name: ${name}}
      spec:${extra}
        containers: [{name: c, image: db:1, resources: {requests: {cpu: "1", memory: 1Gi}}}]
        volumes: [{name: data, persistentVolumeClaim: {claimName: ${claim}}}]`;

describe('WaitForFirstConsumer', () => {
  it('provisions the volume in the zone of the node the pod was scheduled to, then the pod starts', async () => {
    const { pods, events } = await run(
      'wffc',
      `    - {apiVersion: storage.k8s.io/v1, kind: StorageClass, metadata: {name: zonal, annotations: {storageclass.kubernetes.io/is-default-class: "true"}}, provisioner: pd.csi.storage.gke.io, volumeBindingMode: WaitForFirstConsumer}
    - {apiVersion: v1, kind: PersistentVolumeClaim, metadata: {name: data}, spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 10Gi}}}}${pod('db', 'data', '\n        nodeSelector: {topology.kubernetes.io/zone: zone-c}')}
`,
    );
    const db = pods.find((p) => p.name === 'db')!;
    expect(zoneOf(db.node!)).toBe('zone-c');
    expect(db.phase).toBe('Running');
    // Provisioned after the selected-node annotation (5 s), attached and mounted (5 s) before the sandbox.
    expect(Number(db.running_s)).toBeGreaterThan(10);
    const provisioned = events.find((e) => e.reason === 'ProvisioningSucceeded');
    expect(provisioned?.message).toMatch(/^Successfully provisioned volume pvc-/);
  });

  it('an Immediate class provisions at once, in a zone of its allowedTopologies, and the pod follows the volume', async () => {
    const { pods } = await run(
      'immediate',
      `    - {apiVersion: storage.k8s.io/v1, kind: StorageClass, metadata: {name: fast}, provisioner: ebs.csi.aws.com, volumeBindingMode: Immediate, allowedTopologies: [{matchLabelExpressions: [{key: topology.kubernetes.io/zone, values: [zone-b]}]}]}
    - {apiVersion: v1, kind: PersistentVolumeClaim, metadata: {name: data}, spec: {storageClassName: fast, accessModes: [ReadWriteOnce], resources: {requests: {storage: 10Gi}}}}${pod('db', 'data')}
`,
    );
    expect(zoneOf(pods.find((p) => p.name === 'db')!.node!)).toBe('zone-b');
  });
});

describe('bound volumes pin pods to their zone', () => {
  it('a pod whose bound volume is in zone-a never schedules elsewhere: Pending with a volume node affinity conflict when zone-a is full', async () => {
    const { pods, events } = await run(
      'pinned',
      `    - {apiVersion: storage.k8s.io/v1, kind: StorageClass, metadata: {name: manual}, provisioner: kubernetes.io/no-provisioner, volumeBindingMode: Immediate}
    - apiVersion: v1
      kind: PersistentVolume
      metadata: {name: disk-a}
      spec:
        capacity: {storage: 20Gi}
        accessModes: [ReadWriteOnce]
        storageClassName: manual
        nodeAffinity: {required: {nodeSelectorTerms: [{matchExpressions: [{key: topology.kubernetes.io/zone, operator: In, values: [zone-a]}]}]}}
    - {apiVersion: v1, kind: PersistentVolumeClaim, metadata: {name: data}, spec: {storageClassName: manual, accessModes: [ReadWriteOnce], resources: {requests: {storage: 10Gi}}}}
    - apiVersion: v1
      kind: Pod
      metadata: {name: hog}
      spec:
        nodeSelector: {topology.kubernetes.io/zone: zone-a}
        containers: [{name: c, image: hog:1, resources: {requests: {cpu: "4"}}}]${pod('db', 'data')}
`,
    );
    const db = pods.find((p) => p.name === 'db')!;
    expect(db.node).toBe('');
    const failed = events.filter((e) => e.reason === 'FailedScheduling' && e.name === 'db');
    expect(failed.length).toBeGreaterThan(0);
    expect(failed[failed.length - 1]!.message).toMatch(/^0\/3 nodes are available: 1 Insufficient cpu, 2 node\(s\) had volume node affinity conflict\./);
  });

  it('a claim that does not exist, or an unbound Immediate claim, keeps the pod out with upstream\'s messages', async () => {
    const { events } = await run(
      'missing',
      `    - {apiVersion: storage.k8s.io/v1, kind: StorageClass, metadata: {name: manual}, provisioner: kubernetes.io/no-provisioner}
    - {apiVersion: v1, kind: PersistentVolumeClaim, metadata: {name: lonely}, spec: {storageClassName: manual, accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}}${pod('db', 'nope')}${pod('db2', 'lonely')}
`,
    );
    const last = (name: string) => events.filter((e) => e.reason === 'FailedScheduling' && e.name === name).pop()?.message;
    // Preemption adds its sentence: no victim can help a pod rejected at PreFilter.
    expect(last('db')).toBe('0/3 nodes are available: persistentvolumeclaim "nope" not found. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.');
    expect(last('db2')).toBe('0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.');
  });
});

describe('NodeVolumeLimits (CSI attach limits)', () => {
  it('refuses the (limit+1)th attachable volume of a driver on a node', async () => {
    const claim = (n: number) => `
    - {apiVersion: v1, kind: PersistentVolumeClaim, metadata: {name: data-${n}}, spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}}${pod(`db-${n}`, `data-${n}`)}`;
    const file = join(dir, 'limits.yaml');
    writeFileSync(
      file,
      `apiVersion: kubesim.dev/v1
kind: Scenario
metadata: {name: limits}
spec:
  duration: 2m
  cluster:
    nodePools: [{name: z, count: 1, capacity: {cpu: "8", memory: 16Gi, pods: 110, attachable-volumes-csi-ebs.csi.aws.com: 2}, labels: {topology.kubernetes.io/zone: zone-a}}]
  manifests:
    - {apiVersion: storage.k8s.io/v1, kind: StorageClass, metadata: {name: ebs, annotations: {storageclass.kubernetes.io/is-default-class: "true"}}, provisioner: ebs.csi.aws.com, volumeBindingMode: WaitForFirstConsumer}${claim(1)}${claim(2)}${claim(3)}
`,
    );
    const out = join(dir, 'limits');
    await runScenario(loadScenario(file), { outDir: out });
    const pods = parse(readFileSync(join(out, 'pods.csv'), 'utf8'), { columns: true }) as Row[];
    expect(pods.filter((p) => p.node !== '')).toHaveLength(2);
    const events = parse(readFileSync(join(out, 'events.csv'), 'utf8'), { columns: true }) as Row[];
    const waiting = pods.find((p) => p.node === '')!.name;
    expect(events.filter((e) => e.reason === 'FailedScheduling' && e.name === waiting).pop()?.message).toMatch(/^0\/1 nodes are available: 1 node\(s\) exceed max volume count\./);
  });
});

describe('VolumeRestrictions (ReadWriteOncePod)', () => {
  it('a second pod using a ReadWriteOncePod claim is refused while the first holds it', async () => {
    const { pods, events } = await run(
      'rwop',
      `    - {apiVersion: storage.k8s.io/v1, kind: StorageClass, metadata: {name: fast}, provisioner: ebs.csi.aws.com, volumeBindingMode: Immediate}
    - {apiVersion: v1, kind: PersistentVolumeClaim, metadata: {name: solo}, spec: {storageClassName: fast, accessModes: [ReadWriteOncePod], resources: {requests: {storage: 1Gi}}}}${pod('first', 'solo')}${pod('second', 'solo')}
`,
    );
    // Both wait for the claim's provisioning; whichever the queue tries first takes the claim, the other is refused.
    const placed = pods.filter((p) => p.node !== '');
    expect(placed).toHaveLength(1);
    const other = pods.find((p) => p.node === '')!.name;
    const last = events.filter((e) => e.reason === 'FailedScheduling' && e.name === other).pop()!;
    expect(last.message).toMatch(/^0\/3 nodes are available: node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode\./);
  });
});
