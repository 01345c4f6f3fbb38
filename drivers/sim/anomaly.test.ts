import { describe, expect, it } from 'vitest';
import { WHOLE_DEVICE, isDownAt, withAnomalies, type AnomalyKind, type AnomalyLabel } from './anomaly.js';
import { dailyAnomalies } from './anomaly-schedule.js';
import { DAY_MS, HOUR_MS, MINUTE_MS, constant, noise, sum } from './signal.js';

const MIDNIGHT = Date.UTC(2025, 0, 6);
const START = MIDNIGHT + 10 * HOUR_MS;
const END = START + HOUR_MS;
const clean = sum(constant(20), noise({ seed: 4, sigma: 0.1 }));

function label(kind: AnomalyKind, magnitude = 5): AnomalyLabel {
  return { device: 'hall-t1', metric: kind === 'dropout' ? WHOLE_DEVICE : 'temperature', kind, start: START, end: END, magnitude };
}

/** Instants inside the window (past the first noise bucket, where a stuck value still equals the truth) and around it. */
const inside = [START + 1_000, START + 20 * MINUTE_MS, END - 1];
const outside = [START - 1, START - HOUR_MS, END, END + 5 * MINUTE_MS, START + DAY_MS];

describe('anomalies', () => {
  it.each<AnomalyKind>(['spike', 'level-shift', 'stuck', 'drift', 'noise-burst'])('%s changes the signal inside its window only', (kind) => {
    const reported = withAnomalies(clean, [label(kind)], 11);
    for (const t of inside) expect(reported(t), `inside at ${t - START} ms`).not.toBe(clean(t));
    for (const t of outside) expect(reported(t), `outside at ${t - START} ms`).toBe(clean(t));
  });

  it('shape the signal as their kind says', () => {
    const mid = START + 30 * MINUTE_MS;
    expect(withAnomalies(clean, [label('level-shift')], 1)(mid)).toBeCloseTo(clean(mid) + 5, 9);
    expect(withAnomalies(clean, [label('drift', 30)], 1)(mid)).toBeCloseTo(clean(mid) + 15, 9);
    const stuck = withAnomalies(clean, [label('stuck')], 1);
    expect(new Set(inside.map(stuck))).toEqual(new Set([clean(START)]));
  });

  it('dropout leaves values alone and takes the device down for its window', () => {
    const labels = [label('dropout')];
    expect(withAnomalies(clean, labels, 1)(START + 1_000)).toBe(clean(START + 1_000));
    for (const t of inside) expect(isDownAt(labels, t)).toBe(true);
    for (const t of outside) expect(isDownAt(labels, t)).toBe(false);
  });
});

describe('daily anomaly schedule', () => {
  const plans = [
    { kind: 'spike', metric: 'temperature', devices: ['a', 'b'], fromHour: 2, toHour: 4, durationMs: 3 * MINUTE_MS, magnitude: 8 },
    { kind: 'dropout', metric: 'ignored', devices: ['c'], fromHour: 12, toHour: 14, durationMs: 15 * MINUTE_MS, magnitude: 0 },
  ] as const;

  it('lays out each plan once a day inside its hours, from the start onwards', () => {
    const startMs = MIDNIGHT + 3 * HOUR_MS;
    const labels = dailyAnomalies({ seed: 1, startMs, days: 3, plans });
    for (const l of labels) {
      expect(l.start).toBeGreaterThanOrEqual(startMs);
      const hour = (l.start - MIDNIGHT) / HOUR_MS % 24;
      const plan = plans.find((p) => p.kind === l.kind)!;
      expect(hour).toBeGreaterThanOrEqual(plan.fromHour);
      expect(hour).toBeLessThanOrEqual(plan.toHour);
      expect(l.end - l.start).toBe(plan.durationMs);
    }
    expect(labels.filter((l) => l.kind === 'dropout').map((l) => l.metric)).toEqual([WHOLE_DEVICE, WHOLE_DEVICE, WHOLE_DEVICE]);
    expect(labels.filter((l) => l.kind === 'spike').length).toBeGreaterThanOrEqual(2);
  });

  it('keeps day 2 the same whatever the horizon, and changes with the seed', () => {
    const two = dailyAnomalies({ seed: 1, startMs: MIDNIGHT, days: 2, plans });
    const five = dailyAnomalies({ seed: 1, startMs: MIDNIGHT, days: 5, plans });
    expect(five.slice(0, two.length)).toEqual(two);
    expect(dailyAnomalies({ seed: 2, startMs: MIDNIGHT, days: 2, plans })).not.toEqual(two);
  });
});
