/**
 * BLE adverts decoded per second: our decoders alone, and the whole receive path (real noble over the
 * emulated binding → BleDriver → sink). Baselines from the same run: touching every byte of the same
 * adverts (decoder cost floor), and noble delivering `discover` to a no-op listener (driver cost floor).
 * Run: npx tsx test/bench/ble-decode.ts [--adverts 100000] [--runs 5]
 */
import { silentLogger } from '../../appliance/log.js';
import { BleDriver } from '../../drivers/ble/ble-driver.js';
import { decodeAdvert } from '../../drivers/ble/decoders/decode-advert.js';
import type { Advert } from '../../drivers/ble/decoders/types.js';
import { EmulatedBinding, type EmulatedAdvert } from '../../drivers/ble/emulator/emulated-binding.js';
import { encodeAdvert, type TagFormat } from '../../drivers/ble/emulator/encode.js';
import { createNoble } from '../../drivers/ble/noble-factory.js';
import type { DeviceInfo, DriverSink, Reading } from '../../drivers/types.js';
import { fmt, median, note, numberFlag, printTable } from './bench-kit.js';

const ADVERTS = numberFlag('adverts', 100_000);
const RUNS = numberFlag('runs', 5);
const KEY = Buffer.from('231d39c1d7cc1ab1aee224cd096db932', 'hex');
const FORMATS: { label: string; format: TagFormat; key?: Buffer }[] = [
  { label: 'BTHome', format: 'bthome' },
  { label: 'BTHome encrypted', format: 'bthome', key: KEY },
  { label: 'Ruuvi RAWv2', format: 'ruuvi-5' },
  { label: 'pvvx', format: 'pvvx' },
  { label: 'atc1441', format: 'atc1441' },
  { label: 'Govee H5075', format: 'govee-h5075' },
];

const address = (i: number) => `a4:c1:38:00:${((i >> 8) & 0xff).toString(16).padStart(2, '0')}:${(i & 0xff).toString(16).padStart(2, '0')}`;
function adverts(format: TagFormat, key: Buffer | undefined, count = 256): EmulatedAdvert[] {
  return Array.from({ length: count }, (_, i) =>
    encodeAdvert(format, { temperature: 4 + i / 100, humidity: 60, battery: 90 }, { address: address(i), rssi: -60, sequence: i + 1, ...(key ? { key } : {}) }),
  );
}
const asAdvert = (a: EmulatedAdvert): Advert => ({ ...a, serviceData: a.serviceData ?? [] });

function perSecond(work: () => void): number {
  const start = process.hrtime.bigint();
  work();
  return ADVERTS / (Number(process.hrtime.bigint() - start) / 1e9);
}

function decodeRate(batch: Advert[], key: Buffer | undefined): number {
  return perSecond(() => {
    for (let i = 0; i < ADVERTS; i += 1) decodeAdvert(batch[i % batch.length] as Advert, key);
  });
}

function touchRate(batch: Advert[]): number {
  let sink = 0;
  const rate = perSecond(() => {
    for (let i = 0; i < ADVERTS; i += 1) {
      const a = batch[i % batch.length] as Advert;
      const bytes = a.serviceData[0]?.data ?? a.manufacturerData ?? Buffer.alloc(0);
      for (const byte of bytes) sink += byte;
    }
  });
  if (sink < 0) note('unreachable');
  return rate;
}

async function pathRate(batch: EmulatedAdvert[], withDriver: boolean): Promise<number> {
  const binding = new EmulatedBinding();
  const noble = createNoble(binding);
  let delivered = 0;
  const sink: DriverSink = { readings: (r: Reading[]) => void (delivered += r.length > 0 ? 1 : 0), deviceHealth: (_: DeviceInfo) => undefined };
  const driver = new BleDriver({
    config: { adopted: batch.map((a) => ({ address: a.address })), offlineAfterSeconds: 600, watchdogSeconds: 600 },
    noble: () => noble,
    log: silentLogger(),
  });
  if (withDriver) await driver.start(sink, new AbortController().signal);
  else {
    noble.on('discover', () => void (delivered += 1));
    noble.on('stateChange', (s) => s === 'poweredOn' && noble.startScanning([], true));
  }
  while (!binding.scanning) await new Promise((resolve) => setImmediate(resolve));
  const fresh = Array.from({ length: ADVERTS }, (_, i) => batch[i % batch.length] as EmulatedAdvert);
  const rate = perSecond(() => {
    for (const advert of fresh) binding.advertise(advert);
  });
  await driver.stop();
  if (withDriver && delivered === 0) throw new Error('no readings reached the sink');
  return rate;
}

const rows: string[][] = [];
for (const { label, format, key } of FORMATS) {
  const batch = adverts(format, key).map(asAdvert);
  const decode = median(Array.from({ length: RUNS }, () => decodeRate(batch, key)));
  const touch = median(Array.from({ length: RUNS }, () => touchRate(batch)));
  rows.push([label, fmt(decode), fmt(touch), `${fmt(touch / decode, 1)}×`]);
}
printTable(`Decoders: adverts/s, median of ${RUNS} runs of ${fmt(ADVERTS)}`, ['format', 'decoded/s', 'baseline: read bytes/s', 'cost vs baseline'], rows);

const batch = adverts('pvvx', undefined, 5000);
const full: number[] = [];
const bare: number[] = [];
for (let r = 0; r < RUNS; r += 1) {
  bare.push(await pathRate(batch, false));
  full.push(await pathRate(batch, true));
}
printTable(
  `Receive path (pvvx, 5,000 adopted tags): adverts/s, median of ${RUNS} runs of ${fmt(ADVERTS)}`,
  ['path', 'adverts/s'],
  [
    ['baseline: binding → noble → no-op listener', fmt(median(bare))],
    ['binding → noble → BleDriver (decode, de-dup, readings) → sink', fmt(median(full))],
  ],
);
note('Path run: after the first 5,000 adverts each tag repeats its last counter, so most adverts are decoded and then dropped as duplicates, as repeated adverts on air are.');
