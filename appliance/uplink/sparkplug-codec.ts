import sparkplug from 'sparkplug-payload';
import type { TypeStr, UMetric, UPayload } from 'sparkplug-payload/lib/sparkplugbpayload.js';
import { OutpostError } from '../../drivers/types.js';

export type { TypeStr as SparkplugType, UMetric as SparkplugMetric, UPayload as SparkplugPayload } from 'sparkplug-payload/lib/sparkplugbpayload.js';

/** Sparkplug B 3.0, the only namespace the library knows; the topic namespace is `spBv1.0`. */
export const SPARKPLUG_NAMESPACE = 'spBv1.0';

const codec = loadCodec();

function loadCodec(): NonNullable<ReturnType<typeof sparkplug.get>> {
  const found = sparkplug.get(SPARKPLUG_NAMESPACE);
  if (!found) throw new Error(`sparkplug-payload does not know ${SPARKPLUG_NAMESPACE}`);
  return found;
}

export function encodeSparkplug(payload: UPayload): Buffer {
  return Buffer.from(codec.encodePayload(payload));
}

/** Decodes a Sparkplug B payload; protobuf garbage becomes `SPARKPLUG_MALFORMED` rather than a crash. */
export function decodeSparkplug(bytes: Uint8Array): UPayload {
  try {
    return codec.decodePayload(bytes);
  } catch (err) {
    throw new OutpostError('SPARKPLUG_MALFORMED', `not a Sparkplug B payload: ${(err as Error).message}`, {}, { cause: err });
  }
}

/** protobufjs hands 64-bit fields back as `Long`; every value we use fits a double. */
export function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (value && typeof value === 'object' && 'toNumber' in value && typeof value.toNumber === 'function') {
    return (value as { toNumber(): number }).toNumber();
  }
  return undefined;
}

/** The metric of a decoded payload by name or alias (data messages carry only the alias). */
export function findMetric(payload: UPayload, name: string, alias?: number): UMetric | undefined {
  return payload.metrics?.find((m) => m.name === name || (alias !== undefined && toNumber(m.alias) === alias));
}
