import { describe, expect, it } from 'vitest';
import {
  BTHOME_ENCRYPTION,
  BTHOME_FORMAT,
  GOVEE_H5075,
  RUUVI_RAWV1,
  RUUVI_RAWV2,
  XIAOMI_CUSTOM,
} from '../fixtures/published-vectors.js';
import { decodeAdvert } from './decode-advert.js';
import type { Advert, DecodeResult, Measurement } from './types.js';

const hex = (h: string) => Buffer.from(h, 'hex');
const bthome = (data: string, address = 'aa:bb:cc:dd:ee:ff'): Advert => ({ address, rssi: -60, serviceData: [{ uuid: 'fcd2', data: hex(data) }] });
const ruuvi = (payload: string): Advert => ({ address: 'cb:b8:33:4c:88:4f', rssi: -60, serviceData: [], manufacturerData: hex(`9904${payload}`) });
const valueOf = (result: DecodeResult, metric: string) => (result.ok ? result.value.measurements.find((m) => m.metric === metric)?.value : undefined);
const metrics = (result: DecodeResult): Measurement[] => (result.ok ? result.value.measurements : []);

describe(`BTHome v2 (${BTHOME_FORMAT.source})`, () => {
  it('decodes the worked example', () => {
    const result = decodeAdvert(bthome(BTHOME_FORMAT.workedExample.hex));
    expect(metrics(result)).toEqual([
      { metric: 'temperature', value: 25, unit: '°C' },
      { metric: 'humidity', value: 50.55, unit: '%' },
    ]);
  });

  it.each(BTHOME_FORMAT.objects)('object $hex is $metric $value', ({ hex: object, metric, value }) => {
    expect(valueOf(decodeAdvert(bthome(`40${object}`)), metric)).toBe(value);
  });

  it('reads every object of a multi-object advert, numbering a repeated kind as a second channel', () => {
    const result = decodeAdvert(bthome('400009016145110145FE00'));
    expect(result.ok && result.value.sequence).toBe(9);
    expect(metrics(result).map((m) => [m.metric, m.value])).toEqual([
      ['battery', 97],
      ['temperature', 27.3],
      ['temperature.2', 25.4],
    ]);
  });

  it('skips objects without a metric of ours and stops at an unknown id, as the spec tells receivers', () => {
    const result = decodeAdvert(bthome('40065E1F02CA09FF0161'));
    expect(metrics(result).map((m) => m.metric)).toEqual(['temperature']);
  });

  it(`decrypts the encryption example (${BTHOME_ENCRYPTION.source})`, () => {
    const advert = bthome(BTHOME_ENCRYPTION.serviceData, BTHOME_ENCRYPTION.address);
    const result = decodeAdvert(advert, hex(BTHOME_ENCRYPTION.key));
    expect(result.ok && result.value.sequence).toBe(BTHOME_ENCRYPTION.counter);
    expect(valueOf(result, 'temperature')).toBe(BTHOME_ENCRYPTION.temperature);
    expect(valueOf(result, 'humidity')).toBe(BTHOME_ENCRYPTION.humidity);
  });

  it('refuses an encrypted advert with a wrong key, or without one, with a typed error', () => {
    const advert = bthome(BTHOME_ENCRYPTION.serviceData, BTHOME_ENCRYPTION.address);
    const wrong = decodeAdvert(advert, hex('00112233445566778899aabbccddeeff'));
    expect(!wrong.ok && wrong.error.code).toBe('BLE_DECRYPT_FAILED');
    const missing = decodeAdvert(advert);
    expect(!missing.ok && missing.error.code).toBe('BLE_KEY_MISSING');
    const plain = decodeAdvert(bthome(BTHOME_FORMAT.workedExample.hex), hex(BTHOME_ENCRYPTION.key));
    expect(!plain.ok && plain.error.code).toBe('BLE_NOT_ENCRYPTED');
  });

  it('reports a truncated object and a version other than 2', () => {
    const truncated = decodeAdvert(bthome('4002CA'));
    expect(!truncated.ok && truncated.error.code).toBe('BLE_TRUNCATED');
    const v1 = decodeAdvert(bthome('2002CA09'));
    expect(!v1.ok && v1.error.code).toBe('BLE_UNSUPPORTED_VERSION');
  });
});

