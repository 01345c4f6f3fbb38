import { describe, expect, it } from 'vitest';
import type { Reading } from '../../drivers/types.js';
import { AnomalyAlerts, DEFAULT_ALERT_POLICY } from './anomaly-alerts.js';
import { DEFAULT_PARAMS } from './detector.js';

const policy = { raiseScore: 0.5, clearScore: 0.3, clearAfter: 3, cooldownMs: 60_000 };

function run(alerts: AnomalyAlerts, scores: number[], t0 = 0) {
  const readings: Reading[] = scores.map((_, i) => ({ device: 'modbus:tcp/a/1', metric: 'temperature', value: 20 + i, unit: '°C', ts: t0 + i * 1000, quality: 'good' }));
  return alerts.update(readings, scores, readings.map((x) => x.device)).map((a) => `${a.state}@${a.ts / 1000}`);
}

describe('AnomalyAlerts', () => {
  it('raises once, holds through dips above the clear score, and clears after enough quiet readings', () => {
    const alerts = new AnomalyAlerts(policy);
    // raise at 2; 0.4 and 0.35 hold it; three readings under 0.3 clear it at 9
    expect(run(alerts, [0.1, 0.2, 0.9, 0.6, 0.4, 0.2, 0.35, 0.1, 0.1, 0.1, 0.0])).toEqual(['raised@2', 'cleared@9']);
  });

  it('stays silent for the cool-down after a clear, by reading time, then raises again', () => {
    const alerts = new AnomalyAlerts(policy);
    expect(run(alerts, [0.9, 0, 0, 0])).toEqual(['raised@0', 'cleared@3']);
    expect(run(alerts, [0.9, 0.9], 30_000)).toEqual([]);
    expect(run(alerts, [0.9], 63_000)).toEqual(['raised@63']);
  });

  it('by default raises at the score the detector fires at, the level NAB scored, and clears under 0.3', () => {
    const alerts = new AnomalyAlerts({ ...DEFAULT_ALERT_POLICY, clearAfter: 3 });
    const fire = DEFAULT_PARAMS.fireLevel;
    expect(run(alerts, [0.2, fire - 0.01, fire, 0.35, 0.29, 0.29, 0.29])).toEqual(['raised@2', 'cleared@6']);
  });

  it('keeps streams apart', () => {
    const alerts = new AnomalyAlerts(policy);
    const r = (device: string): Reading => ({ device, metric: 'power', value: 1, unit: 'W', ts: 0, quality: 'good' });
    expect(alerts.update([r('a'), r('b')], [0.9, 0.1], ['a', 'b']).map((a) => a.device)).toEqual(['a']);
  });
});
