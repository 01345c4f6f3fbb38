import { readFileSync } from 'node:fs';
import path from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OutpostError } from '../../drivers/types.js';
import type { Logger } from '../../appliance/log.js';
import { brokerClientOptions, type BrokerSecurity } from '../../appliance/uplink/broker-security.js';
import { MemoryOutbox } from '../../appliance/uplink/memory-outbox.js';
import { BdSeqFile } from '../../appliance/uplink/bd-seq-file.js';
import { MqttUplink } from '../../appliance/uplink/mqtt-uplink.js';
import { SparkplugEdgeNode } from '../../appliance/uplink/sparkplug-edge-node.js';
import { startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { startBrokerProxy } from '../support/mosquitto-proxy.js';
import { createPasswordFile, createTestPki, type TestPki } from '../support/mosquitto-pki.js';
import { until } from '../support/until.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function capturedLog(): { log: Logger; text: () => string } {
  const lines: string[] = [];
  return { log: pino({ level: 'debug' }, { write: (line: string) => lines.push(line) }), text: () => lines.join('') };
}

function outboxWith(rows: number): MemoryOutbox {
  const outbox = new MemoryOutbox();
  for (let i = 0; i < rows; i++) outbox.enqueue((seq) => ({ topic: 'outpost/secure/summary/dev/power', payload: Buffer.from(JSON.stringify({ seq })) }));
  return outbox;
}

async function uplinkTo(url: string, security: BrokerSecurity, outbox: MemoryOutbox, log: Logger): Promise<MqttUplink> {
  const up = new MqttUplink({ url, nodeId: 'secure', outbox, log, version: '1', reconnect: { minMs: 50, maxMs: 200 }, clientOptions: brokerClientOptions(url, security) });
  cleanups.push(() => up.stop());
  await up.start();
  up.notify();
  return up;
}

async function collect(client: MqttClient): Promise<Buffer[]> {
  const received: Buffer[] = [];
  client.on('message', (_topic, payload) => received.push(payload));
  await client.subscribeAsync('outpost/secure/summary/#', { qos: 1 });
  cleanups.push(() => client.endAsync(true));
  return received;
}

