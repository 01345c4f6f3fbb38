import type { ModbusProfile } from '../../modbus/profile.js';
import { sdm120 } from '../../modbus/profiles/eastron-sdm120.js';
import { sdm630 } from '../../modbus/profiles/eastron-sdm630.js';
import { xyMd02 } from '../../modbus/profiles/xy-md02.js';
import { dailyAnomalies, type AnomalyPlan } from '../anomaly-schedule.js';
import { simDevice } from '../device.js';
import { gridFrequency, singlePhaseMeter, threePhaseMeter } from '../meter-models.js';
import { deriveSeed, mulberry32 } from '../random.js';
import type { Site, SiteContext } from '../scenario.js';
import { HOUR_MS, MINUTE_MS, sum, workingDay, type Signal } from '../signal.js';
import { coldStoreClimate, hallClimate, machine, machineControllerProfile, type Machine } from './factory-models.js';

const MACHINES = 8;
const HALL_SENSORS = 10;
const COLD_STORE_SENSORS = 4;

function names(count: number, prefix: string, suffix: string): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${i + 1}${suffix}`);
}

/**
 * Every day: a cold-store glitch at night, a machine meter that stops answering before the shift, a
 * spindle overheating in the morning, a machine drawing more than it should at midday, a hall sensor that
 * hangs in the afternoon and a noisy humidity reading in the evening. The hours never overlap.
 */
function plans(meters: string[], controllers: string[], halls: string[], coldStore: string[]): AnomalyPlan[] {
  return [
    { kind: 'spike', metric: 'temperature', devices: coldStore, fromHour: 2, toHour: 4, durationMs: 3 * MINUTE_MS, magnitude: 8 },
    { kind: 'dropout', metric: '*', devices: meters, fromHour: 4.5, toHour: 7, durationMs: 15 * MINUTE_MS, magnitude: 0 },
    { kind: 'drift', metric: 'temperature.spindle', devices: controllers, fromHour: 8, toHour: 10.5, durationMs: 90 * MINUTE_MS, magnitude: 30 },
    { kind: 'level-shift', metric: 'power', devices: meters, fromHour: 12, toHour: 14.5, durationMs: HOUR_MS, magnitude: 1_500 },
    { kind: 'stuck', metric: 'temperature', devices: halls, fromHour: 15.5, toHour: 17.5, durationMs: 2 * HOUR_MS, magnitude: 0 },
    { kind: 'noise-burst', metric: 'humidity', devices: halls, fromHour: 20, toHour: 21.5, durationMs: 20 * MINUTE_MS, magnitude: 5 },
  ];
}

/**
 * A machine hall on two three-phase feeds. On the Modbus TCP gateway `tcp-energy`: SDM630 feeds at units
 * 1–2, one SDM120 per machine at 11–18 and the machine controllers at 21–28. Hall climate sensors at units
 * 1–10 on `tcp-climate`; cold-store sensors at 1–4 on the RTU bus `rtu-coldstore`. Each feed measures its
 * four machines plus the building's own load, so feed power is the sum of what the machine meters see.
 */
export function buildFactory(context: SiteContext): Site {
  const { seed, startMs, suffix } = context;
  const buses = { energy: `tcp-energy${suffix}`, climate: `tcp-climate${suffix}`, coldStore: `rtu-coldstore${suffix}` };
  const meters = names(MACHINES, 'meter-m', suffix);
  const controllers = names(MACHINES, 'machine-m', suffix);
  const halls = names(HALL_SENSORS, 'hall-t', suffix);
  const coldStore = names(COLD_STORE_SENSORS, 'coldstore-t', suffix);
  const anomalies = dailyAnomalies({
    seed: deriveSeed(seed, 'anomalies'),
    startMs,
    days: context.days,
    plans: plans(meters, controllers, halls, coldStore),
  });
  const random = mulberry32(deriveSeed(seed, 'commissioning'));
  const frequency = gridFrequency(deriveSeed(seed, 'grid'));
  const machines = Array.from({ length: MACHINES }, (_, i) => machine(deriveSeed(seed, `machine-${i + 1}`), startMs));
  const device = (name: string, bus: string, unitId: number, profile: ModbusProfile, signals: Record<string, Signal>) =>
    simDevice({ name, bus, unitId, profile, seed: deriveSeed(seed, name), signals, anomalies });

  const feed = (label: string, unitId: number, fed: Machine[], buildingDayW: number, buildingNightW: number) => {
    const building = workingDay({ startHour: 6, endHour: 22, day: buildingDayW, night: buildingNightW, rampHours: 1 });
    const name = `feed-${label}${suffix}`;
    return device(
      name,
      buses.energy,
      unitId,
      sdm630,
      threePhaseMeter({
        seed: deriveSeed(seed, name),
        load: sum(building, ...fed.map((m) => m.load)),
        ratedW: buildingDayW + fed.reduce((total, m) => total + m.ratedW, 0),
        frequency,
        originMs: startMs,
        initialKwh: 20_000 + Math.round(random() * 180_000),
      }),
    );
  };

  const devices = [
    feed('a', 1, machines.slice(0, MACHINES / 2), 4_000, 1_500),
    feed('b', 2, machines.slice(MACHINES / 2), 6_000, 2_000),
    ...machines.map((m, i) =>
      device(
        meters[i]!,
        buses.energy,
        11 + i,
        sdm120,
        singlePhaseMeter({
          seed: deriveSeed(seed, meters[i]!),
          load: m.load,
          ratedW: m.ratedW,
          frequency,
          originMs: startMs,
          initialKwh: 1_000 + Math.round(random() * 40_000),
        }),
      ),
    ),
    ...machines.map((m, i) => device(controllers[i]!, buses.energy, 21 + i, machineControllerProfile, m.controller)),
    ...halls.map((name, i) => device(name, buses.climate, 1 + i, xyMd02, hallClimate(deriveSeed(seed, name), startMs))),
    ...coldStore.map((name, i) => device(name, buses.coldStore, 1 + i, xyMd02, coldStoreClimate(deriveSeed(seed, name), startMs))),
  ];
  return {
    buses: [
      { id: buses.energy, transport: 'tcp' },
      { id: buses.climate, transport: 'tcp' },
      { id: buses.coldStore, transport: 'rtu' },
    ],
    devices,
    anomalies,
  };
}
