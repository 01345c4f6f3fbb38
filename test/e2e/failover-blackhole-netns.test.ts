import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordTopic, type RecordingSubscriber } from '../support/mosquitto-subscriber.js';
import { until } from '../support/until.js';
import { summariesReceived } from './summaries-received.js';
import { buildNetwork, curlSensor, health, ip, mosquitto, outpost, teardownNetwork, type Network } from './tiers-netns-kit.js';

/**
 * A silent broker: the far end of the gateway's link to its first edge broker goes down, so every packet
 * the gateway sends there is dropped (no RST, no FIN, as with a dead switch port or a hung host) and only
 * MQTT keepalive can tell. The gateway
 * must move to the second broker within 10 s, come back when the link heals, and lose no outbox row.
 * Gateway and both brokers each in a network namespace; needs root, skipped with the reason otherwise.
 */
const NS = { gw: 'op10b-gw', a: 'op10b-a', b: 'op10b-b' } as const;
const MGMT = { gw: '10.78.10.2', a: '10.78.11.2', b: '10.78.12.2' } as const;
const A_END = 'op10b-a0';
const FAILOVER_LIMIT_MS = 10_000;
const BOILER = { name: 'boiler', token: 'boiler-token-0123456789' };
const NETWORK: Network = {
  namespaces: Object.values(NS),
  links: [
    [[NS.gw, 'op10b-ga', '10.78.1.1'], [NS.a, A_END, '10.78.1.2']],
    [[NS.gw, 'op10b-gb', '10.78.2.1'], [NS.b, 'op10b-b0', '10.78.2.2']],
    [['', 'op10bm-gw', '10.78.10.1'], [NS.gw, 'op10b-gm', MGMT.gw]],
    [['', 'op10bm-a', '10.78.11.1'], [NS.a, 'op10b-am', MGMT.a]],
    [['', 'op10bm-b', '10.78.12.1'], [NS.b, 'op10b-bm', MGMT.b]],
  ],
};

/** Takes broker A's end of the link down (the gateway's packets to it are dropped) or brings it back. */
function blackhole(on: boolean): void {
  const made = ip('-n', NS.a, 'link', 'set', 'dev', A_END, on ? 'down' : 'up');
  if (!made.ok) throw new Error(`cannot take ${A_END} ${on ? 'down' : 'up'}: ${made.err}`);
}

const skipReason = buildNetwork(NETWORK);
const dir = mkdtempSync(join(tmpdir(), 'outpost-blackhole-'));
const brokerA = mosquitto(NS.a, dir, false);
const brokerB = mosquitto(NS.b, dir, false);
const gateway = outpost(NS.gw, dir, 'gw1', {
  mqtt: { url: 'mqtt://10.78.1.2:1883', failoverUrls: ['mqtt://10.78.2.2:1883'], allowInsecure: true },
  ipIngest: { http: { devices: [BOILER] } },
});
const sensor = curlSensor(NS.gw, BOILER);
let witnessA: RecordingSubscriber;
let witnessB: RecordingSubscriber;

const gatewayBroker = async (): Promise<string | undefined> => {
  const uplink = (await health(MGMT.gw))?.uplink;
  return uplink?.state === 'connected' ? uplink.broker : undefined;
};

describe.skipIf(skipReason !== undefined)(`failover from a silent broker${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  beforeAll(async () => {
    brokerA.start();
    brokerB.start();
    witnessA = await until('broker A', () => recordTopic(`mqtt://${MGMT.a}:1883`, 'outpost/gw1/#').catch(() => undefined));
    witnessB = await until('broker B', () => recordTopic(`mqtt://${MGMT.b}:1883`, 'outpost/gw1/#').catch(() => undefined));
    gateway.start();
    await until('the gateway on broker A', async () => (await gatewayBroker())?.includes('10.78.1.2'), 30_000);
    sensor.start();
  }, 60_000);

  afterAll(async () => {
    for (const p of [sensor, gateway]) await p.stop();
    await witnessA?.close();
    await witnessB?.close();
    for (const p of [brokerA, brokerB]) await p.stop();
    teardownNetwork(NETWORK);
  });

  it('moves to the second broker within 10 s of the first going silent, returns when it answers again, and loses no row', async () => {
    await until('summaries at broker A', () => summariesReceived(witnessA).length > 5, 20_000);
    blackhole(true);
    const silentAt = Date.now();
    await until('summaries at broker B', () => summariesReceived(witnessB).length > 0, FAILOVER_LIMIT_MS + 5_000);
    const failoverMs = Date.now() - silentAt;
    console.log(`failover from a silent broker: ${failoverMs} ms`);
    expect(failoverMs).toBeLessThan(FAILOVER_LIMIT_MS);

    blackhole(false);
    const healedAt = Date.now();
    await until('the gateway back on broker A', async () => (await gatewayBroker())?.includes('10.78.1.2'), 20_000);
    console.log(`return to the first broker once it answers: ${Date.now() - healedAt} ms`);
    const before = summariesReceived(witnessA).length;
    await until('summaries at broker A again', () => summariesReceived(witnessA).length > before, 10_000);
    await sensor.stop();
    const seqs = () => new Set([...summariesReceived(witnessA), ...summariesReceived(witnessB)].map((s) => s.seq));
    const top = () => Math.max(...seqs());
    // Every seq from the first to the highest reached one broker or the other.
    await until('every row at one broker or the other', () => seqs().size === top() - Math.min(...seqs()) + 1, 15_000);
  }, 90_000);
});
