import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startScenario, type RunningScenario } from '../../drivers/sim/start-emulators.js';
import { startMosquitto } from '../../test/support/mosquitto.js';
import { silentLogger } from '../log.js';
import type { Store } from '../store/store.js';
import { asClient, setUpAdmin, testWeb, type Client, type TestWeb } from './testing.js';

const webs: TestWeb[] = [];
afterEach(async () => {
  for (const w of webs.splice(0)) await w.close();
});
async function admin(overrides: Parameters<typeof testWeb>[0] = {}): Promise<[TestWeb, Client]> {
  const w = await testWeb(overrides);
  webs.push(w);
  return [w, await setUpAdmin(w)];
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('broker settings', () => {
  it('an invalid broker URL or certificate is refused next to its field and nothing is saved', async () => {
    const [w, client] = await admin();
    const before = readFileSync(join(w.dataDir, 'config.json'), 'utf8');
    const put = (mqtt: Record<string, string>) =>
      w.app.inject({ method: 'PUT', url: '/api/settings', headers: asClient(client), payload: { siteName: 'Hall 3', nodeName: 'hall-3', timeZone: 'UTC', mqtt } });
    const cases: [Record<string, string>, string, string][] = [
      [{ url: 'broker.example:1883' }, 'BROKER_URL_INVALID', 'mqtt.url'],
      [{ url: 'http://broker.example' }, 'BROKER_URL_INVALID', 'mqtt.url'],
      [{ url: 'mqtt://user:pw@broker.example' }, 'BROKER_URL_INVALID', 'mqtt.url'],
      [{ url: 'mqtts://broker.example', caCert: '-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----' }, 'CERT_INVALID', 'mqtt.caCert'],
      [{ url: 'mqtts://broker.example', clientKey: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----' }, 'CERT_INVALID', 'mqtt.clientCert'],
    ];
    for (const [mqtt, code, field] of cases) {
      const r = await put(mqtt);
      expect([mqtt.url, r.statusCode, r.json().error.code, r.json().error.field]).toEqual([mqtt.url, 400, code, field]);
    }
    expect(readFileSync(join(w.dataDir, 'config.json'), 'utf8')).toBe(before);
    const ok = await put({ url: 'mqtt://broker.example:1883', username: 'edge' });
    expect(ok.statusCode).toBe(200);
    expect(JSON.parse(readFileSync(join(w.dataDir, 'config.json'), 'utf8'))).toEqual({ nodeId: 'hall-3', mqtt: { url: 'mqtt://broker.example:1883', username: 'edge' } });
  });

  it('"test connection" reports what the broker answered: accepted, not authorised, or nobody listening', async () => {
    const [w, client] = await admin();
    const open = await startMosquitto();
    const closedBroker = await startMosquitto({ allowAnonymous: false });
    try {
      const probe = async (url: string) =>
        (await w.app.inject({ method: 'POST', url: '/api/setup/mqtt-test', headers: asClient(client), payload: { url } })).json<{ ok: boolean; answer: string }>();
      expect(await probe(open.url)).toMatchObject({ ok: true, answer: expect.stringContaining('CONNACK return code 0') });
      expect(await probe(closedBroker.url)).toMatchObject({ ok: false, answer: expect.stringContaining('return code 5 (not authorized)') });
      expect(await probe(`mqtt://127.0.0.1:${await closedPort()}`)).toMatchObject({ ok: false, answer: expect.stringContaining('ECONNREFUSED') });
    } finally {
      await open.stop();
      await closedBroker.stop();
    }
  });
});

describe('adding a Modbus device', () => {
  let world: RunningScenario;
  beforeAll(async () => {
    world = await startScenario('factory', { log: silentLogger() });
  });
  afterAll(async () => world?.stop());

  const energyGateway = () => {
    const [host, port] = (world.endpoints['tcp-energy'] ?? '').replace('tcp://', '').split(':');
    return { host, port: Number(port) };
  };

  it('a test read returns the device values; an address that does not answer is refused and nothing is added', async () => {
    const [w, client] = await admin();
    const device = { name: 'Feed A', profile: 'sdm630', transport: 'tcp', ...energyGateway(), unitId: 1 };
    const read = await w.app.inject({ method: 'POST', url: '/api/modbus/test-read', headers: asClient(client), payload: device });
    expect(read.statusCode).toBe(200);
    expect(read.json().readings.map((r: { metric: string }) => r.metric)).toContain('voltage.l1');

    const config = readFileSync(join(w.dataDir, 'config.json'), 'utf8');
    const silent = await w.app.inject({ method: 'POST', url: '/api/modbus/devices', headers: asClient(client), payload: { ...device, unitId: 99 } });
    expect([silent.statusCode, silent.json().error.code, silent.json().error.field]).toEqual([400, 'MODBUS_NO_ANSWER', 'unitId']);
    expect(silent.json().error.message).toMatch(/did not answer: .*exception 11 \(gateway target failed to respond\)/);
    expect(readFileSync(join(w.dataDir, 'config.json'), 'utf8')).toBe(config);
    expect(w.added).toEqual([]);

    const added = await w.app.inject({ method: 'POST', url: '/api/modbus/devices', headers: asClient(client), payload: device });
    expect(added.statusCode).toBe(201);
    expect(w.added).toMatchObject([{ name: 'Feed A', unitId: 1, profile: 'sdm630' }]);
    expect(JSON.parse(readFileSync(join(w.dataDir, 'config.json'), 'utf8')).modbus.devices).toHaveLength(1);
  });

  it('an unknown profile or a missing host is named in the answer', async () => {
    const [w, client] = await admin();
    const post = (payload: Record<string, unknown>) => w.app.inject({ method: 'POST', url: '/api/modbus/test-read', headers: asClient(client), payload });
    expect((await post({ name: 'x', profile: 'sdm999', transport: 'tcp', host: 'h', unitId: 1 })).json().error).toMatchObject({ code: 'PROFILE_UNKNOWN', field: 'profile' });
    expect((await post({ name: 'x', profile: 'sdm630', transport: 'tcp', unitId: 1 })).json().error).toMatchObject({ code: 'INVALID_INPUT', field: 'host' });
    expect((await post({ name: 'x', profile: 'sdm630', transport: 'tcp', host: 'h', unitId: 300 })).json().error).toMatchObject({ code: 'INVALID_INPUT', field: 'unitId' });
  });
});

describe('errors and the rest of the API', () => {
  it('never returns a stack trace: internal failures are a bare INTERNAL, malformed JSON a 400', async () => {
    const broken = { counters: () => { throw new Error('SQLITE_CORRUPT at /var/lib/outpost/outpost.db'); } } as unknown as Store;
    const [w, client] = await admin({ store: () => broken });
    const r = await w.app.inject({ url: '/api/stats', headers: asClient(client) });
    expect(r.statusCode).toBe(500);
    expect(r.json()).toEqual({ error: { code: 'INTERNAL', message: 'internal error; the log on the box has the details' } });
    const bad = await w.app.inject({ method: 'POST', url: '/api/password', headers: { ...asClient(client), 'content-type': 'application/json' }, payload: '{"current":' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).not.toMatch(/\bat .*\.(js|ts):\d+/);
  });

  it('acknowledges an alert once; a second time is ALERT_UNKNOWN', async () => {
    const [w, client] = await admin();
    w.store.commitTick({ readings: [], summaries: [], drops: {}, outbox: [], devices: [], alerts: [{ device: 'gpio:17', kind: 'offline', state: 'raised', message: 'door offline', ts: 1 }] });
    const [alert] = w.store.alerts({ open: true });
    const ack = () => w.app.inject({ method: 'POST', url: `/api/alerts/${alert!.id}/ack`, headers: asClient(client) });
    expect((await ack()).statusCode).toBe(200);
    expect(w.store.alerts({ open: true })).toEqual([]);
    expect([(await ack()).statusCode, (await ack()).json().error.code]).toEqual([404, 'ALERT_UNKNOWN']);
  });

  it('streams each tick over SSE to a logged-in page, filtered to the chosen series', async () => {
    const [w, client] = await admin();
    await w.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = w.app.server.address() as { port: number };
    const response = await fetch(`http://127.0.0.1:${port}/api/live?device=d1&metric=power`, { headers: { cookie: client.cookie } });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = response.body!.getReader();
    await reader.read();
    const reading = (device: string) => ({ device, metric: 'power', value: 5, unit: 'W', ts: 1, quality: 'good' as const });
    w.live.publish({ readings: [reading('d1'), reading('d2')], summaries: [], alerts: [] });
    let text = '';
    while (!text.includes('\n\n')) text += new TextDecoder().decode((await reader.read()).value);
    expect(JSON.parse(/data: (.*)/.exec(text)![1]!)).toEqual({ stored: 2, readings: [reading('d1')], alerts: [] });
    await reader.cancel();
    expect((await fetch(`http://127.0.0.1:${port}/api/live`)).status).toBe(401);
  });

  it('serves the page gzipped, under 150 KB, with a CSP that allows nothing from elsewhere; system and network answer', async () => {
    const [w, client] = await admin();
    const page = await w.app.inject({ url: '/', headers: { 'accept-encoding': 'gzip' } });
    expect(page.headers['content-encoding']).toBe('gzip');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(gunzipSync(page.rawPayload).toString()).toContain('<script type="module" src="/app.js">');
    const system = (await w.app.inject({ url: '/api/system', headers: asClient(client) })).json();
    expect(system).toMatchObject({ version: '9.9.9-test', cpu: { cores: expect.any(Number) }, bytesWritten: expect.any(Number) });
    expect((await w.app.inject({ url: '/api/network', headers: asClient(client) })).json()).toMatchObject({ available: false });
    expect(existsSync(join(w.dataDir, 'outpost-setup-code.txt'))).toBe(false);
  });
});
