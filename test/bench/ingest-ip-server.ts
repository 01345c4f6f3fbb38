/**
 * One side of the IP ingest benchmark, run pinned to one core by `ingest-ip.ts`: an ingest driver, or the
 * bare transport it is measured against, counting readings. Talks to its parent over IPC:
 * `{ready, port}` once listening, and `{count, cpuMs}` for each `'count'` message.
 *
 *   taskset -c 0 node --import tsx test/bench/ingest-ip-server.ts <kind> [brokerUrl]
 */
import dgram from 'node:dgram';
import Fastify from 'fastify';
import { connectAsync } from 'mqtt';
import { silentLogger } from '../../appliance/log.js';
import { CoapIngestDriver } from '../../drivers/coap/coap-ingest-driver.js';
import { HttpIngestDriver } from '../../drivers/http/http-ingest-driver.js';
import { httpIngestRoutes } from '../../drivers/http/ingest-routes.js';
import { MqttIngestDriver } from '../../drivers/mqtt/mqtt-ingest-driver.js';
import type { DriverSink } from '../../drivers/types.js';
import { BENCH_DEVICES, READINGS_PER_MESSAGE } from './ingest-ip-workload.js';

export type ServerKind = 'http-ingest' | 'http-bare' | 'coap-ingest' | 'udp-echo' | 'mqtt-ingest' | 'mqtt-bare';

const kind = process.argv[2] as ServerKind;
const brokerUrl = process.argv[3] ?? '';
let count = 0;
const sink: DriverSink = { readings: (batch) => void (count += batch.length), deviceHealth: () => undefined };
const signal = new AbortController().signal;
const unlimited = { readingsPerSecond: 1e9, burst: 1e9 };
const tokenDevices = BENCH_DEVICES.map((d) => ({ name: d.name, token: d.token }));

async function start(): Promise<number> {
  switch (kind) {
    case 'http-ingest': {
      const driver = new HttpIngestDriver({ devices: tokenDevices, rateLimit: unlimited, log: silentLogger() });
      await driver.start(sink, signal);
      const app = Fastify();
      await app.register(httpIngestRoutes, { driver: () => driver });
      await app.listen({ host: '127.0.0.1', port: 0 });
      return (app.server.address() as { port: number }).port;
    }
    case 'http-bare': {
      // The same framework, route and raw-body parsing, but no token check, parsing or readings.
      const app = Fastify();
      app.addContentTypeParser('application/senml+json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
      app.post('/ingest/:device', async () => {
        count += READINGS_PER_MESSAGE;
        return { accepted: READINGS_PER_MESSAGE };
      });
      await app.listen({ host: '127.0.0.1', port: 0 });
      return (app.server.address() as { port: number }).port;
    }
    case 'coap-ingest': {
      const driver = new CoapIngestDriver({ host: '127.0.0.1', port: 0, devices: tokenDevices, rateLimit: unlimited, log: silentLogger() });
      await driver.start(sink, signal);
      return driver.address()?.port ?? 0;
    }
    case 'udp-echo': {
      const socket = dgram.createSocket('udp4');
      socket.on('message', (message, from) => {
        count += READINGS_PER_MESSAGE;
        socket.send(message, from.port, from.address);
      });
      await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
      return socket.address().port;
    }
    case 'mqtt-ingest': {
      const devices = BENCH_DEVICES.map((d) => ({ name: d.name, topic: d.topic, format: 'senml' as const }));
      const driver = new MqttIngestDriver({ url: brokerUrl, clientId: `bench-ingest-${process.pid}`, devices, rateLimit: unlimited, log: silentLogger() });
      await driver.start(sink, signal);
      await waitFor(() => driver.health().state !== 'offline');
      return 0;
    }
    case 'mqtt-bare': {
      const client = await connectAsync(brokerUrl, { clientId: `bench-bare-${process.pid}` });
      client.on('message', () => void (count += READINGS_PER_MESSAGE));
      await client.subscribeAsync(BENCH_DEVICES.map((d) => d.topic), { qos: 1 });
      return 0;
    }
  }
}

async function waitFor(probe: () => boolean): Promise<void> {
  while (!probe()) await new Promise((resolve) => setTimeout(resolve, 10));
}

const port = await start();
process.on('message', (message) => {
  if (message !== 'count') return;
  const cpu = process.cpuUsage();
  process.send?.({ count, cpuMs: (cpu.user + cpu.system) / 1000 });
});
process.send?.({ ready: true, port });
