import type { Reading } from '../../drivers/types.js';
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
  private readonly open = new Map<string, OpenWindow>();
  private readonly closedUntil = new Map<string, number>();
  /** Windows closed early by `add`, handed out by the next `closeDue`. */
  private pending: Summary[] = [];

  constructor(private readonly opts: { windowMs: number; graceMs: number }) {}

  /** Returns false for a late reading, which the caller counts as dropped. */
  add(reading: Reading, score: number | null = null): boolean {
    const key = `${reading.device}\u0000${reading.metric}`;
    const start = reading.ts - (reading.ts % this.opts.windowMs);
    if (start < (this.closedUntil.get(key) ?? -Infinity)) return false;
    let w = this.open.get(key);
    if (w && w.start !== start) {
      if (start < w.start) return false;
      // A newer window began before the clock closed this one (a device clock ahead of ours): close it now.
      this.pending.push(this.close(key, w));
      w = undefined;
    }
    if (!w) {
      w = { device: reading.device, metric: reading.metric, unit: reading.unit, start, count: 0, min: Infinity, max: -Infinity, mean: 0, m2: 0, last: 0, firstTs: reading.ts, lastTs: reading.ts, maxScore: null };
      this.open.set(key, w);
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
    for (const [key, w] of this.open) {
      if (w.start + this.opts.windowMs + this.opts.graceMs <= now) due.push(this.close(key, w));
    }
    return due;
  }

  private close(key: string, w: OpenWindow): Summary {
    this.open.delete(key);
    const end = w.start + this.opts.windowMs;
    this.closedUntil.set(key, end);
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
