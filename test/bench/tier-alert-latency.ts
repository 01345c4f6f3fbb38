/**
 * Gateway → edge server alert latency: a reading POSTed to a gateway Outpost (HTTP ingest, raw forwarding
 * at every reading) until the edge server's threshold rule alerts on it, as a local app on the edge sees it
 * (the edge's live stream, QoS 0 on the LAN broker) and as the cloud sees it (the edge's JSON uplink). Both
 * appliances run with their default tick (`pipeline.tickMs`, 1 s) unless `--tick-ms` says otherwise, so
 * each hop waits up to a tick: that is the figure a user gets. Baseline in the same run: a bare mqtt.js
 * QoS 1 publish → receive on the same Mosquitto. Each sample alternates a reading above and below the
 * threshold (raised, then cleared), so every sample is one crossing, posted at a random phase of the ticks.
 *
 *   node --import tsx test/bench/tier-alert-latency.ts [--samples 40] [--tick-ms 1000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { parseConfig } from '../../appliance/config/load.js';
import { silentLogger } from '../../appliance/log.js';
import { Appliance } from '../../appliance/main.js';
import { startMosquitto } from '../support/mosquitto.js';
import { until } from '../support/until.js';
import { fmt, note, numberFlag, printTable } from './bench-kit.js';

const samples = numberFlag('samples', 40);
const tickMs = numberFlag('tick-ms', 1000);
const DEVICE = 'mqtt:gw1/http:boiler';
const TOKEN = 'boiler-token-0123456789';
const dirs: string[] = [];

function appliance(raw: Record<string, unknown>): Appliance {
  const dataDir = mkdtempSync(join(tmpdir(), 'outpost-bench-tier-'));
  dirs.push(dataDir);
  const config = parseConfig({ dataDir, http: { port: 0 }, pipeline: { tickMs }, ...raw }, 'tier latency bench');
  return new Appliance({ config, log: silentLogger(), version: 'bench' });
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/** Arrival times of messages on `filter` whose JSON says `state`, by state, for the sample loop to await. */
async function watch(url: string, filter: string): Promise<{ client: MqttClient; arrivals: { state: string; at: number }[] }> {
  const client = await connectAsync(url);
  const arrivals: { state: string; at: number }[] = [];
  client.on('message', (_topic, payload) => arrivals.push({ state: (JSON.parse(payload.toString()) as { state: string }).state, at: performance.now() }));
  await client.subscribeAsync(filter, { qos: 1 });
  return { client, arrivals };
}

async function baseline(url: string): Promise<number[]> {
  const [pub, sub] = await Promise.all([connectAsync(url), connectAsync(url)]);
  await sub.subscribeAsync('bench/rtt', { qos: 1 });
  const times: number[] = [];
  for (let i = 0; i < samples * 5; i++) {
    const arrived = new Promise<number>((resolve) => sub.once('message', () => resolve(performance.now())));
    const t0 = performance.now();
    await pub.publishAsync('bench/rtt', JSON.stringify({ metric: 'temperature', value: i }), { qos: 1 });
    times.push((await arrived) - t0);
  }
  await Promise.all([pub.endAsync(), sub.endAsync()]);
  return times;
}

const lan = await startMosquitto();
const cloud = await startMosquitto();
try {
  const base = await baseline(lan.url);
  const edge = appliance({
    nodeId: 'edge',
    mqtt: { url: cloud.url },
    live: { url: lan.url },
    ipIngest: { mqtt: { url: lan.url, clientId: 'edge-ingest', rateLimit: { readingsPerSecond: 10_000, burst: 10_000 }, devices: [{ name: 'gw1', topic: 'outpost/gw1/#', format: 'outpost-summary' }] } },
    rules: [{ name: 'boiler-hot', device: DEVICE, metric: 'temperature', when: { kind: 'threshold', above: 65 } }],
  });
  const gateway = appliance({ nodeId: 'gw1', mqtt: { url: lan.url }, ipIngest: { http: { devices: [{ name: 'boiler', token: TOKEN }] } }, rawForward: { devices: ['http:*'], everyMs: 0 } });
  await edge.start();
  await gateway.start();
  const local = await watch(lan.url, 'outpost/edge/live/alert/#');
  const upstream = await watch(cloud.url, 'outpost/edge/alert/#');
  const post = (value: number) =>
    fetch(`http://127.0.0.1:${gateway.httpAddress?.port}/ingest/boiler`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ metric: 'temperature', unit: '°C', value }),
    });
  // Warm-up: the edge learns the gateway's device and the uplinks connect before anything is timed.
  await post(60);
  await until('the edge to know the gateway device', async () => (await fetch(`http://127.0.0.1:${edge.httpAddress?.port}/api/health`)).ok, 10_000);
  const toLive: number[] = [];
  const toCloud: number[] = [];
  for (let i = 0; i < samples; i++) {
    const state = i % 2 === 0 ? 'raised' : 'cleared';
    // A random moment within a tick, so the samples do not all land at the same phase of the two tick loops.
    await new Promise((resolve) => setTimeout(resolve, Math.random() * tickMs));
    const [liveSeen, cloudSeen] = [local.arrivals.length, upstream.arrivals.length];
    const t0 = performance.now();
    // Within the metric's maxStep (15 °C), so the edge's spike filter takes each reading at once.
    await post(state === 'raised' ? 70 : 60);
    const liveAt = await until(`the ${state} alert on the live stream`, () => local.arrivals.slice(liveSeen).find((a) => a.state === state)?.at, 15_000);
    const cloudAt = await until(`the ${state} alert in the cloud`, () => upstream.arrivals.slice(cloudSeen).find((a) => a.state === state)?.at, 15_000);
    toLive.push(liveAt - t0);
    toCloud.push(cloudAt - t0);
  }
  await Promise.all([local.client.endAsync(), upstream.client.endAsync()]);
  await gateway.stop();
  await edge.stop();

  const row = (what: string, values: number[]): string[] => [what, fmt(values.length), fmt(percentile(values, 50), 1), fmt(percentile(values, 99), 1), fmt(Math.max(...values), 1)];
  note(`gateway and edge in one process, tickMs ${tickMs} on both, local Mosquitto; p99 of ${samples} samples is close to their maximum`);
  printTable('reading at the gateway → alert of the edge server (ms)', ['path', 'samples', 'p50', 'p99', 'max'], [
    row('baseline: bare mqtt.js QoS 1 publish → receive', base),
    row('reading → edge alert on its live stream (local apps)', toLive),
    row('reading → edge alert at the cloud broker', toCloud),
  ]);
} finally {
  await lan.stop();
  await cloud.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}
