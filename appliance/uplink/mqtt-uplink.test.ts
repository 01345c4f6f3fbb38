import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startMosquitto, type Mosquitto } from '../../test/support/mosquitto.js';
import { startBrokerProxy } from '../../test/support/mosquitto-proxy.js';
import { recordTopic, type RecordingSubscriber } from '../../test/support/mosquitto-subscriber.js';
import { until } from '../../test/support/until.js';
import { silentLogger, type Logger } from '../log.js';
import type { Summary } from '../model/summary.js';
import { Store } from '../store/store.js';
import { MemoryOutbox } from './memory-outbox.js';
import { MqttUplink, type MqttUplinkDeps } from './mqtt-uplink.js';
import { outboxDrafts } from './outbox-drafts.js';
import { summaryMessage } from './summary-message.js';

const FAST_RECONNECT = { minMs: 50, maxMs: 200 };
/** Longer than the uplink's 50 ms ack batching: long enough for a wrong delete to have happened. */
const OBSERVE_MS = 150;

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface LogLine {
  level: number;
  msg: string;
  err?: string;
  broker?: string;
}

function capturedLog(): { log: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { log, lines };
}

function summaries(rows: number): Summary[] {
  return Array.from({ length: rows }, (_, i) => {
    const start = 1_700_000_000_000 + i * 60_000;
    return {
      device: 'modbus:tcp/127.0.0.1:5020/1',
      metric: 'power',
      unit: 'W',
      start,
      end: start + 60_000,
      count: 60,
      min: i,
      max: i + 10,
      mean: i + 5,
      last: i + 7,
      stddev: 2.5,
      firstTs: start,
      lastTs: start + 59_000,
      maxScore: null,
    };
  });
}

function fill(outbox: MemoryOutbox, nodeId: string, rows: number): void {
  for (const s of summaries(rows)) outbox.enqueue((seq) => summaryMessage(nodeId, s, seq));
}

/** The real SQLite store, its outbox filled the way the tick loop does: one transaction per tick. */
async function storeWith(nodeId: string, rows: number): Promise<Store> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'outpost-uplink-store-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const store = new Store({ path: path.join(dir, 'outpost.db'), log: silentLogger() });
  await store.start();
  cleanups.push(() => store.stop());
  const outbox = outboxDrafts(nodeId, summaries(rows), []);
  store.commitTick({ readings: [], summaries: [], alerts: [], drops: {}, outbox, devices: [] });
  return store;
}

async function uplink(deps: Partial<MqttUplinkDeps> & Pick<MqttUplinkDeps, 'nodeId' | 'outbox'>): Promise<MqttUplink> {
  const up = new MqttUplink({ log: capturedLog().log, version: '1.2.3', reconnect: FAST_RECONNECT, ...deps });
  cleanups.push(() => up.stop());
  await up.start();
  return up;
}

async function subscribe(url: string, filter: string, options?: { clientId: string; clean: boolean }): Promise<RecordingSubscriber> {
  const sub = await recordTopic(url, filter, options);
  cleanups.push(() => sub.close());
  return sub;
}

const seqsOf = (sub: RecordingSubscriber): number[] => sub.json().map((body) => (body as { seq: number }).seq);
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

