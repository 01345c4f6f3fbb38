import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reading } from '../../drivers/types.js';
import { silentLogger } from '../log.js';
import type { Alert } from '../model/alert.js';
import { DEFAULT_ALERT_POLICY } from './anomaly-alerts.js';
import { Detection } from './detection.js';

const STREAMS = 8;
/** Each call of the rules' `act`, with the alerts it was handed. */
const acted: Alert[][] = [];
const detection = new Detection({
  log: silentLogger(),
  model: 'forecaster-mlp',
  policy: DEFAULT_ALERT_POLICY,
  learningRows: 40,
  partSize: 2,
  rules: { act: (alerts) => acted.push([...alerts]) },
});

function tick(t: number, jumps: readonly number[] = []): Reading[] {
  return Array.from({ length: STREAMS }, (_, s) => ({
    device: `modbus:tcp/m/${s}`,
    metric: 'temperature',
    value: (jumps.includes(s) ? 80 : 20) + Math.sin(t / 5 + s),
    unit: '°C',
    ts: t * 1000,
    quality: 'good' as const,
  }));
}

beforeAll(async () => {
  await detection.start();
  for (let t = 0; t < 100; t++) await detection.score(tick(t));
});
afterAll(() => detection.stop());

describe('Detection in parts', () => {
  it('hands the anomalies of each part to the rules as soon as that part is scored, not once at the end of the tick', async () => {
    expect(acted).toEqual([]);
    const { scores, alerts } = await detection.score(tick(100, [1, 6]));
    // Streams 1 and 6 are in the first and the last of four parts: two hand-overs, in order.
    expect(acted.map((call) => call.map((a) => a.device))).toEqual([['modbus:tcp/m/1'], ['modbus:tcp/m/6']]);
    expect(alerts.map((a) => `${a.kind}:${a.state}`)).toEqual(['anomaly:raised', 'anomaly:raised']);
    // The same objects come back with the tick, so the rule engine can tell it has acted on them already.
    expect(alerts[0]).toBe(acted[0]?.[0]);
    expect(scores).toHaveLength(STREAMS);
  });

  it('scores a tick in parts exactly as in one run', async () => {
    const whole = new Detection({ log: silentLogger(), model: 'forecaster-mlp', policy: DEFAULT_ALERT_POLICY, learningRows: 40 });
    const parts = new Detection({ log: silentLogger(), model: 'forecaster-mlp', policy: DEFAULT_ALERT_POLICY, learningRows: 40, partSize: 3 });
    await Promise.all([whole.start(), parts.start()]);
    for (let t = 0; t < 80; t++) {
      const batch = tick(t, t === 70 ? [5] : []);
      const [a, b] = await Promise.all([whole.score(batch), parts.score(batch)]);
      expect(Array.from(b.scores ?? [])).toEqual(Array.from(a.scores ?? []));
    }
    await Promise.all([whole.stop(), parts.stop()]);
  });
});
