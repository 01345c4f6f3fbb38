import { afterEach, describe, expect, it } from 'vitest';
import { OutpostError } from '../../drivers/types.js';
import { silentLogger } from '../log.js';
import { Store } from './store.js';
import { tempDir, tick } from './testing.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function storeWithAlerts(): Promise<Store> {
  const tmp = tempDir();
  const store = new Store({ path: tmp.path, log: silentLogger(), now: () => 5_000 });
  await store.start();
  cleanups.push(tmp.remove, () => store.stop());
  store.commitTick(
    tick({
      alerts: [
        { device: 'modbus:tcp/h:502/1', kind: 'offline', state: 'raised', message: 'meter offline', ts: 1000 },
        { device: 'modbus:tcp/h:502/2', metric: 'temperature', kind: 'anomaly', state: 'raised', score: 0.97, value: 81.5, message: 'spike', ts: 2000 },
      ],
    }),
  );
  return store;
}

describe('Store.ackAlert', () => {
  it('an acknowledged alert leaves the open list and keeps its score, value and the time of acknowledgement', async () => {
    const store = await storeWithAlerts();
    const spike = store.alerts({ open: true }).find((a) => a.kind === 'anomaly');
    store.ackAlert(spike!.id);
    expect(store.alerts({ open: true }).map((a) => a.kind)).toEqual(['offline']);
    expect(store.alerts({ open: false })).toMatchObject([{ id: spike!.id, score: 0.97, value: 81.5, ackedTs: 5_000 }]);
  });

  it('refuses an unknown or already acknowledged alert with ALERT_UNKNOWN and changes nothing', async () => {
    const store = await storeWithAlerts();
    const [first] = store.alerts({ open: true });
    store.ackAlert(first!.id);
    const before = store.alerts({});
    for (const id of [first!.id, 999]) {
      expect(() => store.ackAlert(id)).toThrow(expect.objectContaining({ code: 'ALERT_UNKNOWN' }) as OutpostError);
    }
    expect(store.alerts({})).toEqual(before);
  });
});
