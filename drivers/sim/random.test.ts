import { describe, expect, it } from 'vitest';
import { deriveSeed, gaussian, hashGaussian, hashUnit, mulberry32 } from './random.js';

describe('seeded randomness', () => {
  it('repeats the same sequence for the same seed and a different one for another seed', () => {
    const draw = (seed: number) => Array.from({ length: 5 }, mulberry32(seed));
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
    for (const x of draw(7)) expect(x >= 0 && x < 1).toBe(true);
  });

  it('draws standard normals from the generator and from the stateless hash', () => {
    const random = mulberry32(1);
    const fromGenerator = Array.from({ length: 20_000 }, () => gaussian(random));
    const fromHash = Array.from({ length: 20_000 }, (_, i) => hashGaussian(9, i));
    for (const sample of [fromGenerator, fromHash]) {
      const mean = sample.reduce((a, b) => a + b, 0) / sample.length;
      const variance = sample.reduce((a, b) => a + (b - mean) ** 2, 0) / sample.length;
      expect(Math.abs(mean)).toBeLessThan(0.03);
      expect(Math.abs(Math.sqrt(variance) - 1)).toBeLessThan(0.03);
    }
  });

  it('hashes (seed, n) to the same value every time, for buckets beyond 32 bits too', () => {
    const bucket = 1_736_000_000_123; // a world time in ms, well past 2^32
    expect(hashUnit(5, bucket)).toBe(hashUnit(5, bucket));
    expect(hashUnit(5, bucket)).not.toBe(hashUnit(5, bucket + 2 ** 32));
    expect(hashUnit(5, bucket)).not.toBe(hashUnit(6, bucket));
  });

  it('derives distinct seeds per named part of the world', () => {
    expect(deriveSeed(1, 'machine-m1')).toBe(deriveSeed(1, 'machine-m1'));
    expect(deriveSeed(1, 'machine-m1')).not.toBe(deriveSeed(1, 'machine-m2'));
    expect(deriveSeed(1, 'machine-m1')).not.toBe(deriveSeed(2, 'machine-m1'));
  });
});
