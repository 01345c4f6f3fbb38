/** One advertisement as noble reports it, reduced to the fields our decoders read. */
export interface Advert {
  /** Lower-case, colon-separated MAC, e.g. `a4:c1:38:02:83:f4`. */
  address: string;
  rssi: number;
  localName?: string;
  /** Manufacturer-specific data including its 2-byte little-endian company id, as noble gives it. */
  manufacturerData?: Buffer;
  /** Service data keyed by 16-bit UUID in lower-case hex without `0x` (noble's form: `fcd2`, `181a`). */
  serviceData: { uuid: string; data: Buffer }[];
}

export type AdvertFormat = 'bthome' | 'ruuvi-5' | 'ruuvi-3' | 'atc1441' | 'pvvx' | 'govee-h5075';

/** A value in one of our canonical metrics, straight from the advert. */
export interface Measurement {
  metric: string;
  value: number;
  unit: string;
}

export type DecodeErrorCode =
  | 'BLE_NOT_RECOGNISED'
  | 'BLE_TRUNCATED'
  | 'BLE_OVERSIZED'
  | 'BLE_MALFORMED'
  | 'BLE_KEY_MISSING'
  | 'BLE_DECRYPT_FAILED'
  | 'BLE_NOT_ENCRYPTED'
  | 'BLE_UNSUPPORTED_VERSION';

export interface DecodeError {
  code: DecodeErrorCode;
  message: string;
}

export interface Decoded {
  format: AdvertFormat;
  measurements: Measurement[];
  /**
   * The sender's own counter for this measurement (BTHome packet id or encryption counter, Ruuvi
   * sequence, Xiaomi frame counter): the same value twice means the same measurement re-sent.
   */
  sequence?: number;
}

export type DecodeResult = { ok: true; value: Decoded } | { ok: false; error: DecodeError };

export function decoded(format: AdvertFormat, measurements: Measurement[], sequence?: number): DecodeResult {
  return { ok: true, value: sequence === undefined ? { format, measurements } : { format, measurements, sequence } };
}

export function failure(code: DecodeErrorCode, message: string): DecodeResult {
  return { ok: false, error: { code, message } };
}

/** `a4c1380283f4` or bytes → `a4:c1:38:02:83:f4`. */
export function formatMac(bytes: Buffer): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(':');
}
