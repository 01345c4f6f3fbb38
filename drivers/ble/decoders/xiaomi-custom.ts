import { macBytes } from './bthome-crypto.js';
import { tidy } from './bthome.js';
import { decoded, failure, formatMac, type DecodeResult } from './types.js';

/** Both custom firmwares for the LYWSD03MMC advertise on the Environmental Sensing service. */
export const ENVIRONMENTAL_SENSING_UUID = '181a';
const ATC1441_LENGTH = 13;
const PVVX_LENGTH = 15;

/**
 * Service data of UUID 0x181A, told apart by length as the firmwares' READMEs define them:
 * atc1441 (13 bytes, big-endian: MAC, temperature 0.1 °C, humidity %, battery %, battery mV, counter) and
 * pvvx custom (15 bytes, little-endian: MAC reversed, temperature 0.01 °C, humidity 0.01 %, battery mV,
 * battery %, counter, flags). `address` guards against another device's data relayed under our MAC.
 */
export function decodeXiaomiCustom(data: Buffer, address: string): DecodeResult {
  if (data.length === ATC1441_LENGTH) {
    if (!sameMac(data.subarray(0, 6), address, false)) {
      return failure('BLE_MALFORMED', `atc1441 advert carries MAC ${formatMac(data.subarray(0, 6))}, not the sender's ${address}`);
    }
    return decoded(
      'atc1441',
      [
        { metric: 'temperature', value: tidy(data.readInt16BE(6) / 10), unit: '°C' },
        { metric: 'humidity', value: data[8] ?? 0, unit: '%' },
        { metric: 'battery', value: data[9] ?? 0, unit: '%' },
        { metric: 'voltage.battery', value: tidy(data.readUInt16BE(10) / 1000), unit: 'V' },
      ],
      data[12],
    );
  }
  if (data.length === PVVX_LENGTH) {
    if (!sameMac(data.subarray(0, 6), address, true)) {
      return failure('BLE_MALFORMED', `pvvx advert carries MAC ${formatMac(Buffer.from(data.subarray(0, 6)).reverse())}, not the sender's ${address}`);
    }
    return decoded(
      'pvvx',
      [
        { metric: 'temperature', value: tidy(data.readInt16LE(6) / 100), unit: '°C' },
        { metric: 'humidity', value: tidy(data.readUInt16LE(8) / 100), unit: '%' },
        { metric: 'voltage.battery', value: tidy(data.readUInt16LE(10) / 1000), unit: 'V' },
        { metric: 'battery', value: data[12] ?? 0, unit: '%' },
      ],
      data[13],
    );
  }
  if (data.length < ATC1441_LENGTH) return failure('BLE_TRUNCATED', `0x181A service data of ${data.length} bytes (13 or 15 expected)`);
  if (data.length > PVVX_LENGTH) return failure('BLE_OVERSIZED', `0x181A service data of ${data.length} bytes (13 or 15 expected)`);
  return failure('BLE_MALFORMED', `0x181A service data of ${data.length} bytes (13 or 15 expected)`);
}

/** Compares six MAC bytes (reversed for pvvx) with `aa:bb:…` without building strings on the hot path. */
function sameMac(bytes: Buffer, address: string, reversed: boolean): boolean {
  const expected = macBytes(address);
  if (expected.length !== 6) return false;
  for (let i = 0; i < 6; i += 1) if (bytes[reversed ? 5 - i : i] !== expected[i]) return false;
  return true;
}
