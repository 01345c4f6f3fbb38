/**
 * Reproducible randomness for the simulated world. Two flavours: a sequential generator for building a
 * scenario (which devices, which anomaly when), and a stateless hash for values over time, so reading
 * the same instant twice — or in any order — gives the same number.
 */

/** mulberry32: a 32-bit state, tiny and fast; plenty for simulation, not for anything secret. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Box–Muller: two uniforms in [0, 1) to one standard normal. `1 - u1` keeps the log away from zero. */
export function gaussianFrom(u1: number, u2: number): number {
  return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
}

export function gaussian(random: () => number): number {
  return gaussianFrom(random(), random());
}

/** murmur3's finaliser: every input bit flips about half the output bits. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A uint32 from (seed, n); `n` may be any integer a timestamp bucket can be, including beyond 32 bits. */
export function hash32(seed: number, n: number): number {
  const low = n >>> 0;
  const high = Math.floor(n / 4294967296) >>> 0;
  return fmix32(fmix32((seed ^ 0x9e3779b9) + low) ^ Math.imul(high, 0x27d4eb2f));
}

export function hashUnit(seed: number, n: number): number {
  return hash32(seed, n) / 4294967296;
}

/** A standard normal fixed by (seed, n), with no generator to advance. */
export function hashGaussian(seed: number, n: number): number {
  return gaussianFrom(hashUnit(seed, n), hashUnit(seed ^ 0x68e31da4, n));
}

/** A seed for one named part of the world (`machine-m3/power`), so adding a device does not reshuffle the others. */
export function deriveSeed(seed: number, label: string): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < label.length; i++) {
    h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
  }
  return fmix32(h >>> 0);
}
