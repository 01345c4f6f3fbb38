import { OutpostError } from '../types.js';

/**
 * Why an IP device's message was refused. Each code maps to one HTTP status and one CoAP response code,
 * so a device author sees the same reason whichever transport the device speaks.
 */
export const INGEST_REFUSALS = {
  PAYLOAD_NOT_JSON: { http: 400, coap: '4.00' },
  PAYLOAD_NOT_CBOR: { http: 400, coap: '4.00' },
  PAYLOAD_INVALID: { http: 400, coap: '4.00' },
  SENML_INVALID: { http: 400, coap: '4.00' },
  SENML_NO_NAME: { http: 400, coap: '4.00' },
  NO_READINGS: { http: 422, coap: '4.00' },
  TOKEN_MISSING: { http: 401, coap: '4.01' },
  TOKEN_INVALID: { http: 403, coap: '4.03' },
  DEVICE_UNKNOWN: { http: 404, coap: '4.04' },
  CONTENT_FORMAT_UNSUPPORTED: { http: 415, coap: '4.15' },
  RATE_LIMITED: { http: 429, coap: '4.29' },
  NOT_READY: { http: 503, coap: '5.03' },
} as const;

export type IngestRefusal = keyof typeof INGEST_REFUSALS;

export function refuse(code: IngestRefusal, message: string, context: Record<string, unknown> = {}): OutpostError {
  return new OutpostError(code, message, context);
}

/** The refusal behind an error, or undefined for a fault of ours (which must answer 5xx, not blame the device). */
export function refusalOf(error: unknown): { code: IngestRefusal; message: string } | undefined {
  if (error instanceof OutpostError && error.code in INGEST_REFUSALS) return { code: error.code as IngestRefusal, message: error.message };
  return undefined;
}
