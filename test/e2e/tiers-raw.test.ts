import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../appliance/config/load.js';
import { silentLogger } from '../../appliance/log.js';
import { Appliance } from '../../appliance/main.js';
import type { RawPayload } from '../../appliance/uplink/raw-message.js';
import { startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { recordTopic, type RecordingSubscriber } from '../support/mosquitto-subscriber.js';
import { postTemperatureEvery } from '../support/http-device.js';
import { until } from '../support/until.js';

/**
 * Raw forwarding up a tier: the gateway's windows are a minute long, so nothing but its raw readings can
 * reach the edge server within the test; the edge runs its rules on them and alerts in real time. After a
 * LAN broker outage the gateway's outbox replays the raw rows and the edge takes each reading once.
 */
const BOILER = { name: 'boiler', token: 'boiler-token-0123456789' };
const GATEWAY_DEVICE = 'mqtt:gw1/http:boiler';

let lan: Mosquitto;
let cloud: Mosquitto;
let gateway: Appliance;
let edge: Appliance;
let cloudAlerts: RecordingSubscriber;
let rawWitness: RecordingSubscriber;
let posting: NodeJS.Timeout | undefined;

function appliance(raw: Record<string, unknown>, windowSeconds: number): Appliance {
  const dataDir = mkdtempSync(join(tmpdir(), 'outpost-tier-raw-'));
  const config = parseConfig({ dataDir, http: { port: 0 }, pipeline: { tickMs: 100, windowSeconds, graceSeconds: 0.5 }, ...raw }, 'tier raw test');
  return new Appliance({ config, log: silentLogger(), version: 'test' });
}

/** Readings an ingest driver of `app` accepted from `device`, from its health counters. */
async function accepted(app: Appliance, driver: 'mqtt' | 'http', device: string): Promise<number> {
  const health = (await (await fetch(`http://127.0.0.1:${app.httpAddress?.port}/api/health`)).json()) as { services?: Record<string, unknown> } & Record<string, unknown>;
  const ingest = (health.services ?? health)[driver] as { counters?: { devices: Record<string, { accepted: number }> } } | undefined;
  return ingest?.counters?.devices[device]?.accepted ?? 0;
}
const edgeAccepted = () => accepted(edge, 'mqtt', 'gw1');

/** Readings in the raw rows the LAN witness saw, each seq once. */
function distinctRawReadings(): number {
  const bySeq = new Map<number, number>();
  for (const m of rawWitness.messages) {
    const body = JSON.parse(m.payload.toString()) as RawPayload;
    bySeq.set(body.seq, body.readings.length);
  }
  return [...bySeq.values()].reduce((a, b) => a + b, 0);
}

beforeAll(async () => {
  lan = await startMosquitto({ persistenceDir: mkdtempSync(join(tmpdir(), 'outpost-lan-')) });
  cloud = await startMosquitto();
  cloudAlerts = await recordTopic(cloud.url, 'outpost/edge/alert/#');
  rawWitness = await recordTopic(lan.url, 'outpost/gw1/raw/#', { clientId: 'raw-witness', clean: false });
  edge = appliance(
    {
      nodeId: 'edge',
      mqtt: { url: cloud.url },
      ipIngest: { mqtt: { url: lan.url, clientId: 'edge-ingest', rateLimit: { readingsPerSecond: 10_000, burst: 10_000 }, devices: [{ name: 'gw1', topic: 'outpost/gw1/#', format: 'outpost-summary' }] } },
      rules: [{ name: 'boiler-hot', device: GATEWAY_DEVICE, metric: 'temperature', when: { kind: 'threshold', above: 63.5 } }],
    },
    1,
  );
  await edge.start();
  gateway = appliance({ nodeId: 'gw1', mqtt: { url: lan.url }, ipIngest: { http: { devices: [BOILER] } }, rawForward: { devices: ['http:*'], everyMs: 0 } }, 60);
  await gateway.start();
  posting = postTemperatureEvery(`http://127.0.0.1:${gateway.httpAddress?.port}/ingest/boiler`, BOILER.token, 50);
}, 30_000);

afterAll(async () => {
  clearInterval(posting);
  await gateway?.stop();
  await edge?.stop();
  await cloudAlerts?.close();
  await rawWitness?.close();
  await lan?.stop();
  await cloud?.stop();
});

describe('raw readings up a tier', () => {
  it('the edge server alerts on a gateway device from its raw readings, long before the gateway closes a window', async () => {
    const started = Date.now();
    const alert = await until('the edge alert in the cloud', () => cloudAlerts.json().find((a) => (a as { device: string }).device === GATEWAY_DEVICE), 15_000);
    expect(alert).toMatchObject({ kind: 'threshold', state: 'raised', metric: 'temperature' });
    expect(Date.now() - started, 'well inside the gateway\'s 60 s window').toBeLessThan(30_000);
  });

  it('after a LAN broker outage the gateway replays its raw rows and the edge takes each reading once', async () => {
    await until('raw readings flowing', () => distinctRawReadings() > 20);
    await lan.stop();
    const before = await accepted(gateway, 'http', 'boiler');
    await until('readings taken by the gateway during the outage', async () => (await accepted(gateway, 'http', 'boiler')) >= before + 20, 10_000);
    await lan.restart();
    clearInterval(posting);
    posting = undefined;
    await until('the edge to have taken every raw reading once', async () => (await edgeAccepted()) === distinctRawReadings() && distinctRawReadings() > 40, 20_000);
    const seqs = [...new Set(rawWitness.messages.map((m) => (JSON.parse(m.payload.toString()) as RawPayload).seq))].sort((a, b) => a - b);
    expect(seqs.length).toBeGreaterThan(10);
  });
});
