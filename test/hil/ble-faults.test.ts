import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../appliance/log.js';
import { BleDriver } from '../../drivers/ble/ble-driver.js';
import type { BleAdopted } from '../../drivers/ble/config-schema.js';
import { BleWorld, type EmulatedTag } from '../../drivers/ble/emulator/ble-world.js';
import { EmulatedBinding, type AdapterState } from '../../drivers/ble/emulator/emulated-binding.js';
import { createNoble } from '../../drivers/ble/noble-factory.js';
import { OutpostError } from '../../drivers/types.js';
import { until } from '../support/until.js';
import { RecordingSink } from '../support/recording-sink.js';

const KEY = '231d39c1d7cc1ab1aee224cd096db932';
const values = () => ({ temperature: 4.2, humidity: 81, battery: 90 });
const encrypted: EmulatedTag = { name: 'freezer', address: 'a4:c1:38:00:00:01', format: 'bthome', key: KEY, intervalMs: 60_000, repeats: 3, rssi: -64, values };
const ruuvi: EmulatedTag = { name: 'cold room', address: 'cb:b8:33:00:00:02', format: 'ruuvi-5', intervalMs: 60_000, repeats: 1, rssi: -71, values };

const running: { stop(): Promise<void> | void }[] = [];
afterEach(async () => {
  for (const r of running.splice(0).reverse()) await r.stop();
});

async function rig(adopted: BleAdopted[], options: { state?: AdapterState; offlineAfterSeconds?: number; watchdogSeconds?: number } = {}) {
  const binding = new EmulatedBinding(options.state ?? 'poweredOn');
  const world = new BleWorld({ binding, tags: [encrypted, ruuvi], worldNow: () => Date.now() });
  const driver = new BleDriver({
    config: { adopted, offlineAfterSeconds: options.offlineAfterSeconds ?? 30, watchdogSeconds: options.watchdogSeconds ?? 30 },
    noble: () => createNoble(binding),
    log: silentLogger(),
    checkEveryMs: 50,
  });
  const sink = new RecordingSink();
  await driver.start(sink, new AbortController().signal);
  running.push(driver);
  return { binding, world, driver, sink };
}

const device = (driver: BleDriver, address: string) => driver.devices().find((d) => d.id === `ble:${address}`);

