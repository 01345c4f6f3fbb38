/**
 * A Zigbee world in its own process for the footprint benchmark: the ZNP coordinator emulator with
 * `--devices` emulated devices (sensors, contacts, presence, air quality, plugs, lights in turn) that join
 * while pairing is open and report every `--every` seconds. Prints `tcp://127.0.0.1:PORT` when listening,
 * then `paired N` whenever more have joined.
 *
 *   node --import tsx test/bench/zigbee-world.ts [--devices 100] [--every 10]
 */
import { airQualitySensor, Cluster, contactSensor, dimmableLight, occupancySensor, smartPlug, temperatureHumiditySensor } from '../../drivers/zigbee/emulator/device-catalog.js';
import type { DeviceFrame, EmulatedDevice } from '../../drivers/zigbee/emulator/emulated-device.js';
import { ZnpEmulator } from '../../drivers/zigbee/emulator/znp-emulator.js';
import { numberFlag } from './bench-kit.js';

const count = numberFlag('devices', 100);
const everyMs = numberFlag('every', 10) * 1000;

type Reporting = { device: EmulatedDevice; report: (n: number) => DeviceFrame[] };
const kinds: ((ieee: string) => Reporting)[] = [
  (ieee) => {
    const d = temperatureHumiditySensor(ieee);
    return { device: d, report: (n) => [d.set(1, Cluster.TEMPERATURE, 0, 2000 + (n % 50)), d.set(1, Cluster.HUMIDITY, 0, 4500 + (n % 30))] };
  },
  (ieee) => {
    const d = contactSensor(ieee);
    return { device: d, report: (n) => [d.set(1, Cluster.IAS_ZONE, 0x0002, n % 2)] };
  },
  (ieee) => {
    const d = occupancySensor(ieee);
    return { device: d, report: (n) => [d.set(1, Cluster.OCCUPANCY, 0, n % 2)] };
  },
  (ieee) => {
    const d = airQualitySensor(ieee);
    return { device: d, report: (n) => [d.set(1, Cluster.PM25, 0, 10 + (n % 7)), d.set(1, Cluster.TEMPERATURE, 0, 1500 + (n % 40))] };
  },
  (ieee) => {
    const d = smartPlug(ieee, { on: true, watts: 0, volts: 230, milliamps: 0, centiKwh: 0 });
    return { device: d, report: (n) => [d.set(1, Cluster.ELECTRICAL, 0x050b, 100 + (n % 20)), d.set(1, Cluster.METERING, 0, n)] };
  },
  (ieee) => {
    const d = dimmableLight(ieee, { on: true, level: 200 });
    return { device: d, report: () => [d.set(1, Cluster.ON_OFF, 0, 1)] };
  },
];
const devices = Array.from({ length: count }, (_, i) => (kinds[i % kinds.length] as (ieee: string) => Reporting)(`0x00124b00b0${i.toString(16).padStart(6, '0')}`));

const emulator = new ZnpEmulator();
await emulator.start();
process.stdout.write(`${emulator.path}\n`);
const joined = new Set<Reporting>();
setInterval(() => {
  const before = joined.size;
  for (const d of devices) if (!joined.has(d) && emulator.coordinator.network.join(d.device)) joined.add(d);
  if (joined.size > before) process.stdout.write(`paired ${joined.size}\n`);
}, 500);
let n = 0;
setInterval(() => {
  n += 1;
  // Spread over the interval, as devices with their own timers would be.
  [...joined].forEach((d, i) => setTimeout(() => emulator.coordinator.network.deliver(d.device, d.report(n)), (i * everyMs) / joined.size));
}, everyMs);
process.on('SIGTERM', () => void emulator.stop().then(() => process.exit(0)));
