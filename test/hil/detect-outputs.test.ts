import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../appliance/config/load.js';
import { silentLogger } from '../../appliance/log.js';
import { Appliance } from '../../appliance/main.js';
import { ModbusEmulator, type TcpGatewayEndpoint } from '../../drivers/modbus/emulator/modbus-emulator.js';
import { xyMd02 } from '../../drivers/modbus/profiles/xy-md02.js';
import type { RunningScenario } from '../../drivers/sim/start-emulators.js';
import { Cluster } from '../../drivers/zigbee/emulator/device-catalog.js';
import { scenarioZigbeeDevices } from '../../drivers/zigbee/emulator/scenario-devices.js';
import { until } from '../support/until.js';

/**
 * Rules driving the two output kinds Modbus does not cover, through the real drivers over the emulated
 * wire: an anomaly alert switches a GPIO line (onoff over the emulated chip) and a threshold alert with
 * a deadband switches a Zigbee plug (zigbee-herdsman over the emulated Z-Stack coordinator). The city
 * scenario brings the street-light line (GPIO 23, lit by default) and the park's street-light plug;
 * two emulated XY-MD02 sensors that the test moves raise the alerts.
 */
const FREEZER = 1;
const BOILER = 2;
const LIGHTS = 23;
/** Its address, for the rule; the device the coordinator serves is the running world's own copy. */
const plugAddress = scenarioZigbeeDevices('city').find((d) => d.name === 'street-light plug, park')?.device.ieeeAddress;
const emulator = new ModbusEmulator({ log: silentLogger() });
const dataDir = mkdtempSync(join(tmpdir(), 'outpost-detect-outputs-'));
let gateway: TcpGatewayEndpoint;
let appliance: Appliance;
let world: RunningScenario;
let db: Database.Database;
let freezer = (now: number) => -18 + 0.3 * Math.sin(now / 100);
let boiler = (_now: number) => 25;
const id = (unit: number) => `modbus:tcp/127.0.0.1:${gateway.port}/${unit}`;
const plugOn = () => world.zigbee.devices.find((d) => d.device.ieeeAddress === plugAddress)?.device.attribute(1, Cluster.ON_OFF, 0)?.value;
const thresholdAlerts = () => db.prepare(`SELECT state FROM alerts WHERE kind = 'threshold' ORDER BY id`).pluck().all() as string[];

beforeAll(async () => {
  if (!plugAddress) throw new Error('the city scenario has no street-light plug');
  await emulator.start();
  gateway = await emulator.addTcpGateway({
    devices: [FREEZER, BOILER].map((unitId) => ({ unitId, profile: xyMd02, read: (metric: string, now: number) => (metric !== 'temperature' ? 50 : unitId === FREEZER ? freezer(now) : boiler(now)) })),
  });
  const sensor = (unitId: number) => ({ name: `sensor ${unitId}`, transport: { type: 'tcp', host: '127.0.0.1', port: gateway.port }, unitId, profile: 'xy-md02', intervalMs: 50 });
  const config = parseConfig(
    {
      dataDir,
      http: { port: 0 },
      scenario: 'city',
      pipeline: { tickMs: 50, windowSeconds: 1 },
      modbus: { devices: [sensor(FREEZER), sensor(BOILER)] },
      detect: { learningReadings: 40, cooldownSeconds: 0 },
      rules: [
        { name: 'freezer-lights', device: id(FREEZER), metric: 'temperature', when: { kind: 'anomaly' }, then: { device: `gpio:${LIGHTS}`, output: 'state', value: 0 } },
        {
          name: 'boiler-plug',
          device: id(BOILER),
          metric: 'temperature',
          when: { kind: 'threshold', above: 30, deadband: 2 },
          then: { device: `zigbee:${plugAddress}`, output: 'state', value: false, clearValue: true },
        },
      ],
    },
    'test',
  );
  appliance = new Appliance({ config, log: silentLogger(), version: 'test' });
  await appliance.start();
  world = appliance.scenario!;
  db = new Database(join(dataDir, 'outpost.db'), { readonly: true });
}, 30_000);

afterAll(async () => {
  db?.close();
  await appliance?.stop();
  await emulator.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('rules drive GPIO and Zigbee outputs', () => {
  it('an anomaly alert switches a GPIO line through the GPIO driver', async () => {
    await until('the freezer stream learned (60 scored readings)', () => {
      const n = db.prepare(`SELECT count(*) FROM readings r JOIN streams s ON s.id = r.stream_id WHERE s.device = ? AND s.metric = 'temperature' AND r.score IS NOT NULL`).pluck().get(id(FREEZER)) as number;
      return n >= 60;
    }, 20_000);
    expect(world.gpio.chip.level(LIGHTS)).toBe(1);
    freezer = (now) => -4 + 0.3 * Math.sin(now / 100);
    await until('the GPIO line switched', () => world.gpio.chip.level(LIGHTS) === 0, 10_000);
    expect(db.prepare(`SELECT state FROM alerts WHERE kind = 'anomaly' AND device = ?`).pluck().get(id(FREEZER))).toBe('raised');
  });

  it('a threshold alert switches a Zigbee plug once while the value hovers at the limit, and back once it is clear of the deadband', async () => {
    await until('the plug paired and reporting', () => db.prepare(`SELECT 1 FROM streams WHERE device = ?`).get(`zigbee:${plugAddress}`), 20_000);
    expect(plugOn()).toBe(1);
    let t = 0;
    boiler = () => (t++ % 2 === 0 ? 30.4 : 29.6);
    await until('the plug switched off', () => plugOn() === 0, 10_000);
    const hoverStart = Date.now();
    // Keep hovering for a while: many readings either side of the limit, but inside the band.
    await until('a second of hovering', () => Date.now() - hoverStart > 1000 && thresholdAlerts().length > 0);
    expect(thresholdAlerts()).toEqual(['raised']);
    expect(plugOn()).toBe(0);
    // The boiler sat at 25 before: readings just under the limit are the hovering, stored while the alert held.
    const under = db.prepare(`SELECT count(*) FROM readings r JOIN streams s ON s.id = r.stream_id WHERE s.device = ? AND s.metric = 'temperature' AND r.value > 29 AND r.value < 30`).pluck().get(id(BOILER));
    expect(under).toBeGreaterThanOrEqual(5);
    boiler = () => 27;
    await until('the plug switched back on', () => plugOn() === 1, 10_000);
    expect(thresholdAlerts()).toEqual(['raised', 'cleared']);
  });
});
