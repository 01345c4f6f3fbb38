import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceInfo } from '../../drivers/types.js';
import { smartPlug, temperatureHumiditySensor } from '../../drivers/zigbee/emulator/device-catalog.js';
import { asClient, setUpAdmin, testWeb, type Client, type TestWeb } from '../../appliance/web/testing.js';
import { startZigbeeHarness, type ZigbeeHarness } from './zigbee-harness.js';

/** Renaming a paired Zigbee device from the setup page's API, with the real driver on the ZNP emulator. */
describe('web: renaming a Zigbee device', () => {
  const sensor = temperatureHumiditySensor('0x00124b0000bb0001');
  const plug = smartPlug('0x00124b0000bb0002');
  const PLUG_ID = `zigbee:${plug.ieeeAddress}`;
  let h: ZigbeeHarness;
  let w: TestWeb;
  let client: Client;
  const call = (method: 'GET' | 'POST', url: string, payload?: object) => w.app.inject({ method, url, headers: asClient(client), ...(payload ? { payload } : {}) });
  const listed = async () => (await call('GET', '/api/devices')).json<DeviceInfo[]>();
  const configText = () => readFileSync(join(w.dataDir, 'config.json'), 'utf8');

  beforeAll(async () => {
    // The sensor's name comes from the config at start, as `zigbee.names` gives it after a restart.
    h = await startZigbeeHarness({ names: { [sensor.ieeeAddress]: 'Cold room' } });
    await h.pair(sensor);
    await h.pair(plug);
    w = await testWeb({ drivers: () => [h.driver] });
    client = await setUpAdmin(w);
  }, 40_000);

  afterAll(async () => {
    await w?.close();
    await h?.stop();
  });

  it('shows a name from the config instead of the model name', async () => {
    const devices = await listed();
    expect(devices.find((d) => d.id === `zigbee:${sensor.ieeeAddress}`)?.name).toBe('Cold room');
    expect(devices.find((d) => d.id === PLUG_ID)?.name).toBe('Innr SP 120');
  });

  it('renames a paired device live, keeps its id (and so its history), and saves the name in the config', async () => {
    const r = await call('POST', '/api/devices/rename', { device: PLUG_ID, name: '  Kettle plug ' });
    expect([r.statusCode, r.json()]).toEqual([200, { device: PLUG_ID, applied: 'now', message: 'renamed to "Kettle plug"' }]);
    expect((await listed()).filter((d) => d.protocol === 'zigbee').map((d) => [d.id, d.name]).sort()).toEqual([
      [`zigbee:${sensor.ieeeAddress}`, 'Cold room'],
      [PLUG_ID, 'Kettle plug'],
    ]);
    expect((await call('GET', '/api/zigbee')).json().paired).toContainEqual(expect.objectContaining({ id: PLUG_ID, name: 'Kettle plug' }));
    expect(JSON.parse(configText()).zigbee.names).toEqual({ [plug.ieeeAddress]: 'Kettle plug' });
    expect((await call('GET', '/api/devices/pending')).json()).toEqual({});
  });

  it('refuses an empty name and an address that is not paired, naming the field, and leaves the config as it was', async () => {
    const before = configText();
    const cases: [object, number, string, string][] = [
      [{ device: PLUG_ID, name: '' }, 400, 'INVALID_INPUT', 'name'],
      [{ device: PLUG_ID, name: '   ' }, 400, 'INVALID_INPUT', 'name'],
      [{ device: 'zigbee:0x00124b00ffffffff', name: 'Ghost' }, 404, 'DEVICE_UNKNOWN', 'device'],
    ];
    for (const [payload, status, code, field] of cases) {
      const r = await call('POST', '/api/devices/rename', payload);
      expect([r.statusCode, r.json().error.code, r.json().error.field]).toEqual([status, code, field]);
    }
    expect(configText()).toBe(before);
    expect((await listed()).find((d) => d.id === PLUG_ID)?.name).toBe('Kettle plug');
  });
});
