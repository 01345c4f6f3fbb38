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
import { relayBoard } from '../support/modbus-test-devices.js';
import { until } from '../support/until.js';

const SENSOR = 1;
const BOARD = 3;
const emulator = new ModbusEmulator({ log: silentLogger() });
const dataDir = mkdtempSync(join(tmpdir(), 'outpost-detect-'));
let gateway: TcpGatewayEndpoint;
let appliance: Appliance;
let db: Database.Database;
/** A freezer holding −18 °C with a little wobble, until the test opens its door. */
let freezer = (now: number) => -18 + 0.3 * Math.sin(now / 100);
const id = (unit: number) => `modbus:tcp/127.0.0.1:${gateway.port}/${unit}`;

beforeAll(async () => {
  await emulator.start();
  gateway = await emulator.addTcpGateway({
    devices: [
      { unitId: SENSOR, profile: xyMd02, read: (metric, now) => (metric === 'temperature' ? freezer(now) : 60) },
      { unitId: BOARD, profile: { ...xyMd02, outputs: relayBoard.outputs }, read: () => 20 },
    ],
  });
  const device = (unitId: number, intervalMs: number, outputs: unknown[] = []) => ({
    name: `unit ${unitId}`,
    transport: { type: 'tcp', host: '127.0.0.1', port: gateway.port },
    unitId,
    profile: 'xy-md02',
    intervalMs,
    outputs,
  });
  const config = parseConfig(
    {
      dataDir,
      http: { port: 0 },
      pipeline: { tickMs: 50, windowSeconds: 1 },
      modbus: { devices: [device(SENSOR, 50), device(BOARD, 1000, [{ name: 'relay1', table: 'coil', address: 0, type: 'bool' }])] },
      detect: { learningReadings: 40, cooldownSeconds: 0 },
      rules: [{ name: 'freezer-door', device: id(SENSOR), metric: 'temperature', when: { kind: 'anomaly' }, then: { device: id(BOARD), output: 'relay1', value: true } }],
    },
    'test',
  );
  appliance = new Appliance({ config, log: silentLogger(), version: 'test' });
  await appliance.start();
  db = new Database(join(dataDir, 'outpost.db'), { readonly: true });
});

afterAll(async () => {
  db?.close();
  await appliance?.stop();
  await emulator.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('on-box detection in the running appliance', () => {
  it('stores a score with every reading once the stream is learned, and stays quiet on normal wobble', async () => {
    const scored = await until('60 scored temperature readings', () => {
      const rows = db.prepare(`SELECT r.score FROM readings r JOIN streams s ON s.id = r.stream_id WHERE s.metric = 'temperature' AND s.device = ? AND r.score IS NOT NULL`).pluck().all(id(SENSOR)) as number[];
      return rows.length >= 60 && rows;
    }, 20_000);
    for (const s of scored) expect(s >= 0 && s <= 1).toBe(true);
    expect(db.prepare(`SELECT count(*) FROM alerts WHERE kind = 'anomaly'`).pluck().get()).toBe(0);
    expect(emulator.outputs(BOARD)['relay1']).toBe(0);
  });

  it('an open freezer door raises one anomaly alert, switches the relay through the rule, and queues the alert upstream', async () => {
    freezer = (now) => -4 + 0.3 * Math.sin(now / 100);
    await until('the relay switched on', () => emulator.outputs(BOARD)['relay1'] === 1, 10_000);
    const alert = db.prepare(`SELECT device, metric, state, score FROM alerts WHERE kind = 'anomaly'`).get() as { device: string; state: string; score: number };
    expect(alert).toMatchObject({ device: id(SENSOR), metric: 'temperature', state: 'raised' });
    expect(alert.score).toBeGreaterThanOrEqual(0.4);
    const queued = db.prepare(`SELECT topic FROM outbox WHERE topic LIKE '%alert%'`).pluck().all();
    expect(queued.length).toBeGreaterThanOrEqual(1);
  });
});
