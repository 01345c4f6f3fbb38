import { describe, expect, it } from 'vitest';
import { metricSpec } from '../../appliance/model/metrics.js';
import { decodePoint, encodePoint } from '../modbus/profile.js';
import { WHOLE_DEVICE } from './anomaly.js';
import { buildScenario, registerCount, type Scenario, type ScenarioName } from './scenario.js';
import { DAY_MS, HOUR_MS, MINUTE_MS } from './signal.js';

const START = Date.UTC(2025, 0, 6, 4, 30);
/** Two days of world time, every 17 minutes: through nights, ramps, shifts and every kind of anomaly. */
const SAMPLES = Array.from({ length: Math.floor((2 * DAY_MS) / (17 * MINUTE_MS)) }, (_, i) => START + i * 17 * MINUTE_MS);

function inAnomaly(scenario: Scenario, device: string, metric: string, t: number): boolean {
  return scenario.anomalies.some((a) => a.device === device && a.metric === metric && t >= a.start && t < a.end);
}

describe.each<ScenarioName>(['factory', 'city'])('%s scenario', (name) => {
  const scenario = buildScenario(name, { seed: 3, startMs: START, days: 2 });

  it('puts each device at its own (bus, unit) on a declared bus', () => {
    const addresses = scenario.devices.map((d) => `${d.bus}/${d.unitId}`);
    expect(new Set(addresses).size).toBe(addresses.length);
    const buses = new Set(scenario.buses.map((b) => b.id));
    for (const device of scenario.devices) expect(buses.has(device.bus), device.name).toBe(true);
    for (const device of scenario.devices) expect(device.unitId >= 1 && device.unitId <= 247).toBe(true);
  });

  it('serves every profile point as a finite value in its metric range that fits its register', () => {
    const problems: string[] = [];
    for (const device of scenario.devices) {
      for (const point of device.profile.points) {
        const spec = metricSpec(point.metric);
        if (spec === undefined) problems.push(`${device.name} ${point.metric}: not a known metric`);
        for (const t of SAMPLES) {
          if (inAnomaly(scenario, device.name, point.metric, t)) continue;
          const value = device.read(point.metric, t);
          const wire = decodePoint(point, encodePoint(point, value));
          const resolution = point.type === 'float32' ? Math.abs(value) * 1e-6 : (point.scale ?? 1) / 2 + 1e-9;
          if (!Number.isFinite(value) || (spec && (value < spec.min || value > spec.max)) || Math.abs(wire - value) > resolution) {
            problems.push(`${device.name} ${point.metric} at ${new Date(t).toISOString()}: ${value} (on the wire ${wire})`);
          }
        }
      }
    }
    expect(problems.slice(0, 10)).toEqual([]);
  });

  it('labels anomalies that change the reported value inside their window and nowhere else', () => {
    const clean = buildScenario(name, { seed: 3, startMs: START, days: 0 });
    expect(clean.anomalies).toEqual([]);
    expect(new Set(scenario.anomalies.map((a) => a.kind)).size).toBeGreaterThanOrEqual(3);
    for (const label of scenario.anomalies) {
      const index = scenario.devices.findIndex((d) => d.name === label.device);
      const [device, truth] = [scenario.devices[index], clean.devices[index]];
      if (device === undefined || truth === undefined) throw new Error(`label names unknown device ${label.device}`);
      const mid = Math.floor((label.start + label.end) / 2);
      const around = [label.start - MINUTE_MS, label.end, label.end + 10 * MINUTE_MS];
      if (label.metric === WHOLE_DEVICE) {
        expect([device.isDown(label.start), device.isDown(mid), device.isDown(label.end - 1)]).toEqual([true, true, true]);
        expect(around.map((t) => device.isDown(t))).toEqual([false, false, false]);
        expect(truth.isDown(mid)).toBe(false);
        continue;
      }
      expect(device.read(label.metric, mid), `${label.kind} on ${label.device} ${label.metric}`).not.toBe(truth.read(label.metric, mid));
      for (const t of around) expect(device.read(label.metric, t)).toBe(truth.read(label.metric, t));
    }
  });

  it('reads the same for the same seed and instant, and differently for another seed', () => {
    const again = buildScenario(name, { seed: 3, startMs: START, days: 2 });
    const other = buildScenario(name, { seed: 4, startMs: START, days: 2 });
    const read = (s: Scenario) => s.devices.map((d) => d.read(d.profile.points[0]!.metric, START + 30 * HOUR_MS + 1_234));
    expect(read(again)).toEqual(read(scenario));
    expect(read(other)).not.toEqual(read(scenario));
  });

  it('copies the whole site onto new buses at a larger scale', () => {
    const scaled = buildScenario(name, { startMs: START, scale: 3 });
    expect(scaled.devices.length).toBe(3 * scenario.devices.length);
    expect(scaled.buses.length).toBe(3 * scenario.buses.length);
    expect(registerCount(scaled)).toBe(3 * registerCount(scenario));
    const addresses = scaled.devices.map((d) => `${d.bus}/${d.unitId}`);
    expect(new Set(addresses).size).toBe(addresses.length);
    expect(new Set(scaled.devices.map((d) => d.name)).size).toBe(scaled.devices.length);
  });
});

describe('buildScenario', () => {
  it('serves the register counts the footprint benchmark is sized by', () => {
    expect(registerCount(buildScenario('factory', { startMs: START }))).toBe(276);
    expect(registerCount(buildScenario('city', { startMs: START }))).toBe(89);
    expect(registerCount(buildScenario('factory', { startMs: START, scale: 4 }))).toBe(1_104);
  });

  it('refuses options it cannot honour, naming the option', () => {
    const bad = expect.objectContaining({ code: 'SIM_BAD_OPTION' });
    expect(() => buildScenario('factory', { startMs: START, scale: 0 })).toThrow(bad);
    expect(() => buildScenario('factory', { startMs: START, scale: 1.5 })).toThrow(/scale must be a whole number/);
    expect(() => buildScenario('factory', { startMs: Number.NaN })).toThrow(/startMs/);
    expect(() => buildScenario('harbour' as ScenarioName, { startMs: START })).toThrow(/unknown scenario harbour/);
  });
});
