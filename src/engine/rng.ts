import seedrandom from 'seedrandom';

/**
 * One named random stream. Every draw comes from seedrandom's Alea generator (fast, 2^116 period) seeded with
 * `"<scenario seed>/<stream name>"`, so a stream's sequence depends only on the seed and its own name: adding a new
 * consumer (a new stream) never shifts another stream's draws. This is what gives common random numbers across the
 * cells of an experiment.
 */
export class Rng {
  private readonly prng: () => number;

  constructor(readonly name: string, seed: string) {
    this.prng = seedrandom.alea(`${seed}/${name}`);
  }

  /** Uniform double in [0, 1). */
  next(): number {
    return this.prng();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.prng() * n);
  }

  /** Uniform double in [min, max). */
  uniform(min: number, max: number): number {
    return min + (max - min) * this.prng();
  }

  /** Exponential with the given mean. */
  exponential(mean: number): number {
    // 1 − u lies in (0, 1], so the log is finite.
    return -mean * Math.log(1 - this.prng());
  }

  /** Standard normal by Box–Muller; always consumes exactly two uniforms (no cached spare, for reproducibility). */
  normal(): number {
    const u1 = 1 - this.prng();
    const u2 = this.prng();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Log-normal with the given median and shape sigma (median × e^(sigma·Z)). */
  lognormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }
}

/** The set of named streams of one simulation cell, all derived from one seed. */
export class RngStreams {
  private readonly streams = new Map<string, Rng>();
  private readonly seedText: string;

  constructor(seed: number | string) {
    this.seedText = String(seed);
  }

  /** The seed as text (for counter-based draws, engine/hashNoise.ts). */
  get seed(): string {
    return this.seedText;
  }

  /** The stream with this name (created on first use; the same object afterwards). */
  stream(name: string): Rng {
    let s = this.streams.get(name);
    if (s === undefined) {
      s = new Rng(name, this.seedText);
      this.streams.set(name, s);
    }
    return s;
  }
}
