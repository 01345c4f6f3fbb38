import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../appliance/config/load.js';

describe('GPIO config validation', () => {
  it('leaves configs without GPIO or BLE valid, with empty sections', () => {
    const config = parseConfig({}, 'test');
    expect(config.gpio).toMatchObject({ inputs: [], counters: [], outputs: [] });
    expect(config.ble).toMatchObject({ adopted: [], offlineAfterSeconds: 300 });
  });

  it('refuses a pin that is not on the header, naming the field', () => {
    expect(() => parseConfig({ gpio: { inputs: [{ name: 'door', pin: 41 }] } }, 'outpost.json')).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('/gpio/inputs/0/pin: GPIO 41 ("door") does not exist on the header') }),
    );
  });

  it('refuses a pin claimed twice, naming the pin and both claimants', () => {
    const raw = { gpio: { counters: [{ name: 'meter', pin: 27 }], outputs: [{ name: 'pump', pin: 27 }] } };
    expect(() => parseConfig(raw, 'outpost.json')).toThrow(/\/gpio\/outputs\/0\/pin: GPIO 27 is claimed twice: by "meter" and by "pump"/);
  });

  it('fills defaults: debounce, counter edge, safe state', () => {
    const config = parseConfig({ gpio: { inputs: [{ name: 'door', pin: 17 }], counters: [{ name: 'm', pin: 5 }], outputs: [{ name: 'r', pin: 22 }] } }, 't');
    expect(config.gpio.inputs[0]).toMatchObject({ metric: 'contact', debounceMs: 50, activeLow: false });
    expect(config.gpio.counters[0]).toMatchObject({ edge: 'falling' });
    expect(config.gpio.outputs[0]).toMatchObject({ safeState: 0 });
  });
});
