import type { Reading } from '../../drivers/types.js';
import { StreamMap } from '../model/stream-map.js';
import type { Summary } from '../model/summary.js';

interface OpenWindow {
  device: string;
  metric: string;
  unit: string;
  start: number;
  count: number;
  min: number;
  max: number;
  mean: number;
  /** Welford's running sum of squared deviations: stable where the naive sum of squares cancels. */
  m2: number;
  last: number;
  firstTs: number;
  lastTs: number;
  maxScore: number | null;
}

/**
 * Tumbling windows per device×metric, aligned to multiples of the window length since the epoch so that
 * every stream's windows line up. A window closes once the clock passes its end plus `graceMs`, which
 * leaves room for readings that arrive a little late; a reading for a window already closed is `late`.
 */
export class WindowAggregator {
  private readonly open = new StreamMap<OpenWindow>();
  private readonly closedUntil = new StreamMap<number>();
  /** Windows closed early by `add`, handed out by the next `closeDue`. */
  private pending: Summary[] = [];

  constructor(private readonly opts: { windowMs: number; graceMs: number }) {}

  /** Returns false for a late reading, which the caller counts as dropped. */
  add(reading: Reading, score: number | null = null): boolean {
    const { device, metric } = reading;
    const start = reading.ts - (reading.ts % this.opts.windowMs);
    if (start < (this.closedUntil.get(device, metric) ?? -Infinity)) return false;
    let w = this.open.get(device, metric);
    if (w && w.start !== start) {
      if (start < w.start) return false;
      // A newer window began before the clock closed this one (a device clock ahead of ours): close it now.
      this.pending.push(this.close(w));
      w = undefined;
    }
    if (!w) {
      w = { device, metric, unit: reading.unit, start, count: 0, min: Infinity, max: -Infinity, mean: 0, m2: 0, last: 0, firstTs: reading.ts, lastTs: reading.ts, maxScore: null };
      this.open.set(device, metric, w);
    }
    const v = reading.value;
    w.count += 1;
    const delta = v - w.mean;
    w.mean += delta / w.count;
    w.m2 += delta * (v - w.mean);
    if (v < w.min) w.min = v;
    if (v > w.max) w.max = v;
    if (reading.ts >= w.lastTs) {
      w.last = v;
      w.lastTs = reading.ts;
    }
    if (reading.ts < w.firstTs) w.firstTs = reading.ts;
    if (score !== null && (w.maxScore === null || score > w.maxScore)) w.maxScore = score;
    return true;
  }

  /** Summaries of every window whose end plus grace is at or before `now`. */
  closeDue(now: number): Summary[] {
    const due = this.pending;
    this.pending = [];
    for (const w of this.open.values()) {
      if (w.start + this.opts.windowMs + this.opts.graceMs <= now) due.push(this.close(w));
    }
    return due;
  }

  private close(w: OpenWindow): Summary {
    this.open.delete(w.device, w.metric);
    const end = w.start + this.opts.windowMs;
    this.closedUntil.set(w.device, w.metric, end);
    return {
      device: w.device,
      metric: w.metric,
      unit: w.unit,
      start: w.start,
      end,
      count: w.count,
      min: w.min,
      max: w.max,
      mean: w.mean,
      last: w.last,
      stddev: Math.sqrt(w.m2 / w.count),
      firstTs: w.firstTs,
      lastTs: w.lastTs,
      maxScore: w.maxScore,
    };
  }
}
