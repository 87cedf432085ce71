/**
 * ImageLocality (pkg/scheduler/framework/plugins/imagelocality/image_locality.go): favours nodes that already have
 * the pod's images. For each container and init container whose (normalised) image the node has, the image size
 * scaled by its spread (nodes with the image / all nodes) is summed; the sum is clamped to
 * [23 MiB, 1000 MiB × number of containers] and mapped linearly onto 0–100 in integer arithmetic. The node's images
 * come from the Node's `status.images`.
 */
import type { PreScorePlugin, ScorePlugin } from '../framework/interfaces.js';
import { SKIP } from '../framework/status.js';
import { MAX_NODE_SCORE, type PluginHandle } from '../framework/interfaces.js';
import { normalizedImageName } from '../nodeInfo.js';
import type { PodInfo } from '../podInfo.js';

export const IMAGE_LOCALITY = 'ImageLocality';

const MB = 1024 * 1024;
/** minThreshold: 23 MiB. */
export const MIN_THRESHOLD = 23 * MB;
/** maxContainerThreshold: 1000 MiB per container. */
export const MAX_CONTAINER_THRESHOLD = 1000 * MB;

/** `calculatePriority`. */
export function imageLocalityPriority(sumScores: number, numContainers: number): number {
  const maxThreshold = MAX_CONTAINER_THRESHOLD * numContainers;
  const s = Math.min(Math.max(sumScores, MIN_THRESHOLD), maxThreshold);
  return Math.trunc((MAX_NODE_SCORE * (s - MIN_THRESHOLD)) / (maxThreshold - MIN_THRESHOLD));
}

/** `scaledImageScore`: int64(size × numNodes / totalNodes). */
export function scaledImageScore(size: number, numNodes: number, totalNodes: number): number {
  return Math.trunc(size * (numNodes / totalNodes));
}

const imagesOf = new WeakMap<PodInfo['pod']['spec'], string[]>();

/** The normalised image names of a pod's containers, init containers first. */
function podImages(spec: PodInfo['pod']['spec']): string[] {
  let images = imagesOf.get(spec);
  if (images === undefined) {
    images = [...(spec.initContainers ?? []), ...spec.containers].map((c) => normalizedImageName(c.image));
    imagesOf.set(spec, images);
  }
  return images;
}

/**
 * Creates the plugin. kubesim adds a PreScore that returns Skip when no node has any of the pod's images: every
 * score would then be 0 (the sum is below the minimum threshold), so skipping leaves the totals unchanged.
 */
export function imageLocality(handle: PluginHandle): PreScorePlugin & ScorePlugin {
  let lastPod: PodInfo | undefined;
  let lastImages: string[] = [];
  return {
    name: IMAGE_LOCALITY,
    preScore(_state, pod) {
      lastPod = pod;
      lastImages = podImages(pod.pod.spec);
      for (const image of lastImages) if (handle.imageNodes(image) > 0) return null;
      return SKIP;
    },
    score(_state, pod, node) {
      if (lastPod !== pod) {
        lastPod = pod;
        lastImages = podImages(pod.pod.spec);
      }
      const images = lastImages;
      if (node.images.size === 0) return imageLocalityPriority(0, images.length);
      const total = handle.nodes().length;
      let sum = 0;
      for (const image of images) {
        const size = node.images.get(image);
        if (size !== undefined) sum += scaledImageScore(size, handle.imageNodes(image), total);
      }
      return imageLocalityPriority(sum, images.length);
    },
  };
}
