import { deriveSeed } from '../../sim/random.js';
import { clamp, constant, dailyCurve, HOUR_MS, MINUTE_MS, noise, sinusoid, sum, workingDay, type Signal } from '../../sim/signal.js';
import type { ScenarioName } from '../../sim/scenario.js';
import { airQualitySensor, Cluster, contactSensor, dimmableLight, occupancySensor, smartPlug, temperatureHumiditySensor } from './device-catalog.js';
import type { DeviceFrame, EmulatedDevice } from './emulated-device.js';

/** A scenario's Zigbee device: what it is called on site, and the reports it sends at a world instant. */
export interface ZigbeeSimDevice {
  name: string;
  device: EmulatedDevice;
  report(worldMs: number): DeviceFrame[];
}

/** Distinct IEEE addresses per scenario and copy: `0x00124b00`, site byte, copy byte, device number. */
function address(site: number, copy: number, n: number): string {
  const hex = (v: number, digits: number) => v.toString(16).padStart(digits, '0');
  return `0x00124b00${hex(site, 2)}${hex(copy & 0xff, 2)}${hex(n, 4)}`;
}

const centi = (signal: Signal, t: number): number => Math.round(signal(t) * 100);

function ambient(name: string, ieee: string, seed: number, temperature: number, humidity: number): ZigbeeSimDevice {
  const device = temperatureHumiditySensor(ieee, { temperature, humidity });
  const t = sum(constant(temperature), sinusoid({ amplitude: 1.5, periodMs: 24 * HOUR_MS, peakMs: 15 * HOUR_MS }), noise({ seed, sigma: 0.1 }));
  const h = clamp(sum(constant(humidity), noise({ seed: seed + 1, sigma: 0.8 })), 0, 100);
  return { name, device, report: (w) => [device.set(1, Cluster.TEMPERATURE, 0, centi(t, w)), device.set(1, Cluster.HUMIDITY, 0, centi(h, w))] };
}

/** A door that opens for `openMinutes` every `everyMinutes` of world time (deliveries, a cold store being stocked). */
function door(name: string, ieee: string, everyMinutes: number, openMinutes: number): ZigbeeSimDevice {
  const device = contactSensor(ieee);
  const open = (w: number) => w % (everyMinutes * MINUTE_MS) < openMinutes * MINUTE_MS;
  return { name, device, report: (w) => [device.set(1, Cluster.IAS_ZONE, 0x0002, open(w) ? 1 : 0)] };
}

function presence(name: string, ieee: string, seed: number): ZigbeeSimDevice {
  const device = occupancySensor(ieee);
  const busy = sum(workingDay({ startHour: 6, endHour: 22, day: 0.8, night: 0.02, rampHours: 1 }), noise({ seed, sigma: 0.3, bucketMs: 5 * MINUTE_MS }));
  return { name, device, report: (w) => [device.set(1, Cluster.OCCUPANCY, 0, busy(w) > 0.5 ? 1 : 0)] };
}

/** A plug that meters its load while switched on; whoever switches it (a rule, the cloud) is not the world. */
function machinePlug(name: string, ieee: string, seed: number, load: Signal): ZigbeeSimDevice {
  const device = smartPlug(ieee, { on: true, watts: 0, volts: 230, milliamps: 0, centiKwh: 0 });
  let centiKwh = 0;
  let lastMs: number | undefined;
  const volts = sum(constant(230), noise({ seed, sigma: 1.5 }));
  return {
    name,
    device,
    report: (w) => {
      const watts = device.attribute(1, Cluster.ON_OFF, 0)?.value === 1 ? Math.max(0, Math.round(load(w))) : 0;
      if (lastMs !== undefined && w > lastMs) centiKwh += (watts * (w - lastMs)) / HOUR_MS / 10;
      lastMs = w;
      const v = Math.round(volts(w));
      return [
        device.set(1, Cluster.ELECTRICAL, 0x050b, watts),
        device.set(1, Cluster.ELECTRICAL, 0x0505, v),
        device.set(1, Cluster.ELECTRICAL, 0x0508, Math.round((watts / v) * 1000)),
        device.set(1, Cluster.METERING, 0, Math.floor(centiKwh)),
      ];
    },
  };
}

/** A street light reports its level and state; the dusk-to-dawn schedule is the rules' job, not the world's. */
function streetLight(name: string, ieee: string): ZigbeeSimDevice {
  const device = dimmableLight(ieee, { on: true, level: 200 });
  const value = (cluster: number) => Number(device.attribute(1, cluster, 0)?.value ?? 0);
  return { name, device, report: () => [device.set(1, Cluster.ON_OFF, 0, value(Cluster.ON_OFF)), device.set(1, Cluster.LEVEL, 0, value(Cluster.LEVEL))] };
}

function air(name: string, ieee: string, seed: number, pm25: number): ZigbeeSimDevice {
  const device = airQualitySensor(ieee);
  const traffic = dailyCurve([[3, 0.5], [8, 1.6], [13, 1], [18, 1.5], [23, 0.7]]);
  const pm = (w: number) => Math.max(0, pm25 * traffic(w) + noise({ seed, sigma: 2 })(w));
  const t = sum(constant(14), sinusoid({ amplitude: 4, periodMs: 24 * HOUR_MS, peakMs: 15 * HOUR_MS }), noise({ seed: seed + 1, sigma: 0.2 }));
  return { name, device, report: (w) => [device.set(1, Cluster.PM25, 0, Math.round(pm(w) * 10) / 10), device.set(1, Cluster.TEMPERATURE, 0, centi(t, w))] };
}

/**
 * Zigbee devices of one copy of a scenario's site: in the factory door contacts, ambient sensors and plugs
 * metering machines; in the city street lights, a street-light plug and air-quality sensors.
 */
export function scenarioZigbeeDevices(name: ScenarioName, copy = 1): ZigbeeSimDevice[] {
  const seed = (base: number) => deriveSeed(base, `zigbee-${name}-${copy}`);
  const suffix = copy === 1 ? '' : `, site ${copy}`;
  const named = (list: ZigbeeSimDevice[]) => list.map((d) => ({ ...d, name: `${d.name}${suffix}` }));
  if (name === 'factory') {
    const at = (n: number) => address(0xfa, copy, n);
    const shift = (day: number) => sum(workingDay({ startHour: 6, endHour: 22, day, night: day * 0.05, rampHours: 1 }), noise({ seed: seed(day), sigma: day * 0.05 }));
    return named([
      door('loading dock door (Zigbee)', at(1), 45, 6),
      door('cold store side door (Zigbee)', at(2), 120, 3),
      ambient('packing hall ambient (Zigbee)', at(3), seed(3), 22, 45),
      ambient('paint shop ambient (Zigbee)', at(4), seed(4), 24, 35),
      presence('packing hall presence (Zigbee)', at(5), seed(5)),
      machinePlug('bench grinder plug', at(6), seed(6), shift(450)),
      machinePlug('air dryer plug', at(7), seed(7), shift(900)),
    ]);
  }
  const at = (n: number) => address(0xc1, copy, n);
  return named([
    streetLight('street light, Main St 1', at(1)),
    streetLight('street light, Main St 2', at(2)),
    machinePlug('street-light plug, park', at(3), seed(3), dailyCurve([[5, 120], [6, 0], [18, 0], [19, 120]])),
    air('air quality, market square (Zigbee)', at(4), seed(4), 14),
    air('air quality, ring road (Zigbee)', at(5), seed(5), 26),
  ]);
}
