import { execFile } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { request as coapRequest, type IncomingMessage } from 'coap';
import { encode } from 'cborg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../appliance/log.js';
import { CoapIngestDriver } from '../../drivers/coap/coap-ingest-driver.js';
import { SENML_CBOR_EXAMPLE_HEX } from '../../drivers/ip-common/fixtures/documented-payloads.js';
import { driverContract } from '../support/driver-contract.js';
import { RecordingSink } from '../support/recording-sink.js';
import { until } from '../support/until.js';

const run = promisify(execFile);
const COAP_CLIENT = 'coap-client-notls';
const BOILER = { name: 'boiler', token: 'boiler-token-0123456789' };
const PUMP = { name: 'pump', token: 'pump-token-0123456789ab' };

async function freeUdpPort(): Promise<number> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/** Debian's libcoap client: the code and diagnostic of a refusal come on stderr, a success's payload on stdout. */
async function coapClient(args: string[]): Promise<{ out: string; err: string }> {
  const { stdout, stderr } = await run(COAP_CLIENT, ['-B', '5', ...args]);
  return { out: stdout, err: stderr };
}

/** The `coap` package as a device would use it: one request, the response code and payload. */
function send(url: string, options: { method: 'POST' | 'PUT'; confirmable: boolean; format: string; payload: Buffer }): Promise<{ code: string; payload: string }> {
  return new Promise((resolve, reject) => {
    const { hostname, port, pathname, search } = new URL(url);
    const req = coapRequest({ hostname, port: Number(port), pathname, query: search.slice(1), method: options.method, confirmable: options.confirmable });
    req.setOption('Content-Format', options.format);
    req.on('response', (res: IncomingMessage) => resolve({ code: res.code, payload: res.payload.toString() }));
    req.on('error', reject);
    req.end(options.payload);
  });
}

driverContract('CoAP ingest (readings sent with the coap package)', async () => {
  const port = await freeUdpPort();
  const driver = new CoapIngestDriver({ host: '127.0.0.1', port, devices: [BOILER, PUMP], rateLimit: { readingsPerSecond: 1000, burst: 1000 }, log: silentLogger() });
  // Devices push: keep both sending until the contract has seen them, like sensors on a period.
  const timer = setInterval(() => {
    for (const device of [BOILER, PUMP]) {
      const body = Buffer.from(JSON.stringify([{ bn: `${device.name}:`, n: 'temperature', u: 'Cel', v: 40 }]));
      send(`coap://127.0.0.1:${port}/ingest/${device.name}?token=${device.token}`, { method: 'POST', confirmable: false, format: 'application/senml+json', payload: body }).catch(() => undefined);
    }
  }, 100);
  return { driver, expectedDevices: ['coap:boiler', 'coap:pump'], teardown: async () => clearInterval(timer) };
});

