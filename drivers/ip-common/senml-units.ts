/**
 * SenML units (RFC 8428 §12.1 and the RFC 8798 secondary units) in terms our pipeline understands:
 * the unit string `normalise` converts from, a conversion where it has none, and the metric a record
 * stands for when its name says nothing we know (`urn:dev:ow:10e2073a01080063` in `Cel` is a temperature).
 */
export interface SenmlUnit {
  unit: string;
  metric?: string;
  convert?: (value: number) => number;
}

const SENML_UNITS: Readonly<Record<string, SenmlUnit>> = {
  Cel: { unit: '°C', metric: 'temperature' },
  K: { unit: 'K', metric: 'temperature' },
  '%RH': { unit: '%RH', metric: 'humidity' },
  Pa: { unit: 'Pa', metric: 'pressure' },
  hPa: { unit: 'hPa', metric: 'pressure' },
  W: { unit: 'W', metric: 'power' },
  kW: { unit: 'kW', metric: 'power' },
  VA: { unit: 'VA', metric: 'apparent_power' },
  kVA: { unit: 'kVA', metric: 'apparent_power' },
  var: { unit: 'var', metric: 'reactive_power' },
  kvar: { unit: 'kvar', metric: 'reactive_power' },
  J: { unit: 'kWh', metric: 'energy', convert: (v) => v / 3_600_000 },
  Wh: { unit: 'Wh', metric: 'energy' },
  kWh: { unit: 'kWh', metric: 'energy' },
  V: { unit: 'V', metric: 'voltage' },
  mV: { unit: 'mV', metric: 'voltage' },
  A: { unit: 'A', metric: 'current' },
  mA: { unit: 'mA', metric: 'current' },
  Hz: { unit: 'Hz', metric: 'frequency' },
  lx: { unit: 'lx', metric: 'illuminance' },
  ppm: { unit: 'ppm', metric: 'co2' },
  dBm: { unit: 'dBm', metric: 'rssi' },
  dB: { unit: 'dB', metric: 'noise' },
  '%EL': { unit: '%', metric: 'battery' },
  '%': { unit: '%' },
  count: { unit: '', metric: 'count' },
  '/': { unit: '' },
  'ug/m3': { unit: 'µg/m³' },
  m3: { unit: 'm³', metric: 'volume' },
  'm3/s': { unit: 'm³/h', metric: 'flow', convert: (v) => v * 3600 },
  'l/s': { unit: 'm³/h', metric: 'flow', convert: (v) => v * 3.6 },
  '1/min': { unit: '/min', metric: 'rate' },
  'beat/min': { unit: '/min', metric: 'rate' },
};

/** Our unit for a SenML unit, with the factor into it and the metric it implies; unknown units pass through. */
export function senmlUnit(unit: string | undefined): SenmlUnit {
  if (unit === undefined) return { unit: '' };
  return SENML_UNITS[unit] ?? { unit };
}

/** `urn:dev:ow:10e2073a01080063:current` → `current`: the part of a name after the device's own prefix. */
export function lastSegment(name: string): string {
  const cut = Math.max(name.lastIndexOf(':'), name.lastIndexOf('/'));
  return name.slice(cut + 1).toLowerCase();
}
