import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../appliance/log.js';
import { temperatureHumiditySensor } from '../../drivers/zigbee/emulator/device-catalog.js';
import { ZnpEmulator } from '../../drivers/zigbee/emulator/znp-emulator.js';
import { ZigbeeDriver } from '../../drivers/zigbee/zigbee-driver.js';
import { RecordingSink } from '../support/recording-sink.js';
import { until } from '../support/until.js';

const TEMPERATURE = 1026;

/** The Zigbee driver (real zigbee-herdsman and converters) against the ZNP emulator: pairing, readings, coordinator loss. */
describe('zigbee driver', () => {
  const emulator = new ZnpEmulator();
  const dataDir = mkdtempSync(join(tmpdir(), 'outpost-zb-driver-'));
  const sink = new RecordingSink();
  const controller = new AbortController();
  let driver: ZigbeeDriver;
  const sensor = temperatureHumiditySensor('0x00124b00aabbccdd');
  const id = 'zigbee:0x00124b00aabbccdd';

  beforeAll(async () => {
    await emulator.start();
    driver = new ZigbeeDriver({ port: emulator.path, dataDir, log: silentLogger(), backoff: { initialMs: 100, maxMs: 1000 } });
    await driver.start(sink, controller.signal);
  });

  afterAll(async () => {
    await driver.stop();
    await emulator.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('admits no device while pairing is closed', () => {
    expect(driver.health().state).toBe('ok');
    expect(emulator.coordinator.network.join(temperatureHumiditySensor('0x00124b00deadbeef'))).toBe(false);
  });

  it('pairs a sensor while permit join is open: interview, converter match, reporting configured', async () => {
    await driver.permitJoin(30);
    expect(driver.permitJoinEnd()).toBeGreaterThan(Date.now());
    expect(emulator.coordinator.network.join(sensor)).toBe(true);
    await until('sensor listed', () => driver.devices().find((d) => d.id === id));
    expect(driver.devices().find((d) => d.id === id)).toMatchObject({ model: 'SNZB-02', protocol: 'zigbee' });
    await until('reporting configured', () => sensor.reporting.has(`1/${TEMPERATURE}/0`));
    await driver.permitJoin(0);
    expect(emulator.coordinator.joinPermitted()).toBe(false);
  });

  it('turns attribute reports into canonical readings with units', async () => {
    emulator.coordinator.network.deliver(sensor, [sensor.set(1, TEMPERATURE, 0, 2345)]);
    const reading = await until('temperature reading', () => sink.received.find((r) => r.device === id && r.metric === 'temperature' && r.value === 23.45));
    expect(reading.unit).toBe('°C');
    expect(driver.devices().find((d) => d.id === id)?.health.state).toBe('ok');
  });

  it('goes offline when the coordinator drops, reconnects by itself, and the paired sensor reports again', async () => {
    emulator.dropConnection();
    await until('driver offline', () => driver.health().state === 'offline');
    expect(driver.health().reason).toMatch(/coordinator/);
    await until('driver back', () => driver.health().state === 'ok', 20_000);
    expect(driver.devices().map((d) => d.id)).toContain(id);
    emulator.coordinator.network.deliver(sensor, [sensor.set(1, TEMPERATURE, 0, 1999)]);
    await until('reading after reconnect', () => sink.received.find((r) => r.device === id && r.value === 19.99));
  }, 30_000);
});
