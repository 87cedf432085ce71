/**
 * ImageLocality (pkg/scheduler/framework/plugins/imagelocality/image_locality.go): favours nodes that already have
 * the pod's images. For each container and init container whose (normalised) image the node has, the image size
 * scaled by its spread (nodes with the image / all nodes) is summed; the sum is clamped to
 * [23 MiB, 1000 MiB × number of containers] and mapped linearly onto 0–100 in integer arithmetic. The node's images
 * come from the Node's `status.images`, which the kubelet fills with the images it pulled (kubelet.ts).
 *
 * `scoreLayers: true` (kubesim's extension, not an upstream argument): an image the scenario's table lists as layers
 * counts the layers the node already has, each scaled by its own spread, in place of all-or-nothing on the whole
 * image, so a node holding the shared base layers of an image scores for the bytes it would not pull. The node's
 * layers are those of the images its status lists. Upstream scores whole images only; the thresholds are the same.
 */
import type { PreScorePlugin, ScorePlugin } from '../framework/interfaces.js';
import { SKIP } from '../framework/status.js';
import { MAX_NODE_SCORE, type PluginHandle } from '../framework/interfaces.js';
import { normalizedImageName, type NodeInfo } from '../nodeInfo.js';
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
export function imageLocality(handle: PluginHandle, args?: Record<string, unknown>): PreScorePlugin & ScorePlugin {
  for (const k of Object.keys(args ?? {})) if (k !== 'scoreLayers') throw new Error(`ImageLocality: unknown argument "${k}" (expected scoreLayers)`);
  if (args?.scoreLayers !== undefined && typeof args.scoreLayers !== 'boolean') throw new Error('ImageLocality: scoreLayers must be true or false');
  const layered = args?.scoreLayers === true;
  // Per cycle (set by PreScore): the pod's images with their spread (nodes with it / all nodes), and layers.
  let lastPod: PodInfo | undefined;
  let images: string[] = [];
  let spreads: number[] = [];
  let layerLists: (readonly { digest: string; size: number }[] | undefined)[] = [];
  /** When every node has every image of the pod at one size, every node's score (undefined otherwise). */
  let everywhere: number | undefined;
  const prepare = (pod: PodInfo) => {
    lastPod = pod;
    images = podImages(pod.pod.spec);
    const total = handle.nodes().length;
    spreads = images.map((i) => handle.imageNodes(i) / total);
    layerLists = images.map((i) => (layered ? handle.imageLayers?.(i) : undefined));
    everywhere = undefined;
    if (images.length > 0 && images.every((i, k) => layerLists[k] === undefined && handle.imageNodes(i) === total && handle.imageSizeUniform?.(i) === true)) {
      let sum = 0;
      for (let k = 0; k < images.length; k++) sum += Math.trunc(handle.imageSizeBound!(images[k]!) * spreads[k]!);
      everywhere = imageLocalityPriority(sum, images.length);
    }
  };
  return {
    name: IMAGE_LOCALITY,
    /**
     * Skip when no node can score above 0: the largest possible sum (each image's largest reported size, or its
     * layers' sizes, scaled by its spread) is at most the 23 MiB floor, so every score is 0 and the totals do not
     * change.
     */
    preScore(_state, pod) {
      prepare(pod);
      const total = handle.nodes().length;
      let bound = 0;
      for (let i = 0; i < images.length; i++) {
        const layers = layerLists[i];
        if (layers !== undefined) for (const l of layers) bound += scaledImageScore(l.size, handle.layerNodes?.(l.digest) ?? 0, total);
        else bound += scaledImageScore(handle.imageSizeBound?.(images[i]!) ?? MAX_CONTAINER_THRESHOLD * images.length, handle.imageNodes(images[i]!), total);
      }
      return bound > MIN_THRESHOLD ? null : SKIP;
    },
    score(_state, pod, node) {
      if (lastPod !== pod) prepare(pod);
      return everywhere ?? nodeScore(node);
    },
    scoreAll(_state, pod, nodes, out) {
      if (lastPod !== pod) prepare(pod);
      if (everywhere !== undefined) for (let i = 0; i < nodes.length; i++) out[i] = everywhere;
      else for (let i = 0; i < nodes.length; i++) out[i] = nodeScore(nodes[i]!);
    },
  };

  /** Σ over the pod's images on the node of size × spread (or of its layers' on the node), scaled (image_locality.go). */
  function nodeScore(node: NodeInfo): number {
    if (node.images.size === 0) return imageLocalityPriority(0, images.length);
    let sum = 0;
    for (let i = 0; i < images.length; i++) {
      const layers = layerLists[i];
      if (layers !== undefined) {
        const present = handle.nodeLayers!(node);
        const total = handle.nodes().length;
        for (const l of layers) if (present.has(l.digest)) sum += scaledImageScore(l.size, handle.layerNodes!(l.digest), total);
        continue;
      }
      const size = node.images.get(images[i]!);
      if (size !== undefined) sum += Math.trunc(size * spreads[i]!);
    }
    return imageLocalityPriority(sum, images.length);
  }
}
