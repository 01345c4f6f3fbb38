import { describe, expect, it } from 'vitest';
import { buildScenario, type SimDevice } from '../scenario.js';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../signal.js';

const MIDNIGHT = Date.UTC(2025, 0, 6);
const at = (hour: number, day = 1) => MIDNIGHT + day * DAY_MS + hour * HOUR_MS;
// No anomalies: these tests are about the normal physics of the hall.
const factory = buildScenario('factory', { seed: 11, startMs: MIDNIGHT, days: 0 });
const byProfile = (name: string, bus: string) => factory.devices.filter((d) => d.profile.name === name && d.bus === bus);
const device = (name: string): SimDevice => {
  const found = factory.devices.find((d) => d.name === name);
  if (found === undefined) throw new Error(`no device ${name}`);
  return found;
};
const meters = byProfile('sdm120', 'tcp-energy');

describe('factory scenario', () => {
  it('has the hall, the machines and the cold store on their buses', () => {
    expect(factory.devices.length).toBeGreaterThanOrEqual(20);
    expect(byProfile('sdm630', 'tcp-energy')).toHaveLength(2);
    expect(meters).toHaveLength(8);
    expect(byProfile('generic', 'tcp-energy')).toHaveLength(8);
    expect(byProfile('xy-md02', 'tcp-climate')).toHaveLength(10);
    expect(byProfile('xy-md02', 'rtu-coldstore')).toHaveLength(4);
    expect(factory.buses).toContainEqual({ id: 'rtu-coldstore', transport: 'rtu' });
    expect(device('machine-m1').profile.outputs.map((o) => o.name)).toEqual(['relay']);
  });

  it('runs the machines in the 06–22 h shifts and idles them at night', () => {
    for (const meter of meters) {
      expect(meter.read('power', at(3))).toBeLessThan(200);
      expect(meter.read('power', at(12))).toBeGreaterThan(1_000);
    }
    expect(device('machine-m1').read('speed', at(3))).toBe(0);
    expect(device('machine-m1').read('speed', at(12))).toBeGreaterThan(1_000);
    expect(device('machine-m1').read('temperature.spindle', at(12))).toBeGreaterThan(device('machine-m1').read('temperature.spindle', at(3)) + 10);
    expect(device('hall-t1').read('temperature', at(14))).toBeGreaterThan(device('hall-t1').read('temperature', at(3)) + 2);
  });

  it('keeps the meters physically consistent: P = V × I × pf, 50 Hz ± 0.05, a feed sees its machines', () => {
    for (const t of [at(3), at(6), at(12), at(21.9)]) {
      for (const meter of meters) {
        const [v, i, p, pf] = ['voltage', 'current', 'power', 'power_factor'].map((m) => meter.read(m, t)) as [number, number, number, number];
        expect(v * i * pf).toBeCloseTo(p, 6);
        expect(Math.abs(meter.read('frequency', t) - 50)).toBeLessThanOrEqual(0.05);
      }
      const feed = device('feed-a');
      const phases = ['power.l1', 'power.l2', 'power.l3'].reduce((total, m) => total + feed.read(m, t), 0);
      expect(feed.read('power', t)).toBeCloseTo(phases, 6);
      const machines = meters.slice(0, 4).reduce((total, m) => total + m.read('power', t), 0);
      // Feed A also carries the building: 1.5 kW at night, 4 kW by day, within the meters' 1 % noise.
      expect(feed.read('power', t) - machines).toBeGreaterThan(1_500 - 0.03 * machines - 100);
      expect(feed.read('power', t) - machines).toBeLessThan(4_000 + 0.03 * machines + 100);
    }
  });

  it('counts energy and parts up, never down, at the rate power says', () => {
    const counters = [...meters.map((d) => [d, 'energy'] as const), [device('feed-b'), 'energy.import'] as const, [device('machine-m2'), 'count'] as const];
    for (const [d, metric] of counters) {
      let previous = d.read(metric, MIDNIGHT);
      for (let t = MIDNIGHT; t < at(0, 2); t += 23 * MINUTE_MS) {
        const value = d.read(metric, t);
        expect(value, `${d.name} ${metric}`).toBeGreaterThanOrEqual(previous);
        previous = value;
      }
    }
    const meter = meters[0]!;
    const kwh = meter.read('energy', at(13)) - meter.read('energy', at(12));
    const meanKw = Array.from({ length: 60 }, (_, m) => meter.read('power', at(12) + (m + 0.5) * MINUTE_MS)).reduce((a, b) => a + b) / 60 / 1_000;
    expect(kwh).toBeCloseTo(meanKw, 1);
    // Above 65,535 the part counter needs both of its words, so the word order is exercised.
    expect(device('machine-m1').read('count', at(12))).toBeGreaterThan(65_535);
  });

  it('labels a few anomalies a day, an overheating spindle among them', () => {
    const labelled = buildScenario('factory', { seed: 11, startMs: MIDNIGHT, days: 3 });
    expect(labelled.anomalies.length).toBeGreaterThanOrEqual(3 * 3);
    const overheat = labelled.anomalies.find((a) => a.kind === 'drift' && a.metric === 'temperature.spindle');
    if (overheat === undefined) throw new Error('no overheating spindle labelled');
    const hot = labelled.devices.find((d) => d.name === overheat.device)!;
    const normal = device(overheat.device);
    const late = overheat.end - MINUTE_MS;
    expect(hot.read('temperature.spindle', late) - normal.read('temperature.spindle', late)).toBeGreaterThan(25);
  });
});
