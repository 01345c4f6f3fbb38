import type { Reading } from '../../drivers/types.js';
import { metricSpec } from '../model/metrics.js';
import { StreamMap } from '../model/stream-map.js';

export type DropReason = 'nan' | 'range' | 'spike';

interface StreamMemory {
  accepted: number;
  /** A value rejected as a spike; if the next reading agrees with it, the level really changed. */
  rejected?: number;
}

/**
 * Drops readings that cannot be measurements: not finite, outside the metric's physical range, or a
 * single-sample jump larger than the metric's `maxStep`. A jump confirmed by the following reading is a
 * real level change and passes, so a spike filter never hides a step change for more than one sample.
 */
export class ReadingValidator {
  private readonly streams = new StreamMap<StreamMemory>();

  check(reading: Reading): DropReason | undefined {
    const { value } = reading;
    if (!Number.isFinite(value)) return 'nan';
    const spec = metricSpec(reading.metric);
    if (!spec || value < spec.min || value > spec.max) return 'range';
    if (spec.maxStep === undefined) return undefined;
    const memory = this.streams.get(reading.device, reading.metric);
    if (!memory) {
      this.streams.set(reading.device, reading.metric, { accepted: value });
      return undefined;
    }
    const confirmed = memory.rejected !== undefined && Math.abs(value - memory.rejected) <= spec.maxStep;
    if (Math.abs(value - memory.accepted) > spec.maxStep && !confirmed) {
      memory.rejected = value;
      return 'spike';
    }
    memory.accepted = value;
    memory.rejected = undefined;
    return undefined;
  }
}
