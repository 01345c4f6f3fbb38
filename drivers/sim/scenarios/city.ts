import type { ModbusProfile } from '../../modbus/profile.js';
import { sdm120 } from '../../modbus/profiles/eastron-sdm120.js';
import { dailyAnomalies } from '../anomaly-schedule.js';
import { simDevice } from '../device.js';
import { gridFrequency, singlePhaseMeter } from '../meter-models.js';
import { deriveSeed, mulberry32 } from '../random.js';
import type { Site, SiteContext } from '../scenario.js';
import { HOUR_MS, MINUTE_MS, clamp, dailyCurve, noise, sum, type Signal } from '../signal.js';

/** A roadside air-quality station as a `generic` Modbus device: signed tenths in input registers. */
export const airQualityProfile: ModbusProfile = {
  name: 'generic',
  description: 'Air-quality station: PM2.5, NO2 and road noise',
  points: [
    { metric: 'pm25', table: 'input', address: 0, type: 'int16', scale: 0.1, unit: 'µg/m³' },
    { metric: 'no2', table: 'input', address: 1, type: 'int16', scale: 0.1, unit: 'µg/m³' },
    { metric: 'noise', table: 'input', address: 2, type: 'int16', scale: 0.1, unit: 'dB' },
  ],
  outputs: [],
};

const FEEDERS = ['north', 'south', 'east', 'west'] as const;
const STATIONS = ['centre', 'station', 'park'] as const;

/** Road traffic through the day, 1 at the rush hours. */
const traffic = dailyCurve([
  [3, 0.1],
  [8, 1],
  [10.5, 0.55],
  [15, 0.65],
  [17.5, 1],
  [21, 0.4],
]);

/** A lighting feeder: a few watts for its controller by day, every lamp from dusk to dawn. */
function lightingLoad(random: () => number): { load: Signal; ratedW: number } {
  const ratedW = 1_800 + Math.round(random() * 1_200);
  const standbyW = 12;
  const dawn = 6.5 + (random() - 0.5) * 0.2;
  const dusk = 19 + (random() - 0.5) * 0.2;
  // Lamps soft-start over a few minutes, so the edges are short ramps rather than steps.
  const on = dailyCurve([
    [dawn - 0.05, 1],
    [dawn + 0.05, 0],
    [dusk - 0.05, 0],
    [dusk + 0.05, 1],
  ]);
  return { ratedW, load: (t) => standbyW + (ratedW - standbyW) * on(t) };
}

/** Pollution and noise follow the traffic, each station with its own background and exposure. */
function airQuality(seed: number): Record<string, Signal> {
  const random = mulberry32(seed);
  const exposure = 0.6 + random() * 0.8;
  const level = (background: number, perTraffic: number, sigma: number, label: string) =>
    clamp(sum((t) => background + perTraffic * exposure * traffic(t), noise({ seed: deriveSeed(seed, label), sigma })), 0, 3_000);
  return {
    pm25: level(6 + random() * 6, 28, 1.2, 'pm25'),
    no2: level(12 + random() * 8, 48, 2, 'no2'),
    noise: level(42 + random() * 4, 24, 1.2, 'noise'),
  };
}

/**
 * A district on the Modbus TCP gateway `tcp-city`: street-light feeder meters (SDM120) at units 1–4 and
 * air-quality stations at 11–13. Every day a feeder's lights stay on at midday, a station reports a smoke
 * plume in the morning and another stops answering in the afternoon.
 */
export function buildCity(context: SiteContext): Site {
  const { seed, startMs, suffix } = context;
  const bus = `tcp-city${suffix}`;
  const feeders = FEEDERS.map((area) => `lights-${area}${suffix}`);
  const stations = STATIONS.map((place) => `air-${place}${suffix}`);
  const anomalies = dailyAnomalies({
    seed: deriveSeed(seed, 'anomalies'),
    startMs,
    days: context.days,
    plans: [
      { kind: 'spike', metric: 'pm25', devices: stations, fromHour: 9, toHour: 11, durationMs: 10 * MINUTE_MS, magnitude: 180 },
      { kind: 'level-shift', metric: 'power', devices: feeders, fromHour: 11, toHour: 13, durationMs: 3 * HOUR_MS, magnitude: 2_000 },
      { kind: 'dropout', metric: '*', devices: stations, fromHour: 14, toHour: 17, durationMs: 20 * MINUTE_MS, magnitude: 0 },
    ],
  });
  const random = mulberry32(deriveSeed(seed, 'commissioning'));
  const frequency = gridFrequency(deriveSeed(seed, 'grid'));
  const devices = [
    ...feeders.map((name, i) => {
      const { load, ratedW } = lightingLoad(random);
      const signals = singlePhaseMeter({
        seed: deriveSeed(seed, name),
        load,
        ratedW,
        frequency,
        originMs: startMs,
        initialKwh: 5_000 + Math.round(random() * 60_000),
      });
      return simDevice({ name, bus, unitId: 1 + i, profile: sdm120, seed: deriveSeed(seed, name), signals, anomalies });
    }),
    ...stations.map((name, i) =>
      simDevice({ name, bus, unitId: 11 + i, profile: airQualityProfile, seed: deriveSeed(seed, name), signals: airQuality(deriveSeed(seed, name)), anomalies }),
    ),
  ];
  return { buses: [{ id: bus, transport: 'tcp' }], devices, anomalies };
}
