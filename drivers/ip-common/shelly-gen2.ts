import { refuse } from './ingest-errors.js';
import { isObject, numeric, parseJsonObject } from './json-payload.js';
import { collect, emptyResult, type ParseResult } from './measurement.js';

/** Status fields of Shelly Gen2 components (the `*.GetStatus` results), as our metric and unit. */
const FIELDS: Readonly<Record<string, { metric: string; unit: string; path?: string[] }>> = {
  apower: { metric: 'power', unit: 'W' },
  act_power: { metric: 'power', unit: 'W' },
  aprt_power: { metric: 'apparent_power', unit: 'VA' },
  voltage: { metric: 'voltage', unit: 'V' },
  current: { metric: 'current', unit: 'A' },
  freq: { metric: 'frequency', unit: 'Hz' },
  pf: { metric: 'power_factor', unit: '' },
  aenergy: { metric: 'energy', unit: 'Wh', path: ['total'] },
  temperature: { metric: 'temperature', unit: '°C', path: ['tC'] },
  tC: { metric: 'temperature', unit: '°C' },
  rh: { metric: 'humidity', unit: '%' },
  lux: { metric: 'illuminance', unit: 'lx' },
  battery: { metric: 'battery', unit: '%', path: ['percent'] },
  output: { metric: 'state', unit: '' },
  state: { metric: 'state', unit: '' },
  rssi: { metric: 'rssi', unit: 'dBm' },
};

const NOTIFICATIONS = new Set(['NotifyStatus', 'NotifyFullStatus']);

/**
 * A Shelly Gen2 RPC notification from `<shelly-id>/events/rpc`: `params` holds `ts` (Unix seconds) and
 * one object per component (`switch:0`, `temperature:0`, `em1:1`) with the fields that changed.
 * A component's channel is its type and id (`power.switch0`), except a sensor component named after its
 * own metric with id 0 (`temperature:0` → `temperature`). `NotifyEvent` frames carry no measurements.
 */
export function parseShellyNotification(body: Uint8Array | string): ParseResult {
  const frame = parseJsonObject(body, 'Shelly RPC');
  const result = emptyResult();
  if (frame.method === 'NotifyEvent') return result;
  if (typeof frame.method !== 'string' || !NOTIFICATIONS.has(frame.method) || !isObject(frame.params)) {
    throw refuse('PAYLOAD_INVALID', `a Shelly notification has method NotifyStatus or NotifyFullStatus and params; got method ${JSON.stringify(frame.method)}`);
  }
  const ts = typeof frame.params.ts === 'number' ? Math.round(frame.params.ts * 1000) : undefined;
  for (const [key, component] of Object.entries(frame.params)) {
    if (!isObject(component)) continue;
    const [type = key, id = '0'] = key.split(':');
    for (const [field, raw] of Object.entries(component)) {
      const spec = FIELDS[field];
      if (!spec) continue;
      const value = numeric(spec.path ? dig(raw, spec.path) : raw);
      if (value === undefined) continue;
      const metric = type === spec.metric && id === '0' ? spec.metric : `${spec.metric}.${type}${id}`;
      collect(result, `${key}.${field}`, { metric, unit: spec.unit, value, ...(ts ? { ts } : {}) });
    }
  }
  return result;
}

function dig(value: unknown, path: readonly string[]): unknown {
  let at = value;
  for (const key of path) at = isObject(at) ? at[key] : undefined;
  return at;
}
