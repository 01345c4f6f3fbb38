/**
 * Replay after an hour-long outage: the outbox holds one hour of factory summaries (160 streams, 60 s
 * windows: 9,600 rows) when the broker comes back; how fast does each uplink mode empty it, at QoS 1, to a
 * local Mosquitto? Baseline in the same run: plain mqtt.js publishing the same JSON payloads at QoS 1 with
 * no outbox at all. Medians of `--runs` runs (default 3).
 *
 *   node --import tsx test/bench/upstream-replay.ts [--runs 3]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectAsync } from 'mqtt';
import { silentLogger } from '../../appliance/log.js';
import { Store } from '../../appliance/store/store.js';
import { BdSeqFile } from '../../appliance/uplink/bd-seq-file.js';
import { MqttUplink } from '../../appliance/uplink/mqtt-uplink.js';
import { outboxDrafts } from '../../appliance/uplink/outbox-drafts.js';
import { SparkplugEdgeNode } from '../../appliance/uplink/sparkplug-edge-node.js';
import { compactSummaryMessages } from '../../appliance/uplink/summary-message-v2.js';
import { startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { recordTopic } from '../support/mosquitto-subscriber.js';
import { until } from '../support/until.js';
import { fmt, median, note, numberFlag, printTable } from './bench-kit.js';
import { factoryHour } from './upstream-workload.js';

const NODE = 'line-1';
const runs = numberFlag('runs', 3);
const hour = factoryHour({ windowSeconds: 60 });
const rows = hour.summaries.length;

/** A store whose outbox holds the hour, committed one window (160 rows) per transaction as the tick loop does. */
async function backlog(dir: string): Promise<Store> {
  const store = new Store({ path: path.join(dir, `outbox-${Math.random().toString(36).slice(2)}.db`), log: silentLogger() });
  await store.start();
  for (let i = 0; i < rows; i += hour.streams) {
    const outbox = outboxDrafts(NODE, hour.summaries.slice(i, i + hour.streams), []);
    store.commitTick({ readings: [], summaries: [], alerts: [], drops: {}, outbox, devices: [] });
  }
  return store;
}

async function timeIt(broker: Mosquitto, filter: string, expected: number, go: () => Promise<() => Promise<void>>): Promise<number> {
  const sub = await recordTopic(broker.url, filter);
  const started = performance.now();
  const stop = await go();
  await until(`${expected} messages on ${filter}`, () => sub.messages.length >= expected, 600_000);
  const seconds = (performance.now() - started) / 1000;
  await stop();
  await sub.close();
  return rows / seconds;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'outpost-replay-'));
  const broker = await startMosquitto();
  const results: Record<string, number[]> = { baseline: [], json: [], jsonV2: [], sparkplug: [] };
  try {
    for (let run = 0; run < runs; run++) {
      const payloads = hour.summaries.map((s, i) => {
        const [draft] = outboxDrafts(NODE, [s], []);
        return { topic: draft?.topic ?? '', payload: Buffer.from(draft?.build(i + 1) ?? '') };
      });
      results.baseline?.push(
        await timeIt(broker, `outpost/${NODE}/summary/#`, rows, async () => {
          const client = await connectAsync(broker.url);
          await Promise.all(payloads.map((p) => client.publishAsync(p.topic, p.payload, { qos: 1 })));
          return () => client.endAsync();
        }),
      );

      const jsonStore = await backlog(dir);
      results.json?.push(
        await timeIt(broker, `outpost/${NODE}/summary/#`, rows, async () => {
          const up = new MqttUplink({ url: broker.url, nodeId: NODE, outbox: jsonStore, log: silentLogger(), version: 'bench' });
          await up.start();
          return async () => {
            await until('the outbox emptied', () => jsonStore.outboxStats().depth === 0);
            await up.stop();
            await jsonStore.stop();
          };
        }),
      );

      const v2Store = await backlog(dir);
      const v2Messages = compactSummaryMessages(v2Store.outboxAfter(0, rows)).length;
      results.jsonV2?.push(
        await timeIt(broker, `outpost/${NODE}/summary/#`, v2Messages, async () => {
          const up = new MqttUplink({ url: broker.url, nodeId: NODE, outbox: v2Store, log: silentLogger(), version: 'bench', combine: compactSummaryMessages });
          await up.start();
          return async () => {
            await until('the outbox emptied', () => v2Store.outboxStats().depth === 0);
            await up.stop();
            await v2Store.stop();
          };
        }),
      );

      const spStore = await backlog(dir);
      results.sparkplug?.push(
        await timeIt(broker, `spBv1.0/plant/DDATA/#`, rows, async () => {
          const node = new SparkplugEdgeNode({
            url: broker.url, groupId: 'plant', edgeNodeId: NODE, outbox: spStore, log: silentLogger(), version: 'bench',
            bdSeq: new BdSeqFile(path.join(dir, 'bdseq')), devices: () => [], write: async () => {}, dataQos: 1,
          });
          await node.start();
          return async () => {
            await until('the outbox emptied', () => spStore.outboxStats().depth === 0);
            await node.stop();
            await spStore.stop();
          };
        }),
      );
    }
  } finally {
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const base = median(results.baseline ?? []);
  const row = (name: string, key: string): string[] => {
    const rate = median(results[key] ?? []);
    return [name, fmt(rate), `${fmt(rows / rate, 2)} s`, `${fmt((rate / base) * 100)} %`];
  };
  note(`replay of one hour's outbox (${fmt(rows)} summaries) after an outage, QoS 1 to a local Mosquitto, median of ${runs} runs`);
  printTable('replay rate', ['sender', 'summaries/s', 'hour replayed in', 'of baseline'], [
    row('plain mqtt.js, one message per summary, no outbox (baseline)', 'baseline'),
    row('JSON v1 uplink from the SQLite outbox', 'json'),
    row('JSON v2 uplink (one message per device and window)', 'jsonV2'),
    row('Sparkplug edge node from the SQLite outbox (dataQos 1)', 'sparkplug'),
  ]);
}

await main();
