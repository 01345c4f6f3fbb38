import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeviceInfo, Driver, Protocol } from '../../drivers/types.js';
import { asClient, setUpAdmin, testWeb, type Client, type TestWeb } from './testing.js';

const METER = { name: 'Main feed', profile: 'sdm630', unitId: 1, transport: { type: 'tcp', host: '127.0.0.1', port: 5020 } };
const METER_ID = 'modbus:tcp/127.0.0.1:5020/1';
const PLUG = 'zigbee:0x00124b00aabbccdd';
const JOINING = { ieeeAddress: '0x00124b00deadbeef', id: 'zigbee:0x00124b00deadbeef', interview: 'in-progress', name: '0x00124b00deadbeef', model: 'unknown' };
const ENCRYPTED_TAG = 'a4:c1:38:00:00:01';

const info = (id: string, protocol: Protocol, name = id): DeviceInfo => ({ id, protocol, name, model: 'test', outputs: [], health: { state: 'ok' } });

/** A driver as the page sees it: its devices, plus whatever protocol-specific calls `extra` adds. */
function fakeDriver(protocol: Protocol, devices: DeviceInfo[], extra: object = {}): Driver {
  return {
    protocol,
    start: async () => {},
    stop: async () => {},
    devices: () => devices,
    health: () => ({ state: 'ok', devices: { ok: devices.length, degraded: 0, offline: 0 } }),
    ...extra,
  };
}

function fakeZigbee(removable = true) {
  const devices = [info(PLUG, 'zigbee', 'Innr SP 120')];
  let end: number | undefined;
  return fakeDriver('zigbee', devices, {
    permitJoin: async (seconds: number) => void (end = Date.now() + seconds * 1000),
    permitJoinEnd: () => end,
    pairedDevices: () => [...devices.map((d) => ({ ieeeAddress: d.id.slice(7), id: d.id, interview: 'successful', name: d.name, model: d.model })), JOINING],
    ...(removable ? { removeDevice: async (ieee: string) => ({ left: devices.splice(devices.findIndex((d) => d.id === `zigbee:${ieee}`), 1).length === 1 }) } : {}),
  });
}

const fakeBle = fakeDriver('ble', [], {
  discovered: () => [
    { address: ENCRYPTED_TAG, format: 'BLE_KEY_MISSING', rssi: -60, lastSeen: Date.now() },
    { address: 'a4:c1:38:00:00:02', format: 'bthome', rssi: -70, lastSeen: Date.now() },
  ],
});

const webs: TestWeb[] = [];
afterEach(async () => {
  for (const w of webs.splice(0)) await w.close();
});

/** An admin on a box whose config file has one meter, and whose drivers also run a scenario device. */
type Call = (method: string, url: string, payload?: unknown) => Promise<LightMyRequestResponse>;
async function box(drivers: Driver[] = []): Promise<[TestWeb, Client, Call]> {
  const all = [fakeDriver('modbus', [info(METER_ID, 'modbus', METER.name), info('modbus:tcp/127.0.0.1:5021/7', 'modbus')]), ...drivers];
  const w = await testWeb({ drivers: () => all });
  webs.push(w);
  const client = await setUpAdmin(w);
  const path = join(w.dataDir, 'config.json');
  writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync(path, 'utf8')), modbus: { devices: [METER] } }));
  const call: Call = (method, url, payload) => w.app.inject({ method: method as 'GET', url, headers: asClient(client), ...(payload === undefined ? {} : { payload: payload as object }) });
  return [w, client, call];
}

const configOf = (w: TestWeb) => JSON.parse(readFileSync(join(w.dataDir, 'config.json'), 'utf8'));

