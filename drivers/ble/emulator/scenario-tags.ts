import { constant, noise, sinusoid, sum, DAY_MS, type Signal } from '../../sim/signal.js';
import type { ScenarioName } from '../../sim/scenario.js';
import type { EmulatedTag } from './ble-world.js';
import type { TagValues } from './encode.js';

const at = (worldMs: number, signal: Signal) => signal(worldMs);
const climate = (seed: number, temperature: number, humidity: number, extra: (t: number) => Partial<TagValues> = () => ({})) => {
  const t = sum(constant(temperature), sinusoid({ amplitude: 0.8, periodMs: DAY_MS, peakMs: 15 * 3_600_000 }), noise({ seed, sigma: 0.1 }));
  const h = sum(constant(humidity), noise({ seed: seed + 1, sigma: 0.5 }));
  return (worldMs: number): TagValues => ({ temperature: at(worldMs, t), humidity: at(worldMs, h), battery: 87, ...extra(worldMs) });
};

/** The bind key of the factory's encrypted cold-store tag; adoption in the scenario enters it. */
export const FACTORY_COLD_STORE_KEY = '231d39c1d7cc1ab1aee224cd096db932';

/** BLE tags of each scenario: one of every supported format in the factory, air quality in the city. */
export function scenarioTags(name: ScenarioName): EmulatedTag[] {
  const tag = (t: Omit<EmulatedTag, 'intervalMs' | 'repeats' | 'rssi'> & Partial<EmulatedTag>): EmulatedTag => ({
    intervalMs: 2_000,
    repeats: 3,
    rssi: -70,
    ...t,
  });
  if (name === 'factory') {
    return [
      tag({ name: 'cold store 1 (BTHome, encrypted)', address: 'a4:c1:38:00:00:01', format: 'bthome', key: FACTORY_COLD_STORE_KEY, values: climate(101, -18, 80) }),
      tag({ name: 'cold store 2 (Ruuvi)', address: 'cb:b8:33:00:00:02', format: 'ruuvi-5', values: climate(102, 3, 88, () => ({ pressure: 1012 })) }),
      tag({ name: 'press line (Xiaomi pvvx)', address: 'a4:c1:38:00:00:03', format: 'pvvx', values: climate(103, 31, 40) }),
      tag({ name: 'packing hall (Xiaomi atc1441)', address: 'a4:c1:38:00:00:04', format: 'atc1441', values: climate(104, 22, 45) }),
      tag({ name: 'office (Govee H5075)', address: 'a4:c1:38:00:00:05', format: 'govee-h5075', values: climate(105, 21, 38) }),
    ];
  }
  const air = (seed: number, pm25: number, co2: number) =>
    climate(seed, 14, 70, (t) => ({ pm25: Math.max(0, at(t, sum(constant(pm25), noise({ seed: seed + 2, sigma: 3 })))), co2: Math.max(0, at(t, sum(constant(co2), noise({ seed: seed + 3, sigma: 15 })))) }));
  return [
    tag({ name: 'air quality: market square', address: 'c4:7c:8d:00:01:01', format: 'bthome', values: air(201, 18, 520) }),
    tag({ name: 'air quality: ring road', address: 'c4:7c:8d:00:01:02', format: 'bthome', values: air(202, 35, 610) }),
  ];
}
