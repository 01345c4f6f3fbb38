import { tidy } from './bthome.js';
import { decoded, failure, type DecodeResult, type Measurement } from './types.js';

export const RUUVI_COMPANY_ID = 0x0499;
const RAWV2_LENGTH = 24;
const RAWV1_LENGTH = 14;

/**
 * Ruuvi manufacturer data (after the 0x0499 company id): data format 5 (RAWv2) and 3 (RAWv1), per
 * ruuvi-sensor-protocols. Fields at their "not available" marker are left out rather than reported.
 */
export function decodeRuuvi(payload: Buffer): DecodeResult {
  const format = payload[0];
  if (format === 5) return decodeRawV2(payload);
  if (format === 3) return decodeRawV1(payload);
  if (format === undefined) return failure('BLE_TRUNCATED', 'Ruuvi manufacturer data is empty');
  return failure('BLE_UNSUPPORTED_VERSION', `Ruuvi data format ${format} is not supported (3 and 5 are)`);
}

function sizeCheck(payload: Buffer, expected: number, name: string): DecodeResult | undefined {
  if (payload.length < expected) return failure('BLE_TRUNCATED', `Ruuvi ${name} needs ${expected} bytes, got ${payload.length}`);
  if (payload.length > expected) return failure('BLE_OVERSIZED', `Ruuvi ${name} needs ${expected} bytes, got ${payload.length}`);
  return undefined;
}

function decodeRawV2(p: Buffer): DecodeResult {
  const bad = sizeCheck(p, RAWV2_LENGTH, 'format 5');
  if (bad) return bad;
  const out: Measurement[] = [];
  const temperature = p.readInt16BE(1);
  if (temperature !== -0x8000) out.push({ metric: 'temperature', value: tidy(temperature * 0.005), unit: '°C' });
  const humidity = p.readUInt16BE(3);
  if (humidity !== 0xffff) out.push({ metric: 'humidity', value: tidy(humidity * 0.0025), unit: '%' });
  const pressure = p.readUInt16BE(5);
  if (pressure !== 0xffff) out.push({ metric: 'pressure', value: tidy((pressure + 50_000) / 100), unit: 'hPa' });
  const power = p.readUInt16BE(13);
  const batteryMv = power >> 5;
  if (batteryMv !== 0x7ff) out.push({ metric: 'voltage.battery', value: tidy((batteryMv + 1600) / 1000), unit: 'V' });
  const sequence = p.readUInt16BE(16);
  return decoded('ruuvi-5', out, sequence === 0xffff ? undefined : sequence);
}

function decodeRawV1(p: Buffer): DecodeResult {
  const bad = sizeCheck(p, RAWV1_LENGTH, 'format 3');
  if (bad) return bad;
  const humidityHalf = p[1] ?? 0;
  const whole = p[2] ?? 0;
  const fraction = p[3] ?? 0;
  // Sign and magnitude, not two's complement: 0x81 0x45 is -1.69 °C.
  const magnitude = (whole & 0x7f) + fraction / 100;
  const temperature = whole & 0x80 ? -magnitude : magnitude;
  return decoded('ruuvi-3', [
    { metric: 'temperature', value: tidy(temperature), unit: '°C' },
    { metric: 'humidity', value: humidityHalf / 2, unit: '%' },
    { metric: 'pressure', value: tidy((p.readUInt16BE(4) + 50_000) / 100), unit: 'hPa' },
    { metric: 'voltage.battery', value: tidy(p.readUInt16BE(12) / 1000), unit: 'V' },
  ]);
}