describe('rename and remove', () => {
  it('renames a configured device in the config file and lists it as applying after restart', async () => {
    const [w, , call] = await box();
    const r = await call('POST', '/api/devices/rename', { device: METER_ID, name: 'Hall feed' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ applied: 'after-restart', message: expect.stringContaining('applies after restart') });
    expect(configOf(w).modbus.devices[0].name).toBe('Hall feed');
    expect((await call('GET', '/api/devices/pending')).json()).toEqual({ [METER_ID]: 'renamed to "Hall feed"; applies after restart' });
  });

  it('refuses bad renames next to the field and leaves the config file as it was', async () => {
    const [w, client, call] = await box();
    const before = readFileSync(join(w.dataDir, 'config.json'), 'utf8');
    const cases: [unknown, number, string, string][] = [
      [{ device: METER_ID, name: '' }, 400, 'INVALID_INPUT', 'name'],
      [{ device: METER_ID, name: '   ' }, 400, 'INVALID_INPUT', 'name'],
      [{ device: 'modbus:tcp/10.0.0.9:502/3', name: 'X' }, 404, 'DEVICE_UNKNOWN', 'device'],
      [{ device: 'modbus:tcp/127.0.0.1:5021/7', name: 'X' }, 409, 'DEVICE_NOT_IN_CONFIG', 'device'],
    ];
    for (const [payload, status, code, field] of cases) {
      const r = await call('POST', '/api/devices/rename', payload);
      expect([r.statusCode, r.json().error.code, r.json().error.field]).toEqual([status, code, field]);
    }
    const noCsrf = await w.app.inject({ method: 'POST', url: '/api/devices/remove', headers: { cookie: client.cookie }, payload: { device: METER_ID } });
    expect(noCsrf.json().error.code).toBe('CSRF_MISSING');
    const noSession = await w.app.inject({ method: 'POST', url: '/api/devices/remove', payload: { device: METER_ID } });
    expect(noSession.json().error.code).toBe('AUTH_REQUIRED');
    expect(readFileSync(join(w.dataDir, 'config.json'), 'utf8')).toBe(before);
  });

  it('a config file broken by hand is refused with CONFIG_INVALID and kept as it was', async () => {
    const [w, , call] = await box();
    writeFileSync(join(w.dataDir, 'config.json'), '{"modbus": ');
    const r = await call('POST', '/api/devices/remove', { device: METER_ID });
    expect(r.json().error.code).toBe('CONFIG_INVALID');
    expect(r.body).not.toContain('    at ');
    expect(readFileSync(join(w.dataDir, 'config.json'), 'utf8')).toBe('{"modbus": ');
  });

  it('removes a configured device from the config file, to apply after restart', async () => {
    const [w, , call] = await box();
    const r = await call('POST', '/api/devices/remove', { device: METER_ID });
    expect(r.json()).toMatchObject({ device: METER_ID, applied: 'after-restart' });
    expect(configOf(w).modbus.devices).toEqual([]);
  });
});

describe('zigbee pairing and removal', () => {
  it('opens pairing with a countdown end, and removes a paired device live', async () => {
    const zigbee = fakeZigbee();
    const [, , call] = await box([zigbee]);
    const opened = await call('POST', '/api/zigbee/permit-join', { seconds: 60 });
    expect(opened.statusCode).toBe(200);
    expect(opened.json().permitJoinEnd).toBeGreaterThan(Date.now() + 55_000);
    expect((await call('GET', '/api/zigbee')).json()).toMatchObject({ available: true, canRemove: true, paired: [{ id: PLUG }, JOINING] });
    const removed = await call('POST', '/api/devices/remove', { device: PLUG });
    expect(removed.json()).toMatchObject({ applied: 'now', message: 'left the Zigbee network' });
    expect(zigbee.devices()).toEqual([]);
    expect((await call('POST', '/api/devices/remove', { device: PLUG })).json().error.code).toBe('DEVICE_UNKNOWN');
  });

  it('renames a Zigbee device into the config, after restart when the driver cannot take a name live', async () => {
    const [w, , call] = await box([fakeZigbee(false)]);
    const r = await call('POST', '/api/devices/rename', { device: PLUG, name: 'Kettle' });
    expect(r.json()).toEqual({ device: PLUG, applied: 'after-restart', message: 'renamed to "Kettle"; applies after restart' });
    expect(configOf(w).zigbee).toEqual({ names: { [PLUG.slice(7)]: 'Kettle' } });
    expect((await call('GET', '/api/devices/pending')).json()).toEqual({ [PLUG]: 'renamed to "Kettle"; applies after restart' });
  });

  it('forgets the name of a removed Zigbee device, so it pairs again under its model name', async () => {
    const [w, , call] = await box([fakeZigbee()]);
    await call('POST', '/api/devices/rename', { device: PLUG, name: 'Kettle' });
    await call('POST', '/api/devices/remove', { device: PLUG });
    expect(configOf(w).zigbee.names).toEqual({});
  });

  it('refuses a too long pairing, a box without Zigbee, an offline coordinator and a driver that cannot remove', async () => {
    const [, , call] = await box([fakeZigbee(false)]);
    const long = await call('POST', '/api/zigbee/permit-join', { seconds: 600 });
    expect([long.statusCode, long.json().error.field]).toEqual([400, 'seconds']);
    expect((await call('POST', '/api/devices/remove', { device: PLUG })).json().error).toMatchObject({ code: 'NOT_AVAILABLE' });

    const [, , none] = await box();
    expect((await none('GET', '/api/zigbee')).json()).toMatchObject({ available: false, reason: expect.stringContaining('Zigbee is off') });
    expect((await none('POST', '/api/zigbee/permit-join', { seconds: 60 })).statusCode).toBe(501);

    const { OutpostError } = await import('../../drivers/types.js');
    const offline = fakeDriver('zigbee', [], {
      permitJoin: async () => Promise.reject(new OutpostError('ZIGBEE_COORDINATOR_OFFLINE', 'the Zigbee coordinator is not connected')),
      permitJoinEnd: () => undefined,
      health: () => ({ state: 'offline', reason: 'coordinator disconnected', devices: { ok: 0, degraded: 0, offline: 0 } }),
    });
    const degraded = fakeDriver('zigbee', [], {
      permitJoin: async () => {},
      permitJoinEnd: () => undefined,
      health: () => ({ state: 'offline', devices: { ok: 0, degraded: 0, offline: 2 } }),
    });
    const [, , sensorsAway] = await box([degraded]);
    expect((await sensorsAway('GET', '/api/zigbee')).json()).toMatchObject({ available: true });
    const [, , down] = await box([offline]);
    expect((await down('GET', '/api/zigbee')).json().reason).toContain('coordinator disconnected');
    const r = await down('POST', '/api/zigbee/permit-join', { seconds: 60 });
    expect([r.statusCode, r.json().error.code]).toEqual([503, 'ZIGBEE_COORDINATOR_OFFLINE']);
  });
});

