import { tidy } from './bthome.js';
import { decoded, failure, type DecodeResult } from './types.js';

export const GOVEE_COMPANY_ID = 0xec88;
const H5075_LENGTH = 6;

/**
 * Govee H5072/H5075 manufacturer data after the 0xEC88 company id. Govee publishes no specification; the
 * layout is the community's reading of it: a zero byte, then temperature and humidity packed into one
 * 24-bit big-endian integer (temperature × 10000 + humidity × 10, top bit the sign), then battery %.
 */
export function decodeGovee(payload: Buffer): DecodeResult {
  if (payload.length < H5075_LENGTH) return failure('BLE_TRUNCATED', `Govee data of ${payload.length} bytes (6 expected)`);
  if (payload.length > H5075_LENGTH) return failure('BLE_OVERSIZED', `Govee data of ${payload.length} bytes (6 expected)`);
  const packed = payload.readUIntBE(1, 3);
  const negative = (packed & 0x800000) !== 0;
  const magnitude = packed & 0x7fffff;
  const humidity = (magnitude % 1000) / 10;
  // The humidity digits stay in the tail of the temperature, as every decoder of this format does.
  const temperature = (negative ? -magnitude : magnitude) / 10000;
  return decoded('govee-h5075', [
    { metric: 'temperature', value: tidy(temperature), unit: '°C' },
    { metric: 'humidity', value: tidy(humidity), unit: '%' },
    { metric: 'battery', value: payload[4] ?? 0, unit: '%' },
  ]);
}
