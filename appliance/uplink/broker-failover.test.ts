import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startMosquitto, type Mosquitto } from '../../test/support/mosquitto.js';
import { recordTopic, type RecordingSubscriber } from '../../test/support/mosquitto-subscriber.js';
import { until } from '../../test/support/until.js';
import { OutpostError } from '../../drivers/types.js';
import { silentLogger } from '../log.js';
import { MemoryOutbox } from './memory-outbox.js';
import { MqttUplink } from './mqtt-uplink.js';
import { summaryMessage } from './summary-message.js';

const NODE = 'gw-1';
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function broker(persistent: boolean): Promise<Mosquitto> {
  const dir = persistent ? await mkdtemp(path.join(os.tmpdir(), 'outpost-failover-')) : undefined;
  const started = await startMosquitto(dir ? { persistenceDir: dir } : {});
  cleanups.push(async () => {
    await started.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  return started;
}

/** A persistent session, so the broker queues what arrives while the recorder itself reconnects. */
async function recorder(url: string, clientId: string): Promise<RecordingSubscriber> {
  const sub = await recordTopic(url, `outpost/${NODE}/summary/#`, { clientId, clean: false });
  cleanups.push(() => sub.close());
  return sub;
}

/** The tick loop in small: one summary row every 20 ms, committed then announced. */
function produce(outbox: MemoryOutbox, up: MqttUplink): { latest(): number; stop(): void } {
  let latest = 0;
  const timer = setInterval(() => {
    latest = outbox.enqueue((seq) => summaryMessage(NODE, summaryAt(seq), seq));
    up.notify();
  }, 20);
  return { latest: () => latest, stop: () => clearInterval(timer) };
}

function summaryAt(seq: number) {
  const start = 1_700_000_000_000 + seq * 60_000;
  return {
    device: 'http:sensor-1',
    metric: 'temperature',
    unit: 'Cel',
    start,
    end: start + 60_000,
    count: 60,
    min: 20,
    max: 22,
    mean: 21,
    last: 21.5,
    stddev: 0.4,
    firstTs: start,
    lastTs: start + 59_000,
    maxScore: null,
  };
}

const seqsOf = (sub: RecordingSubscriber): number[] => sub.json().map((body) => (body as { seq: number }).seq);

describe('an uplink with failover brokers', () => {
  it('moves to the next broker within 10 s when the first stops, returns when it is back, and loses no row', async () => {
    const first = await broker(true);
    const second = await broker(false);
    const atFirst = await recorder(first.url, 'rec-first');
    const atSecond = await recorder(second.url, 'rec-second');
    const outbox = new MemoryOutbox();
    const up = new MqttUplink({
      url: first.url,
      failoverUrls: [second.url],
      probeMs: 300,
      nodeId: NODE,
      outbox,
      log: silentLogger(),
      version: '1.0.0',
      reconnect: { minMs: 100, maxMs: 1_000 },
    });
    cleanups.push(() => up.stop());
    await up.start();
    const producer = produce(outbox, up);
    cleanups.push(async () => producer.stop());

    await until('rows at the first broker', () => atFirst.messages.length >= 10);
    expect(up.status().broker).toBe(`${first.url}`);
    await first.stop();
    const stoppedAt = Date.now();
    const lastBefore = Math.max(...seqsOf(atFirst));
    await until('rows written after the stop at the second broker', () => seqsOf(atSecond).some((seq) => seq > lastBefore));
    const failoverMs = Date.now() - stoppedAt;
    expect(failoverMs).toBeLessThan(10_000);
    expect(up.status()).toMatchObject({ state: 'connected', broker: `${second.url}` });

    await first.restart();
    const backAt = Date.now();
    await until('the uplink back on the first broker', () => up.status().state === 'connected' && up.status().broker === first.url);
    const seqAtReturn = producer.latest();
    await until('new rows at the first broker again', () => seqsOf(atFirst).some((seq) => seq > seqAtReturn));
    const returnMs = Date.now() - backAt;

    producer.stop();
    expect(seqsOf(atSecond).length).toBeGreaterThan(0);
    await until('the outbox drained', () => outbox.outboxStats().depth === 0);
    const lastSeq = Math.max(...seqsOf(atFirst), ...seqsOf(atSecond));
    await until('every row at one broker or the other', () => new Set([...seqsOf(atFirst), ...seqsOf(atSecond)]).size === lastSeq);
    // Rows written once the uplink is back on the first broker go there only.
    expect(Math.max(...seqsOf(atSecond))).toBeLessThanOrEqual(seqAtReturn);
    console.info(`failover ${failoverMs} ms, return ${returnMs} ms, ${lastSeq} rows`);
  }, 30_000);

  it('refuses a failover URL that is not an MQTT URL, with its code', async () => {
    const up = new MqttUplink({ url: 'mqtt://127.0.0.1:1', failoverUrls: ['http://127.0.0.1:2'], nodeId: NODE, outbox: new MemoryOutbox(), log: silentLogger(), version: '1' });
    const err = await up.start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OutpostError);
    expect((err as OutpostError).code).toBe('UPLINK_BAD_URL');
  });
});
