import { describe, expect, it } from 'vitest';
import type { Reading } from '../../drivers/types.js';
import { silentLogger } from '../log.js';
import { RawForward } from './raw-forward.js';
import type { RawPayload } from './raw-message.js';

const reading = (device: string, metric: string, ts: number): Reading => ({ device, metric, unit: '°C', value: 20 + ts / 1000, ts, quality: 'good' });

function forwarder(devices: string[], everyMs: number) {
  const rows: { topic: string; body: RawPayload }[] = [];
  let seq = 0;
  const forward = new RawForward({ config: { devices, everyMs }, nodeId: 'gw1', log: silentLogger() });
  /** As the tick's commit does: each draft becomes an outbox row with the next seq. */
  const take = (readings: Reading[]) => {
    for (const draft of forward.drafts(readings)) rows.push({ topic: draft.topic, body: JSON.parse(String(draft.build(++seq))) as RawPayload });
  };
  return { forward, take, rows };
}

describe('RawForward', () => {
  it('forwards the selected devices (ids or prefixes), each stream at most once per everyMs, one row per device and tick', async () => {
    const { forward, take, rows } = forwarder(['http:*', 'modbus:tcp/10.0.0.1:502/1'], 500);
    await forward.start();
    for (let ts = 0; ts <= 1000; ts += 100) {
      take([reading('http:boiler', 'temperature', ts), reading('http:boiler', 'humidity', ts), reading('modbus:tcp/10.0.0.1:502/2', 'power', ts)]);
    }
    expect(rows.map((r) => r.topic)).toEqual(Array(3).fill('outpost/gw1/raw/http:boiler'));
    expect(rows.map((r) => r.body.readings.map((x) => `${x.metric}@${x.ts}`))).toEqual([
      ['temperature@0', 'humidity@0'],
      ['temperature@500', 'humidity@500'],
      ['temperature@1000', 'humidity@1000'],
    ]);
    expect(rows.map((r) => r.body.seq)).toEqual([1, 2, 3]);
  });

  it('forwards every reading with everyMs 0 and nothing with no devices', async () => {
    const all = forwarder(['http:boiler'], 0);
    await all.forward.start();
    all.take([reading('http:boiler', 'temperature', 1), reading('http:boiler', 'temperature', 1)]);
    expect(all.rows[0]?.body.readings).toHaveLength(2);
    const none = forwarder([], 0);
    await none.forward.start();
    none.take([reading('http:boiler', 'temperature', 1)]);
    expect(none.rows).toEqual([]);
  });
});
