/**
 * Counter-based random numbers: a draw that is a pure function of (seed, key, index), so a model can ask for "the
 * noise of pod p in window w" any number of times, in any order, and always get the same value. Sampling a metric
 * more or less often therefore never shifts any other random draw. The hash is 53-bit cyrb53 (two 32-bit
 * multiply-xorshift lanes), ample for noise.
 */

function cyrb53(text: string, seed: number): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** A uniform double in (0, 1) determined by the seed, key and index. */
export function hashUniform(seed: string, key: string, index: number, lane = 0): number {
  return (cyrb53(`${seed}\u0000${key}\u0000${index}`, lane) + 0.5) / 9007199254740992;
}

/** A standard normal determined by the seed, key and index (Box–Muller over two hashed uniforms). */
export function hashNormal(seed: string, key: string, index: number): number {
  const u1 = hashUniform(seed, key, index, 1);
  const u2 = hashUniform(seed, key, index, 2);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}
