import type { ModbusProfile } from '../modbus/profile.js';
import { isBitTable, wordCount } from '../modbus/profile.js';
import { OutpostError } from '../types.js';
import type { AnomalyLabel } from './anomaly.js';
import { deriveSeed } from './random.js';
import { buildCity } from './scenarios/city.js';
import { buildFactory } from './scenarios/factory.js';

export type { AnomalyLabel } from './anomaly.js';

export interface SimDevice {
  name: string;
  bus: string;
  unitId: number;
  profile: ModbusProfile;
  /** The value of one of the profile's metrics, in the point's unit, at a world time; pure and cheap. */
  read(metric: string, worldMs: number): number;
  /** True while a dropout anomaly holds: the emulator should not answer. */
  isDown(worldMs: number): boolean;
}

export interface SimBus {
  id: string;
  transport: 'tcp' | 'rtu';
}

export interface Scenario {
  name: string;
  buses: SimBus[];
  devices: SimDevice[];
  anomalies: AnomalyLabel[];
}

export type ScenarioName = 'factory' | 'city';

export interface ScenarioOptions {
  /** Default 1. */
  seed?: number;
  /** World time the scenario starts: counters start here, anomalies come after it. */
  startMs: number;
  /** Copies of the whole site, each on its own buses (`tcp-energy-2`, …); default 1. */
  scale?: number;
  /** Days of labelled anomalies from the UTC midnight before `startMs`; default 7, 0 for a clean world. */
  days?: number;
}

/** What a scenario builder gets for one copy of its site. */
export interface SiteContext {
  seed: number;
  startMs: number;
  days: number;
  /** Appended to every bus id and device name of this copy: `''` for the first, `-2`, `-3`, … after. */
  suffix: string;
}

export type Site = Omit<Scenario, 'name'>;

const BUILDERS: Readonly<Record<ScenarioName, (context: SiteContext) => Site>> = { factory: buildFactory, city: buildCity };

export function buildScenario(name: ScenarioName, options: ScenarioOptions): Scenario {
  const builder = Object.hasOwn(BUILDERS, name) ? BUILDERS[name] : undefined;
  if (builder === undefined) {
    throw new OutpostError('SIM_BAD_OPTION', `unknown scenario ${String(name)}: expected one of ${Object.keys(BUILDERS).join(', ')}`, {
      scenario: name,
    });
  }
  const { seed = 1, startMs, scale = 1, days = 7 } = options;
  const problem = !Number.isFinite(startMs)
    ? `startMs must be a finite epoch in ms, got ${startMs}`
    : !Number.isInteger(scale) || scale < 1
      ? `scale must be a whole number of at least 1, got ${scale}`
      : !Number.isInteger(days) || days < 0
        ? `days must be a whole number of at least 0, got ${days}`
        : !Number.isInteger(seed)
          ? `seed must be an integer, got ${seed}`
          : undefined;
  if (problem !== undefined) {
    throw new OutpostError('SIM_BAD_OPTION', `scenario ${name}: ${problem}`, { scenario: name, ...options });
  }
  const scenario: Scenario = { name, buses: [], devices: [], anomalies: [] };
  for (let copy = 0; copy < scale; copy++) {
    const site = builder({
      seed: copy === 0 ? seed : deriveSeed(seed, `copy-${copy + 1}`),
      startMs,
      days,
      suffix: copy === 0 ? '' : `-${copy + 1}`,
    });
    scenario.buses.push(...site.buses);
    scenario.devices.push(...site.devices);
    scenario.anomalies.push(...site.anomalies);
  }
  scenario.anomalies.sort((a, b) => a.start - b.start);
  return scenario;
}

/**
 * Registers (and coil or discrete bits) the scenario's devices serve to a poll of all their points,
 * outputs not included. Scale 1 serves 276 for the factory and 89 for the city; the footprint
 * benchmark's ~1,000 registers is the factory at scale 4 (1,104).
 */
export function registerCount(scenario: Scenario): number {
  let count = 0;
  for (const device of scenario.devices) {
    for (const point of device.profile.points) count += isBitTable(point.table) ? 1 : wordCount(point.type);
  }
  return count;
}
