import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SummaryEntry } from '../../appliance/uplink/summary-message-v2.js';
import { parseOutpostSummaries } from '../../drivers/ip-common/outpost-summary.js';
import { startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { recordTopic, type RecordingSubscriber } from '../support/mosquitto-subscriber.js';
import { OutpostProcess } from '../support/outpost-process.js';
import { outboxRowsReceived, summariesReceived } from './summaries-received.js';
import { until } from '../support/until.js';


const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function dataDir(): string {
  return mkdtempSync(join(tmpdir(), 'outpost-e2e-'));
}

async function outpost(args: string[]): Promise<OutpostProcess> {
  const process = new OutpostProcess(args);
  cleanups.push(() => process.stop());
  await process.start();
  await process.waitHealthy();
  return process;
}

async function broker(persistenceDir?: string): Promise<Mosquitto> {
  const mosquitto = await startMosquitto(persistenceDir ? { persistenceDir } : {});
  cleanups.push(() => mosquitto.stop());
  return mosquitto;
}

async function subscriber(url: string, nodeId: string, durable = false): Promise<RecordingSubscriber> {
  const options = durable ? { clientId: `e2e-cloud-${nodeId}`, clean: false } : {};
  // Alerts too: they share the outbox's seq with summaries (a polled device that times out raises one).
  const sub = await recordTopic(url, `outpost/${nodeId}/#`, options);
  cleanups.push(() => sub.close());
  return sub;
}

/** Every seq from the first to the last arrived, in order, and a repeated seq always carried the same row. */
function expectNoLossNoConflict(sub: RecordingSubscriber): SummaryEntry[] {
  const received = outboxRowsReceived(sub);
  const bySeq = new Map<number, string>();
  for (const row of received) {
    expect(bySeq.get(row.seq) ?? row.body, `seq ${row.seq} carried two different rows`).toBe(row.body);
    bySeq.set(row.seq, row.body);
  }
  const seqs = [...bySeq.keys()].sort((a, b) => a - b);
  const first = seqs[0] ?? 0;
  expect(seqs, 'no seq may be missing').toEqual(seqs.map((_, i) => first + i));
  const firstArrivals = received.filter((r, i) => received.findIndex((o) => o.seq === r.seq) === i).map((r) => r.seq);
  expect(firstArrivals, 'first deliveries arrive in seq order').toEqual([...firstArrivals].sort((a, b) => a - b));
  return summariesReceived(sub);
}

describe('outpost run --scenario factory, end to end with a real Mosquitto', () => {
  it('forwards window summaries of every emulated device with the documented schema (JSON v2)', async () => {
    const mosquitto = await broker();
    const sub = await subscriber(mosquitto.url, 'line-1');
    const status = await recordTopic(mosquitto.url, 'outpost/line-1/status');
    cleanups.push(() => status.close());
    await outpost(['--scenario', 'factory', '--mqtt', mosquitto.url, '--window', '1', '--node-id', 'line-1', '--data', dataDir()]);

    const devices = () => new Set(summariesReceived(sub).map((s) => s.device));
    await until('summaries from 28 or more emulated devices', () => devices().size >= 28, 30_000);
    const summaries = expectNoLossNoConflict(sub);
    const sample = summaries.find((s) => s.metric === 'temperature' && s.device.startsWith('modbus:tcp/'));
    expect(sample).toMatchObject({ unit: '°C' });
    expect(sample!.end - sample!.start).toBe(1000);
    expect(sample!.min).toBeLessThanOrEqual(sample!.mean);
    expect(sample!.mean).toBeLessThanOrEqual(sample!.max);
    expect([...devices()].some((d) => d.startsWith('modbus:rtu/')), 'the RTU cold store reports too').toBe(true);
    const message = sub.messages.find((m) => m.topic.includes('/summary/') && parseOutpostSummaries(m.payload).some((s) => s.seq === sample!.seq));
    expect(message?.topic).toBe(`outpost/line-1/summary/${sample!.device.replaceAll('/', '%2F')}`);
    const body = JSON.parse(message!.payload.toString()) as { v: number; m: { k: string }[] };
    expect(body.v).toBe(2);
    expect(body.m.length, 'one message carries every series of the device').toBeGreaterThan(1);
    expect(JSON.parse(status.messages.at(-1)!.payload.toString())).toMatchObject({ state: 'online' });
  });

  it('keeps summaries in the outbox with no broker configured and sends them in order once one is', async () => {
    const dir = dataDir();
    const offline = await outpost(['--scenario', 'factory', '--window', '1', '--node-id', 'line-2', '--data', dir]);
    await until('200 summaries queued', async () => (await offline.api<{ outbox: { depth: number } }>('/api/stats')).body.outbox.depth >= 200, 30_000);
    expect((await offline.api<{ services: { uplink: { state: string } } }>('/api/health')).body.services.uplink.state).toBe('disabled');
    await offline.stop();

    const mosquitto = await broker();
    const sub = await subscriber(mosquitto.url, 'line-2');
    const online = await outpost(['--scenario', 'factory', '--mqtt', mosquitto.url, '--window', '1', '--node-id', 'line-2', '--data', dir]);
    await until('the backlog sent', async () => (await online.api<{ outbox: { depth: number } }>('/api/stats')).body.outbox.depth < 50, 30_000);
    const received = expectNoLossNoConflict(sub);
    expect(received[0]?.seq).toBe(1);
    expect(received.length).toBeGreaterThanOrEqual(200);
  });

  it('loses nothing and publishes no seq with two contents when the broker restarts under load', async () => {
    const mosquitto = await broker(dataDir());
    const sub = await subscriber(mosquitto.url, 'line-3', true);
    const app = await outpost(['--scenario', 'factory', '--mqtt', mosquitto.url, '--window', '1', '--node-id', 'line-3', '--data', dataDir()]);
    await until('summaries flowing', () => sub.messages.length >= 100, 30_000);

    await mosquitto.stop();
    await until('uplink notices', async () => (await app.api<{ services: { uplink: { state: string } } }>('/api/health')).body.services.uplink.state !== 'connected');
    const stats = () => app.api<{ outbox: { depth: number; oldestSeq: number | null } }>('/api/stats');
    await until('summaries pile up in the outbox', async () => (await stats()).body.outbox.depth >= 150, 30_000);
    const lastSeqDuringOutage = (await stats()).body.outbox;
    await mosquitto.restart();

    await until('the outage backlog delivered', () => summariesReceived(sub).some((s) => s.seq >= (lastSeqDuringOutage.oldestSeq ?? 0) + lastSeqDuringOutage.depth), 45_000);
    expectNoLossNoConflict(sub);
  });
});
