/**
 * Image layers: a layer shared by several images is stored and pulled once per node (containerd's content store);
 * a pull transfers only the missing layers; a layer another pull is fetching is not fetched again; disk usage and
 * image GC count each layer once and free only layers no remaining image uses.
 */
import { describe, expect, it } from 'vitest';
import { constant } from '../../../src/engine/distribution.js';
import { Engine } from '../../../src/engine/engine.js';
import { RngStreams } from '../../../src/engine/rng.js';
import { ImageManager, type ImageLayer, type PullConfig } from '../../../src/models/kubelet/imageManager.js';

const MiB = 1024 * 1024;
const s = 1_000_000;
const LAYERS: Record<string, ImageLayer[]> = {
  'app:1': [{ digest: 'sha256:base', size: 80 * MiB }, { digest: 'sha256:runtime', size: 60 * MiB }, { digest: 'sha256:app1', size: 10 * MiB }],
  'app:2': [{ digest: 'sha256:base', size: 80 * MiB }, { digest: 'sha256:runtime', size: 60 * MiB }, { digest: 'sha256:app2', size: 20 * MiB }],
  'tool:1': [{ digest: 'sha256:base', size: 80 * MiB }, { digest: 'sha256:tool', size: 40 * MiB }],
};

function manager(opts: Partial<PullConfig> = {}, preloaded: string[] = []) {
  const engine = new Engine();
  const cfg: PullConfig = {
    serializeImagePulls: true,
    registryPullQPS: 100,
    registryBurst: 100,
    bandwidth: 100 * MiB,
    overhead: constant(0),
    sizeOf: (i) => (LAYERS[i] ?? []).reduce((a, l) => a + l.size, 0) || 50 * MiB,
    layersOf: (i) => LAYERS[i],
    ...opts,
  };
  return { engine, images: new ImageManager(engine, new RngStreams(1).stream('pull'), cfg, preloaded) };
}

describe('image layers', () => {
  it('the second image sharing base and runtime layers transfers only its own layer', () => {
    const { engine, images } = manager();
    const done: Record<string, number> = {};
    images.pull('app:1', (w) => (done['app:1'] = engine.now + 0 * w));
    engine.run(10 * s);
    images.pull('app:2', () => (done['app:2'] = engine.now));
    const start = engine.now;
    engine.run(20 * s);
    // 150 MiB at 100 MiB/s, then 20 MiB: 0.2 s.
    expect(done['app:1']).toBe(1.5 * s);
    expect(done['app:2']! - start).toBe(0.2 * s);
    expect(images.transferredBytes).toBe(170 * MiB);
    expect(images.usageBytes()).toBe(170 * MiB);
  });

  it('serialized pulls queued together still fetch a shared layer once', () => {
    const { engine, images } = manager();
    const ends: number[] = [];
    images.pull('app:1', () => ends.push(engine.now));
    images.pull('tool:1', () => ends.push(engine.now));
    engine.run(10 * s);
    // app:1 fetches base, runtime, app1 (1.5 s); tool:1 waits, then fetches only its tool layer (0.4 s).
    expect(ends).toEqual([1.5 * s, 1.9 * s]);
    expect(images.transferredBytes).toBe(190 * MiB);
  });

  it('parallel pulls wait for a shared layer in flight rather than fetching it again', () => {
    const { engine, images } = manager({ serializeImagePulls: false });
    const ends: Record<string, number> = {};
    images.pull('app:1', () => (ends['app:1'] = engine.now));
    images.pull('tool:1', () => (ends['tool:1'] = engine.now));
    engine.run(10 * s);
    // tool:1's own 40 MiB take 0.4 s, but it needs the base layer app:1 brings at 1.5 s.
    expect(ends).toEqual({ 'app:1': 1.5 * s, 'tool:1': 1.5 * s });
    expect(images.transferredBytes).toBe(190 * MiB);
  });

  it('preloaded images bring their layers', () => {
    const { engine, images } = manager({}, ['app:1']);
    let at = -1;
    images.pull('app:2', () => (at = engine.now));
    engine.run(10 * s);
    expect(at).toBe(0.2 * s);
    expect(images.hasLayer('sha256:base')).toBe(true);
  });

  it('GC frees only the layers no remaining image uses', () => {
    // A 300 MiB image filesystem (GC above 85 % = 255 MiB, down to 80 % = 240 MiB). Layers: base 80 + runtime 60 +
    // app1 10 + app2 20 + tool 40 = 210 MiB, plus a 50 MiB image without layers: 260 MiB.
    const { engine, images } = manager({ imageFsBytes: 300 * MiB });
    for (const i of ['app:1', 'app:2', 'tool:1', 'plain:1']) images.pull(i, () => undefined);
    engine.run(10 * s);
    expect(images.usageBytes()).toBe(260 * MiB);
    // The GC pass at 5 min must free 20 MiB, least recently used first: app:1 frees only its own 10 MiB layer (base
    // and runtime are shared), then app:2 its 20 MiB and the runtime layer nobody else uses.
    engine.run(6 * 60 * s);
    expect([images.has('app:1'), images.has('app:2'), images.has('tool:1'), images.has('plain:1')]).toEqual([false, false, true, true]);
    expect([images.hasLayer('sha256:base'), images.hasLayer('sha256:runtime'), images.hasLayer('sha256:tool')]).toEqual([true, false, true]);
    expect(images.gc.freedBytes).toBe(90 * MiB);
    expect(images.usageBytes()).toBe(170 * MiB);
  });
});

describe('image layers in a scenario', () => {
  it('an image is its layers\' sum; size and layers together are refused', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const { loadScenario } = await import('../../../src/workload/loadScenario.js');
    const dir = mkdtempSync(join(tmpdir(), 'kubesim-layers-'));
    try {
      const f = (images: string) => {
        const file = join(dir, 's.yaml');
        writeFileSync(file, `apiVersion: kubesim.dev/v1\nkind: Scenario\nmetadata: {name: l}\nspec:\n  duration: 1m\n  images:\n${images}`);
        return file;
      };
      const sc = loadScenario(f('    app:1: {layers: [{digest: "sha256:a", size: 80Mi}, {digest: "sha256:b", size: 20Mi}]}\n    old:1: 1Gi\n'));
      expect(sc.images).toEqual({ 'app:1': 100 * MiB, 'old:1': 1024 * MiB });
      expect(sc.imageLayers).toEqual({ 'app:1': [{ digest: 'sha256:a', size: 80 * MiB }, { digest: 'sha256:b', size: 20 * MiB }] });
      expect(() => loadScenario(f('    app:1: {size: 1Gi, layers: [{digest: "sha256:a", size: 80Mi}]}\n'))).toThrow(/give an image size or its layers, not both/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
