import { withAnomalies, type AnomalyLabel } from '../../sim/anomaly.js';
import { dailyAnomalies } from '../../sim/anomaly-schedule.js';
import { deriveSeed } from '../../sim/random.js';
import { constant, noise, sinusoid, sum, DAY_MS, MINUTE_MS, type Signal } from '../../sim/signal.js';
import type { ScenarioName } from '../../sim/scenario.js';
import { OutpostError } from '../../types.js';
import type { EmulatedTag } from './ble-world.js';
import type { TagValues } from './encode.js';

const at = (worldMs: number, signal: Signal) => signal(worldMs);
const climate = (seed: number, temperature: number, humidity: number, extra: (t: number) => Partial<TagValues> = () => ({})) => {
  const t = sum(constant(temperature), sinusoid({ amplitude: 0.8, periodMs: DAY_MS, peakMs: 15 * 3_600_000 }), noise({ seed, sigma: 0.1 }));
  const h = sum(constant(humidity), noise({ seed: seed + 1, sigma: 0.5 }));
  return (worldMs: number): TagValues => ({ temperature: at(worldMs, t), humidity: at(worldMs, h), battery: 87, ...extra(worldMs) });
};

/** One byte of the address numbers the copy. */
const MAX_COPIES = 256;

/** The bind key of the factory's encrypted cold-store tag; adoption in the scenario enters it. */
export const FACTORY_COLD_STORE_KEY = '231d39c1d7cc1ab1aee224cd096db932';

export interface TagOptions {
  /** Copies of the site, as the scenario's `scale`; default 1. */
  scale?: number;
  /** World time anomalies come after; with `days` 0 (the default) the tags carry none. */
  startMs?: number;
  days?: number;
}

export interface TagSite {
  tags: EmulatedTag[];
  /** Labelled anomalies on the tags' streams, `device` being the tag's name. */
  anomalies: AnomalyLabel[];
}

/**
 * BLE tags of each scenario: one of every supported format in the factory, air quality in the city. Copy
 * `n` of the site has its own addresses (`n - 1` in the fourth byte), names (`, site n`) and noise; every
 * night the Ruuvi cold-store tag of each factory copy may show a labelled defrost spike.
 */
export function scenarioTags(name: ScenarioName, options: TagOptions = {}): TagSite {
  const { scale = 1, startMs = 0, days = 0 } = options;
  if (scale > MAX_COPIES) throw new OutpostError('SIM_BAD_OPTION', `BLE tags of ${name}: at most ${MAX_COPIES} copies have addresses of their own, not ${scale}`, { scale });
  const site: TagSite = { tags: [], anomalies: [] };
  for (let copy = 1; copy <= scale; copy += 1) {
    const tags = siteTags(name, copy);
    const ruuvi = tags.filter((t) => t.format === 'ruuvi-5').map((t) => t.name);
    const plans = ruuvi.length === 0 ? [] : [{ kind: 'spike' as const, metric: 'temperature', devices: ruuvi, fromHour: 1, toHour: 3, durationMs: 5 * MINUTE_MS, magnitude: 6 }];
    const anomalies = dailyAnomalies({ seed: deriveSeed(copy, `${name}-ble-anomalies`), startMs, days, plans });
    site.tags.push(...tags.map((t) => withTagAnomalies(t, anomalies.filter((a) => a.device === t.name))));
    site.anomalies.push(...anomalies);
  }
  site.anomalies.sort((a, b) => a.start - b.start);
  return site;
}

function siteTags(name: ScenarioName, copy: number): EmulatedTag[] {
  const seed = (base: number) => (copy === 1 ? base : deriveSeed(base, `copy-${copy}`));
  const tag = (t: Omit<EmulatedTag, 'intervalMs' | 'repeats' | 'rssi'> & Partial<EmulatedTag>): EmulatedTag => ({
    intervalMs: 2_000,
    repeats: 3,
    rssi: -70,
    ...t,
    name: copy === 1 ? t.name : `${t.name}, site ${copy}`,
    address: withCopy(t.address, copy),
  });
  if (name === 'factory') {
    return [
      tag({ name: 'cold store 1 (BTHome, encrypted)', address: 'a4:c1:38:00:00:01', format: 'bthome', key: FACTORY_COLD_STORE_KEY, values: climate(seed(101), -18, 80) }),
      tag({ name: 'cold store 2 (Ruuvi)', address: 'cb:b8:33:00:00:02', format: 'ruuvi-5', values: climate(seed(102), 3, 88, () => ({ pressure: 1012 })) }),
      tag({ name: 'press line (Xiaomi pvvx)', address: 'a4:c1:38:00:00:03', format: 'pvvx', values: climate(seed(103), 31, 40) }),
      tag({ name: 'packing hall (Xiaomi atc1441)', address: 'a4:c1:38:00:00:04', format: 'atc1441', values: climate(seed(104), 22, 45) }),
      tag({ name: 'office (Govee H5075)', address: 'a4:c1:38:00:00:05', format: 'govee-h5075', values: climate(seed(105), 21, 38) }),
    ];
  }
  const air = (s: number, pm25: number, co2: number) =>
    climate(s, 14, 70, (t) => ({ pm25: Math.max(0, at(t, sum(constant(pm25), noise({ seed: s + 2, sigma: 3 })))), co2: Math.max(0, at(t, sum(constant(co2), noise({ seed: s + 3, sigma: 15 })))) }));
  return [
    tag({ name: 'air quality: market square', address: 'c4:7c:8d:00:01:01', format: 'bthome', values: air(seed(201), 18, 520) }),
    tag({ name: 'air quality: ring road', address: 'c4:7c:8d:00:01:02', format: 'bthome', values: air(seed(202), 35, 610) }),
  ];
}

/** The fourth byte of the address numbers the copy. */
function withCopy(address: string, copy: number): string {
  const bytes = address.split(':');
  bytes[3] = (copy - 1).toString(16).padStart(2, '0');
  return bytes.join(':');
}

function withTagAnomalies(tag: EmulatedTag, labels: readonly AnomalyLabel[]): EmulatedTag {
  if (labels.length === 0) return tag;
  const metrics = [...new Set(labels.map((l) => l.metric))] as ('temperature' | 'humidity')[];
  const anomalous = metrics.map((metric) => {
    const own = labels.filter((l) => l.metric === metric);
    return [metric, withAnomalies((t) => tag.values(t)[metric], own, deriveSeed(0, tag.address))] as const;
  });
  return { ...tag, values: (t) => ({ ...tag.values(t), ...Object.fromEntries(anomalous.map(([metric, signal]) => [metric, signal(t)])) }) };
}