describe('secure MQTT against a real Mosquitto', () => {
  let pki: TestPki;
  let tlsBroker: Mosquitto;
  let authBroker: Mosquitto;
  beforeAll(async () => {
    pki = await createTestPki();
    const tls = { caFile: pki.caFile, certFile: pki.serverCertFile, keyFile: pki.serverKeyFile, requireCertificate: true };
    const passwordFile = await createPasswordFile(pki.dir, 'outpost', 'c0rrect-horse');
    [tlsBroker, authBroker] = await Promise.all([startMosquitto({ tls }), startMosquitto({ passwordFile })]);
  });
  afterAll(async () => {
    await Promise.all([tlsBroker.stop(), authBroker.stop()]);
    await pki.remove();
  });

  it('delivers over TLS, verifying the broker against the test CA and presenting a client certificate', async () => {
    const received = await collect(
      await connectAsync(tlsBroker.url, { ...brokerClientOptions(tlsBroker.url, { caFile: pki.caFile, certFile: pki.clientCertFile, keyFile: pki.clientKeyFile }) }),
    );
    const outbox = outboxWith(20);
    const security = { caFile: pki.caFile, certFile: pki.clientCertFile, keyFile: pki.clientKeyFile };
    const up = await uplinkTo(tlsBroker.url, security, outbox, capturedLog().log);
    await until('20 rows over TLS', () => received.length === 20 && outbox.outboxStats().depth === 0);
    expect(up.status().state).toBe('connected');
  });

  it('refuses a broker whose certificate another CA signed, with a clear error, and keeps every row', async () => {
    const { log, text } = capturedLog();
    const outbox = outboxWith(20);
    const security = { caFile: pki.otherCaFile, certFile: pki.clientCertFile, keyFile: pki.clientKeyFile };
    const up = await uplinkTo(tlsBroker.url, security, outbox, log);
    await until('the TLS failure', () => up.status().lastErrorCode);
    expect(up.status()).toMatchObject({ state: 'connecting', lastErrorCode: 'UPLINK_TLS_UNTRUSTED', lastError: expect.stringMatching(/not trusted.*caFile/) });
    expect(text()).toContain('UPLINK_TLS_UNTRUSTED');
    expect(outbox.outboxStats().depth).toBe(20);
  });

  it('authenticates with username and password; a wrong password is a clear error, logged and shown without the secret', async () => {
    const received = await collect(await connectAsync(authBroker.url, { username: 'outpost', password: 'c0rrect-horse' }));
    const wrong = capturedLog();
    const kept = outboxWith(10);
    const refused = await uplinkTo(authBroker.url, { username: 'outpost', password: 'wr0ng-battery' }, kept, wrong.log);
    await until('the refusal', () => refused.status().lastErrorCode);
    expect(refused.status()).toMatchObject({ lastErrorCode: 'UPLINK_AUTH_REFUSED', lastError: expect.stringMatching(/refused the credentials/) });
    expect(kept.outboxStats().depth).toBe(10);
    expect(wrong.text() + JSON.stringify(refused.status())).not.toContain('wr0ng-battery');

    const right = capturedLog();
    const outbox = outboxWith(10);
    const up = await uplinkTo(`mqtt://127.0.0.1:${authBroker.port}`, { username: 'outpost', password: 'c0rrect-horse' }, outbox, right.log);
    await until('10 rows with credentials', () => received.length === 10 && outbox.outboxStats().depth === 0);
    expect(right.text() + JSON.stringify(up.status())).not.toContain('c0rrect-horse');
  });

  it('a Sparkplug edge node with a wrong password reports it, keeps the outbox, and spends no bdSeq on refused attempts', async () => {
    const outbox = outboxWith(5);
    const bdSeqPath = path.join(pki.dir, 'wrong.bdseq');
    const proxy = await startBrokerProxy(authBroker.port);
    cleanups.push(() => proxy.close());
    const node = new SparkplugEdgeNode({
      url: proxy.url, groupId: 'plant', edgeNodeId: 'secure', outbox, log: capturedLog().log, version: '1',
      bdSeq: new BdSeqFile(bdSeqPath), devices: () => [], write: async () => {}, reconnect: { minMs: 20, maxMs: 40 },
      clientOptions: brokerClientOptions(authBroker.url, { username: 'outpost', password: 'wr0ng-battery' }),
    });
    cleanups.push(() => node.stop());
    await node.start();
    await until('three refused attempts', () => proxy.connections >= 3);
    expect(node.status()).toMatchObject({ state: 'connecting', lastErrorCode: 'UPLINK_AUTH_REFUSED' });
    expect(readFileSync(bdSeqPath, 'utf8').trim()).toBe('1');
    expect(outbox.outboxStats().depth).toBe(5);
  });

  it('refuses plain text to a broker on another host unless allowed, and unreadable PEM files by name', () => {
    const refuse = (): unknown => brokerClientOptions('mqtt://broker.plant.lan:1883', { username: 'u', password: 'p' });
    expect(refuse).toThrow(OutpostError);
    expect(refuse).toThrow(/refusing plain-text MQTT to broker\.plant\.lan:1883/);
    expect(brokerClientOptions('mqtt://broker.plant.lan:1883', { allowInsecure: true })).toMatchObject({ rejectUnauthorized: true });
    expect(brokerClientOptions('mqtt://localhost:1883', {})).toEqual({ rejectUnauthorized: true });
    expect(() => brokerClientOptions('mqtts://broker.plant.lan', { caFile: '/nonexistent/ca.pem' })).toThrow(/cannot read caFile \/nonexistent\/ca\.pem/);
  });
});
