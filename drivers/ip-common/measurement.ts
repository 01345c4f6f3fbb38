import { normalise } from '../../appliance/pipeline/normalise.js';

/** One number a payload carries, before the device and quality are attached by the ingest gate. */
export interface Measurement {
  metric: string;
  unit: string;
  value: number;
  /** Milliseconds since the epoch; absent means "when it arrived". */
  ts?: number;
  /** A device behind the sender (a gateway's own device id): the reading's device becomes `<sender>/<source>`. */
  source?: string;
}

/** A field of a payload left out, and why, so a device author can see what to fix. */
export interface Ignored {
  field: string;
  reason: string;
}

export interface ParseResult {
  measurements: Measurement[];
  ignored: Ignored[];
}

/** True when the pipeline can turn this metric and unit into a canonical reading. */
export function isCanonicalisable(metric: string, unit: string): boolean {
  return normalise({ device: '', metric, unit, value: 0, ts: 0, quality: 'good' }).ok;
}

/** Adds a measurement when the pipeline can make it canonical, otherwise records why not. */
export function collect(result: ParseResult, field: string, measurement: Measurement): void {
  if (!Number.isFinite(measurement.value)) result.ignored.push({ field, reason: 'not a finite number' });
  else if (isCanonicalisable(measurement.metric, measurement.unit)) result.measurements.push(measurement);
  else result.ignored.push({ field, reason: `no canonical metric for "${measurement.metric}" in "${measurement.unit}"` });
}

export function emptyResult(): ParseResult {
  return { measurements: [], ignored: [] };
}
