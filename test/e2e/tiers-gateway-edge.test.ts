import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../appliance/config/load.js';
import { silentLogger } from '../../appliance/log.js';
import { Appliance } from '../../appliance/main.js';
import { startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { recordTopic, type RecordingSubscriber } from '../support/mosquitto-subscriber.js';
import { until } from '../support/until.js';
import { postTemperatureEvery } from '../support/http-device.js';
import { summariesReceived } from './summaries-received.js';

/**
 * A gateway Outpost forwarding its summaries over MQTT to an edge-server Outpost, which ingests them as
 * devices of that gateway and forwards its own summaries to the cloud broker. Both run in this process on
 * loopback; the network-namespace version of this test (one namespace per tier) is not built.
 */
const BOILER = { name: 'boiler', token: 'boiler-token-0123456789' };
const GATEWAY_DEVICE = 'mqtt:gw1/http:boiler';
const OUTAGE_MS = 5_000;

let lan: Mosquitto;
let cloud: Mosquitto;
let gateway: Appliance;
let edge: Appliance;
let cloudSummaries: RecordingSubscriber;
let gatewaySummaries: RecordingSubscriber;
let posting: NodeJS.Timeout | undefined;

function appliance(raw: Record<string, unknown>): Appliance {
  const dataDir = mkdtempSync(join(tmpdir(), 'outpost-tier-'));
  const config = parseConfig({ dataDir, http: { port: 0 }, pipeline: { tickMs: 100, windowSeconds: 1, graceSeconds: 0.5 }, ...raw }, 'tier test');
  return new Appliance({ config, log: silentLogger(), version: 'test' });
}

async function edgeAccepted(): Promise<number> {
  const address = edge.httpAddress;
  const health = (await (await fetch(`http://127.0.0.1:${address?.port}/api/health`)).json()) as { services?: Record<string, unknown> } & Record<string, unknown>;
  const mqtt = (health.services ?? health)['mqtt'] as { counters?: { devices: Record<string, { accepted: number }> } } | undefined;
  return mqtt?.counters?.devices.gw1?.accepted ?? 0;
}

beforeAll(async () => {
  lan = await startMosquitto({ persistenceDir: mkdtempSync(join(tmpdir(), 'outpost-lan-')) });
  cloud = await startMosquitto();
  cloudSummaries = await recordTopic(cloud.url, 'outpost/edge/summary/#');
  gatewaySummaries = await recordTopic(lan.url, 'outpost/gw1/summary/#', { clientId: 'test-lan-witness', clean: false });
  edge = appliance({
    nodeId: 'edge',
    mqtt: { url: cloud.url },
    ipIngest: { mqtt: { url: lan.url, clientId: 'edge-ingest', rateLimit: { readingsPerSecond: 10_000, burst: 10_000 }, devices: [{ name: 'gw1', topic: 'outpost/gw1/summary/#', format: 'outpost-summary' }] } },
  });
  await edge.start();
  gateway = appliance({ nodeId: 'gw1', mqtt: { url: lan.url }, ipIngest: { http: { devices: [BOILER] } } });
  await gateway.start();
  const url = `http://127.0.0.1:${gateway.httpAddress?.port}/ingest/boiler`;
  posting = postTemperatureEvery(url, BOILER.token, 50);
}, 30_000);

afterAll(async () => {
  clearInterval(posting);
  await gateway?.stop();
  await edge?.stop();
  await cloudSummaries?.close();
  await gatewaySummaries?.close();
  await lan?.stop();
  await cloud?.stop();
});

describe('gateway → edge server → cloud', () => {
  it('the edge server sees the gateway device as <gateway>/<device> and forwards its summaries to the cloud', async () => {
    const summary = await until('an edge summary of the gateway device in the cloud', () =>
      summariesReceived(cloudSummaries).find((s) => s.device === GATEWAY_DEVICE),
    15_000);
    expect(summary).toMatchObject({ metric: 'temperature', unit: '°C' });
  });

  it('after the edge tier is down, the gateway replays and every gateway summary is taken exactly once', async () => {
    await lan.stop();
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS)); // the outage itself is the thing under test
    const cloudBefore = cloudSummaries.messages.length;
    await lan.restart();
    // Wait until the edge has taken every summary the gateway published, as the LAN witness saw them.
    const distinct = () => new Set(summariesReceived(gatewaySummaries).map((s) => s.seq)).size;
    // Equal counts: nothing lost in the outage, and no redelivered summary (QoS 1 resend, replay) counted twice.
    await until('the edge to have taken each gateway summary once', async () => distinct() > 0 && (await edgeAccepted()) === distinct(), 20_000);
    const windows = summariesReceived(gatewaySummaries).map((s) => s.start).sort((a, b) => a - b);
    const gaps = windows.slice(1).filter((start, i) => start - (windows[i] ?? start) > 1_000);
    expect(gaps, 'a 1 s window missing from the gateway summaries').toEqual([]);
    await until('edge summaries in the cloud after the outage', () => cloudSummaries.messages.length > cloudBefore, 15_000);
  });
});