describe('CoAP ingest with coap-client and the coap package', () => {
  const sink = new RecordingSink();
  let driver: CoapIngestDriver;
  let base: string;
  let dir: string;

  beforeAll(async () => {
    driver = new CoapIngestDriver({ host: '127.0.0.1', port: 0, devices: [BOILER, PUMP], rateLimit: { readingsPerSecond: 0.01, burst: 6 }, log: silentLogger() });
    await driver.start(sink, new AbortController().signal);
    base = `coap://127.0.0.1:${driver.address()?.port}/ingest`;
    dir = await mkdtemp(join(tmpdir(), 'outpost-coap-'));
  });

  afterAll(async () => {
    await driver.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('accepts SenML JSON from coap-client, confirmable (POST) and non-confirmable (PUT), answering 2.04', async () => {
    const con = await coapClient(['-m', 'post', '-t', '110', '-e', '[{"n":"urn:dev:ow:10e2073a01080063","u":"Cel","v":23.1}]', `${base}/boiler?token=${BOILER.token}`]);
    expect(JSON.parse(con.out)).toEqual({ accepted: 1, ignored: [] });
    const non = await coapClient(['-N', '-m', 'put', '-t', '110', '-e', '[{"n":"pressure","u":"Pa","v":101325}]', `${base}/boiler?token=${BOILER.token}`]);
    expect(JSON.parse(non.out)).toEqual({ accepted: 1, ignored: [] });
    expect(sink.received.map((r) => [r.device, r.metric, r.unit, r.value])).toEqual([['coap:boiler', 'temperature', '°C', 23.1], ['coap:boiler', 'pressure', 'Pa', 101325]]);
  });

  it('accepts the RFC 8428 CBOR pack as content format 112 from coap-client and from the coap package', async () => {
    const file = join(dir, 'pack.cbor');
    await writeFile(file, Buffer.from(SENML_CBOR_EXAMPLE_HEX, 'hex'));
    const fromClient = await coapClient(['-m', 'post', '-t', '112', '-f', file, `${base}/pump?token=${PUMP.token}`]);
    expect(JSON.parse(fromClient.out)).toMatchObject({ accepted: 2 });
    const fromPackage = await send(`${base}/pump?token=${PUMP.token}`, { method: 'POST', confirmable: true, format: 'application/senml+cbor', payload: Buffer.from(encode([{ n: 'pump:current', u: 'A', v: 3.5 }])) });
    expect(fromPackage.code).toBe('2.04');
    expect(sink.countFrom('coap:pump')).toBe(3);
  });

  it('answers each bad request with its 4.xx code and reason, storing nothing from it', async () => {
    const before = sink.received.length;
    const url = (device: string, token: string) => `${base}/${device}?token=${token}`;
    const cases: [string, string[]][] = [
      ['4.01 TOKEN_MISSING', ['-m', 'post', '-t', '110', '-e', '[]', `${base}/boiler`]],
      ['4.03 TOKEN_INVALID', ['-m', 'post', '-t', '110', '-e', '[]', url('boiler', PUMP.token)]],
      ['4.04 DEVICE_UNKNOWN', ['-m', 'post', '-t', '110', '-e', '[]', url('kettle', BOILER.token)]],
      ['4.00 PAYLOAD_NOT_JSON', ['-m', 'post', '-t', '110', '-e', 'twenty-one', url('boiler', BOILER.token)]],
      ['4.00 SENML_NO_NAME', ['-m', 'post', '-t', '110', '-e', '[{"u":"Cel","v":21}]', url('boiler', BOILER.token)]],
      ['4.00 PAYLOAD_NOT_CBOR', ['-m', 'post', '-t', '112', '-e', '{"n":"x"}', url('boiler', BOILER.token)]],
      ['4.15 CONTENT_FORMAT_UNSUPPORTED', ['-m', 'post', '-t', '0', '-e', '21', url('boiler', BOILER.token)]],
      ['4.05', ['-m', 'get', url('boiler', BOILER.token)]],
    ];
    for (const [expected, args] of cases) expect((await coapClient(args)).err.trim()).toMatch(new RegExp(`^${expected.replace('.', '\\.')}`));
    expect(sink.received.length).toBe(before);
  });

  it('answers 4.29 to a flooding device while another device is still served', async () => {
    const pack = Buffer.from(JSON.stringify([{ n: 'current', u: 'A', v: 1 }, { n: 'voltage', u: 'V', v: 230 }]));
    const codes: string[] = [];
    for (let i = 0; i < 5; i++) codes.push((await send(`${base}/pump?token=${PUMP.token}`, { method: 'POST', confirmable: false, format: 'application/senml+json', payload: pack })).code);
    expect(codes.filter((c) => c === '4.29').length).toBeGreaterThan(0);
    const boiler = await coapClient(['-m', 'post', '-t', '110', '-e', '[{"n":"temperature","u":"Cel","v":60}]', `${base}/boiler?token=${BOILER.token}`]);
    expect(JSON.parse(boiler.out)).toMatchObject({ accepted: 1 });
    await until('the pump shown degraded', () => driver.devices().find((d) => d.id === 'coap:pump')?.health.state === 'degraded');
    expect(driver.health()).toMatchObject({ counters: { devices: { pump: { refused: { RATE_LIMITED: codes.filter((c) => c === '4.29').length } } } } });
  });
});
