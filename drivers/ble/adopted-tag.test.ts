import { describe, expect, it } from 'vitest';
import { AdoptedTag } from './adopted-tag.js';
import type { Advert } from './decoders/types.js';

const address = 'aa:bb:cc:dd:ee:ff';
/** Unencrypted BTHome: packet id, then 25.06 °C. */
const advert = (packetId: number): Advert => ({
  address,
  rssi: -55,
  serviceData: [{ uuid: 'fcd2', data: Buffer.from([0x40, 0x00, packetId, 0x02, 0xca, 0x09]) }],
});

describe('an adopted tag', () => {
  it('drops an advert whose BTHome packet id equals the last one, and accepts the id wrapping to 0', () => {
    const tag = new AdoptedTag({ address });
    const kinds = [255, 255, 0, 0, 1].map((id) => tag.receive(advert(id), 1000).outcome.kind);
    expect(kinds).toEqual(['readings', 'duplicate', 'readings', 'duplicate', 'readings']);
    expect(tag.duplicates).toBe(2);
  });

  it('turns one advert into readings of its metrics plus rssi, stamped with the arrival time', () => {
    const { outcome } = new AdoptedTag({ address }).receive(advert(1), 1234);
    expect(outcome).toEqual({
      kind: 'readings',
      readings: [
        { device: `ble:${address}`, metric: 'temperature', value: 25.06, unit: '°C', ts: 1234, quality: 'good' },
        { device: `ble:${address}`, metric: 'rssi', value: -55, unit: 'dBm', ts: 1234, quality: 'good' },
      ],
    });
  });

  it('goes degraded with the error on a bad advert, ok again on a good one, offline after silence', () => {
    const tag = new AdoptedTag({ address });
    const bad = tag.receive({ ...advert(1), serviceData: [{ uuid: 'fcd2', data: Buffer.from([0x40, 0x02, 0xca]) }] }, 1000);
    expect(bad.healthChanged).toBe(true);
    expect(tag.info().health).toMatchObject({ state: 'degraded', reason: expect.stringMatching(/^BLE_TRUNCATED/) });
    expect(tag.receive(advert(2), 2000).healthChanged).toBe(true);
    expect(tag.info().health.state).toBe('ok');
    expect(tag.checkSilence(2000 + 59_000, 60_000)).toBe(false);
    expect(tag.checkSilence(2000 + 60_000, 60_000)).toBe(true);
    expect(tag.info().health).toMatchObject({ state: 'offline', lastSeen: 2000 });
  });
});
