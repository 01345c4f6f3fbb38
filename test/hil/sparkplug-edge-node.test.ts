import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { connectAsync } from 'mqtt';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Command, DeviceInfo } from '../../drivers/types.js';
import { silentLogger } from '../../appliance/log.js';
import type { Summary } from '../../appliance/model/summary.js';
import { BdSeqFile } from '../../appliance/uplink/bd-seq-file.js';
import { MemoryOutbox } from '../../appliance/uplink/memory-outbox.js';
import { outboxDrafts } from '../../appliance/uplink/outbox-drafts.js';
import { encodeSparkplug, toNumber } from '../../appliance/uplink/sparkplug-codec.js';
import { SparkplugEdgeNode, type SparkplugEdgeNodeDeps } from '../../appliance/uplink/sparkplug-edge-node.js';
import { startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { startBrokerProxy } from '../support/mosquitto-proxy.js';
import { bdSeqOf, recordSparkplug, sparkplugViolations, type SparkplugRecorder } from '../support/mosquitto-sparkplug.js';
import { until } from '../support/until.js';

const GROUP = 'plant';
const METER = 'modbus:tcp/127.0.0.1:5020/1';
const RELAY: DeviceInfo = {
  id: 'modbus:tcp/127.0.0.1:5020/3',
  protocol: 'modbus',
  name: 'relay',
  model: 'relay-4',
  outputs: ['relay'],
  health: { state: 'ok' },
};

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function summary(i: number, end: number): Summary {
  return { device: METER, metric: 'power', unit: 'W', start: end - 60_000, end, count: 60, min: i, max: i + 10, mean: i + 5, last: i + 7, stddev: 1, firstTs: end - 60_000, lastTs: end - 1_000, maxScore: null };
}

function fill(outbox: MemoryOutbox, rows: number, end = () => Date.now()): void {
  for (let i = 0; i < rows; i++) {
    const [draft] = outboxDrafts('node-1', [summary(i, end())], []);
    if (draft) outbox.enqueue((seq) => ({ topic: draft.topic, payload: Buffer.from(draft.build(seq)) }));
  }
}

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'outpost-sparkplug-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe('Sparkplug B edge node against a real Mosquitto', () => {
  let broker: Mosquitto;
  beforeAll(async () => {
    broker = await startMosquitto();
  });
  afterAll(async () => {
    await broker.stop();
  });

  async function edgeNode(deps: Partial<SparkplugEdgeNodeDeps> & { outbox: MemoryOutbox }, dir?: string) {
    const writes: Command[] = [];
    const node = new SparkplugEdgeNode({
      url: broker.url,
      groupId: GROUP,
      edgeNodeId: 'node-1',
      log: silentLogger(),
      version: '1.2.3',
      bdSeq: new BdSeqFile(path.join(dir ?? (await tempDir()), 'bdseq')),
      devices: () => [RELAY],
      write: async (command) => void writes.push(command),
      reconnect: { minMs: 20, maxMs: 100 },
      ...deps,
    });
    cleanups.push(() => node.stop());
    await node.start();
    return { node, writes };
  }

  async function host(): Promise<SparkplugRecorder> {
    const recorder = await recordSparkplug(broker.url, GROUP);
    cleanups.push(() => recorder.sub.close());
    return recorder;
  }

  it('births before data, declares every metric with datatype and alias, and wraps seq at 255', async () => {
    const spb = await host();
    const outbox = new MemoryOutbox();
    fill(outbox, 300);
    await edgeNode({ outbox });
    await until('300 DDATA', () => spb.ofType('DDATA').length >= 300);
    await until('the outbox emptied', () => outbox.outboxStats().depth === 0);
    const all = spb.decoded();
    expect(sparkplugViolations(all)).toEqual([]);
    expect(all[0]?.type).toBe('NBIRTH');
    expect(all[0]?.payload.metrics?.map((m) => [m.name, m.type])).toContainEqual(['Node Control/Rebirth', 'Boolean']);
    const meterBirth = spb.ofType('DBIRTH').find((m) => m.device === encodeURIComponent(METER).replace(/%3A/g, ':'));
    const mean = meterBirth?.payload.metrics?.find((m) => m.name === 'power/mean');
    expect(mean).toMatchObject({ type: 'Double', properties: { engUnit: { value: 'W' } } });
    expect(spb.ofType('DBIRTH').find((m) => m.device?.endsWith('%2F3'))?.payload.metrics?.map((m) => m.name)).toContain('Outputs/relay');
    const seqs = all.map((m) => m.seq);
    expect(seqs).toContain(255);
    expect(seqs.filter((s) => s === 0).length).toBeGreaterThanOrEqual(2);
    const first = spb.ofType('DDATA')[0]?.payload.metrics?.[0];
    expect(first?.name ?? null).toBeNull();
    expect(toNumber(first?.alias)).toBe(toNumber(mean?.alias));
    expect(first?.isHistorical ?? false).toBe(false);
  });

  it('sends NDEATH with the NBIRTH bdSeq on an abrupt disconnect, and the next session takes bdSeq + 1', async () => {
    const spb = await host();
    const proxy = await startBrokerProxy(broker.port);
    cleanups.push(() => proxy.close());
    const outbox = new MemoryOutbox();
    const dir = await tempDir();
    const { node } = await edgeNode({ outbox, url: proxy.url }, dir);
    await until('NBIRTH', () => spb.ofType('NBIRTH').length === 1);
    proxy.cut();
    await until('NDEATH from the will, then a new NBIRTH', () => spb.ofType('NDEATH').length === 1 && spb.ofType('NBIRTH').length === 2);
    const [birth1, birth2] = spb.ofType('NBIRTH');
    const death = spb.ofType('NDEATH')[0];
    expect(bdSeqOf(death!)).toBe(bdSeqOf(birth1!));
    expect(bdSeqOf(birth2!)).toBe((bdSeqOf(birth1!)! + 1) % 256);
    fill(outbox, 3);
    node.notify();
    await until('data of the new session', () => spb.ofType('DDATA').length === 3);
    expect(sparkplugViolations(spb.decoded())).toEqual([]);
    // Persisted: a restart continues from the stored value instead of starting again at 0.
    expect(Number(await readFile(path.join(dir, 'bdseq'), 'utf8'))).toBe(bdSeqOf(birth2!)! + 1);
  });

  it('honours Node Control/Rebirth and writes DCMD outputs through the command router', async () => {
    const spb = await host();
    const { writes } = await edgeNode({ outbox: new MemoryOutbox() });
    await until('NBIRTH', () => spb.ofType('NBIRTH').length === 1);
    const scada = await connectAsync(broker.url);
    cleanups.push(() => scada.endAsync());
    await scada.publishAsync(`spBv1.0/${GROUP}/NCMD/node-1`, encodeSparkplug({ timestamp: Date.now(), metrics: [{ name: 'Node Control/Rebirth', type: 'Boolean', value: true }] }));
    await until('a second NBIRTH', () => spb.ofType('NBIRTH').length === 2);
    const [b1, b2] = spb.ofType('NBIRTH');
    expect(bdSeqOf(b2!)).toBe(bdSeqOf(b1!));
    expect(b2?.seq).toBe(0);
    const relayTopic = spb.ofType('DBIRTH').find((m) => m.device?.endsWith('%2F3'))!.topic.replace('/DBIRTH/', '/DCMD/');
    await scada.publishAsync(relayTopic, encodeSparkplug({ timestamp: Date.now(), metrics: [{ name: 'Outputs/relay', type: 'Boolean', value: true }] }));
    await scada.publishAsync(relayTopic, Buffer.from('not protobuf'));
    await scada.publishAsync(relayTopic, encodeSparkplug({ timestamp: Date.now(), metrics: [{ name: 'Outputs/relay', type: 'Double', value: 0 }] }));
    await until('two writes', () => writes.length === 2);
    expect(writes).toEqual([
      { device: RELAY.id, output: 'relay', value: true },
      { device: RELAY.id, output: 'relay', value: 0 },
    ]);
    expect(sparkplugViolations(spb.decoded())).toEqual([]);
  });

  it('declares a device that appears after the births with its own DBIRTH before any command can target it', async () => {
    const spb = await host();
    const devices: DeviceInfo[] = [];
    const { node } = await edgeNode({ outbox: new MemoryOutbox(), devices: () => devices });
    await until('NBIRTH', () => spb.ofType('NBIRTH').length === 1);
    expect(spb.ofType('DBIRTH')).toEqual([]);
    devices.push(RELAY);
    node.notify();
    await until('the relay DBIRTH', () => spb.ofType('DBIRTH').length === 1);
    expect(spb.ofType('DBIRTH')[0]?.payload.metrics?.map((m) => m.name)).toContain('Outputs/relay');
    node.notify(); // nothing new: no second DBIRTH
    await node.stop();
    await until('the NDEATH of a graceful stop', () => spb.ofType('NDEATH').length === 1);
    expect(spb.ofType('DBIRTH')).toHaveLength(1);
    expect(sparkplugViolations(spb.decoded())).toEqual([]);
  });

  it('sends alerts as Alerts/<kind> flags by alias; an offline device gets a DDEATH and a new DBIRTH before its next data', async () => {
    const spb = await host();
    const outbox = new MemoryOutbox();
    const raised = { device: METER, kind: 'offline' as const, state: 'raised' as const, message: 'no answer after 3 attempts', ts: Date.now() };
    for (const draft of outboxDrafts('node-1', [], [raised, { ...raised, state: 'cleared' }])) {
      outbox.enqueue((seq) => ({ topic: draft.topic, payload: Buffer.from(draft.build(seq)) }));
    }
    await edgeNode({ outbox });
    await until('two DDATA', () => spb.ofType('DDATA').length === 2);
    const birth = spb.ofType('DBIRTH').find((m) => m.device?.endsWith('%2F1'));
    const offline = birth?.payload.metrics?.find((m) => m.name === 'Alerts/offline');
    expect(offline).toMatchObject({ type: 'Boolean', value: false });
    const values = spb.ofType('DDATA').map((m) => m.payload.metrics?.[0]);
    expect(values.map((m) => [toNumber(m?.alias), m?.value])).toEqual([
      [toNumber(offline?.alias), true],
      [toNumber(offline?.alias), false],
    ]);
    const meter = spb.decoded().filter((m) => m.device?.endsWith('%2F1')).map((m) => m.type);
    expect(meter).toEqual(['DBIRTH', 'DDATA', 'DDEATH', 'DBIRTH', 'DDATA']);
    expect(sparkplugViolations(spb.decoded())).toEqual([]);
  });

  it('flags windows replayed from the outbox as historical, stamped with the window end', async () => {
    const spb = await host();
    const outbox = new MemoryOutbox();
    const hourAgo = Date.now() - 3_600_000;
    fill(outbox, 2, () => hourAgo);
    await edgeNode({ outbox });
    await until('2 DDATA', () => spb.ofType('DDATA').length === 2);
    const metric = spb.ofType('DDATA')[0]?.payload.metrics?.[0];
    expect(metric?.isHistorical).toBe(true);
    expect(toNumber(metric?.timestamp)).toBe(hourAgo);
  });

  it('holds births and data while the primary host is offline, buffering in the outbox', async () => {
    const spb = await host();
    const scada = await connectAsync(broker.url);
    cleanups.push(async () => {
      await scada.publishAsync('spBv1.0/STATE/scada-1', '', { retain: true, qos: 1 });
      await scada.endAsync();
    });
    await scada.publishAsync('spBv1.0/STATE/scada-1', JSON.stringify({ online: false, timestamp: Date.now() }), { retain: true, qos: 1 });
    const outbox = new MemoryOutbox();
    fill(outbox, 5);
    const { node } = await edgeNode({ outbox, primaryHostId: 'scada-1' });
    await until('connected', () => node.status().state === 'connected');
    expect(spb.decoded()).toEqual([]);
    expect(outbox.outboxStats().depth).toBe(5);
    await scada.publishAsync('spBv1.0/STATE/scada-1', JSON.stringify({ online: true, timestamp: Date.now() }), { retain: true, qos: 1 });
    await until('the backlog after a birth', () => spb.ofType('DDATA').length === 5);
    expect(spb.decoded()[0]?.type).toBe('NBIRTH');
    expect(sparkplugViolations(spb.decoded())).toEqual([]);
  });

  it('sends births and data at QoS 0 by default (Sparkplug 3.0) and at QoS 1 with dataQos 1, emptying the outbox either way', async () => {
    const qosOf = async (dataQos: 0 | 1 | undefined) => {
      const sub = await connectAsync(broker.url);
      cleanups.push(() => sub.endAsync());
      const received: { type: string; qos: number }[] = [];
      sub.on('message', (topic, _payload, packet) => received.push({ type: topic.split('/')[2] ?? '', qos: packet.qos }));
      await sub.subscribeAsync(`spBv1.0/${GROUP}/#`, { qos: 1 });
      const outbox = new MemoryOutbox();
      fill(outbox, 3);
      const { node } = await edgeNode({ outbox, ...(dataQos === undefined ? {} : { dataQos }) });
      await until('3 DDATA', () => received.filter((m) => m.type === 'DDATA').length === 3);
      await until('the outbox emptied', () => outbox.outboxStats().depth === 0);
      await node.stop();
      await until('the NDEATH', () => received.some((m) => m.type === 'NDEATH'));
      await sub.endAsync();
      return Object.fromEntries(received.map((m) => [m.type, m.qos]));
    };
    expect(await qosOf(undefined)).toEqual({ NBIRTH: 0, DBIRTH: 0, DDATA: 0, NDEATH: 1 });
    expect(await qosOf(1)).toEqual({ NBIRTH: 1, DBIRTH: 1, DDATA: 1, NDEATH: 1 });
  });

  it('ignores a primary host STATE older than the last one seen: a late offline does not hold data', async () => {
    const spb = await host();
    const lines: string[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const scada = await connectAsync(broker.url);
    cleanups.push(async () => {
      await scada.publishAsync('spBv1.0/STATE/scada-2', '', { retain: true, qos: 1 });
      await scada.endAsync();
    });
    const onlineAt = Date.now();
    await scada.publishAsync('spBv1.0/STATE/scada-2', JSON.stringify({ online: true, timestamp: onlineAt }), { retain: true, qos: 1 });
    const outbox = new MemoryOutbox();
    fill(outbox, 2);
    const { node } = await edgeNode({ outbox, primaryHostId: 'scada-2', log });
    await until('2 DDATA', () => spb.ofType('DDATA').length === 2);
    // The death of the host's previous session, delivered late.
    await scada.publishAsync('spBv1.0/STATE/scada-2', JSON.stringify({ online: false, timestamp: onlineAt - 60_000 }), { qos: 1 });
    await until('the stale STATE seen', () => lines.some((l) => l.includes('older than the last one')));
    fill(outbox, 2);
    node.notify();
    await until('data still flowing', () => spb.ofType('DDATA').length === 4);
    await scada.publishAsync('spBv1.0/STATE/scada-2', JSON.stringify({ online: false, timestamp: onlineAt + 1 }), { qos: 1 });
    // A newer one is taken: the host is offline now.
    await until('the host offline', () => lines.some((l) => l.includes('primary host state changed') && l.includes('"online":false')));
    expect(sparkplugViolations(spb.decoded())).toEqual([]);
  });
});
