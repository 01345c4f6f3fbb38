import { describe, expect, it } from 'vitest';
import { WorldClock } from './clock.js';

const WORLD_START = Date.UTC(2025, 0, 6);
const WALL_START = 1_000_000;

describe('WorldClock', () => {
  it('runs in real time at factor 1', () => {
    const clock = new WorldClock({ startMs: WORLD_START, factor: 1, wallStartMs: WALL_START });
    expect(clock.worldNow(WALL_START)).toBe(WORLD_START);
    expect(clock.worldNow(WALL_START + 1_500)).toBe(WORLD_START + 1_500);
  });

  it('lives a world hour per wall minute at factor 60, and maps back to wall time', () => {
    const clock = new WorldClock({ startMs: WORLD_START, factor: 60, wallStartMs: WALL_START });
    expect(clock.worldNow(WALL_START + 60_000)).toBe(WORLD_START + 3_600_000);
    expect(clock.toWall(WORLD_START + 3_600_000)).toBe(WALL_START + 60_000);
    expect(clock.toWall(clock.worldNow(WALL_START + 12_345))).toBeCloseTo(WALL_START + 12_345, 6);
  });

  it('anchors at the current wall time by default', () => {
    const before = Date.now();
    const clock = new WorldClock({ startMs: WORLD_START, factor: 10 });
    const world = clock.worldNow();
    expect(world).toBeGreaterThanOrEqual(WORLD_START);
    expect(world).toBeLessThanOrEqual(WORLD_START + (Date.now() - before) * 10);
  });

  it('refuses a factor that would stop or reverse time', () => {
    for (const factor of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => new WorldClock({ startMs: WORLD_START, factor })).toThrow(expect.objectContaining({ code: 'SIM_BAD_OPTION' }));
    }
  });
});
