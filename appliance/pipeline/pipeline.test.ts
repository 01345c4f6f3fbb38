import { describe, expect, it } from 'vitest';
import type { Reading } from '../../drivers/types.js';
import { normalise } from './normalise.js';
import { Pipeline } from './pipeline.js';
import { ReadingValidator } from './validate.js';
import { WindowAggregator } from './window.js';

const at = (ts: number, value: number, metric = 'temperature', unit = '°C', device = 'modbus:tcp/h:1/1'): Reading => ({
  device,
  metric,
  value,
  unit,
  ts,
  quality: 'good',
});

describe('normalise', () => {
  it('converts units and aliases into canonical ones, keeping the channel', () => {
    expect(normalise(at(0, 212, 'temp', '°F'))).toMatchObject({ ok: true, reading: { metric: 'temperature', unit: '°C', value: 100 } });
    expect(normalise(at(0, 1.5, 'power.l2', 'kW'))).toMatchObject({ ok: true, reading: { metric: 'power.l2', unit: 'W', value: 1500 } });
    expect(normalise(at(0, 2500, 'energy', 'Wh'))).toMatchObject({ ok: true, reading: { value: 2.5, unit: 'kWh' } });
  });

  it('refuses metrics and units it cannot make canonical', () => {
    expect(normalise(at(0, 1, 'flux_capacitance', 'GW'))).toEqual({ ok: false, reason: 'unknown-metric' });
    expect(normalise(at(0, 1, 'temperature', 'furlongs'))).toEqual({ ok: false, reason: 'unit' });
  });
});

describe('validate', () => {
  it('drops non-finite and physically impossible values', () => {
    const v = new ReadingValidator();
    expect(v.check(at(0, Number.NaN))).toBe('nan');
    expect(v.check(at(0, Number.POSITIVE_INFINITY))).toBe('nan');
    expect(v.check(at(0, 3276.7))).toBe('range');
    expect(v.check(at(0, 150, 'humidity', '%'))).toBe('range');
  });

  it('drops a one-sample spike but follows a confirmed level change', () => {
    const v = new ReadingValidator();
    expect([20, 20.5, 80, 21, 60, 61, 61.5].map((x, i) => v.check(at(i, x)) ?? 'ok')).toEqual([
      'ok', 'ok', 'spike', 'ok', 'spike', 'ok', 'ok',
    ]);
  });

  it('never calls a step a spike for metrics that change freely, such as power', () => {
    const v = new ReadingValidator();
    expect(v.check(at(0, 10, 'power', 'W'))).toBeUndefined();
    expect(v.check(at(1, 50_000, 'power', 'W'))).toBeUndefined();
  });
});

describe('tumbling windows', () => {
  it('summarises a window with count, min, max, mean, last and population stddev', () => {
    const w = new WindowAggregator({ windowMs: 60_000, graceMs: 1_000 });
    [2, 4, 4, 4, 5, 5, 7, 9].forEach((x, i) => w.add(at(120_000 + i * 1000, x)));
    expect(w.closeDue(180_999)).toEqual([]);
    const [s] = w.closeDue(181_000);
    expect(s).toMatchObject({ start: 120_000, end: 180_000, count: 8, min: 2, max: 9, mean: 5, last: 9, stddev: 2, firstTs: 120_000, lastTs: 127_000 });
  });

  it('aligns windows of all streams and counts readings for a closed window as late', () => {
    const w = new WindowAggregator({ windowMs: 10_000, graceMs: 0 });
    w.add(at(15_000, 1));
    w.add(at(17_000, 1, 'humidity', '%'));
    expect(w.closeDue(20_000).map((s) => [s.metric, s.start])).toEqual([
      ['temperature', 10_000],
      ['humidity', 10_000],
    ]);
    expect(w.add(at(19_000, 1))).toBe(false);
    expect(w.add(at(20_000, 1))).toBe(true);
  });

  it('keeps precision where a naive sum of squares would cancel', () => {
    const w = new WindowAggregator({ windowMs: 60_000, graceMs: 0 });
    [1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16].forEach((x, i) => w.add(at(i, x, 'count', '')));
    expect(w.closeDue(60_000)[0]?.stddev).toBeCloseTo(Math.sqrt(22.5), 9);
  });
});

describe('pipeline', () => {
  it('counts every dropped reading by reason and reports the first per device', () => {
    const p = new Pipeline({ windowMs: 60_000, graceMs: 0 });
    const out = p.process([at(1, 20), at(2, Number.NaN), at(3, Number.NaN), at(4, 900), at(5, 1, 'bogus', '')], 10);
    expect(out.accepted).toHaveLength(1);
    expect(out.drops).toEqual({ nan: 2, range: 1, 'unknown-metric': 1 });
    expect(out.dropped.map((d) => d.reason)).toEqual(['nan', 'range', 'unknown-metric']);
    const later = p.process([], 60_000);
    expect(later.summaries).toHaveLength(1);
  });

  it('resumes a window a restart interrupted, so it is summarised once with every reading', () => {
    const before = new Pipeline({ windowMs: 60_000, graceMs: 0 });
    const stored = before.process([at(1_000, 20), at(2_000, 22)], 3_000).accepted;
    const after = new Pipeline({ windowMs: 60_000, graceMs: 0 });
    after.resume(stored);
    after.process([at(50_000, 24)], 51_000);
    expect(after.process([], 60_000).summaries).toMatchObject([{ start: 0, count: 3, min: 20, max: 24, mean: 22 }]);
  });
});