describe('BLE faults with the real noble over the emulated binding', () => {
  it('a wrong key is a clear error on that tag only; the other tag keeps delivering', async () => {
    const { binding, world, driver, sink } = await rig([
      { address: encrypted.address, key: '00112233445566778899aabbccddeeff' },
      { address: ruuvi.address },
    ]);
    await until('scanning', () => binding.scanning);
    world.advertise(encrypted);
    world.advertise(ruuvi);
    await until('the ruuvi reading', () => sink.received.some((r) => r.device === `ble:${ruuvi.address}` && r.metric === 'temperature'));
    expect(device(driver, encrypted.address)?.health).toMatchObject({ state: 'degraded', reason: expect.stringMatching(/^BLE_DECRYPT_FAILED: .*wrong key/) });
    expect(sink.received.some((r) => r.device === `ble:${encrypted.address}`)).toBe(false);
    expect(driver.advertStats(`ble:${encrypted.address}`)?.errors).toEqual({ BLE_DECRYPT_FAILED: 3 });
    expect(driver.health()).toMatchObject({ state: 'degraded', devices: { ok: 1, degraded: 1 } });
  });

  it('drops the repeated copies of one measurement and reports rssi with each new one', async () => {
    const { binding, world, driver, sink } = await rig([{ address: encrypted.address, key: KEY }]);
    await until('scanning', () => binding.scanning);
    world.advertise(encrypted);
    world.advertise(encrypted);
    await until('two measurements', () => sink.received.filter((r) => r.metric === 'temperature').length === 2);
    expect(sink.received.filter((r) => r.metric === 'rssi').map((r) => r.value)).toEqual([-64, -64]);
    expect(driver.advertStats(`ble:${encrypted.address}`)?.duplicates).toBe(4);
    expect(device(driver, encrypted.address)?.model).toBe('bthome');
  });

  it('counts truncated and garbage adverts per tag and never lets them out of the decoder', async () => {
    const { binding, driver, sink } = await rig([{ address: ruuvi.address }]);
    await until('scanning', () => binding.scanning);
    binding.advertise({ address: ruuvi.address, rssi: -70, manufacturerData: Buffer.from('990405ff', 'hex') });
    binding.advertise({ address: ruuvi.address, rssi: -70, manufacturerData: Buffer.concat([Buffer.from('990405', 'hex'), Buffer.alloc(40, 0xee)]) });
    binding.advertise({ address: ruuvi.address, rssi: -70, manufacturerData: Buffer.from('9904ff00', 'hex') });
    await until('three errors counted', () => Object.values(driver.advertStats(`ble:${ruuvi.address}`)?.errors ?? {}).reduce((a, b) => a + b, 0) === 3);
    expect(driver.advertStats(`ble:${ruuvi.address}`)?.errors).toEqual({ BLE_TRUNCATED: 1, BLE_OVERSIZED: 1, BLE_UNSUPPORTED_VERSION: 1 });
    expect(sink.received).toEqual([]);
  });

  it('marks a silent tag offline', async () => {
    const { binding, world, driver, sink } = await rig([{ address: ruuvi.address }], { offlineAfterSeconds: 0.3 });
    await until('scanning', () => binding.scanning);
    world.advertise(ruuvi);
    await until('ok', () => device(driver, ruuvi.address)?.health.state === 'ok');
    await until('offline after silence', () => device(driver, ruuvi.address)?.health.state === 'offline', 3_000);
    expect(sink.changes.at(-1)?.health).toMatchObject({ state: 'offline', reason: expect.stringMatching(/no advert for/) });
  });

  it('restarts a scan that went silent (the watchdog), after which adverts flow again', async () => {
    const { binding, world, driver, sink } = await rig([{ address: ruuvi.address }], { watchdogSeconds: 0.2 });
    await until('scanning', () => binding.scanning);
    binding.stall();
    world.advertise(ruuvi);
    await until('a scan restart', () => driver.watchdogRestarts() > 0 && binding.scanStarts >= 2, 3_000);
    world.advertise(ruuvi);
    await until('readings again', () => sink.received.some((r) => r.metric === 'temperature'));
  });

  it('an adapter that is missing or powered off is driver health, not a crash; scanning resumes when it is back', async () => {
    const { binding, world, driver, sink } = await rig([{ address: ruuvi.address }], { state: 'unsupported' });
    await until('the adapter state known', () => driver.health().reason?.includes('unsupported'));
    expect(driver.health().state).toBe('offline');
    binding.setAdapterState('poweredOn');
    await until('scanning', () => binding.scanning);
    binding.setAdapterState('poweredOff');
    expect(driver.health()).toMatchObject({ state: 'offline', reason: 'Bluetooth adapter is poweredOff' });
    binding.setAdapterState('poweredOn');
    await until('scanning again', () => binding.scanning);
    world.advertise(ruuvi);
    await until('a reading', () => sink.received.length > 0);
  });

  it('lists tags in range that are not adopted, bounded, without noble keeping every address it heard', async () => {
    const binding = new EmulatedBinding();
    const noble = createNoble(binding);
    const driver = new BleDriver({
      config: { adopted: [{ address: ruuvi.address }], offlineAfterSeconds: 30, watchdogSeconds: 30 },
      noble: () => noble,
      log: silentLogger(),
    });
    await driver.start(new RecordingSink(), new AbortController().signal);
    running.push(driver);
    await until('scanning', () => binding.scanning);
    const world = new BleWorld({ binding, tags: [], worldNow: () => Date.now() });
    for (let i = 0; i < 2000; i += 1) {
      const address = `5a:00:00:00:${((i >> 8) & 0xff).toString(16).padStart(2, '0')}:${(i & 0xff).toString(16).padStart(2, '0')}`;
      world.advertise({ ...ruuvi, address, name: `passer-by ${i}` });
    }
    world.advertise(ruuvi);
    const listed = driver.discovered();
    expect(listed.length).toBe(500);
    expect(listed[0]).toMatchObject({ address: '5a:00:00:00:07:cf', format: 'ruuvi-5' });
    expect(Object.keys((noble as unknown as { _peripherals: object })._peripherals)).toEqual([ruuvi.address.replace(/:/g, '')]);
  });

  it('a Bluetooth stack that cannot load leaves the driver started, offline, with the reason', async () => {
    const driver = new BleDriver({
      config: { adopted: [{ address: ruuvi.address }], offlineAfterSeconds: 30, watchdogSeconds: 30 },
      noble: () => {
        throw new OutpostError('BLE_ADAPTER_UNAVAILABLE', 'the Bluetooth stack could not be loaded: no hci0');
      },
      log: silentLogger(),
    });
    await driver.start(new RecordingSink(), new AbortController().signal);
    running.push(driver);
    expect(driver.health()).toMatchObject({ state: 'offline', reason: expect.stringContaining('no hci0') });
  });
});
