import { describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS, clamp, constant, dailyCurve, drift, noise, product, sinusoid, sum, workingDay } from './signal.js';

const MIDNIGHT = Date.UTC(2025, 0, 6);
const at = (hour: number, day = 0) => MIDNIGHT + day * DAY_MS + hour * HOUR_MS;

describe('signals', () => {
  it('give the same noise for the same seed and instant, in any order, and differ across seeds', () => {
    const a = noise({ seed: 1, sigma: 1 });
    const again = noise({ seed: 1, sigma: 1 });
    const other = noise({ seed: 2, sigma: 1 });
    const times = [at(13.2), at(2), at(13.2) + 400, at(22, 5)];
    const forward = times.map(a);
    const backward = [...times].reverse().map(again).reverse();
    expect(backward).toEqual(forward);
    expect(times.map(other)).not.toEqual(forward);
    // Within one bucket the value holds; the next bucket draws anew.
    expect(a(at(13.2))).toBe(a(at(13.2) + 400));
    expect(a(at(13.2))).not.toBe(a(at(13.2) + 1_000));
  });

  it('follow a working day: the shift level by day, the night level at night, a smooth ramp between', () => {
    const shift = workingDay({ startHour: 6, endHour: 22, day: 100, night: 10, rampHours: 1 });
    expect(shift(at(3))).toBe(10);
    expect(shift(at(12))).toBe(100);
    expect(shift(at(23))).toBe(10);
    expect(shift(at(6))).toBeCloseTo(55, 9);
    // No step anywhere in the ramp: one-minute increments move the level by less than 3 %.
    for (let h = 5; h < 7; h += 1 / 60) {
      expect(Math.abs(shift(at(h + 1 / 60)) - shift(at(h)))).toBeLessThan(3);
    }
    expect(shift(at(12, 3))).toBe(100);
  });

  it('join one day to the next through midnight without a step', () => {
    const curve = dailyCurve([
      [6, 1],
      [20, 5],
    ]);
    expect(curve(at(6))).toBe(1);
    expect(curve(at(20))).toBe(5);
    expect(curve(at(1))).toBeCloseTo(3, 9); // halfway from 20 h to 6 h the next morning
    expect(Math.abs(curve(at(24) - 1) - curve(at(24)))).toBeLessThan(1e-3);
  });

  it('refuse knots that are out of order or outside the day', () => {
    expect(() => dailyCurve([[5, 1], [3, 2]])).toThrow(expect.objectContaining({ code: 'SIM_BAD_SIGNAL' }));
    expect(() => workingDay({ startHour: 0, endHour: 22, day: 1, night: 0, rampHours: 1 })).toThrow(/increasing hours/);
  });

  it('compose: a sinusoid peaks where asked, drift grows by its rate per day, clamp bounds', () => {
    const wave = sinusoid({ amplitude: 2, periodMs: DAY_MS, peakMs: 15 * HOUR_MS });
    expect(wave(at(15, 2))).toBeCloseTo(2, 9);
    expect(wave(at(3, 2))).toBeCloseTo(-2, 9);
    const aged = drift({ perDay: 0.5, originMs: MIDNIGHT });
    expect(aged(at(0, 4))).toBeCloseTo(2, 9);
    const level = clamp(sum(constant(95), product(constant(10), wave)), 0, 100);
    expect(level(at(15))).toBe(100);
    expect(level(at(3))).toBeCloseTo(75, 9);
  });
});
