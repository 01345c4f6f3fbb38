import { refuse } from './ingest-errors.js';

/** A JSON payload as an object, or a refusal saying why it is not one. */
export function parseJsonObject(body: Uint8Array | string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(typeof body === 'string' ? body : Buffer.from(body).toString('utf8'));
  } catch (error) {
    throw refuse('PAYLOAD_NOT_JSON', `${what} payload is not JSON: ${(error as Error).message}`);
  }
  if (!isObject(value)) throw refuse('PAYLOAD_INVALID', `${what} payload is not a JSON object`);
  return value;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Booleans and Tasmota's "ON"/"OFF" as 0/1; numbers as they are; anything else undefined. */
export function numeric(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value === 'ON') return 1;
  if (value === 'OFF') return 0;
  return undefined;
}
