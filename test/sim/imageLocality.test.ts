/**
 * Images the kubelet pulls reach the scheduler: the Node's `status.images` lists them after the next image cache
 * refresh (30 s), and ImageLocality then favours that node for the next pod with the image. With `scoreLayers`
 * (kubesim's extension) a node holding the shared base layer of an image it never pulled scores too.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/workload/errors.js';
import { runInline } from '../helpers/inlineScenario.js';

const dir = mkdtempSync(join(tmpdir(), 'kubesim-imageloc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function deployment(name: string, image: string, replicas: number): string {
  return `
    - apiVersion: apps/v1
      kind: Deployment
      metadata: {name: ${name}}
      spec:
        replicas: ${replicas}
        selector: {matchLabels: {app: ${name}}}
        template:
          metadata: {labels: {app: ${name}}}
          spec: {containers: [{name: c, image: "${image}", resources: {requests: {cpu: 100m, memory: 64Mi}}}]}`;
}

/** Runs: `first` (1 pod of image1) from t = 0, `second` (image2) scaled to 1 at `scaleAt`; returns both pods' nodes. */
async function nodesOf(name: string, opts: { image1: string; image2: string; scaleAt: string; scoreLayers?: unknown; images: string }): Promise<{ first: string; second: string }> {
  const config =
    opts.scoreLayers === undefined
      ? ''
      : `
  scheduler:
    config:
      apiVersion: kubescheduler.config.k8s.io/v1
      kind: KubeSchedulerConfiguration
      profiles: [{schedulerName: default-scheduler, pluginConfig: [{name: ImageLocality, args: {scoreLayers: ${JSON.stringify(opts.scoreLayers)}}}]}]`;
  const read = await runInline(
    dir,
    name,
    `apiVersion: kubesim.dev/v1
kind: Scenario
metadata: {name: ${name}}
spec:
  seed: 3
  duration: 4m
  cluster:
    nodePools: [{name: n, count: 4, capacity: {cpu: "4", memory: 8Gi, pods: 110}}]
  images: ${opts.images}${config}
  manifests:${deployment('first', opts.image1, 1)}${deployment('second', opts.image2, 0)}
  events:
    - {at: ${opts.scaleAt}, scale: {deployment: second, replicas: 1}}
  metrics: {interval: 10s}
`,
  );
  const pods = read('pods.csv');
  const nodeOf = (prefix: string) => pods.find((p) => p.name!.startsWith(prefix))!.node!;
  return { first: nodeOf('first-'), second: nodeOf('second-') };
}

describe('ImageLocality with the images the kubelet reports', () => {
  const images = '{big:1: 900Mi}';
  it('a pod created after the pulled image is reported goes to the node that has it', async () => {
    // 900 MiB × 1/4 nodes = 225 MiB → ImageLocality 20, against 2–3 points of LeastAllocated for the empty nodes.
    const r = await nodesOf('reported', { image1: 'big:1', image2: 'big:1', scaleAt: '2m', images });
    expect(r.second).toBe(r.first);
  });

  it('before the pull is reported, the node has no image score and the emptier nodes win', async () => {
    // The pull ends at 18.5 s (900 MiB at 50 MiB/s + 0.5 s), the status lists it at the 30 s refresh.
    const r = await nodesOf('unreported', { image1: 'big:1', image2: 'big:1', scaleAt: '20s', images });
    expect(r.second).not.toBe(r.first);
  });
});

describe('ImageLocality scoreLayers', () => {
  const images = '{"base:1": {layers: [{digest: "sha256:os", size: 800Mi}, {digest: "sha256:tools", size: 50Mi}]}, "app:1": {layers: [{digest: "sha256:os", size: 800Mi}, {digest: "sha256:app", size: 50Mi}]}}';
  it('upstream scoring ignores a node that has only the shared layers', async () => {
    const r = await nodesOf('whole', { image1: 'base:1', image2: 'app:1', scaleAt: '2m', images });
    expect(r.second).not.toBe(r.first);
  });

  it('with scoreLayers the node holding the shared 800 MiB base layer wins', async () => {
    const r = await nodesOf('layers', { image1: 'base:1', image2: 'app:1', scaleAt: '2m', images, scoreLayers: true });
    expect(r.second).toBe(r.first);
  });

  it('rejects an argument that is not a boolean', async () => {
    await expect(nodesOf('bad', { image1: 'base:1', image2: 'app:1', scaleAt: '2m', images, scoreLayers: 'yes' })).rejects.toThrow(InputError);
  });
});
