import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../appliance/log.js';
import { SENML_MULTIPLE_DATAPOINTS, SHELLY_NOTIFY_SWITCH_METERING, TASMOTA_DHT22, TASMOTA_POW_ENERGY } from '../../drivers/ip-common/fixtures/documented-payloads.js';
import { MqttIngestDriver } from '../../drivers/mqtt/mqtt-ingest-driver.js';
import { driverContract } from '../support/driver-contract.js';
import { startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { RecordingSink } from '../support/recording-sink.js';
import { until } from '../support/until.js';

const run = promisify(execFile);
const RATE = { readingsPerSecond: 1000, burst: 1000 };
const DEVICES = [
  { name: 'th10', topic: 'tele/th10/SENSOR', format: 'tasmota' as const },
  { name: 'pow', topic: 'tele/pow/SENSOR', format: 'tasmota' as const },
  { name: 'plug', topic: 'shellyplus1pm-441793d69718/events/rpc', format: 'shelly' as const },
  { name: 'meter', topic: 'site/meter/senml', format: 'senml' as const },
  { name: 'tank', topic: 'site/tank', format: 'json' as const, mapping: { fields: [{ path: 'level.cm', metric: 'volume', unit: 'm³', scale: 0.01 }] } },
];

function mosquittoPub(broker: Mosquitto, topic: string, message: string): Promise<unknown> {
  return run('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(broker.port), '-q', '1', '-t', topic, '-m', message]);
}

driverContract('MQTT ingest (Tasmota and SenML devices publishing to Mosquitto)', async () => {
  const broker = await startMosquitto();
  const devices = [DEVICES[0], DEVICES[3]].filter((d) => d !== undefined);
  const driver = new MqttIngestDriver({ url: broker.url, clientId: 'outpost-ingest-contract', devices, rateLimit: RATE, log: silentLogger() });
  const publisher: MqttClient = await connectAsync(broker.url);
  const timer = setInterval(() => {
    publisher.publish('tele/th10/SENSOR', TASMOTA_DHT22);
    publisher.publish('site/meter/senml', SENML_MULTIPLE_DATAPOINTS);
  }, 100);
  return {
    driver,
    expectedDevices: ['mqtt:th10', 'mqtt:meter'],
    teardown: async () => {
      clearInterval(timer);
      await publisher.endAsync();
      await broker.stop();
    },
  };
});

describe('MQTT ingest with mosquitto_pub', () => {
  const sink = new RecordingSink();
  let broker: Mosquitto;
  let driver: MqttIngestDriver;

  beforeAll(async () => {
    broker = await startMosquitto();
    driver = new MqttIngestDriver({ url: broker.url, clientId: 'outpost-ingest-hil', devices: DEVICES, rateLimit: RATE, log: silentLogger() });
    await driver.start(sink, new AbortController().signal);
    await until('connected to the broker', () => driver.health().state !== 'offline');
  });

  afterAll(async () => {
    await driver.stop();
    await broker.stop();
  });

  it('reads Tasmota, Shelly Gen2, SenML and mapped JSON payloads as readings of each device', async () => {
    await mosquittoPub(broker, 'tele/th10/SENSOR', TASMOTA_DHT22);
    await mosquittoPub(broker, 'tele/pow/SENSOR', TASMOTA_POW_ENERGY);
    await mosquittoPub(broker, 'shellyplus1pm-441793d69718/events/rpc', SHELLY_NOTIFY_SWITCH_METERING);
    await mosquittoPub(broker, 'site/meter/senml', SENML_MULTIPLE_DATAPOINTS);
    await mosquittoPub(broker, 'site/tank', '{"level":{"cm":150}}');
    await until('readings from all five devices', () => DEVICES.every((d) => sink.countFrom(`mqtt:${d.name}`) > 0));
    const by = (device: string) => Object.fromEntries(sink.received.filter((r) => r.device === device).map((r) => [r.metric, r.value]));
    expect(by('mqtt:th10')).toEqual({ temperature: 23.9, humidity: 34.1 });
    expect(by('mqtt:pow')).toMatchObject({ power: 2629, voltage: 226, energy: 6.404 });
    expect(by('mqtt:plug')).toMatchObject({ 'power.switch0': 8.9, 'energy.switch0': 6.532 });
    expect(by('mqtt:meter')).toEqual({ voltage: 120.1, current: 1.2 });
    expect(by('mqtt:tank')).toEqual({ volume: 1.5 });
    expect(driver.devices().every((d) => d.health.state === 'ok')).toBe(true);
  });

  it('counts a garbage payload against its device, stores nothing from it, and keeps reading the others', async () => {
    const before = sink.countFrom('mqtt:th10');
    await mosquittoPub(broker, 'tele/th10/SENSOR', 'Online');
    await mosquittoPub(broker, 'tele/pow/SENSOR', TASMOTA_POW_ENERGY);
    await until('the next reading from the energy monitor', () => sink.countFrom('mqtt:pow') >= 14);
    expect(sink.countFrom('mqtt:th10')).toBe(before);
    expect(driver.devices().find((d) => d.id === 'mqtt:th10')?.health).toMatchObject({ state: 'degraded', reason: expect.stringMatching(/^PAYLOAD_NOT_JSON/) });
    expect(driver.health()).toMatchObject({ counters: { devices: { th10: { refused: { PAYLOAD_NOT_JSON: 1 } } } } });
  });

  it('reports the broker going away and reads again once it is back', async () => {
    await broker.stop();
    await until('driver offline', () => driver.health().state === 'offline');
    expect((driver.health() as { reason?: string }).reason).toMatch(/broker mqtt:\/\/127\.0\.0\.1/);
    await broker.restart();
    await until('driver reconnected', () => driver.health().state !== 'offline');
    const before = sink.countFrom('mqtt:meter');
    await mosquittoPub(broker, 'site/meter/senml', SENML_MULTIPLE_DATAPOINTS);
    await until('a reading after the broker restart', () => sink.countFrom('mqtt:meter') > before);
  });
});

describe('MQTT ingest of a gateway Outpost across an edge restart', () => {
  it('keeps the highest seq taken from each gateway, so a replay after the restart counts once', async () => {
    const broker = await startMosquitto();
    const dir = mkdtempSync(join(tmpdir(), 'outpost-ingest-seq-'));
    const publisher = await connectAsync(broker.url);
    const summary = (seq: number) => JSON.stringify({ v: 1, seq, device: 'http:boiler', metric: 'temperature', unit: '°C', start: seq * 1000, end: seq * 1000 + 1000, count: 1, min: 60, max: 60, mean: 60 + seq, last: 60, stddev: 0, maxScore: null });
    const edge = () => new MqttIngestDriver({ url: broker.url, clientId: 'edge-seq', devices: [{ name: 'gw1', topic: 'outpost/gw1/#', format: 'outpost-summary' }], rateLimit: RATE, log: silentLogger(), seqFile: join(dir, 'seqs.json') });
    try {
      const before = new RecordingSink();
      const first = edge();
      await first.start(before, new AbortController().signal);
      await until('connected', () => first.health().state !== 'offline');
      for (const seq of [1, 2]) await publisher.publishAsync('outpost/gw1/summary/http:boiler/temperature', summary(seq), { qos: 1 });
      await until('both summaries', () => before.countFrom('mqtt:gw1/http:boiler') === 2);
      await first.stop();

      const after = new RecordingSink();
      const second = edge();
      await second.start(after, new AbortController().signal);
      await until('connected again', () => second.health().state !== 'offline');
      // The gateway replays seq 2 (its PUBACK was lost in the restart), then sends seq 3.
      for (const seq of [2, 3]) await publisher.publishAsync('outpost/gw1/summary/http:boiler/temperature', summary(seq), { qos: 1 });
      await until('the new summary', () => after.countFrom('mqtt:gw1/http:boiler') >= 1);
      expect(after.received.map((r) => r.value)).toEqual([63]);
      await second.stop();
    } finally {
      await publisher.endAsync();
      await broker.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
