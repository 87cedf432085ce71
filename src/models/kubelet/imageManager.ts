/**
 * A node's images: the cache of pulled images and the puller (pkg/kubelet/images). With `serializeImagePulls`
 * (the default) pulls run one at a time in request order; otherwise in parallel. Every pull also takes a token of
 * the registry rate limiter (registryPullQPS 5, registryBurst 10). A pull of an image already being pulled joins
 * that pull. Pull time = overhead + size / bandwidth.
 *
 * Layers: an image the scenario lists with `layers` is a stack of content-addressed layers, stored once per node
 * whatever the number of images sharing them (containerd's content store). A pull transfers only the layers the node
 * lacks; a layer another pull is already fetching is not fetched twice, the pull then ends no earlier than that
 * layer arrives. Disk usage counts each present layer once; GC frees the layers no remaining image uses.
 *
 * Image garbage collection (pkg/kubelet/images/image_gc_manager.go): when the images take more than
 * imageGCHighThresholdPercent (85 %) of the image filesystem, the next GC pass (every 5 min, `ImageGCPeriod`) frees
 * down to imageGCLowThresholdPercent (80 %), deleting images no container uses, least recently used first, and
 * only those first seen at least imageMinimumGCAge (2 min) ago. If not enough can be freed, a FreeDiskSpaceFailed
 * warning says so.
 */
import type { Engine } from '../../engine/engine.js';
import { type Distribution, sample } from '../../engine/distribution.js';
import type { Rng } from '../../engine/rng.js';
import type { Micros } from '../../engine/time.js';
import { TokenBucket } from '../apiserver/tokenBucket.js';

/** Pull settings of a node. */
export interface PullConfig {
  serializeImagePulls: boolean;
  registryPullQPS: number;
  registryBurst: number;
  /** Bytes per second. */
  bandwidth: number;
  overhead: Distribution;
  sizeOf: (image: string) => number;
  /** Whether the scenario's image table lists the image (its size then wins over a pod's kubesim.dev/image-size). */
  listed?: (image: string) => boolean;
  /** Size of the image filesystem in bytes (GC thresholds apply to it). */
  imageFsBytes?: number;
  /** Probability that a pull of the image fails (1: it does not exist). Default 0. */
  failureProbability?: (image: string) => number;
  /** The image's layers (digest and bytes), when the scenario lists them. */
  layersOf?: (image: string) => readonly ImageLayer[] | undefined;
}

/** One layer of an image. */
export interface ImageLayer {
  digest: string;
  size: number;
}

/** The image cache and puller of one node. */
export class ImageManager {
  private readonly present: Set<string>;
  private readonly inFlight = new Map<string, ((ok: boolean) => void)[]>();
  private readonly registry: TokenBucket;
  private busyUntil: Micros = 0;
  private readonly lastUsed = new Map<string, Micros>();
  /** Sizes given by the pods that pulled the images (kubesim.dev/image-size), overriding `sizeOf`. */
  private readonly sizes = new Map<string, number>();
  private readonly firstSeen = new Map<string, Micros>();
  private gcScheduled = false;
  /** Layers on the node: digest → bytes and how many present images use it. */
  private readonly layers = new Map<string, { size: number; images: number }>();
  /** Layers being fetched: digest → when they arrive. */
  private readonly fetching = new Map<string, Micros>();
  /** Bytes transferred by pulls, for the layers' accounting (tests, summaries). */
  transferredBytes = 0;
  /** Called when an image arrives on the node or leaves it (set by the kubelet, which reports them). */
  onImagesChanged: () => void = () => {};
  /** Called with the message when a GC pass cannot free enough (set by the kubelet). */
  onGcFailed: (message: string) => void = () => {};
  /** Images used by the node's containers (set by the kubelet). */
  inUse: () => Set<string> = () => new Set();
  /**
   * Bytes the pods write to the same filesystem (writable layers, logs, emptyDirs; set by the simulation when pods
   * declare ephemeral-storage usage): the image filesystem is the node's root filesystem, as with containerd's
   * default layout, so the GC thresholds see them too.
   */
  otherUsageBytes: () => number = () => 0;
  /** Bytes freed and images deleted by GC; the last GC failure message. */
  readonly gc = { freedBytes: 0, deleted: 0, failures: [] as string[] };

  constructor(
    private readonly engine: Engine,
    private readonly rng: Rng,
    private readonly cfg: PullConfig,
    preloaded: Iterable<string>,
  ) {
    this.present = new Set(preloaded);
    for (const i of this.present) {
      this.firstSeen.set(i, 0);
      this.addLayers(i);
    }
    this.registry = new TokenBucket(cfg.registryPullQPS, cfg.registryBurst);
  }