describe('MqttUplink against a real Mosquitto', () => {
  let broker: Mosquitto;
  beforeAll(async () => {
    broker = await startMosquitto();
  });
  afterAll(async () => {
    await broker.stop();
  });

  it('announces itself online (retained) and the broker marks it offline when its socket dies', async () => {
    const proxy = await startBrokerProxy(broker.port);
    cleanups.push(() => proxy.close());
    const statuses = await subscribe(broker.url, 'outpost/node-1/status');
    const up = await uplink({ url: proxy.url, nodeId: 'node-1', outbox: new MemoryOutbox() });
    await until('the birth message', () => statuses.messages.length === 1);
    const late = await subscribe(broker.url, 'outpost/node-1/status');
    await until('the retained birth message', () => late.messages.length === 1);
    expect(late.messages[0]?.retain).toBe(true);
    expect(late.json()[0]).toMatchObject({ state: 'online', version: '1.2.3', ts: expect.any(Number) });

    proxy.cut();
    await until('the last will, then a new birth after reconnecting', () => statuses.messages.length === 3);
    expect(statuses.json()).toMatchObject([{ state: 'online' }, { state: 'offline' }, { state: 'online' }]);
    expect(statuses.json()[1]).toEqual({ state: 'offline' });
    await until('the reconnect', () => up.status().state === 'connected');

    await up.stop();
    await until('the graceful offline', () => statuses.messages.length === 4);
    expect(statuses.json()[3]).toMatchObject({ state: 'offline', ts: expect.any(Number) });
    const afterStop = await subscribe(broker.url, 'outpost/node-1/status');
    await until('the retained offline status', () => afterStop.messages.length === 1);
    expect(afterStop.json()[0]).toMatchObject({ state: 'offline', ts: expect.any(Number) });
    expect(up.status().state).toBe('stopped');
  });

  it('publishes rows in seq order and deletes them only once the broker acknowledged them', async () => {
    const proxy = await startBrokerProxy(broker.port);
    cleanups.push(() => proxy.close());
    const sub = await subscribe(broker.url, 'outpost/node-2/summary/#');
    const outbox = new MemoryOutbox();
    const up = await uplink({ url: proxy.url, nodeId: 'node-2', outbox });
    await until('the connection', () => up.status().state === 'connected');

    proxy.holdReplies();
    fill(outbox, 'node-2', 10);
    up.notify();
    await until('the rows at the subscriber', () => sub.messages.length === 10);
    await new Promise((resolve) => setTimeout(resolve, OBSERVE_MS));
    expect(outbox.outboxStats().depth).toBe(10);
    expect(up.status().published).toBe(0);

    proxy.releaseReplies();
    await until('the acknowledged rows to be deleted', () => outbox.outboxStats().depth === 0);
    fill(outbox, 'node-2', 300);
    up.notify();
    await until('a drain wider than the in-flight window', () => outbox.outboxStats().depth === 0 && sub.messages.length === 310);
    expect(seqsOf(sub)).toEqual(range(310));
    expect(sub.messages[0]?.topic).toBe('outpost/node-2/summary/modbus:tcp%2F127.0.0.1:5020%2F1/power');
    expect(up.status()).toEqual({ state: 'connected', published: 310, lastPublishAt: expect.any(Number), broker: proxy.url });
  });

  it('does nothing when disabled, and the rows kept meanwhile go out in order once a broker is set', async () => {
    const outbox = new MemoryOutbox();
    fill(outbox, 'node-5', 5);
    const disabled = await uplink({ url: '', nodeId: 'node-5', outbox });
    disabled.notify();
    expect(disabled.status()).toEqual({ state: 'disabled', published: 0, broker: '' });
    await disabled.stop();
    expect(outbox.outboxStats().depth).toBe(5);

    const sub = await subscribe(broker.url, 'outpost/node-5/summary/#');
    await uplink({ url: broker.url, nodeId: 'node-5', outbox });
    await until('the kept rows', () => sub.messages.length === 5 && outbox.outboxStats().depth === 0);
    expect(seqsOf(sub)).toEqual(range(5));
  });
});