describe(`Ruuvi data format 5 (${RUUVI_RAWV2.source})`, () => {
  it.each([
    ['valid', RUUVI_RAWV2.valid],
    ['maximum', RUUVI_RAWV2.maximum],
    ['minimum', RUUVI_RAWV2.minimum],
  ])('decodes the %s vector', (_name, vector) => {
    const result = decodeAdvert(ruuvi(vector.hex));
    expect(valueOf(result, 'temperature')).toBe(vector.temperature);
    expect(valueOf(result, 'humidity')).toBe(vector.humidity);
    expect(valueOf(result, 'pressure')).toBe(vector.pressurePa / 100);
    expect(valueOf(result, 'voltage.battery')).toBe(vector.batteryV);
    expect(result.ok && result.value.sequence).toBe(vector.sequence);
  });

  it('leaves out every field at its "not available" marker (the invalid vector)', () => {
    const result = decodeAdvert(ruuvi(RUUVI_RAWV2.invalid.hex));
    expect(result.ok).toBe(true);
    expect(metrics(result)).toEqual([]);
    expect(result.ok && result.value.sequence).toBeUndefined();
  });

  it('reports truncated and oversized payloads', () => {
    const short = decodeAdvert(ruuvi(RUUVI_RAWV2.valid.hex.slice(0, 30)));
    expect(!short.ok && short.error.code).toBe('BLE_TRUNCATED');
    const long = decodeAdvert(ruuvi(`${RUUVI_RAWV2.valid.hex}00`));
    expect(!long.ok && long.error.code).toBe('BLE_OVERSIZED');
  });
});

describe(`Ruuvi data format 3 (${RUUVI_RAWV1.source})`, () => {
  it.each([
    ['valid', RUUVI_RAWV1.valid],
    ['maximum', RUUVI_RAWV1.maximum],
    ['minimum', RUUVI_RAWV1.minimum],
  ])('decodes the %s vector', (_name, vector) => {
    const result = decodeAdvert(ruuvi(vector.hex));
    expect(valueOf(result, 'temperature')).toBe(vector.temperature);
    expect(valueOf(result, 'humidity')).toBe(vector.humidity);
    expect(valueOf(result, 'pressure')).toBe(vector.pressurePa / 100);
    expect(valueOf(result, 'voltage.battery')).toBe(vector.batteryV);
  });
});

describe(`Xiaomi LYWSD03MMC custom firmwares (${XIAOMI_CUSTOM.source})`, () => {
  it.each([
    ['atc1441', XIAOMI_CUSTOM.atc1441],
    ['pvvx', XIAOMI_CUSTOM.pvvx],
  ])('decodes the %s format', (format, vector) => {
    const result = decodeAdvert({ address: vector.address, rssi: -50, serviceData: [{ uuid: '181a', data: hex(vector.hex) }] });
    expect(result.ok && result.value.format).toBe(format);
    expect(valueOf(result, 'temperature')).toBe(vector.temperature);
    expect(valueOf(result, 'humidity')).toBe(vector.humidity);
    expect(valueOf(result, 'battery')).toBe(vector.battery);
    expect(valueOf(result, 'voltage.battery')).toBe(vector.batteryV);
    expect(result.ok && result.value.sequence).toBe(vector.counter);
  });

  it("refuses data that names another device's MAC", () => {
    const result = decodeAdvert({ address: '11:22:33:44:55:66', rssi: -50, serviceData: [{ uuid: '181a', data: hex(XIAOMI_CUSTOM.pvvx.hex) }] });
    expect(!result.ok && result.error.code).toBe('BLE_MALFORMED');
  });
});

describe(`Govee H5075 (${GOVEE_H5075.source})`, () => {
  it('decodes the packed temperature and humidity', () => {
    const result = decodeAdvert({ address: 'a4:c1:38:61:bb:aa', rssi: -86, serviceData: [], manufacturerData: hex(GOVEE_H5075.hex) });
    expect(valueOf(result, 'temperature')).toBe(GOVEE_H5075.temperature);
    expect(valueOf(result, 'humidity')).toBe(GOVEE_H5075.humidity);
    expect(valueOf(result, 'battery')).toBe(GOVEE_H5075.battery);
  });
});

describe('garbage on air', () => {
  it('never throws, whatever the bytes: every advert gets a result or a typed error', () => {
    let seed = 42;
    const next = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff;
    const bytes = (n: number) => Buffer.from(Array.from({ length: n }, next));
    const key = hex(BTHOME_ENCRYPTION.key);
    for (let i = 0; i < 5000; i += 1) {
      const length = next() % 40;
      const kinds: Advert[] = [
        { address: 'aa:bb:cc:dd:ee:ff', rssi: -1, serviceData: [{ uuid: 'fcd2', data: Buffer.concat([Buffer.from([0x40 | (i & 1)]), bytes(length)]) }] },
        { address: 'aa:bb:cc:dd:ee:ff', rssi: -1, serviceData: [{ uuid: '181a', data: bytes(length) }] },
        { address: 'aa:bb:cc:dd:ee:ff', rssi: -1, serviceData: [], manufacturerData: Buffer.concat([hex(i & 1 ? '9904' : '88ec'), bytes(length)]) },
      ];
      for (const advert of kinds) {
        const result = decodeAdvert(advert, key);
        expect(typeof result.ok).toBe('boolean');
        if (!result.ok) expect(result.error.code).toMatch(/^BLE_/);
      }
    }
    const oversized = decodeAdvert({ address: 'aa:bb:cc:dd:ee:ff', rssi: -1, serviceData: [{ uuid: 'fcd2', data: Buffer.alloc(300, 0x40) }] });
    expect(!oversized.ok && oversized.error.code).toBe('BLE_OVERSIZED');
  });
});