  /** Whether the scenario's image table lists the image. */
  listed(image: string): boolean {
    return this.cfg.listed?.(image) ?? false;
  }

  /** Whether the image is on the node. */
  has(image: string): boolean {
    return this.present.has(image);
  }

  /** Images on the node (pull order). */
  images(): string[] {
    return [...this.present];
  }

  /**
   * Pulls an image; `done(durationUs, ok)` runs when it is on the node or the pull failed (including the wait in the
   * pull queue). A failing pull costs the registry round trips (the overhead) but no transfer.
   */
  pull(image: string, done: (waitedUs: Micros, ok: boolean) => void, sizeBytes?: number): void {
    const requested = this.engine.now;
    const waiters = this.inFlight.get(image);
    const finish = (ok: boolean) => done(this.engine.now - requested, ok);
    if (waiters !== undefined) {
      waiters.push(finish);
      return;
    }
    this.inFlight.set(image, [finish]);
    const now = this.engine.now;
    const p = this.cfg.failureProbability?.(image) ?? 0;
    const ok = !(p >= 1 || (p > 0 && this.rng.next() < p));
    const layers = sizeBytes === undefined ? this.cfg.layersOf?.(image) : undefined;
    // The bytes to transfer: the layers neither on the node nor on their way (whole image without layers).
    let size = sizeBytes ?? this.cfg.sizeOf(image);
    let waitFor = 0;
    const mine: string[] = [];
    if (layers !== undefined) {
      size = 0;
      for (const l of layers) {
        if (this.layers.has(l.digest)) continue;
        const arriving = this.fetching.get(l.digest);
        if (arriving !== undefined) waitFor = Math.max(waitFor, arriving);
        else if (!mine.includes(l.digest)) {
          mine.push(l.digest);
          size += l.size;
        }
      }
    }
    const duration = sample(this.cfg.overhead, this.rng) + (ok ? Math.ceil((size * 1_000_000) / this.cfg.bandwidth) : 0);
    let start = now + this.registry.reserve(now);
    if (this.cfg.serializeImagePulls) {
      start = Math.max(start, this.busyUntil);
      this.busyUntil = start + duration;
    }
    const end = ok ? Math.max(start + duration, waitFor) : start + duration;
    if (ok) {
      for (const d of mine) this.fetching.set(d, end);
      this.transferredBytes += size;
    }
    this.engine.at(end, () => {
      for (const d of mine) this.fetching.delete(d);
      if (ok) {
        if (!this.present.has(image)) {
          this.present.add(image);
          this.addLayers(image);
          this.onImagesChanged();
        }
        if (sizeBytes !== undefined) this.sizes.set(image, sizeBytes);
        this.firstSeen.set(image, this.engine.now);
        this.lastUsed.set(image, this.engine.now);
        this.maybeScheduleGc();
      }
      const list = this.inFlight.get(image) ?? [];
      this.inFlight.delete(image);
      for (const w of list) w(ok);
    });
  }

  /** Counts an image's layers as used by one more present image. */
  private addLayers(image: string): void {
    for (const l of this.cfg.layersOf?.(image) ?? []) {
      const e = this.layers.get(l.digest);
      if (e !== undefined) e.images++;
      else this.layers.set(l.digest, { size: l.size, images: 1 });
    }
  }

  /** An image leaves: its layers no other image uses are deleted; returns the bytes freed. */
  private removeLayers(image: string): number {
    const layers = this.cfg.layersOf?.(image);
    if (layers === undefined) return this.sizeOf(image);
    let freed = 0;
    for (const l of layers) {
      const e = this.layers.get(l.digest);
      if (e === undefined) continue;
      if (--e.images === 0) {
        this.layers.delete(l.digest);
        freed += e.size;
      }
    }
    return freed;
  }

  /** Whether a layer is on the node. */
  hasLayer(digest: string): boolean {
    return this.layers.has(digest);
  }

  private sizeOf(image: string): number {
    return this.sizes.get(image) ?? this.cfg.sizeOf(image);
  }

  /** An image a running container already uses (a cluster snapshot's pod): on the node, whatever its status listed. */
  adopt(image: string): void {
    if (!this.present.has(image)) {
      this.present.add(image);
      this.firstSeen.set(image, this.engine.now);
      this.addLayers(image);
    }
    this.used(image);
  }

  /** Records that a container started with the image. */
  used(image: string): void {
    this.lastUsed.set(image, this.engine.now);
  }

