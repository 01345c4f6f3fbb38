import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../appliance/log.js';
import { HttpIngestDriver } from '../../drivers/http/http-ingest-driver.js';
import { httpIngestRoutes } from '../../drivers/http/ingest-routes.js';
import { SENML_CBOR_EXAMPLE_HEX, SENML_MULTIPLE_MEASUREMENTS } from '../../drivers/ip-common/fixtures/documented-payloads.js';
import { driverContract } from '../support/driver-contract.js';
import { RecordingSink } from '../support/recording-sink.js';

const run = promisify(execFile);
const METER = { name: 'meter', token: 'meter-token-0123456789' };
const SENSOR = { name: 'sensor', token: 'sensor-token-0123456789' };

/** The ingest routes on a real port, as the appliance serves them. */
async function serve(driver: HttpIngestDriver): Promise<{ app: FastifyInstance; base: string }> {
  const app = Fastify();
  await app.register(httpIngestRoutes, { driver: () => driver });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address !== 'object') throw new Error('no address');
  return { app, base: `http://127.0.0.1:${address.port}/ingest` };
}

/** curl as a device: the status code on the last line after the body. */
async function curl(args: string[]): Promise<{ status: number; body: string }> {
  const { stdout } = await run('curl', ['-sS', '-w', '\n%{http_code}', ...args]);
  const cut = stdout.lastIndexOf('\n');
  return { status: Number(stdout.slice(cut + 1)), body: stdout.slice(0, cut) };
}

driverContract('HTTP ingest (readings posted with fetch)', async () => {
  const driver = new HttpIngestDriver({ devices: [METER, SENSOR], rateLimit: { readingsPerSecond: 1000, burst: 1000 }, log: silentLogger() });
  const { app, base } = await serve(driver);
  const timer = setInterval(() => {
    for (const device of [METER, SENSOR]) {
      void fetch(`${base}/${device.name}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${device.token}`, 'content-type': 'application/senml+json' },
        body: JSON.stringify([{ bn: `${device.name}:`, n: 'power', u: 'W', v: 120 }]),
      }).catch(() => undefined);
    }
  }, 100);
  return { driver, expectedDevices: ['http:meter', 'http:sensor'], teardown: async () => { clearInterval(timer); await app.close(); } };
});

describe('HTTP ingest with curl', () => {
  const sink = new RecordingSink();
  const driver = new HttpIngestDriver({ devices: [METER, SENSOR], rateLimit: { readingsPerSecond: 1000, burst: 1000 }, log: silentLogger() });
  let app: FastifyInstance;
  let base: string;
  let dir: string;

  beforeAll(async () => {
    await driver.start(sink, new AbortController().signal);
    ({ app, base } = await serve(driver));
    dir = await mkdtemp(join(tmpdir(), 'outpost-http-'));
  });

  afterAll(async () => {
    await driver.stop();
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('turns a SenML JSON pack and a SenML CBOR pack posted by curl into readings of the device', async () => {
    const json = await curl(['-H', `Authorization: Bearer ${METER.token}`, '-H', 'Content-Type: application/senml+json', '--data-binary', SENML_MULTIPLE_MEASUREMENTS, `${base}/meter`]);
    expect([json.status, JSON.parse(json.body)]).toEqual([200, { accepted: 7, ignored: [] }]);
    const file = join(dir, 'pack.cbor');
    await writeFile(file, Buffer.from(SENML_CBOR_EXAMPLE_HEX, 'hex'));
    const cbor = await curl(['-H', `Authorization: Bearer ${SENSOR.token}`, '-H', 'Content-Type: application/senml+cbor', '--data-binary', `@${file}`, `${base}/sensor`]);
    expect([cbor.status, JSON.parse(cbor.body)]).toEqual([200, { accepted: 2, ignored: [] }]);
    expect(sink.countFrom('http:meter')).toBe(7);
    expect(sink.received.filter((r) => r.device === 'http:sensor').map((r) => [r.metric, r.value, r.ts])).toEqual([['voltage', 120.1, 1276020076001], ['current', 1.2, 1276020076001]]);
  });

  it('tells curl what is wrong: a wrong token, an unknown device, a payload that is not JSON', async () => {
    const before = sink.received.length;
    const wrong = await curl(['-H', 'Authorization: Bearer not-the-meter-token', '-H', 'Content-Type: application/senml+json', '--data-binary', '[]', `${base}/meter`]);
    expect([wrong.status, JSON.parse(wrong.body).code]).toEqual([403, 'TOKEN_INVALID']);
    const unknown = await curl(['-H', `Authorization: Bearer ${METER.token}`, '-H', 'Content-Type: application/senml+json', '--data-binary', '[]', `${base}/kettle`]);
    expect([unknown.status, JSON.parse(unknown.body).error]).toEqual([404, 'no http device "kettle" is configured']);
    const garbage = await curl(['-H', `Authorization: Bearer ${METER.token}`, '-H', 'Content-Type: application/senml+json', '--data-binary', 'temperature=21', `${base}/meter`]);
    expect([garbage.status, JSON.parse(garbage.body).code]).toEqual([400, 'PAYLOAD_NOT_JSON']);
    expect(sink.received.length).toBe(before);
  });
});
