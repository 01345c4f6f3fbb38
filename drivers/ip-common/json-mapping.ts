import { isObject, numeric, parseJsonObject } from './json-payload.js';
import { refuse } from './ingest-errors.js';
import { collect, emptyResult, type ParseResult } from './measurement.js';

export interface JsonMappingEntry {
  /** Dotted path into the payload; array items by index: `sensors.0.value`. */
  path: string;
  metric: string;
  unit: string;
  /** Multiplies the value first, e.g. 0.1 for a value sent in tenths. */
  scale?: number;
}

export interface JsonMapping {
  fields: readonly JsonMappingEntry[];
  /** Path to the time: a number in seconds (below 1e11) or milliseconds, or an ISO 8601 string. */
  timePath?: string;
}

/** A device's own JSON, read through the mapping in its config; fields the payload lacks are listed as ignored. */
export function parseMappedJson(body: Uint8Array | string, mapping: JsonMapping): ParseResult {
  const payload = parseJsonObject(body, 'JSON');
  const ts = mapping.timePath === undefined ? undefined : timeOf(pick(payload, mapping.timePath), mapping.timePath);
  const result = emptyResult();
  for (const entry of mapping.fields) {
    const raw = numeric(pick(payload, entry.path));
    if (raw === undefined) result.ignored.push({ field: entry.path, reason: 'missing or not a number' });
    else collect(result, entry.path, { metric: entry.metric, unit: entry.unit, value: raw * (entry.scale ?? 1), ...(ts ? { ts } : {}) });
  }
  return result;
}

function pick(payload: unknown, path: string): unknown {
  let at = payload;
  for (const key of path.split('.')) {
    if (Array.isArray(at)) at = at[Number(key)];
    else at = isObject(at) ? at[key] : undefined;
  }
  return at;
}

function timeOf(value: unknown, path: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return value < 1e11 ? value * 1000 : value;
  const parsed = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(parsed)) throw refuse('PAYLOAD_INVALID', `the time at "${path}" is neither epoch seconds, milliseconds nor an ISO 8601 date`);
  return parsed;
}
