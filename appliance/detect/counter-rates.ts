import type { Reading } from '../../drivers/types.js';

/** Metrics that are running totals: their level only grows, so what can be anomalous is how fast. */
const CUMULATIVE = new Set(['energy', 'count']);

/**
 * Turns readings of running totals (energy meters, pulse and traffic counters) into rates per second,
 * so "the meter stopped moving" or "traffic collapsed" is a change the detector can see, instead of a
 * new maximum at every reading. Other metrics pass through. A stream's first reading, a repeated
 * timestamp and a counter that went backwards (a reset) give NaN, which the detector scores 0 and skips.
 */
export class CounterRates {
  private readonly last = new Map<string, { value: number; ts: number }>();

  valueFor(reading: Reading, stream: string): number {
    const dot = reading.metric.indexOf('.');
    if (!CUMULATIVE.has(dot < 0 ? reading.metric : reading.metric.slice(0, dot))) return reading.value;
    const previous = this.last.get(stream);
    this.last.set(stream, { value: reading.value, ts: reading.ts });
    if (!previous || reading.ts <= previous.ts || reading.value < previous.value) return Number.NaN;
    return ((reading.value - previous.value) * 1000) / (reading.ts - previous.ts);
  }
}
