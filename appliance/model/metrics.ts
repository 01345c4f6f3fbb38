/**
 * Canonical metrics: the one name and unit every protocol's readings are turned into,
 * the physically possible range (outside it a reading is a fault, not a measurement),
 * and the largest believable step between two consecutive readings (beyond it, a spike).
 */
export interface MetricSpec {
  unit: string;
  min: number;
  max: number;
  /** Largest step between consecutive readings that is still physical; absent where any step is (power, counts). */
  maxStep?: number;
}

export const METRICS: Readonly<Record<string, MetricSpec>> = Object.freeze({
  temperature: { unit: '°C', min: -60, max: 400, maxStep: 15 },
  humidity: { unit: '%', min: 0, max: 100, maxStep: 30 },
  pressure: { unit: 'hPa', min: 300, max: 1200, maxStep: 20 },
  co2: { unit: 'ppm', min: 0, max: 40_000 },
  pm25: { unit: 'µg/m³', min: 0, max: 2_000 },
  no2: { unit: 'µg/m³', min: 0, max: 2_000 },
  noise: { unit: 'dB', min: 0, max: 160 },
  power: { unit: 'W', min: -1e7, max: 1e7 },
  apparent_power: { unit: 'VA', min: 0, max: 1e7 },
  reactive_power: { unit: 'var', min: -1e7, max: 1e7 },
  power_factor: { unit: '', min: -1, max: 1 },
  energy: { unit: 'kWh', min: 0, max: 1e12 },
  voltage: { unit: 'V', min: 0, max: 1_000 },
  current: { unit: 'A', min: -10_000, max: 10_000 },
  frequency: { unit: 'Hz', min: 40, max: 70, maxStep: 5 },
  illuminance: { unit: 'lx', min: 0, max: 200_000 },
  occupancy: { unit: '', min: 0, max: 1 },
  contact: { unit: '', min: 0, max: 1 },
  state: { unit: '', min: 0, max: 1 },
  count: { unit: '', min: 0, max: Number.MAX_SAFE_INTEGER },
  rate: { unit: '/min', min: 0, max: 1e9 },
  speed: { unit: 'rpm', min: 0, max: 100_000 },
  vibration: { unit: 'mm/s', min: 0, max: 1_000 },
  flow: { unit: 'm³/h', min: 0, max: 1e6 },
  volume: { unit: 'm³', min: 0, max: 1e12 },
  battery: { unit: '%', min: 0, max: 100 },
  rssi: { unit: 'dBm', min: -130, max: 20 },
  linkquality: { unit: '', min: 0, max: 255 },
});

/** `voltage.l2` → `voltage`: the channel after the dot does not change unit or range. */
export function baseMetric(metric: string): string {
  const dot = metric.indexOf('.');
  return dot === -1 ? metric : metric.slice(0, dot);
}

export function metricSpec(metric: string): MetricSpec | undefined {
  return METRICS[baseMetric(metric)];
}
