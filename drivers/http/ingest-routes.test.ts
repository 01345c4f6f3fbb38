import { encode } from 'cborg';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../appliance/log.js';
import { RecordingSink } from '../../test/support/recording-sink.js';
import { SENML_CBOR_EXAMPLE_HEX, SENML_MULTIPLE_DATAPOINTS } from '../ip-common/fixtures/documented-payloads.js';
import { HttpIngestDriver } from './http-ingest-driver.js';
import { httpIngestRoutes } from './ingest-routes.js';

const BOILER = { name: 'boiler', token: 'boiler-token-0123456789' };
const FLOODER = { name: 'flooder', token: 'flooder-token-0123456789' };
const SENML = { 'content-type': 'application/senml+json' };

describe('HTTP ingest', () => {
  let app: FastifyInstance;
  let driver: HttpIngestDriver;
  let sink: RecordingSink;
  const controller = new AbortController();

  beforeEach(async () => {
    sink = new RecordingSink();
    driver = new HttpIngestDriver({ devices: [BOILER, FLOODER], rateLimit: { readingsPerSecond: 1, burst: 20 }, log: silentLogger() });
    await driver.start(sink, controller.signal);
    app = Fastify();
    await app.register(httpIngestRoutes, { driver: () => driver });
  });

  afterEach(async () => {
    await driver.stop();
    await app.close();
  });

  const post = (device: string, token: string | undefined, headers: Record<string, string>, payload: string | Buffer) =>
    app.inject({ method: 'POST', url: `/ingest/${device}`, headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) }, payload });

  it('accepts SenML JSON and CBOR from a device with its token, as readings of that device', async () => {
    const json = await post('boiler', BOILER.token, SENML, SENML_MULTIPLE_DATAPOINTS);
    expect(json.statusCode).toBe(200);
    expect(json.json()).toEqual({ accepted: 2, ignored: [] });
    const cbor = await post('boiler', BOILER.token, { 'content-type': 'application/senml+cbor' }, Buffer.from(SENML_CBOR_EXAMPLE_HEX, 'hex'));
    expect(cbor.json()).toEqual({ accepted: 2, ignored: [] });
    expect(sink.received.map((r) => [r.device, r.metric, r.value])).toEqual([
      ['http:boiler', 'voltage', 120.1], ['http:boiler', 'current', 1.2], ['http:boiler', 'voltage', 120.1], ['http:boiler', 'current', 1.2],
    ]);
    expect(driver.devices().find((d) => d.id === 'http:boiler')?.health.state).toBe('ok');
  });

  it('accepts Outpost JSON readings', async () => {
    const reply = await post('boiler', BOILER.token, { 'content-type': 'application/json' }, '[{"metric":"temperature","value":61.5,"unit":"°C"}]');
    expect(reply.json()).toEqual({ accepted: 1, ignored: [] });
  });

  it('answers each bad request with its status and reason, storing nothing from it', async () => {
    const cases: [number, string, Promise<{ statusCode: number; json: () => { code: string; error: string } }>][] = [
      [401, 'TOKEN_MISSING', post('boiler', undefined, SENML, SENML_MULTIPLE_DATAPOINTS)],
      [403, 'TOKEN_INVALID', post('boiler', FLOODER.token, SENML, SENML_MULTIPLE_DATAPOINTS)],
      [404, 'DEVICE_UNKNOWN', post('kettle', BOILER.token, SENML, SENML_MULTIPLE_DATAPOINTS)],
      [415, 'CONTENT_FORMAT_UNSUPPORTED', post('boiler', BOILER.token, { 'content-type': 'text/plain' }, '21.5')],
      [400, 'PAYLOAD_NOT_JSON', post('boiler', BOILER.token, SENML, '[{"n":"temp",')],
      [400, 'PAYLOAD_NOT_CBOR', post('boiler', BOILER.token, { 'content-type': 'application/senml+cbor' }, Buffer.from([0xff, 0x00]))],
      [400, 'SENML_NO_NAME', post('boiler', BOILER.token, SENML, '[{"u":"Cel","v":21}]')],
      [400, 'SENML_INVALID', post('boiler', BOILER.token, SENML, '[{"n":"temp","bt":"noon","v":21}]')],
      [422, 'NO_READINGS', post('boiler', BOILER.token, SENML, '[{"n":"wibble","u":"furlong","v":3}]')],
    ];
    for (const [status, code, pending] of cases) {
      const reply = await pending;
      expect([reply.statusCode, reply.json().code], reply.json().error).toEqual([status, code]);
      expect(reply.json().error.length).toBeGreaterThan(10);
    }
    expect(sink.received).toEqual([]);
    expect(driver.health()).toMatchObject({ counters: { unknownDevices: 1, devices: { boiler: { accepted: 0, refused: { TOKEN_MISSING: 1, SENML_NO_NAME: 1 } } } } });
  });

  it('rate-limits a flooding device with 429 and Retry-After while another device is served', async () => {
    const pack = JSON.stringify(Array.from({ length: 5 }, (_, i) => ({ n: `flooder:temp`, u: 'Cel', v: 20 + i })));
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await post('flooder', FLOODER.token, SENML, pack)).statusCode);
    expect(statuses.slice(0, 4)).toEqual([200, 200, 200, 200]);
    expect(statuses.slice(4).every((s) => s === 429)).toBe(true);
    const limited = await post('flooder', FLOODER.token, SENML, pack);
    expect(limited.headers['retry-after']).toMatch(/^\d+$/);
    expect((await post('boiler', BOILER.token, SENML, SENML_MULTIPLE_DATAPOINTS)).statusCode).toBe(200);
    expect(sink.countFrom('http:flooder')).toBe(20);
    expect(sink.countFrom('http:boiler')).toBe(2);
    const flooder = driver.devices().find((d) => d.id === 'http:flooder');
    expect(flooder?.health).toMatchObject({ state: 'degraded', reason: expect.stringMatching(/^RATE_LIMITED/) });
    expect(driver.health()).toMatchObject({ counters: { devices: { flooder: { accepted: 20, refused: { RATE_LIMITED: 7 } } } } });
  });

  it('answers 503 once stopped', async () => {
    await driver.stop();
    const reply = await post('boiler', BOILER.token, SENML, SENML_MULTIPLE_DATAPOINTS);
    expect([reply.statusCode, reply.json().code]).toEqual([503, 'NOT_READY']);
  });
});