describe('BLE adoption', () => {
  it('lists tags in range and adopts one with its BTHome key into the config', async () => {
    const [w, , call] = await box([fakeBle]);
    expect((await call('GET', '/api/ble')).json().discovered).toHaveLength(2);
    const r = await call('POST', '/api/ble/adopt', { address: ENCRYPTED_TAG.toUpperCase(), name: 'Cold store', key: '231D39C1D7CC1AB1AEE224CD096DB932' });
    expect([r.statusCode, r.json().applied]).toEqual([201, 'after-restart']);
    expect(configOf(w).ble.adopted).toEqual([{ address: ENCRYPTED_TAG, name: 'Cold store', key: '231d39c1d7cc1ab1aee224cd096db932' }]);
    expect((await call('GET', '/api/ble')).json().discovered.map((t: { address: string }) => t.address)).toEqual(['a4:c1:38:00:00:02']);
  });

  it('refuses an encrypted tag without its key, a malformed key or address, and a second adoption', async () => {
    const [w, , call] = await box([fakeBle]);
    const adopt = async (payload: object) => (await call('POST', '/api/ble/adopt', { name: 'Tag', ...payload })).json().error;
    expect(await adopt({ address: ENCRYPTED_TAG })).toMatchObject({ code: 'BLE_KEY_REQUIRED', field: 'key' });
    expect(await adopt({ address: ENCRYPTED_TAG, key: 'abc' })).toMatchObject({ code: 'BLE_KEY_INVALID', field: 'key' });
    expect(await adopt({ address: 'a4-c1-38' })).toMatchObject({ code: 'INVALID_INPUT', field: 'address' });
    expect(configOf(w).ble).toBeUndefined();
    await call('POST', '/api/ble/adopt', { address: 'a4:c1:38:00:00:02', name: 'Tag' });
    expect(await adopt({ address: 'a4:c1:38:00:00:02' })).toMatchObject({ code: 'DEVICE_EXISTS', field: 'address' });
  });
});

describe('GPIO naming', () => {
  it('names a free pin, shows it on the header, and renames it', async () => {
    const [w, , call] = await box();
    const r = await call('POST', '/api/gpio/pins', { pin: 17, name: 'Door', kind: 'input', metric: 'contact' });
    expect(r.json()).toMatchObject({ device: 'gpio:17', applied: 'after-restart' });
    expect(configOf(w).gpio.inputs).toEqual([{ name: 'Door', pin: 17, metric: 'contact' }]);
    const pins = (await call('GET', '/api/gpio')).json().pins;
    expect(pins).toHaveLength(28);
    expect(pins[17]).toEqual({ pin: 17, name: 'Door', kind: 'input', source: 'config' });
    await call('POST', '/api/gpio/pins', { pin: 17, name: 'Back door', kind: 'input' });
    expect(configOf(w).gpio.inputs[0].name).toBe('Back door');
    expect((await call('GET', '/api/devices/pending')).json()['gpio:17']).toContain('renamed "Back door"');
  });

  it('refuses a pin off the header and a pin that already has another job', async () => {
    const [w, , call] = await box([fakeDriver('gpio', [info('gpio:22', 'gpio', 'Scenario relay')])]);
    expect((await call('POST', '/api/gpio/pins', { pin: 22, name: 'Mine', kind: 'output' })).json().error.message).toBe('GPIO 22 is used by the emulated scenario ("Scenario relay")');
    const off = await call('POST', '/api/gpio/pins', { pin: 40, name: 'X', kind: 'output' });
    expect([off.statusCode, off.json().error.field]).toEqual([400, 'pin']);
    await call('POST', '/api/gpio/pins', { pin: 5, name: 'Meter', kind: 'counter' });
    const taken = (await call('POST', '/api/gpio/pins', { pin: 5, name: 'Relay', kind: 'output' })).json().error;
    expect(taken).toMatchObject({ code: 'GPIO_PIN_TAKEN', field: 'pin', message: 'GPIO 5 is already a counter ("Meter"); remove it first' });
    expect(configOf(w).gpio).toEqual({ counters: [{ name: 'Meter', pin: 5 }] });
  });
});
