import { describe, expect, it } from 'vitest';
import { buildScenario } from '../scenario.js';
import { DAY_MS, HOUR_MS } from '../signal.js';

const MIDNIGHT = Date.UTC(2025, 0, 6);
const at = (hour: number) => MIDNIGHT + DAY_MS + hour * HOUR_MS;
const city = buildScenario('city', { seed: 5, startMs: MIDNIGHT, days: 0 });

describe('city scenario', () => {
  it('has street-light feeders and air-quality stations on its gateway', () => {
    expect(city.devices.length).toBeGreaterThanOrEqual(6);
    expect(city.devices.filter((d) => d.profile.name === 'sdm120')).toHaveLength(4);
    expect(city.devices.filter((d) => d.profile.name === 'generic')).toHaveLength(3);
    expect(city.buses).toEqual([{ id: 'tcp-city', transport: 'tcp' }]);
  });

  it('lights the streets from dusk to dawn', () => {
    for (const feeder of city.devices.filter((d) => d.profile.name === 'sdm120')) {
      expect(feeder.read('power', at(2))).toBeGreaterThan(1_000);
      expect(feeder.read('power', at(12))).toBeLessThan(50);
      expect(feeder.read('power', at(21))).toBeGreaterThan(1_000);
    }
  });

  it('follows the traffic: dirtier and louder at the morning rush than before dawn', () => {
    for (const station of city.devices.filter((d) => d.profile.name === 'generic')) {
      for (const metric of ['pm25', 'no2', 'noise']) {
        expect(station.read(metric, at(8)), `${station.name} ${metric}`).toBeGreaterThan(station.read(metric, at(3)));
      }
    }
  });

  it('labels a couple of anomalies a day', () => {
    const labelled = buildScenario('city', { seed: 5, startMs: MIDNIGHT, days: 2 });
    expect(labelled.anomalies.length).toBeGreaterThanOrEqual(4);
    expect(new Set(labelled.anomalies.map((a) => a.kind))).toEqual(new Set(['spike', 'level-shift', 'dropout']));
  });
});
