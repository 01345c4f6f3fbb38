import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../appliance/config/load.js';
import type { TickEvent } from '../../appliance/ingest/tick-loop.js';
import { LocalStream } from '../../appliance/live/local-stream.js';
import { silentLogger } from '../../appliance/log.js';
import { Appliance } from '../../appliance/main.js';
import { LiveFeed } from '../../appliance/web/live-feed.js';
import { startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { recordTopic, type RecordingSubscriber } from '../support/mosquitto-subscriber.js';
import { until } from '../support/until.js';

const BOILER = { name: 'boiler', token: 'boiler-token-0123456789' };

let broker: Mosquitto;
const cleanups: (() => Promise<unknown>)[] = [];
beforeAll(async () => {
  broker = await startMosquitto();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(async () => {
  await broker?.stop();
});

async function record(filter: string): Promise<RecordingSubscriber> {
  const sub = await recordTopic(broker.url, filter);
  cleanups.push(() => sub.close());
  return sub;
}

function tick(value: number): TickEvent {
  const ts = 1_700_000_000_000 + value;
  return {
    readings: [{ device: 'modbus:tcp/10.0.0.5:502/1', metric: 'power', value, unit: 'W', ts, quality: 'good' }],
    summaries: [],
    alerts: [{ device: 'modbus:tcp/10.0.0.5:502/1', metric: 'power', kind: 'threshold', state: 'raised', value, message: 'power above 900 W', ts }],
  };
}

describe('the local live stream over MQTT', () => {
  it('an appliance publishes each reading posted over HTTP on outpost/<node>/live/reading/<device>/<metric>', async () => {
    const live = await record('outpost/edge/live/#');
    const dataDir = mkdtempSync(join(tmpdir(), 'outpost-live-'));
    const config = parseConfig(
      { nodeId: 'edge', dataDir, http: { port: 0 }, pipeline: { tickMs: 100 }, live: { url: broker.url }, ipIngest: { http: { devices: [BOILER] } } },
      'live test',
    );
    const appliance = new Appliance({ config, log: silentLogger(), version: 'test' });
    cleanups.push(() => appliance.stop());
    await appliance.start();
    const response = await fetch(`http://127.0.0.1:${appliance.httpAddress?.port}/ingest/boiler`, {
      method: 'POST',
      headers: { authorization: `Bearer ${BOILER.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ metric: 'temperature', unit: '°C', value: 61.5 }),
    });
    expect(response.status).toBeLessThan(300);
    const message = await until('the reading on the live stream', () => live.messages.find((m) => m.topic.startsWith('outpost/edge/live/reading/')));
    expect(message.topic).toBe('outpost/edge/live/reading/http:boiler/temperature');
    expect(message.retain).toBe(false);
    expect(JSON.parse(message.payload.toString('utf8'))).toMatchObject({ device: 'http:boiler', metric: 'temperature', value: 61.5, unit: '°C', ts: expect.any(Number) });
  });

  it('publishes alerts on outpost/<node>/live/alert/<device>, drops (and counts) ticks while its broker is away, and carries on after', async () => {
    const feed = new LiveFeed();
    const stream = new LocalStream({ config: { url: broker.url, allowInsecure: false }, nodeId: 'n1', feed, log: silentLogger() });
    cleanups.push(() => stream.stop());
    const sub = await record('outpost/n1/live/#');
    await stream.start();
    await until('the live stream connected', () => stream.status().state === 'connected');
    feed.publish(tick(950));
    await until('the reading and the alert', () => sub.messages.length === 2);
    expect(sub.messages.map((m) => m.topic)).toEqual(['outpost/n1/live/reading/modbus:tcp%2F10.0.0.5:502%2F1/power', 'outpost/n1/live/alert/modbus:tcp%2F10.0.0.5:502%2F1']);
    expect(sub.json()[1]).toMatchObject({ kind: 'threshold', state: 'raised', value: 950 });

    await broker.stop();
    await until('the live stream to notice', () => stream.status().state === 'connecting');
    feed.publish(tick(960));
    expect(stream.status().dropped).toBe(2);

    await broker.restart();
    await until('the live stream back', () => stream.status().state === 'connected', 15_000);
    await until('the recorder back', () => sub.client.connected);
    const before = sub.messages.length;
    // The recorder resubscribes as it reconnects; publish until a tick lands after that.
    await until('a tick after the broker came back', () => {
      feed.publish(tick(970));
      return sub.messages.length > before;
    });
    expect(sub.json().some((m) => (m as { value?: number }).value === 960)).toBe(false);
    expect(stream.status().published).toBeGreaterThanOrEqual(3);
  }, 30_000);

  it('refuses plain text to a remote broker with UPLINK_INSECURE in the log, and the rest runs on', async () => {
    const lines: { msg: string; code?: string }[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const stream = new LocalStream({ config: { url: 'mqtt://192.0.2.10:1883', allowInsecure: false }, nodeId: 'n1', feed: new LiveFeed(), log });
    await stream.start();
    expect(stream.status()).toMatchObject({ state: 'disabled', lastError: expect.stringContaining('plain-text') });
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'live stream not started', code: 'UPLINK_INSECURE' }));
    await stream.stop();
  });
});
