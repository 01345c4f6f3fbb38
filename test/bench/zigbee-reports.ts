/**
 * Zigbee report throughput: attribute reports per second from the ZNP coordinator emulator, over TCP,
 * through the real zigbee-herdsman and converters, the driver, the tick loop and the store, counted as
 * readings the tick loop committed to the store. Baseline in the same run: the same reports from the same emulator to a
 * raw TCP client that only decodes the ZNP frames (`FrameDecoder`). Runs alternate; medians of `--runs`.
 *
 *   node --import tsx test/bench/zigbee-reports.ts [--runs 3] [--sensors 50] [--reports 10000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { silentLogger } from '../../appliance/log.js';
import { Store } from '../../appliance/store/store.js';
import { Cluster, temperatureHumiditySensor } from '../../drivers/zigbee/emulator/device-catalog.js';
import type { EmulatedDevice } from '../../drivers/zigbee/emulator/emulated-device.js';
import { ZnpEmulator } from '../../drivers/zigbee/emulator/znp-emulator.js';
import { ZigbeeDriver } from '../../drivers/zigbee/zigbee-driver.js';
import { encodeFrame, FrameDecoder, MtSubsystem, MtType } from '../../drivers/zigbee/znp-frame.js';
import { until } from '../support/until.js';
import { benchTickLoop } from './bench-tick-loop.js';
import { fmt, median, note, numberFlag, printTable } from './bench-kit.js';

const runs = numberFlag('runs', 3);
const sensorCount = numberFlag('sensors', 50);
const reportCount = numberFlag('reports', 10_000);
/** Reports handed to the emulator per event-loop turn: a busy network, not one unbounded burst. */
const BURST = 100;
const log = silentLogger();

const dir = mkdtempSync(join(tmpdir(), 'outpost-bench-zigbee-'));
const emulator = new ZnpEmulator();
const sensors = Array.from({ length: sensorCount }, (_, i) => temperatureHumiditySensor(`0x00124b00be${i.toString(16).padStart(6, '0')}`));
let step = 0;

/** Sends `count` temperature reports round-robin over the sensors, `BURST` per turn; values move slowly so validation keeps them. */
async function sendReports(count: number): Promise<void> {
  for (let sent = 0; sent < count; ) {
    for (let i = 0; i < BURST && sent < count; i++, sent++, step++) {
      const sensor = sensors[step % sensors.length] as EmulatedDevice;
      emulator.coordinator.network.deliver(sensor, [sensor.set(1, Cluster.TEMPERATURE, 0, 2000 + (step % 200))]);
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
}

async function pairAll(): Promise<void> {
  const driver = new ZigbeeDriver({ port: emulator.path, dataDir: join(dir, 'zigbee'), log });
  await driver.start({ readings: () => {}, deviceHealth: () => {} }, new AbortController().signal);
  await driver.permitJoin(254);
  for (const sensor of sensors) emulator.coordinator.network.join(sensor);
  await until('all sensors paired', () => driver.devices().length === sensors.length, 300_000);
  await until('reporting configured', () => sensors.every((s) => s.reporting.has('1/1026/0')), 120_000);
  await driver.stop();
}

async function runBaseline(): Promise<number> {
  const socket = connect(emulator.port, '127.0.0.1');
  const decoder = new FrameDecoder();
  let received = 0;
  let pinged = false;
  socket.on('data', (chunk: Buffer) => {
    for (const frame of decoder.push(chunk).frames) {
      if (frame.subsystem === MtSubsystem.AF && frame.command === 0x81) received++;
      else if (frame.type === MtType.SRSP) pinged = true;
    }
  });
  // SYS_PING answered: the emulator has taken this connection as its host.
  socket.write(encodeFrame({ type: MtType.SREQ, subsystem: MtSubsystem.SYS, command: 0x01, data: Buffer.alloc(0) }));
  await until('ping answered', () => pinged);
  const started = performance.now();
  await sendReports(reportCount);
  await until('all frames decoded', () => received >= reportCount, 120_000);
  const ms = performance.now() - started;
  socket.destroy();
  return (reportCount * 1000) / ms;
}

async function runOutpost(run: number): Promise<{ rate: number; stored: number }> {
  const path = join(dir, `store-${run}.db`);
  const store = new Store({ path, log });
  await store.start();
  const { loop, intake } = benchTickLoop({ store, tickMs: 100 });
  let committed = 0;
  loop.on('tick', (event) => (committed += event.readings.length));
  await loop.start();
  const driver = new ZigbeeDriver({ port: emulator.path, dataDir: join(dir, 'zigbee'), log });
  await driver.start(intake, new AbortController().signal);
  // Warm-up: one report per sensor, so each converter definition is looked up before the clock starts.
  await sendReports(sensors.length);
  await until('warm-up committed', () => committed >= sensors.length, 60_000);
  const before = committed;
  const started = performance.now();
  await sendReports(reportCount);
  await until('every reading committed to the store', () => committed - before >= reportCount, 120_000);
  const ms = performance.now() - started;
  await driver.stop();
  await loop.stop();
  await store.stop();
  const reader = new Database(path, { readonly: true });
  const stored = reader.prepare('SELECT count(*) FROM readings').pluck().get() as number;
  reader.close();
  return { rate: (reportCount * 1000) / ms, stored };
}

await emulator.start();
note(`pairing ${sensorCount} emulated SNZB-02 sensors ...`);
await pairAll();
const baseline: number[] = [];
const outpost: number[] = [];
for (let run = 0; run < runs; run++) {
  baseline.push(await runBaseline());
  const result = await runOutpost(run);
  outpost.push(result.rate);
  note(`run ${run + 1}: baseline ${fmt(baseline.at(-1) ?? 0)} reports/s, outpost ${fmt(result.rate)} reports/s (${fmt(result.stored)} rows in the table${result.stored < reportCount ? ': reports of one sensor within the same ms replace each other' : ''})`);
}
await emulator.stop();
rmSync(dir, { recursive: true, force: true });

const row = (name: string, rates: number[]) => [name, fmt(median(rates)), fmt(Math.min(...rates)), fmt(Math.max(...rates))];
printTable(`Zigbee attribute reports per second (${fmt(reportCount)} reports over ${sensorCount} sensors, ${runs} runs)`, ['path', 'median', 'min', 'max'], [
  row('emulator → TCP → ZNP frame decode (baseline)', baseline),
  row('emulator → herdsman → converters → tick loop → store', outpost),
]);
note(`outpost / baseline: ${fmt((median(outpost) / median(baseline)) * 100, 1)} %`);
