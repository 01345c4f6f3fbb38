import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../appliance/config/load.js';
import { Intake } from '../../appliance/ingest/intake.js';
import { TickLoop } from '../../appliance/ingest/tick-loop.js';
import { silentLogger } from '../../appliance/log.js';
import { Pipeline } from '../../appliance/pipeline/pipeline.js';
import { Store } from '../../appliance/store/store.js';
import type { BleDriver } from '../../drivers/ble/ble-driver.js';
import { createBleDriver } from '../../drivers/ble/create-ble-driver.js';
import { startBleScenario, type RunningBle } from '../../drivers/ble/emulator/start-ble.js';
import { startGpioScenario, type RunningGpio } from '../../drivers/gpio/emulator/start-gpio.js';
import { createGpioDriver } from '../../drivers/gpio/create-gpio-driver.js';
import type { Driver } from '../../drivers/types.js';
import { until } from '../support/until.js';

/**
 * The factory scenario's BLE tags and header lines, built by the same factories the appliance uses,
 * through intake, pipeline and tick loop into a real SQLite store. One user-adopted tag carries a wrong key.
 */
const dir = mkdtempSync(join(tmpdir(), 'outpost-ble-gpio-'));
const log = silentLogger();
const controller = new AbortController();
let store: Store;
let tickLoop: TickLoop;
let ble: RunningBle;
let gpio: RunningGpio;
let drivers: Driver[];
const WRONG_KEY_TAG = 'a4:c1:38:00:00:01';

beforeAll(async () => {
  store = new Store({ path: join(dir, 'outpost.db'), log });
  await store.start();
  const intake = new Intake(10_000);
  tickLoop = new TickLoop({
    intake,
    pipeline: new Pipeline({ windowMs: 1000, graceMs: 100 }),
    store,
    outbox: () => [],
    uplink: { notify: () => undefined },
    log,
    tickMs: 100,
    retryCapacity: 10_000,
  });
  await tickLoop.start();
  ble = startBleScenario('factory', () => Date.now());
  gpio = startGpioScenario('factory');
  // The user typed the cold store tag's key wrong: the scenario's adoption (right key) is replaced by theirs.
  const config = parseConfig({ dataDir: dir, ble: { adopted: [{ address: WRONG_KEY_TAG, name: 'typo', key: 'ff'.repeat(16) }] } }, 'test');
  ble.adopted = ble.adopted.filter((a) => a.address !== WRONG_KEY_TAG);
  drivers = [createBleDriver(config.ble, ble, log), createGpioDriver(config.gpio, dir, gpio, log)].filter((d): d is NonNullable<typeof d> => !!d);
  for (const driver of drivers) await driver.start(intake, controller.signal);
});

afterAll(async () => {
  controller.abort();
  for (const driver of drivers) await driver.stop();
  ble.stop();
  gpio.stop();
  await tickLoop.stop();
  await store.stop();
  rmSync(dir, { recursive: true, force: true });
});

const stored = (device: string) => store.latestReadings(device);

describe('BLE and GPIO readings through the pipeline into the store', () => {
  it('stores the readings of every BLE format, rssi included', async () => {
    for (const address of ['cb:b8:33:00:00:02', 'a4:c1:38:00:00:03', 'a4:c1:38:00:00:04', 'a4:c1:38:00:00:05']) {
      const rows = await until(`stored readings of ${address}`, () => {
        const r = stored(`ble:${address}`);
        return r.some((x) => x.metric === 'temperature') && r.some((x) => x.metric === 'rssi') && r;
      });
      expect(rows.find((r) => r.metric === 'humidity')?.unit).toBe('%');
    }
  });

  it('keeps the wrong-key tag out of the store, with the reason on the device, and loses nothing else', async () => {
    const driver = drivers.find((d) => d.protocol === 'ble') as BleDriver;
    const tag = await until('the wrong key noticed', () => driver.devices().find((d) => d.id === `ble:${WRONG_KEY_TAG}` && d.health.state === 'degraded'));
    expect(tag.health.reason).toMatch(/^BLE_DECRYPT_FAILED/);
    expect(stored(`ble:${WRONG_KEY_TAG}`)).toEqual([]);
  });

  it('stores door contacts, the pulse count and the relay state', async () => {
    await until('door contact stored', () => stored('gpio:17').some((r) => r.metric === 'contact'));
    await until('relay state stored', () => stored('gpio:22').some((r) => r.metric === 'state' && r.value === 0));
    await until('pulse count stored', () => stored('gpio:5').some((r) => r.metric === 'count'));
  });
});
