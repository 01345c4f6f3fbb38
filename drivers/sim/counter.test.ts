import { describe, expect, it } from 'vitest';
import { counter } from './counter.js';
import { mulberry32 } from './random.js';
import { DAY_MS, HOUR_MS, MINUTE_MS, constant, workingDay } from './signal.js';

const ORIGIN = Date.UTC(2025, 0, 6);
const KWH_PER_W_MS = 1 / 3.6e9;

describe('counter', () => {
  it('integrates a constant power exactly: 1 kW for an hour is 1 kWh', () => {
    const energy = counter(constant(1_000), { originMs: ORIGIN, initial: 100, perMs: KWH_PER_W_MS });
    expect(energy(ORIGIN)).toBe(100);
    expect(energy(ORIGIN - HOUR_MS)).toBe(100);
    expect(energy(ORIGIN + HOUR_MS)).toBeCloseTo(101, 9);
    expect(energy(ORIGIN + 90 * MINUTE_MS)).toBeCloseTo(101.5, 9);
    expect(energy(ORIGIN + 10 * DAY_MS + 30_000)).toBeCloseTo(100 + 240 + 1 / 120, 6);
  });

  it('never goes down, however a shift-shaped rate moves', () => {
    const power = workingDay({ startHour: 6, endHour: 22, day: 5_000, night: 0, rampHours: 0.5 });
    const energy = counter(power, { originMs: ORIGIN, initial: 0, perMs: KWH_PER_W_MS });
    let previous = energy(ORIGIN);
    const decreases: number[] = [];
    for (let t = ORIGIN; t < ORIGIN + 2 * DAY_MS; t += 7_919) {
      const value = energy(t);
      if (value < previous) decreases.push(t);
      previous = value;
    }
    expect(decreases).toEqual([]);
    // Two days of 16 h at 5 kW with half-hour ramps: 160 kWh, whatever happens at night.
    expect(previous).toBeCloseTo(160, 0);
  });

  it('gives the same value for an instant whatever was read before', () => {
    const make = () => counter(workingDay({ startHour: 6, endHour: 22, day: 3, night: 1, rampHours: 1 }), { originMs: ORIGIN, initial: 0, perMs: 1 / MINUTE_MS });
    const random = mulberry32(3);
    const times = Array.from({ length: 50 }, () => ORIGIN + random() * 5 * DAY_MS);
    const shuffled = make();
    const values = times.map((t) => shuffled(t));
    const fresh = times.map((t) => make()(t));
    expect(values).toEqual(fresh);
  });

  it('counts a negative rate as nothing', () => {
    const energy = counter(constant(-500), { originMs: ORIGIN, initial: 7, perMs: KWH_PER_W_MS });
    expect(energy(ORIGIN + DAY_MS)).toBe(7);
  });
});
