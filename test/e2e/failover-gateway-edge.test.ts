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
 * A gateway Outpost with two edge servers, each behind its own broker: `mqtt.url` is the first,
 * `mqtt.failoverUrls` the second. The first edge's broker stops: within 10 s the second edge server
 * takes the gateway's summaries; it comes back: the gateway returns to it. A witness on each broker
 * shows every outbox row reached one of them. All on loopback, in this process.
 */
const BOILER = { name: 'boiler', token: 'boiler-token-0123456789' };
const FAILOVER_LIMIT_MS = 10_000;

let brokerA: Mosquitto;
let brokerB: Mosquitto;
let edgeA: Appliance;
let edgeB: Appliance;
let gateway: Appliance;
let witnessA: RecordingSubscriber;
let witnessB: RecordingSubscriber;
let posting: NodeJS.Timeout | undefined;

function appliance(raw: Record<string, unknown>): Appliance {
  const dataDir = mkdtempSync(join(tmpdir(), 'outpost-failover-'));
  const config = parseConfig({ dataDir, http: { port: 0 }, pipeline: { tickMs: 100, windowSeconds: 1, graceSeconds: 0.5 }, ...raw }, 'failover test');
  return new Appliance({ config, log: silentLogger(), version: 'test' });
}

function edgeServer(nodeId: string, broker: Mosquitto): Appliance {
  return appliance({
    nodeId,
    ipIngest: {
      mqtt: { url: broker.url, clientId: `${nodeId}-ingest`, rateLimit: { readingsPerSecond: 10_000, burst: 10_000 }, devices: [{ name: 'gw1', topic: 'outpost/gw1/summary/#', format: 'outpost-summary' }] },
    },
  });
}

async function accepted(edge: Appliance): Promise<number> {
  const health = (await (await fetch(`http://127.0.0.1:${edge.httpAddress?.port}/api/health`)).json()) as { services?: Record<string, unknown> } & Record<string, unknown>;
  const mqtt = (health.services ?? health)['mqtt'] as { counters?: { devices: Record<string, { accepted: number }> } } | undefined;
  return mqtt?.counters?.devices.gw1?.accepted ?? 0;
}

/** The broker the gateway's uplink is on, from its health report. */
async function gatewayBroker(): Promise<string | undefined> {
  const health = (await (await fetch(`http://127.0.0.1:${gateway.httpAddress?.port}/api/health`)).json()) as { services?: Record<string, unknown> } & Record<string, unknown>;
  const uplink = (health.services ?? health)['uplink'] as { state?: string; broker?: string } | undefined;
  return uplink?.state === 'connected' ? uplink.broker : undefined;
}

/** Outbox seqs the gateway published: every summary entry and alert (status messages carry none). */
const seqs = (witness: RecordingSubscriber): number[] => [
  ...summariesReceived(witness).map((s) => s.seq),
  ...witness.messages.filter((m) => m.topic.split('/')[2] === 'alert').map((m) => (JSON.parse(m.payload.toString()) as { seq: number }).seq),
];

beforeAll(async () => {
  brokerA = await startMosquitto({ persistenceDir: mkdtempSync(join(tmpdir(), 'outpost-broker-a-')) });
  brokerB = await startMosquitto();
  witnessA = await recordTopic(brokerA.url, 'outpost/gw1/#', { clientId: 'witness-a', clean: false });
  witnessB = await recordTopic(brokerB.url, 'outpost/gw1/#', { clientId: 'witness-b', clean: false });
  edgeA = edgeServer('edge-a', brokerA);
  edgeB = edgeServer('edge-b', brokerB);
  await edgeA.start();
  await edgeB.start();
  gateway = appliance({ nodeId: 'gw1', mqtt: { url: brokerA.url, failoverUrls: [brokerB.url] }, ipIngest: { http: { devices: [BOILER] } } });
  await gateway.start();
  const url = `http://127.0.0.1:${gateway.httpAddress?.port}/ingest/boiler`;
  posting = postTemperatureEvery(url, BOILER.token, 50);
}, 30_000);

afterAll(async () => {
  clearInterval(posting);
  await gateway?.stop();
  await edgeA?.stop();
  await edgeB?.stop();
  await witnessA?.close();
  await witnessB?.close();
  await brokerA?.stop();
  await brokerB?.stop();
});

describe('a gateway with two edge servers', () => {
  it('fails over to the second within 10 s, returns to the first when it is back, and loses no row', async () => {
    await until('gateway summaries at the first edge server', async () => (await accepted(edgeA)) > 0, 15_000);
    expect(await accepted(edgeB)).toBe(0);

    await brokerA.stop();
    const stoppedAt = Date.now();
    await until('gateway summaries at the second edge server', async () => (await accepted(edgeB)) > 0, FAILOVER_LIMIT_MS + 5_000);
    const failoverMs = Date.now() - stoppedAt;
    expect(failoverMs).toBeLessThan(FAILOVER_LIMIT_MS);
    expect(await gatewayBroker()).toBe(brokerB.url);

    await brokerA.restart();
    await until('the gateway back on the first broker', async () => (await gatewayBroker()) === brokerA.url, 15_000);
    const bAtReturn = await accepted(edgeB);
    const aAtReturn = await accepted(edgeA);
    await until('new summaries at the first edge server', async () => (await accepted(edgeA)) > aAtReturn, 15_000);

    clearInterval(posting);
    // Every seq from 1 to the highest seen reached one broker or the other: nothing lost in either move.
    await until('every outbox row at one broker or the other', () => {
      const all = new Set([...seqs(witnessA), ...seqs(witnessB)]);
      return all.size > 0 && all.size === Math.max(...all);
    }, 15_000);
    expect(await accepted(edgeB)).toBeGreaterThanOrEqual(bAtReturn);
    console.info(`failover to the second edge server in ${failoverMs} ms`);
  }, 60_000);
});
