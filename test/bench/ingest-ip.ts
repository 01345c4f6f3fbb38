/**
 * IP ingest throughput: readings per second each ingest driver accepts with its process pinned to one core
 * (`taskset -c 0`), against the bare transport under it measured in the same run with the same load:
 * Fastify answering the same POST without token check or parsing, a UDP socket echoing each CoAP datagram,
 * and an mqtt.js client only counting messages. Load comes from this process (on the other cores); every
 * message is a SenML JSON pack of 10 readings from one of 10 devices. Medians over `--runs`.
 *
 *   node --import tsx test/bench/ingest-ip.ts [--runs 3] [--seconds 3]
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { connectAsync } from 'mqtt';
import { startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { fmt, median, note, numberFlag, printTable } from './bench-kit.js';
import { coapLoad, httpLoad, mqttLoad } from './ingest-ip-load.js';
import type { ServerKind } from './ingest-ip-server.js';

const runs = numberFlag('runs', 3);
const seconds = numberFlag('seconds', 3);
const SERVER = fileURLToPath(new URL('ingest-ip-server.ts', import.meta.url));
const WARMUP_MS = 1_000;

interface Server {
  child: ChildProcess;
  port: number;
  count(): Promise<{ count: number; cpuMs: number }>;
}

async function startServer(kind: ServerKind, brokerUrl: string): Promise<Server> {
  const child = spawn('taskset', ['-c', '0', process.execPath, '--import', 'tsx', SERVER, kind, brokerUrl], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
  });
  const count = () =>
    new Promise<{ count: number; cpuMs: number }>((resolve) => {
      child.once('message', (m) => resolve(m as { count: number; cpuMs: number }));
      child.send('count');
    });
  return { child, port, count };
}

async function stopServer(server: Server): Promise<void> {
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGTERM');
  await exited;
}

type Load = (port: number, until: () => boolean) => Promise<void>;

/** Warms up until readings arrive, then measures readings accepted and server CPU over `seconds`. */
async function measure(kind: ServerKind, load: Load, brokerUrl: string): Promise<{ rate: number; cpuPerReadingUs: number }> {
  const server = await startServer(kind, brokerUrl);
  try {
    let stopAt = Date.now() + WARMUP_MS;
    await load(server.port, () => Date.now() >= stopAt);
    const before = await server.count();
    if (before.count === 0) throw new Error(`${kind}: no readings arrived during warm-up`);
    const started = Date.now();
    stopAt = started + seconds * 1000;
    await load(server.port, () => Date.now() >= stopAt);
    const after = await server.count();
    const elapsed = (Date.now() - started) / 1000;
    const readings = after.count - before.count;
    return { rate: readings / elapsed, cpuPerReadingUs: ((after.cpuMs - before.cpuMs) * 1000) / Math.max(readings, 1) };
  } finally {
    await stopServer(server);
  }
}

// The load generator keeps off the server's core, so the server's figure is one core's worth.
const cores = availableParallelism();
if (cores > 1) spawnSync('taskset', ['-p', '-c', `1-${cores - 1}`, String(process.pid)], { stdio: 'ignore' });
const broker: Mosquitto = await startMosquitto();
const publisher = await connectAsync(broker.url, { clientId: 'bench-publisher' });
const pairs: { transport: string; baseline: ServerKind; ingest: ServerKind; load: Load }[] = [
  { transport: 'HTTP (SenML JSON POST)', baseline: 'http-bare', ingest: 'http-ingest', load: (port, until) => httpLoad(port, until) },
  { transport: 'CoAP (CON POST, format 110)', baseline: 'udp-echo', ingest: 'coap-ingest', load: (port, until) => coapLoad(port, until) },
  { transport: 'MQTT (SenML topic, QoS 0)', baseline: 'mqtt-bare', ingest: 'mqtt-ingest', load: (_port, until) => mqttLoad(publisher, until) },
];

const rows: string[][] = [];
try {
  for (const pair of pairs) {
    const base: number[] = [];
    const ingest: number[] = [];
    const cpu: number[] = [];
    for (let run = 0; run < runs; run++) {
      base.push((await measure(pair.baseline, pair.load, broker.url)).rate);
      const result = await measure(pair.ingest, pair.load, broker.url);
      ingest.push(result.rate);
      cpu.push(result.cpuPerReadingUs);
    }
    rows.push([pair.transport, fmt(median(base)), fmt(median(ingest)), `${fmt((median(ingest) / median(base)) * 100)} %`, fmt(median(cpu), 1)]);
  }
} finally {
  await publisher.endAsync();
  await broker.stop();
}

printTable(
  `IP ingest, server pinned to one core, medians of ${runs} runs of ${seconds} s (10 readings per message)`,
  ['transport', 'baseline readings/s', 'ingest readings/s', 'ingest/baseline', 'server CPU µs/reading'],
  rows,
);
note(`load average at the end: ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cores} cores (other load skews both columns alike).`);
note('baselines: HTTP = bare Fastify route, no parsing; CoAP = UDP echo; MQTT = mqtt.js subscriber counting messages.');
