import { isObject, numeric, parseJsonObject } from './json-payload.js';
import { collect, emptyResult, type ParseResult } from './measurement.js';

/** Tasmota's field names for what it measures, and our metric and unit for each. */
const FIELDS: Readonly<Record<string, { metric: string; unit: string }>> = {
  Temperature: { metric: 'temperature', unit: 'TEMP' },
  Humidity: { metric: 'humidity', unit: '%' },
  Pressure: { metric: 'pressure', unit: 'PRESSURE' },
  CarbonDioxide: { metric: 'co2', unit: 'ppm' },
  // An estimate from a VOC sensor, kept apart from a true CO2 measurement.
  eCO2: { metric: 'co2.eco2', unit: 'ppm' },
  Illuminance: { metric: 'illuminance', unit: 'lx' },
  Power: { metric: 'power', unit: 'W' },
  ApparentPower: { metric: 'apparent_power', unit: 'VA' },
  ReactivePower: { metric: 'reactive_power', unit: 'var' },
  Factor: { metric: 'power_factor', unit: '' },
  Voltage: { metric: 'voltage', unit: 'V' },
  Current: { metric: 'current', unit: 'A' },
  Frequency: { metric: 'frequency', unit: 'Hz' },
  Total: { metric: 'energy', unit: 'kWh' },
  PM2_5: { metric: 'pm25', unit: 'µg/m³' },
  'PM2.5': { metric: 'pm25', unit: 'µg/m³' },
};

/**
 * A Tasmota `tele/<topic>/SENSOR` payload: one object per sensor (`DHT22`, `SCD40`, `ENERGY`, `ANALOG`)
 * with Tasmota's field names, `TempUnit`/`PressureUnit` beside them, and `Switch<n>` as "ON"/"OFF".
 * Tasmota's `Time` is local time without a zone, so only `Epoch` (when the firmware sends it) sets `ts`.
 */
export function parseTasmotaSensor(body: Uint8Array | string): ParseResult {
  const payload = parseJsonObject(body, 'Tasmota SENSOR');
  const tempUnit = payload.TempUnit === 'F' ? '°F' : '°C';
  const pressureUnit = typeof payload.PressureUnit === 'string' ? payload.PressureUnit : 'hPa';
  const ts = typeof payload.Epoch === 'number' ? payload.Epoch * 1000 : undefined;
  const sensors = Object.entries(payload).filter((entry): entry is [string, Record<string, unknown>] => isObject(entry[1]));
  // With one sensor per metric the plain name reads best; with two, the sensor's name tells them apart.
  const owners = new Map<string, number>();
  for (const [, fields] of sensors) {
    for (const field of Object.keys(fields)) {
      const metric = FIELDS[field]?.metric;
      if (metric) owners.set(metric, (owners.get(metric) ?? 0) + 1);
    }
  }
  const result = emptyResult();
  for (const [sensor, fields] of sensors) {
    for (const [field, raw] of Object.entries(fields)) {
      const spec = FIELDS[field];
      if (!spec) continue;
      const unit = spec.unit === 'TEMP' ? tempUnit : spec.unit === 'PRESSURE' ? pressureUnit : spec.unit;
      const shared = (owners.get(spec.metric) ?? 0) > 1;
      const metric = shared ? `${spec.metric}.${sensor.toLowerCase()}` : spec.metric;
      // Multi-channel meters send arrays: "Power":[12,0] is channel 1 and 2.
      const values = Array.isArray(raw) ? raw : [raw];
      values.forEach((value, i) => {
        const channel = values.length > 1 ? `${metric}${shared ? '_' : '.'}${i + 1}` : metric;
        const number = numeric(value);
        if (number === undefined) result.ignored.push({ field: `${sensor}.${field}`, reason: 'not a number' });
        else collect(result, `${sensor}.${field}`, { metric: channel, unit, value: number, ...(ts ? { ts } : {}) });
      });
    }
  }
  for (const [field, raw] of Object.entries(payload)) {
    const switchNo = /^Switch(\d+)$/.exec(field)?.[1];
    const value = numeric(raw);
    if (switchNo && value !== undefined) collect(result, field, { metric: `state.switch${switchNo}`, unit: '', value, ...(ts ? { ts } : {}) });
  }
  return result;
}