  /**
   * The images as the kubelet's node status setter lists them (`setters.Images`): largest first, at most `max`
   * (nodeStatusMaxImages, 50), each with its full size.
   */
  imageList(max: number): { names: string[]; sizeBytes: number }[] {
    const out = [...this.present].map((i) => ({ names: [i], sizeBytes: this.fullSize(i) }));
    out.sort((a, b) => b.sizeBytes - a.sizeBytes || (a.names[0]! < b.names[0]! ? -1 : 1));
    return out.slice(0, max);
  }

  /** An image's size: its layers' sum when the scenario lists them. */
  private fullSize(image: string): number {
    const layers = this.cfg.layersOf?.(image);
    if (layers === undefined) return this.sizeOf(image);
    let sum = 0;
    for (const l of layers) sum += l.size;
    return sum;
  }

  /** Bytes the images on the node take (each layer once). */
  usageBytes(): number {
    let sum = 0;
    for (const i of this.present) if (this.cfg.layersOf?.(i) === undefined) sum += this.sizeOf(i);
    for (const l of this.layers.values()) sum += l.size;
    return sum;
  }

  /** Size of the image (and node) filesystem in bytes, when known. */
  get fsBytes(): number | undefined {
    return this.cfg.imageFsBytes;
  }

  /** Bytes used on the filesystem: the images and what the pods wrote. */
  fsUsageBytes(): number {
    return this.usageBytes() + this.otherUsageBytes();
  }

  private maybeScheduleGc(): void {
    const cap = this.cfg.imageFsBytes;
    if (cap === undefined || this.gcScheduled || this.fsUsageBytes() * 100 <= IMAGE_GC_HIGH_PERCENT * cap) return;
    this.gcScheduled = true;
    const next = (Math.floor(this.engine.now / IMAGE_GC_PERIOD_US) + 1) * IMAGE_GC_PERIOD_US;
    this.engine.at(next, () => {
      this.gcScheduled = false;
      this.garbageCollect();
    });
  }

  /** `GarbageCollect`: frees down to the low threshold, least recently used unused images first. */
  garbageCollect(): void {
    const cap = this.cfg.imageFsBytes;
    if (cap === undefined) return;
    const usage = this.fsUsageBytes();
    if (usage * 100 < IMAGE_GC_HIGH_PERCENT * cap) return;
    const toFree = usage - Math.floor((IMAGE_GC_LOW_PERCENT * cap) / 100);
    const freed = this.freeSpace(toFree);
    if (freed < toFree) {
      const message = `Failed to garbage collect required amount of images. Attempted to free ${toFree} bytes, but only found ${freed} bytes eligible to free.`;
      this.gc.failures.push(message);
      this.onGcFailed(message);
    }
  }

  /**
   * `DeleteUnusedImages`, the eviction manager's node-level reclaim under disk pressure: frees every image no
   * container uses (past the minimum GC age); returns the bytes freed.
   */
  deleteUnusedImages(): number {
    return this.freeSpace(Number.MAX_SAFE_INTEGER);
  }

  /** `freeSpace`: deletes unused images old enough, least recently used first, until `toFree` bytes are freed. */
  private freeSpace(toFree: number): number {
    const deleted = this.gc.deleted;
    const inUse = this.inUse();
    const now = this.engine.now;
    const candidates = [...this.present]
      .filter((i) => !inUse.has(i) && now - (this.firstSeen.get(i) ?? 0) >= IMAGE_MINIMUM_GC_AGE_US)
      .sort((a, b) => (this.lastUsed.get(a) ?? 0) - (this.lastUsed.get(b) ?? 0) || (a < b ? -1 : 1));
    let freed = 0;
    for (const i of candidates) {
      if (freed >= toFree) break;
      this.present.delete(i);
      this.lastUsed.delete(i);
      this.firstSeen.delete(i);
      freed += this.removeLayers(i);
      this.sizes.delete(i);
      this.gc.deleted++;
    }
    this.gc.freedBytes += freed;
    if (deleted < this.gc.deleted) this.onImagesChanged();
    return freed;
  }
}

/** imageGCHighThresholdPercent, imageGCLowThresholdPercent, imageMinimumGCAge (kubelet config defaults). */
export const IMAGE_GC_HIGH_PERCENT = 85;
export const IMAGE_GC_LOW_PERCENT = 80;
export const IMAGE_MINIMUM_GC_AGE_US = 120_000_000;
/** `ImageGCPeriod`: 5 min. */
export const IMAGE_GC_PERIOD_US = 300_000_000;
