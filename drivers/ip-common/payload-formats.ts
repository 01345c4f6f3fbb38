import { refuse } from './ingest-errors.js';
import { parseMappedJson, type JsonMapping } from './json-mapping.js';
import { isObject } from './json-payload.js';
import { collect, emptyResult, type ParseResult } from './measurement.js';
import { parseSenmlCbor, parseSenmlJson } from './senml.js';

export type PayloadFormat = 'senml+json' | 'senml+cbor' | 'json';

/** The media types (HTTP) and content formats (CoAP, RFC 7252 §12.3 and RFC 8428 §12.3) we accept. */
const BY_MEDIA_TYPE: Readonly<Record<string, PayloadFormat>> = {
  'application/senml+json': 'senml+json',
  'application/senml+cbor': 'senml+cbor',
  'application/json': 'json',
};
const BY_CONTENT_FORMAT: Readonly<Record<number, PayloadFormat>> = { 110: 'senml+json', 112: 'senml+cbor', 50: 'json' };

export function formatOfMediaType(contentType: string | undefined): PayloadFormat {
  const media = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const format = BY_MEDIA_TYPE[media];
  if (!format) throw refuse('CONTENT_FORMAT_UNSUPPORTED', `content type "${media}" is not accepted; send ${Object.keys(BY_MEDIA_TYPE).join(', ')}`);
  return format;
}

export function formatOfContentFormat(contentFormat: number | string | undefined): PayloadFormat {
  const format = typeof contentFormat === 'number' ? BY_CONTENT_FORMAT[contentFormat] : contentFormat === undefined ? undefined : formatOfMediaType(contentFormat);
  if (!format) throw refuse('CONTENT_FORMAT_UNSUPPORTED', `content format ${String(contentFormat)} is not accepted; send 110 (SenML JSON), 112 (SenML CBOR) or 50 (JSON)`);
  return format;
}

/** One message body as measurements: SenML as such, JSON through the device's mapping or as Outpost's own reading list. */
export function parsePayload(format: PayloadFormat, body: Uint8Array, mapping: JsonMapping | undefined, nowMs: number): ParseResult {
  if (format === 'senml+json') return parseSenmlJson(body, nowMs);
  if (format === 'senml+cbor') return parseSenmlCbor(body, nowMs);
  return mapping ? parseMappedJson(body, mapping) : parseReadingList(body);
}

/**
 * Outpost's own JSON: one `{metric, value, unit?, ts?}` or an array of them, `ts` in epoch milliseconds.
 * For devices whose firmware we write; others use SenML or a mapping.
 */
export function parseReadingList(body: Uint8Array): ParseResult {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(body).toString('utf8'));
  } catch (error) {
    throw refuse('PAYLOAD_NOT_JSON', `payload is not JSON: ${(error as Error).message}`);
  }
  const items = Array.isArray(value) ? value : [value];
  const result = emptyResult();
  items.forEach((item: unknown, index) => {
    if (!isObject(item) || typeof item.metric !== 'string' || typeof item.value !== 'number') {
      throw refuse('PAYLOAD_INVALID', `reading ${index} needs a string "metric" and a number "value"`, { reading: index });
    }
    if (item.unit !== undefined && typeof item.unit !== 'string') throw refuse('PAYLOAD_INVALID', `reading ${index} has a "unit" that is not a string`);
    if (item.ts !== undefined && (typeof item.ts !== 'number' || !Number.isFinite(item.ts))) throw refuse('PAYLOAD_INVALID', `reading ${index} has a "ts" that is not epoch milliseconds`);
    collect(result, `${index}.${item.metric}`, { metric: item.metric, unit: (item.unit as string | undefined) ?? '', value: item.value, ...(typeof item.ts === 'number' ? { ts: item.ts } : {}) });
  });
  return result;
}
