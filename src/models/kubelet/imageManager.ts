/**
 * A node's images: the cache of pulled images and the puller (pkg/kubelet/images). With `serializeImagePulls`
 * (the default) pulls run one at a time in request order; otherwise in parallel. Every pull also takes a token of
 * the registry rate limiter (registryPullQPS 5, registryBurst 10). A pull of an image already being pulled joins
 * that pull. Pull time = overhead + size / bandwidth.
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
}

/** The image cache and puller of one node. */
export class ImageManager {
  private readonly present: Set<string>;
  private readonly inFlight = new Map<string, (() => void)[]>();
  private readonly registry: TokenBucket;
  private busyUntil: Micros = 0;

  constructor(
    private readonly engine: Engine,
    private readonly rng: Rng,
    private readonly cfg: PullConfig,
    preloaded: Iterable<string>,
  ) {
    this.present = new Set(preloaded);
    this.registry = new TokenBucket(cfg.registryPullQPS, cfg.registryBurst);
  }

  /** Whether the image is on the node. */
  has(image: string): boolean {
    return this.present.has(image);
  }

  /** Images on the node (pull order). */
  images(): string[] {
    return [...this.present];
  }

  /** Pulls an image; `done(durationUs)` runs when it is on the node (including the wait in the pull queue). */
  pull(image: string, done: (waitedUs: Micros) => void): void {
    const requested = this.engine.now;
    const waiters = this.inFlight.get(image);
    const finish = () => done(this.engine.now - requested);
    if (waiters !== undefined) {
      waiters.push(finish);
      return;
    }
    this.inFlight.set(image, [finish]);
    const now = this.engine.now;
    const duration = sample(this.cfg.overhead, this.rng) + Math.ceil((this.cfg.sizeOf(image) * 1_000_000) / this.cfg.bandwidth);
    let start = now + this.registry.reserve(now);
    if (this.cfg.serializeImagePulls) {
      start = Math.max(start, this.busyUntil);
      this.busyUntil = start + duration;
    }
    this.engine.at(start + duration, () => {
      this.present.add(image);
      const list = this.inFlight.get(image) ?? [];
      this.inFlight.delete(image);
      for (const w of list) w();
    });
  }
}
