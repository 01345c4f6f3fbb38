import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../appliance/config/load.js';

describe('BLE config validation', () => {
  it('accepts an adopted tag with a BTHome key and fills the timings', () => {
    const config = parseConfig({ ble: { adopted: [{ address: 'A4:C1:38:02:83:F4', key: '231d39c1d7cc1ab1aee224cd096db932' }] } }, 't');
    expect(config.ble).toMatchObject({ scan: false, offlineAfterSeconds: 300, watchdogSeconds: 60 });
  });

  it.each([
    [{ address: 'a4:c1:38:02:83' }, '/ble/adopted/0/address'],
    [{ address: 'a4:c1:38:02:83:f4', key: '231d39c1' }, '/ble/adopted/0/key'],
  ])('refuses %j naming the field', (tag, path) => {
    expect(() => parseConfig({ ble: { adopted: [tag] } }, 'outpost.json')).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining(path) }));
  });
});
