/**
 * Property: ImageLocality's shortcuts (PreScore Skip when no node can pass the 23 MiB floor; one score for every node
 * when all of them have the pod's images at one size) give the totals of upstream's plain per-node computation
 * (image_locality.go: Σ size × nodes-with-image / all nodes, clamped and scaled), over random image placements.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SchedulerCache } from '../../src/models/scheduler/cache.js';
import { imageLocality, imageLocalityPriority, scaledImageScore } from '../../src/models/scheduler/plugins/imageLocality.js';
import { normalizedImageName } from '../../src/models/scheduler/nodeInfo.js';
import { podInfo } from '../../src/models/scheduler/podInfo.js';
import type { PluginHandle } from '../../src/models/scheduler/framework/interfaces.js';
import { Code } from '../../src/models/scheduler/framework/status.js';
import { makeNode, makePod } from '../helpers/objects.js';
import { fakeHandle } from '../helpers/schedulerHandle.js';

const MiB = 1024 * 1024;
const IMAGES = ['app:1', 'base', 'tool:2'];

describe('ImageLocality shortcuts (property)', () => {
  it('Skip and the every-node score equal the plain computation', () => {
    fc.assert(
      fc.property(
        fc.array(fc.subarray(IMAGES), { minLength: 1, maxLength: 12 }),
        fc.array(fc.integer({ min: 1, max: 1200 }), { minLength: 3, maxLength: 3 }),
        fc.boolean(),
        fc.subarray(IMAGES, { minLength: 1 }),
        (nodeImages, sizes, varySize, podImages) => {
          const cache = new SchedulerCache();
          nodeImages.forEach((images, i) => {
            const node = makeNode(`n${i}`, { cpu: 1000, memory: 1e9 });
            node.status.images = images.map((name) => ({ names: [name], sizeBytes: (sizes[IMAGES.indexOf(name)]! + (varySize && i === 0 ? 1 : 0)) * MiB }));
            cache.upsertNode(node);
          });
          const nodes = cache.nodeList;
          const handle: PluginHandle = {
            ...fakeHandle(nodes),
            imageNodes: (i) => cache.imageNodes.get(i) ?? 0,
            imageSizeBound: (i) => cache.imageSizeBound.get(i) ?? 0,
            imageSizeUniform: (i) => !cache.imageSizesVary.has(i),
          };
          const plugin = imageLocality(handle);
          const pod = podInfo(makePod('p', {}, { containers: podImages.map((image, k) => ({ name: `c${k}`, image })) }));
          const state = new Map<string, unknown>();
          const pre = plugin.preScore(state, pod, nodes);
          for (const node of nodes) {
            let sum = 0;
            for (const image of podImages.map(normalizedImageName)) {
              const size = node.images.get(image);
              if (size !== undefined) sum += scaledImageScore(size, cache.imageNodes.get(image) ?? 0, nodes.length);
            }
            const plain = imageLocalityPriority(sum, podImages.length);
            const got = pre?.code === Code.Skip ? 0 : plugin.score(state, pod, node);
            expect(got).toBe(plain);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
