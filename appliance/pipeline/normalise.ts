import type { Reading } from '../../drivers/types.js';
import { baseMetric, metricSpec } from '../model/metrics.js';

/** Names devices and converters use for our canonical metrics. */
const METRIC_ALIASES: Readonly<Record<string, string>> = {
  temp: 'temperature',
  rh: 'humidity',
  relative_humidity: 'humidity',
  active_power: 'power',
  lux: 'illuminance',
  carbon_dioxide: 'co2',
  pm2_5: 'pm25',
  battery_level: 'battery',
  presence: 'occupancy',
  door: 'contact',
};

type Convert = (value: number) => number;

/** Conversions into each canonical unit, keyed by the unit a reading arrives in. */
const UNIT_CONVERSIONS: Readonly<Record<string, Readonly<Record<string, Convert>>>> = {
  '°C': { C: (v) => v, degC: (v) => v, '°F': (v) => ((v - 32) * 5) / 9, F: (v) => ((v - 32) * 5) / 9, K: (v) => v - 273.15 },
  '%': { '%RH': (v) => v, RH: (v) => v },
  hPa: { Pa: (v) => v / 100, kPa: (v) => v * 10, mbar: (v) => v, bar: (v) => v * 1000 },
  W: { kW: (v) => v * 1000, mW: (v) => v / 1000 },
  kWh: { Wh: (v) => v / 1000, MWh: (v) => v * 1000 },
  V: { mV: (v) => v / 1000, kV: (v) => v * 1000 },
  A: { mA: (v) => v / 1000 },
  VA: { kVA: (v) => v * 1000 },
  var: { VAr: (v) => v, kvar: (v) => v * 1000 },
  '': { '%': (v) => v / 100 },
};

export type NormaliseResult = { ok: true; reading: Reading } | { ok: false; reason: 'unknown-metric' | 'unit' };

/** Canonical metric name and unit, or the reason the reading cannot be made canonical. */
export function normalise(reading: Reading): NormaliseResult {
  const base = baseMetric(reading.metric);
  const alias = METRIC_ALIASES[base];
  const metric = alias ? alias + reading.metric.slice(base.length) : reading.metric;
  const spec = metricSpec(metric);
  if (!spec) return { ok: false, reason: 'unknown-metric' };
  if (reading.unit === spec.unit && metric === reading.metric) return { ok: true, reading };
  if (reading.unit === spec.unit) return { ok: true, reading: { ...reading, metric } };
  const convert = UNIT_CONVERSIONS[spec.unit]?.[reading.unit];
  if (!convert) return { ok: false, reason: 'unit' };
  return { ok: true, reading: { ...reading, metric, value: convert(reading.value), unit: spec.unit } };
}
