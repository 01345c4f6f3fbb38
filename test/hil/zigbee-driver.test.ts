import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeFrame, MtSubsystem, MtType } from '../../drivers/zigbee/znp-frame.js';
import { smartPlug, temperatureHumiditySensor } from '../../drivers/zigbee/emulator/device-catalog.js';
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
  const logged: string[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void logged.push(line) });
  const sensor = temperatureHumiditySensor('0x00124b00aabbccdd');
  const id = 'zigbee:0x00124b00aabbccdd';

  beforeAll(async () => {
    await emulator.start();
    driver = new ZigbeeDriver({ port: emulator.path, dataDir, log, backoff: { initialMs: 100, maxMs: 1000 } });
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

  it('logs and drops a frame with a bad FCS or an unknown command from the coordinator, and goes on', async () => {
    const report = encodeFrame({ type: MtType.AREQ, subsystem: MtSubsystem.SYS, command: 0x80, data: Buffer.from([0, 2, 2, 2, 7, 1]) });
    report.writeUInt8((report.at(-1) ?? 0) ^ 0x55, report.length - 1);
    emulator.injectRaw(report);
    emulator.injectRaw(encodeFrame({ type: MtType.AREQ, subsystem: MtSubsystem.AF, command: 0x7e, data: Buffer.from([1, 2, 3]) }));
    await until('both faults logged', () => logged.some((l) => l.includes('ZIGBEE_FRAME_DROPPED') && /checksum/i.test(l)) && logged.some((l) => /not found/.test(l)));
    emulator.coordinator.network.deliver(sensor, [sensor.set(1, TEMPERATURE, 0, 2100)]);
    await until('reading after the bad frames', () => sink.received.find((r) => r.device === id && r.value === 21));
    expect(driver.health().state).toBe('ok');
  });

  it('closes pairing when its time is up, whatever the host does', async () => {
    await driver.permitJoin(1);
    expect(emulator.coordinator.joinPermitted()).toBe(true);
    await until('permit join closed', () => !emulator.coordinator.joinPermitted(), 3000);
    expect(emulator.coordinator.network.join(temperatureHumiditySensor('0x00124b00feedface'))).toBe(false);
    await until('herdsman sees it closed', () => (driver.permitJoinEnd() ?? 0) <= Date.now(), 3000);
  });

  it('goes offline when the coordinator drops, reconnects by itself, and the paired sensor reports again', async () => {
    emulator.dropConnection();
    await until('driver offline', () => driver.health().state === 'offline');
    expect(driver.health().reason).toMatch(/coordinator/);
    // The appliance raises an alert for an offline device and clears it when the device is ok again.
    expect(sink.changes.filter((d) => d.id === id).at(-1)?.health.state).toBe('offline');
    // The sensor keeps reporting on its own schedule; once the driver has reconnected, its reports get through.
    const reporting = setInterval(() => emulator.coordinator.network.deliver(sensor, [sensor.set(1, TEMPERATURE, 0, 1999)]), 200);
    await until('reading after reconnect', () => sink.received.find((r) => r.device === id && r.value === 19.99), 20_000).finally(() => clearInterval(reporting));
    expect(driver.health().state).toBe('ok');
    expect(driver.devices().map((d) => d.id)).toContain(id);
    expect(sink.changes.filter((d) => d.id === id).at(-1)?.health.state).toBe('ok');
  }, 30_000);
});

describe('zigbee driver with a smart plug', () => {
  const emulator = new ZnpEmulator();
  const dataDir = mkdtempSync(join(tmpdir(), 'outpost-zb-plug-'));
  const sink = new RecordingSink();
  const plug = smartPlug('0x00124b00cafe0001', { on: false, watts: 0, volts: 231, milliamps: 0, centiKwh: 1234 });
  const id = 'zigbee:0x00124b00cafe0001';
  let driver: ZigbeeDriver;

  beforeAll(async () => {
    await emulator.start();
    driver = new ZigbeeDriver({ port: emulator.path, dataDir, log: pino({ level: 'silent' }) });
    await driver.start(sink, new AbortController().signal);
    await driver.permitJoin(30);
    emulator.coordinator.network.join(plug);
    await until('plug paired', () => driver.devices().find((d) => d.id === id));
    // The converter's configure stores the plug's fixed divisors, then sets up reporting cluster by cluster.
    await until('metering reporting configured', () => plug.reporting.has('1/1794/0'));
  });

  afterAll(async () => {
    await driver.stop();
    await emulator.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('pairs as a plug with a state output', () => {
    expect(driver.devices().find((d) => d.id === id)).toMatchObject({ model: 'SP 120', outputs: ['state'] });
  });

  it('switches the plug through the converters and reads its new state back', async () => {
    await driver.write({ device: id, output: 'state', value: true });
    expect(plug.attribute(1, 6, 0)?.value).toBe(1);
    await until('state reading on', () => sink.received.find((r) => r.device === id && r.metric === 'state' && r.value === 1));
    await driver.write({ device: id, output: 'state', value: false });
    expect(plug.attribute(1, 6, 0)?.value).toBe(0);
    await until('state reading off', () => sink.received.find((r) => r.device === id && r.metric === 'state' && r.value === 0));
  });

  it('reports metering as power in W, voltage in V, current in A and energy in kWh', async () => {
    emulator.coordinator.network.deliver(plug, [plug.set(1, 2820, 0x050b, 1500), plug.set(1, 2820, 0x0508, 6520), plug.set(1, 1794, 0, 1300)]);
    await until('power', () => sink.received.find((r) => r.device === id && r.metric === 'power' && r.value === 1500 && r.unit === 'W'));
    await until('current', () => sink.received.find((r) => r.device === id && r.metric === 'current' && Math.abs(r.value - 6.52) < 1e-9 && r.unit === 'A'));
    await until('energy', () => sink.received.find((r) => r.device === id && r.metric === 'energy' && r.value === 13 && r.unit === 'kWh'));
  });

  it('refuses an output the device does not have', async () => {
    await expect(driver.write({ device: id, output: 'brightness', value: 10 })).rejects.toMatchObject({ code: 'ZIGBEE_OUTPUT_UNKNOWN' });
  });
});
