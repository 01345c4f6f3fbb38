import { describe, expect, it } from 'vitest';
import type { Command, Reading } from '../../drivers/types.js';
import { silentLogger } from '../log.js';
import type { Alert } from '../model/alert.js';
import type { Rule } from './config-schema.js';
import { RuleEngine } from './rule-engine.js';

const log = silentLogger();

function reading(value: number, ts: number, device = 'modbus:tcp/a/1'): Reading {
  return { device, metric: 'temperature', value, unit: '°C', ts, quality: 'good' };
}

function engine(rules: Rule[], fail = false) {
  const written: Command[] = [];
  const rulesEngine = new RuleEngine({
    rules,
    log,
    write: async (c) => {
      if (fail) throw new Error('bus down');
      written.push(c);
    },
  });
  return { rulesEngine, written };
}

const relay = { device: 'modbus:tcp/b/2', output: 'coil.0', value: true, clearValue: false };

describe('RuleEngine', () => {
  it('raises a threshold alert on crossing, not on every reading, and switches the output on and back off', async () => {
    const { rulesEngine, written } = engine([{ name: 'hot', metric: 'temperature', when: { kind: 'threshold', above: 80 }, then: relay }]);
    const alerts = rulesEngine.apply([reading(70, 1), reading(85, 2), reading(90, 3), reading(75, 4)], []);
    expect(alerts.map((a) => `${a.kind}:${a.state}@${a.ts}`)).toEqual(['threshold:raised@2', 'threshold:cleared@4']);
    await rulesEngine.settled();
    expect(written.map((c) => c.value)).toEqual([true, false]);
  });

  it('with a deadband, a value hovering at the limit switches the output once, and back only when it is clear of the band', async () => {
    const hot = (deadband?: number): Rule => ({ name: 'hot', metric: 'temperature', when: { kind: 'threshold', above: 80, ...(deadband === undefined ? {} : { deadband }) }, then: relay });
    const hovering = [79.8, 80.3, 79.9, 80.2, 79.7, 80.4, 79.6, 77.9];
    const flapping = engine([hot()]);
    flapping.rulesEngine.apply(hovering.map((v, i) => reading(v, i)), []);
    const steady = engine([hot(2)]);
    const alerts = steady.rulesEngine.apply(hovering.map((v, i) => reading(v, i)), []);
    await Promise.all([flapping.rulesEngine.settled(), steady.rulesEngine.settled()]);
    expect(flapping.written).toHaveLength(6);
    expect(alerts.map((a) => `${a.state}@${a.value}`)).toEqual(['raised@80.3', 'cleared@77.9']);
    expect(steady.written.map((c) => c.value)).toEqual([true, false]);
  });

  it('drives an output for an anomaly alert on a matching stream only', async () => {
    const { rulesEngine, written } = engine([{ name: 'odd', device: 'modbus:tcp/a/1', when: { kind: 'anomaly' }, then: { ...relay, clearValue: undefined } }]);
    const anomaly = (device: string, state: Alert['state']): Alert => ({ device, metric: 'temperature', kind: 'anomaly', state, message: '', ts: 1 });
    expect(rulesEngine.apply([], [anomaly('modbus:tcp/other/1', 'raised'), anomaly('modbus:tcp/a/1', 'raised'), anomaly('modbus:tcp/a/1', 'cleared')])).toEqual([]);
    await rulesEngine.settled();
    expect(written).toEqual([{ device: relay.device, output: relay.output, value: true }]);
  });

  it('drives an output once for an anomaly handed over early by detection and again with the tick', async () => {
    const { rulesEngine, written } = engine([{ name: 'odd', when: { kind: 'anomaly' }, then: relay }]);
    const raised: Alert = { device: 'modbus:tcp/a/1', metric: 'temperature', kind: 'anomaly', state: 'raised', message: '', ts: 1 };
    rulesEngine.act([raised]);
    rulesEngine.apply([], [raised]);
    await rulesEngine.settled();
    expect(written).toEqual([{ device: relay.device, output: relay.output, value: true }]);
  });

  it('logs a failed write instead of throwing into the tick', async () => {
    const { rulesEngine } = engine([{ name: 'hot', when: { kind: 'threshold', below: 0 }, then: relay }], true);
    expect(rulesEngine.apply([reading(-5, 1)], [])).toHaveLength(1);
    await expect(rulesEngine.settled()).resolves.toBeUndefined();
  });
});
