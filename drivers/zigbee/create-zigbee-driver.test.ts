import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../appliance/config/load.js';
import { silentLogger } from '../../appliance/log.js';
import { createZigbeeDriver } from './create-zigbee-driver.js';
import { ZigbeeDriver } from './zigbee-driver.js';

describe('zigbee config', () => {
  it('is off for an existing config that never mentions it', () => {
    const config = parseConfig({ version: 1 }, 'test');
    expect(config.zigbee).toEqual({ enabled: false, port: '/dev/ttyUSB0', permitJoinOnStart: 0, names: {}, availability: { routerSeconds: 600, endDeviceSeconds: 90_000 } });
    expect(createZigbeeDriver(config.zigbee, '/tmp/outpost', silentLogger())).toBeUndefined();
  });

  it('creates the driver when enabled, with a channel for the first formation', () => {
    const config = parseConfig({ version: 1, zigbee: { enabled: true, port: 'tcp://127.0.0.1:6638', channel: 25 } }, 'test');
    expect(createZigbeeDriver(config.zigbee, '/tmp/outpost', silentLogger())).toBeInstanceOf(ZigbeeDriver);
  });

  it('rejects an availability limit below its floor with the field named', () => {
    expect(() => parseConfig({ version: 1, zigbee: { availability: { routerSeconds: 1 } } }, 'test')).toThrow(/zigbee\/availability\/routerSeconds/);
  });

  it('rejects a name under an address that is not a lowercase IEEE address, and an empty name, with the field named', () => {
    expect(() => parseConfig({ version: 1, zigbee: { names: { '0x00124B0000BB0002': 'Plug' } } }, 'test')).toThrow(/zigbee\/names\/0x00124B0000BB0002/);
    expect(() => parseConfig({ version: 1, zigbee: { names: { '0x00124b0000bb0002': '' } } }, 'test')).toThrow(/zigbee\/names\/0x00124b0000bb0002/);
  });

  it('rejects a channel outside 11–26 with the field named', () => {
    expect(() => parseConfig({ version: 1, zigbee: { enabled: true, channel: 27 } }, 'test')).toThrow(/zigbee\/channel/);
  });
});
