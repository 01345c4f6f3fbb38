import type { Reading } from '../types.js';

type ToNumber = (value: unknown) => number | undefined;

const num: ToNumber = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const bool: ToNumber = (v) => (typeof v === 'boolean' ? Number(v) : undefined);
const onOff: ToNumber = (v) => (v === 'ON' ? 1 : v === 'OFF' ? 0 : undefined);

/**
 * zigbee-herdsman-converters' output keys (as zigbee2mqtt publishes them) to canonical metrics. The
 * converters already scale raw ZCL values (0.01 °C, 0.5 %) into these units.
 */
const KEYS: Readonly<Record<string, { metric: string; unit: string; value: ToNumber }>> = {
  temperature: { metric: 'temperature', unit: '°C', value: num },
  humidity: { metric: 'humidity', unit: '%', value: num },
  pressure: { metric: 'pressure', unit: 'hPa', value: num },
  co2: { metric: 'co2', unit: 'ppm', value: num },
  pm25: { metric: 'pm25', unit: 'µg/m³', value: num },
  illuminance: { metric: 'illuminance', unit: 'lx', value: num },
  power: { metric: 'power', unit: 'W', value: num },
  energy: { metric: 'energy', unit: 'kWh', value: num },
  voltage: { metric: 'voltage', unit: 'V', value: num },
  current: { metric: 'current', unit: 'A', value: num },
  battery: { metric: 'battery', unit: '%', value: num },
  occupancy: { metric: 'occupancy', unit: '', value: bool },
  // zigbee2mqtt's `contact: true` is a closed door, as our contact metric's 1 is.
  contact: { metric: 'contact', unit: '', value: bool },
  state: { metric: 'state', unit: '', value: onOff },
};

/**
 * Keys that describe the radio or the device rather than the world: never readings, never "unknown".
 * A light's brightness is a setting, not a measurement; `ZigbeeDriver.pairedDevices()` shows it.
 */
const IGNORED = new Set(['linkquality', 'battery_low', 'voltage_battery', 'update', 'tamper', 'brightness', 'level_config']);

export interface ConvertedReadings {
  readings: Reading[];
  /** Keys with no canonical metric; the caller logs each once per device. */
  unknown: string[];
}

export function readingsFromConverted(device: string, output: Record<string, unknown>, ts: number): ConvertedReadings {
  const readings: Reading[] = [];
  const unknown: string[] = [];
  for (const [key, raw] of Object.entries(output)) {
    const spec = KEYS[key];
    if (!spec) {
      if (!IGNORED.has(key)) unknown.push(key);
      continue;
    }
    const value = spec.value(raw);
    if (value !== undefined) readings.push({ device, metric: spec.metric, value, unit: spec.unit, ts, quality: 'good' });
  }
  return { readings, unknown };
}
