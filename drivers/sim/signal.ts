import { OutpostError } from '../types.js';
import { hashGaussian } from './random.js';

/**
 * A signal is a value as a pure function of world time: no stepping state, so any device can be read at
 * any instant, in any order, and the same instant always gives the same value. Signals compose by
 * closure; evaluating one allocates nothing, since `read()` runs for every register served.
 */
export type Signal = (worldMs: number) => number;

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

export function constant(value: number): Signal {
  return () => value;
}

export function sum(...parts: Signal[]): Signal {
  return (t) => {
    let total = 0;
    for (const part of parts) total += part(t);
    return total;
  };
}

export function product(...parts: Signal[]): Signal {
  return (t) => {
    let total = 1;
    for (const part of parts) total *= part(t);
    return total;
  };
}

/** Keeps a signal inside what the sensor can report (humidity never exceeds 100 %). */
export function clamp(signal: Signal, min: number, max: number): Signal {
  return (t) => Math.min(max, Math.max(min, signal(t)));
}

/** Hour of the day in UTC, [0, 24): the world has one time zone so a seed means the same day everywhere. */
export function hourOfDay(worldMs: number): number {
  return (((worldMs % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS;
}

/**
 * A shape that repeats every day, through `[hour, level]` knots with cosine easing between them and from
 * the last knot round midnight to the first, so ramps are smooth and a day joins the next without a step.
 */
export function dailyCurve(knots: readonly (readonly [hour: number, level: number])[]): Signal {
  const hours = Float64Array.from(knots, ([hour]) => hour);
  const levels = Float64Array.from(knots, ([, level]) => level);
  const n = hours.length;
  for (let i = 0; i < n; i++) {
    const hour = hours[i]!;
    if (!(hour >= 0 && hour < 24) || (i > 0 && hour <= hours[i - 1]!)) {
      throw new OutpostError('SIM_BAD_SIGNAL', `daily curve knots must be increasing hours in [0, 24), got ${hours.join(', ')}`, {
        hours: [...hours],
      });
    }
  }
  if (n === 0) throw new OutpostError('SIM_BAD_SIGNAL', 'daily curve needs at least one knot');
  return (t) => {
    const h = hourOfDay(t);
    // The segment that holds h: from knot i to knot i+1, the last one wrapping to the first of the next day.
    let i = n - 1;
    while (i >= 0 && hours[i]! > h) i--;
    const from = i < 0 ? n - 1 : i;
    const to = i === n - 1 ? 0 : i + 1;
    const fromHour = i < 0 ? hours[n - 1]! - 24 : hours[i]!;
    const toHour = i === n - 1 ? hours[0]! + 24 : hours[i + 1]!;
    const span = toHour - fromHour;
    const x = span > 0 ? (h - fromHour) / span : 0;
    const eased = (1 - Math.cos(Math.PI * x)) / 2;
    return levels[from]! + (levels[to]! - levels[from]!) * eased;
  };
}

export interface WorkingDayOptions {
  startHour: number;
  endHour: number;
  day: number;
  night: number;
  /** Length of each ramp, centred on the start and end hour. */
  rampHours: number;
}

/** A shift pattern: `night` level, ramping to `day` around `startHour` and back around `endHour`. */
export function workingDay(o: WorkingDayOptions): Signal {
  const half = o.rampHours / 2;
  return dailyCurve([
    [o.startHour - half, o.night],
    [o.startHour + half, o.day],
    [o.endHour - half, o.day],
    [o.endHour + half, o.night],
  ]);
}

export interface SinusoidOptions {
  amplitude: number;
  periodMs: number;
  /** World time of a peak. */
  peakMs?: number;
}

export function sinusoid(o: SinusoidOptions): Signal {
  const omega = (2 * Math.PI) / o.periodMs;
  const peak = o.peakMs ?? 0;
  return (t) => o.amplitude * Math.cos(omega * (t - peak));
}

/** A slow linear drift (sensor ageing, fouling), zero at `originMs`. */
export function drift(o: { perDay: number; originMs: number }): Signal {
  return (t) => (o.perDay * (t - o.originMs)) / DAY_MS;
}

export interface NoiseOptions {
  seed: number;
  sigma: number;
  /** The noise holds within one bucket; a new value per bucket. */
  bucketMs?: number;
}

/** Gaussian noise fixed by (seed, time bucket): a hash, not a shared generator, so reads never disturb each other. */
export function noise(o: NoiseOptions): Signal {
  const bucketMs = o.bucketMs ?? 1_000;
  return (t) => o.sigma * hashGaussian(o.seed, Math.floor(t / bucketMs));
}
