import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smartPlug, temperatureHumiditySensor } from '../../drivers/zigbee/emulator/device-catalog.js';
import { findZigbeeDriver } from '../../drivers/zigbee/zigbee-driver.js';
import { until } from '../support/until.js';
import { startZigbeeHarness, type ZigbeeHarness } from './zigbee-harness.js';

/** Listing and removing paired devices, as the setup page does it, against herdsman and the ZNP emulator. */
describe('zigbee paired devices and removal', () => {
  let h: ZigbeeHarness;
  const sensor = temperatureHumiditySensor('0x00124b0000aa0001');
  const plug = smartPlug('0x00124b0000aa0002');

  beforeAll(async () => {
    h = await startZigbeeHarness({ leaveTimeoutMs: 1500 });
    await h.pair(sensor);
    await h.pair(plug);
  }, 40_000);

  afterAll(async () => {
    await h.stop();
  });

  it('lists paired devices with their type and interview state, and is found among the drivers', () => {
    expect(findZigbeeDriver([h.driver])).toBe(h.driver);
    const paired = h.driver.pairedDevices().sort((a, b) => a.ieeeAddress.localeCompare(b.ieeeAddress));
    expect(paired).toMatchObject([
      { ieeeAddress: sensor.ieeeAddress, id: `zigbee:${sensor.ieeeAddress}`, type: 'end-device', interview: 'successful', model: 'SNZB-02' },
      { ieeeAddress: plug.ieeeAddress, type: 'router', interview: 'successful', model: 'SP 120' },
    ]);
  });

  it('asks a device to leave; it leaves the emulated network and the driver forgets it', async () => {
    await expect(h.driver.removeDevice(`zigbee:${sensor.ieeeAddress}`)).resolves.toEqual({ left: true });
    expect(h.emulator.coordinator.network.devices()).not.toContain(sensor);
    expect(h.driver.pairedDevices().map((d) => d.ieeeAddress)).toEqual([plug.ieeeAddress]);
    expect(h.driver.devices().map((d) => d.id)).toEqual([`zigbee:${plug.ieeeAddress}`]);
  });

  it('forgets a device that does not answer the leave request, after the leave timeout', async () => {
    plug.silent = true;
    await expect(h.driver.removeDevice(plug.ieeeAddress)).resolves.toEqual({ left: false });
    expect(h.driver.pairedDevices()).toEqual([]);
    expect(h.logged.some((l) => l.includes('did not confirm leaving'))).toBe(true);
  });

  it('refuses an address that is not paired, with a code', async () => {
    await expect(h.driver.removeDevice('0x00124b00ffffffff')).rejects.toMatchObject({ code: 'ZIGBEE_DEVICE_UNKNOWN' });
  });

  it('a device that left can pair again, and is configured afresh', async () => {
    await h.pair(sensor);
    expect(h.driver.pairedDevices().map((d) => d.ieeeAddress)).toEqual([sensor.ieeeAddress]);
    await until('sensor reporting configured again', () => sensor.reporting.has('1/1026/0'));
  }, 20_000);
});
