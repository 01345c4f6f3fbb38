import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../appliance/log.js';
import type { ModbusDeviceConfig, ModbusTransport } from '../../drivers/modbus/config-schema.js';
import { ModbusEmulator, type ModbusEndpoint } from '../../drivers/modbus/emulator/modbus-emulator.js';
import { ModbusDriver, modbusDeviceId } from '../../drivers/modbus/modbus-driver.js';
import { sdm120 } from '../../drivers/modbus/profiles/eastron-sdm120.js';
import { xyMd02 } from '../../drivers/modbus/profiles/xy-md02.js';
import { RecordingSink } from '../support/recording-sink.js';
import { until } from '../support/until.js';

const world: Record<string, number> = { voltage: 231, current: 2, power: 400, temperature: 21.5, humidity: 40 };
const read = (metric: string) => world[metric] ?? 1;


const emulator = new ModbusEmulator({ log: silentLogger() });
const sink = new RecordingSink();
let driver: ModbusDriver;
let tcp: ModbusEndpoint;
let rtu: ModbusEndpoint;
const ids = { meter: '', hall: '', office: '', coldA: '', coldB: '' };
const idOf = (config: ModbusDeviceConfig | undefined) => (config ? modbusDeviceId(config) : '');

function device(name: string, transport: ModbusTransport, unitId: number, profile: string): ModbusDeviceConfig {
  return { name, transport, unitId, profile, intervalMs: 100, timeoutMs: 150, retries: 1, offlineAfter: 3 };
}

beforeAll(async () => {
  await emulator.start();
  const gateway = await emulator.addTcpGateway({
    devices: [
      { unitId: 1, profile: sdm120, read },
      { unitId: 2, profile: xyMd02, read },
      { unitId: 3, profile: xyMd02, read },
    ],
  });
  const bus = await emulator.addRtuBus({ devices: [1, 2].map((unitId) => ({ unitId, profile: xyMd02, read })), baudRate: 19200 });
  tcp = gateway;
  rtu = bus;
  const onTcp: ModbusTransport = { type: 'tcp', host: gateway.host, port: gateway.port };
  const onRtu: ModbusTransport = { type: 'rtu', path: bus.clientPath, baudRate: 19200, parity: 'none', dataBits: 8, stopBits: 1 };
  const configs = [
    device('meter', onTcp, 1, 'sdm120'),
    device('hall', onTcp, 2, 'xy-md02'),
    device('office', onTcp, 3, 'xy-md02'),
    device('cold A', onRtu, 1, 'xy-md02'),
    device('cold B', onRtu, 2, 'xy-md02'),
  ];
  Object.assign(ids, { meter: idOf(configs[0]), hall: idOf(configs[1]), office: idOf(configs[2]), coldA: idOf(configs[3]), coldB: idOf(configs[4]) });
  driver = new ModbusDriver({ devices: configs, log: silentLogger() });
  await driver.start(sink, new AbortController().signal);
  await until('every device ok', () => driver.devices().every((d) => d.health.state === 'ok'));
});

afterAll(async () => {
  await driver.stop();
  await emulator.stop();
});

describe('modbus faults, one device at a time', () => {
  it('a silent device goes degraded, then offline with its reason, while its neighbours keep flowing', async () => {
    sink.changes.length = 0;
    tcp.setFault(2, { kind: 'timeout' });
    const before = sink.countFrom(ids.office);
    await until('hall degraded', () => sink.reached(ids.hall, 'degraded'));
    const offline = await until('hall offline', () => sink.reached(ids.hall, 'offline'));
    expect(offline.health.reason).toMatch(/input 1\+2: no answer before the timeout/);
    expect(sink.countFrom(ids.office)).toBeGreaterThan(before);
    expect(driver.health()).toMatchObject({ state: 'degraded', devices: { offline: 1 } });

    tcp.setFault(2, null);
    await until('hall back', () => sink.reached(ids.hall, 'ok'), 15_000);
  });

  it('an exception reply is reported by name and not retried into a timeout', async () => {
    sink.changes.length = 0;
    tcp.setFault(1, { kind: 'exception', code: 4 });
    const degraded = await until('meter degraded', () => sink.reached(ids.meter, 'degraded'));
    expect(degraded.health.reason).toMatch(/exception 4 \(slave device failure\)/);
    tcp.setFault(1, null);
    await until('meter back', () => sink.reached(ids.meter, 'ok'), 15_000);
  });

  it('a reply with a corrupt CRC on the RTU bus is refused; the other unit on the bus is unaffected', async () => {
    sink.changes.length = 0;
    rtu.setFault(1, { kind: 'bad-crc' });
    const before = sink.countFrom(ids.coldB);
    const degraded = await until('cold A degraded', () => sink.reached(ids.coldA, 'degraded'));
    expect(degraded.health.reason).toMatch(/CRC/);
    await until('cold B still reading', () => sink.countFrom(ids.coldB) > before + 2);
    rtu.setFault(1, null);
    await until('cold A back', () => sink.reached(ids.coldA, 'ok'), 15_000);
  });

  it('decodes the values the device serves', () => {
    const latest = (device: string, metric: string) => sink.received.filter((r) => r.device === device && r.metric === metric).at(-1);
    expect(latest(ids.meter, 'voltage')).toMatchObject({ value: 231, unit: 'V' });
    expect(latest(ids.office, 'temperature')?.value).toBeCloseTo(21.5, 5);
    expect(latest(ids.coldB, 'humidity')?.value).toBeCloseTo(40, 5);
  });
});