describe('MqttUplink across broker outages', () => {
  async function persistentBroker(): Promise<Mosquitto> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'outpost-uplink-'));
    const b = await startMosquitto({ persistenceDir: dir });
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    cleanups.push(() => b.stop());
    return b;
  }

  it('keeps rows while no broker answers, logs that once, and sends them all in order when it appears', async () => {
    const b = await persistentBroker();
    const sub = await subscribe(b.url, 'outpost/node-3/summary/#', { clientId: 'sub-3', clean: false });
    await b.stop();

    const { log, lines } = capturedLog();
    const outbox = await storeWith('node-3', 100);
    const url = `mqtt://outpost:s3cret@127.0.0.1:${b.port}`;
    const up = await uplink({ url, nodeId: 'node-3', outbox, log, clientOptions: { password: 'an0ther' } });
    up.notify();
    await until('the first refused connection', () => up.status().lastError !== undefined);
    await new Promise((resolve) => setTimeout(resolve, 400)); // several retries at 50–200 ms
    expect(up.status()).toMatchObject({ state: 'connecting', published: 0, broker: `mqtt://127.0.0.1:${b.port}` });
    expect(up.status().lastError).toMatch(/ECONNREFUSED/);
    expect(outbox.outboxStats().depth).toBe(100);
    expect(lines.filter((l) => l.msg.includes('cannot reach'))).toHaveLength(1);

    await b.restart();
    await until('the kept rows', () => sub.messages.length === 100 && outbox.outboxStats().depth === 0);
    expect(seqsOf(sub)).toEqual(range(100));
    expect(up.status()).toEqual({ state: 'connected', published: 100, lastPublishAt: expect.any(Number), broker: `mqtt://127.0.0.1:${b.port}` });
    expect(JSON.stringify(lines)).not.toMatch(/s3cret|an0ther/);
  });

  it('reports a broker that refuses it (not authorised) and keeps the rows, logging it once', async () => {
    const b = await startMosquitto({ allowAnonymous: false });
    cleanups.push(() => b.stop());
    const { log, lines } = capturedLog();
    const outbox = new MemoryOutbox();
    fill(outbox, 'node-6', 3);
    const up = await uplink({ url: b.url, nodeId: 'node-6', outbox, log });
    await until('the refusal', () => up.status().lastError);
    expect(up.status()).toMatchObject({
      state: 'connecting',
      lastError: expect.stringContaining('Connection refused: Not authorized'),
      lastErrorCode: 'UPLINK_AUTH_REFUSED',
      published: 0,
    });
    await new Promise((resolve) => setTimeout(resolve, 300)); // retries continue at 50–200 ms
    expect(lines.filter((l) => l.msg.includes('cannot reach'))).toEqual([
      expect.objectContaining({ err: expect.stringContaining('Connection refused: Not authorized'), broker: b.url }),
    ]);
    expect(outbox.outboxStats().depth).toBe(3);
  });

  it('loses no row when the broker restarts mid-drain, and a seq sent twice carries the same payload', async () => {
    const b = await persistentBroker();
    const sub = await subscribe(b.url, 'outpost/node-4/summary/#', { clientId: 'sub-4', clean: false });
    const outbox = await storeWith('node-4', 2000);
    let depthWhileDown = 0;
    let outage: Promise<void> | undefined;
    const ackOutbox = outbox.ackOutbox.bind(outbox);
    outbox.ackOutbox = (seqs) => {
      ackOutbox(seqs);
      outage ??= (async () => {
        await b.stop();
        depthWhileDown = outbox.outboxStats().depth;
        await b.restart();
      })();
    };
    const up = await uplink({ url: b.url, nodeId: 'node-4', outbox });
    await until('every row', () => outbox.outboxStats().depth === 0 && new Set(seqsOf(sub)).size === 2000, 15_000);
    await outage;

    expect(depthWhileDown).toBeGreaterThan(0);
    const seqs = seqsOf(sub);
    const firstSeen = seqs.filter((seq, i) => seqs.indexOf(seq) === i);
    expect(firstSeen).toEqual(range(2000));
    const payloadOf = new Map<number, string>();
    for (const [i, seq] of seqs.entries()) {
      const payload = sub.messages[i]?.payload.toString('utf8') ?? '';
      expect(payloadOf.get(seq) ?? payload).toBe(payload);
      payloadOf.set(seq, payload);
    }
    expect(up.status().published).toBe(2000);
  });
});
