import { RAW_SCHEMA_VERSION, type RawPayload } from '../../appliance/uplink/raw-message.js';
import { refuse } from './ingest-errors.js';
import { isObject, parseJsonObject } from './json-payload.js';
import { collect, emptyResult, type ParseResult } from './measurement.js';

/** A gateway Outpost's raw readings (`outpost/<gateway>/raw/<device>`), checked. */
export function parseOutpostRaw(body: Uint8Array | string): RawPayload {
  const payload = parseJsonObject(body, 'Outpost raw readings');
  if (payload.v !== RAW_SCHEMA_VERSION) throw refuse('PAYLOAD_INVALID', `raw readings schema version ${String(payload.v)} is not ${RAW_SCHEMA_VERSION}`);
  const { seq, device, readings } = payload;
  if (typeof seq !== 'number' || typeof device !== 'string' || !Array.isArray(readings)) throw refuse('PAYLOAD_INVALID', 'raw readings need seq, device and readings');
  readings.forEach((r: unknown, i) => {
    if (!isObject(r) || typeof r.metric !== 'string' || typeof r.unit !== 'string' || typeof r.value !== 'number' || typeof r.ts !== 'number') {
      throw refuse('PAYLOAD_INVALID', `raw reading ${i} needs metric, unit, value and ts`);
    }
  });
  return payload as unknown as RawPayload;
}

/** Raw readings as readings of the gateway's device: `mqtt:<gateway>/<device>`, at their own times. */
export function rawReadings(raw: RawPayload): ParseResult {
  const result = emptyResult();
  raw.readings.forEach(({ metric, unit, value, ts }, i) => collect(result, `${i}.${metric}`, { metric, unit, value, ts, source: raw.device }));
  return result;
}
