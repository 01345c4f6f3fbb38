import { BTHOME_OBJECTS, PACKET_ID } from './bthome-objects.js';
import { bthomeDecrypt, bthomeNonce, macBytes } from './bthome-crypto.js';
import { decoded, failure, type DecodeResult, type Measurement } from './types.js';

export const BTHOME_UUID = 'fcd2';
/** The largest payload one (extended) advertising report can carry. */
export const MAX_ADVERT_BYTES = 255;
const ENCRYPTION_TRAILER = 8; // counter (4) + MIC (4)

/**
 * BTHome v2 service data (the bytes after the 0xFCD2 UUID): device-info byte, then objects; when the
 * encryption flag is set, the objects are AES-CCM ciphertext followed by a counter and a MIC.
 * `key` is the device's bind key entered at adoption.
 */
export function decodeBthome(data: Buffer, address: string, key?: Buffer): DecodeResult {
  if (data.length < 1) return failure('BLE_TRUNCATED', 'BTHome service data is empty');
  if (data.length > MAX_ADVERT_BYTES) return failure('BLE_OVERSIZED', `BTHome service data of ${data.length} bytes`);
  const deviceInfo = data[0] ?? 0;
  const version = deviceInfo >> 5;
  if (version !== 2) return failure('BLE_UNSUPPORTED_VERSION', `BTHome version ${version}, only version 2 is supported`);
  if ((deviceInfo & 0x01) === 0) {
    // With a key entered, a plain advert under this MAC is a spoof (bthome.io/encryption warns of it).
    return key ? failure('BLE_NOT_ENCRYPTED', 'a key is set for this device but the advert is not encrypted') : parseObjects(data.subarray(1));
  }

  if (!key) return failure('BLE_KEY_MISSING', 'the advert is encrypted and no BTHome key was entered for this device');
  if (data.length < 1 + ENCRYPTION_TRAILER + 1) return failure('BLE_TRUNCATED', 'encrypted BTHome advert too short');
  const counter = data.subarray(data.length - ENCRYPTION_TRAILER, data.length - 4);
  const mic = data.subarray(data.length - 4);
  const ciphertext = data.subarray(1, data.length - ENCRYPTION_TRAILER);
  const plain = bthomeDecrypt(key, bthomeNonce(macBytes(address), deviceInfo, counter), ciphertext, mic);
  if (!plain) return failure('BLE_DECRYPT_FAILED', 'the BTHome advert does not authenticate with the entered key (wrong key?)');
  const result = parseObjects(plain);
  // The encryption counter must rise with every advert, so it doubles as the replay/duplicate guard.
  return result.ok ? decoded('bthome', result.value.measurements, counter.readUInt32LE(0)) : result;
}

function parseObjects(bytes: Buffer): DecodeResult {
  const measurements: Measurement[] = [];
  const seen = new Map<string, number>();
  let packetId: number | undefined;
  let at = 0;
  while (at < bytes.length) {
    const id = bytes[at] ?? 0;
    const object = BTHOME_OBJECTS.get(id);
    // The spec tells receivers to stop at the first id they do not know: newer objects come last.
    if (!object) break;
    const size = object.size === 'variable' ? 1 + (bytes[at + 1] ?? 0) : object.size;
    if (at + 1 + size > bytes.length) {
      return failure('BLE_TRUNCATED', `BTHome object 0x${id.toString(16).padStart(2, '0')} needs ${size} bytes, ${bytes.length - at - 1} left`);
    }
    if (id === PACKET_ID) packetId = bytes[at + 1];
    else if (object.metric && typeof object.size === 'number') {
      const raw = object.signed ? bytes.readIntLE(at + 1, object.size) : bytes.readUIntLE(at + 1, object.size);
      const repeat = (seen.get(object.metric) ?? 0) + 1;
      seen.set(object.metric, repeat);
      // A second object of the same kind is the sensor's second channel (the spec's `temperature_2`).
      const metric = repeat === 1 ? object.metric : `${object.metric}.${repeat}`;
      measurements.push({ metric, value: tidy(raw * (object.scale ?? 1)), unit: object.unit ?? '' });
    }
    at += 1 + size;
  }
  return decoded('bthome', measurements, packetId);
}

/**
 * 2506 × 0.01 is 25.060000000000002 in floating point; the sensor meant 25.06. No format here resolves
 * finer than a millionth of its unit, and below 9e9 the rounding stays exact in a double.
 */
export function tidy(value: number): number {
  return Math.abs(value) < 9e9 ? Math.round(value * 1e6) / 1e6 : value;
}
