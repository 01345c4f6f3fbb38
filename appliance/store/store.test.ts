import { afterEach, describe, expect, it } from 'vitest';
import { OutpostError, type DeviceInfo } from '../../drivers/types.js';
import { silentLogger } from '../log.js';
import { openDatabase } from './database.js';
import { migrate } from './migrations.js';
import { Store } from './store.js';
import { openTables } from './tables.js';
import { message, reading, summary, tempDir, tick } from './testing.js';
import { TickWriter } from './tick-writer.js';
import { WriteMeter } from './write-meter.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function openStore(path?: string): Promise<{ store: Store; path: string }> {
  const dbPath = path ?? (() => {
    const tmp = tempDir();
    cleanups.push(tmp.remove);
    return tmp.path;
  })();
  const store = new Store({ path: dbPath, log: silentLogger(), now: () => 1_700_000_000_000 });
  await store.start();
  cleanups.push(() => store.stop());
  return { store, path: dbPath };
}

const plug: DeviceInfo = {
  id: 'zigbee:0x00124b0012345678',
  protocol: 'zigbee',
  name: 'Plug 1',
  model: 'TS011F',
  outputs: ['relay'],
  health: { state: 'offline', reason: 'no message for 120 s', lastSeen: 1_699_999_880_000 },
};

describe('Store.commitTick', () => {
  it('stores a whole tick and reads it back', async () => {
    const { store } = await openStore();
    const meter = 'modbus:tcp/127.0.0.1:5020/1';
    const { seqs } = store.commitTick(
      tick({
        readings: [reading(meter, 'power', 1000, 230), reading(meter, 'power', 2000, 240)],
        summaries: [summary(meter, 'power', 0)],
        alerts: [{ device: plug.id, kind: 'offline', state: 'raised', message: 'Plug 1 offline', ts: 2000 }],
        drops: { nan: 2, range: 1 },
        outbox: [message('outpost/summary'), message('outpost/alert')],
        devices: [plug],
      }),
    );

    expect(seqs).toEqual([1, 2]);
    expect(store.latestReadings()).toEqual([reading(meter, 'power', 2000, 240)]);
    expect(store.readings(meter, 'power', 0, 3000).map((r) => r.value)).toEqual([230, 240]);
    expect(store.summaries({ device: meter })).toEqual([summary(meter, 'power', 0)]);
    expect(store.alerts({ open: true })).toMatchObject([{ id: 1, device: plug.id, kind: 'offline', ackedTs: null }]);
    expect(store.devices()).toEqual([plug]);
    expect(store.counters()).toMatchObject({ 'drop.nan': 2, 'drop.range': 1 });
  });

  it('keeps the most recent readings when a limit cuts, and a clear closes an alert', async () => {
    const { store } = await openStore();
    const d = 'gpio:17';
    store.commitTick(tick({ readings: [1, 2, 3, 4].map((ts) => reading(d, 'count', ts)) }));
    const offline = { device: d, kind: 'offline', message: 'gpio 17' } as const;
    store.commitTick(tick({ alerts: [{ ...offline, state: 'raised', ts: 5 }] }));
    store.commitTick(tick({ alerts: [{ ...offline, state: 'cleared', ts: 6 }] }));

    expect(store.readings(d, 'count', 0, 10, 2).map((r) => r.ts)).toEqual([3, 4]);
    expect(store.alerts({ open: true })).toEqual([]);
    expect(store.alerts({}).map((a) => a.state)).toEqual(['cleared', 'raised']);
  });

  it('leaves nothing behind when a tick fails halfway, and the next tick still works', async () => {
    const { store } = await openStore();
    store.commitTick(tick({ readings: [reading('ble:c4:7c:8d:6a:3f:10', 'temperature', 1)], outbox: [message('t')] }));
    const failing = tick({
      readings: [reading('ble:new', 'temperature', 2)],
      summaries: [summary('ble:new', 'temperature', 0)],
      drops: { nan: 5 },
      devices: [plug],
      outbox: [message('t'), { topic: 't', qos: 1, build: () => { throw new Error('encoder bug'); } }],
    });

    expect(() => store.commitTick(failing)).toThrow('encoder bug');

    expect(store.latestReadings().map((r) => r.device)).toEqual(['ble:c4:7c:8d:6a:3f:10']);
    expect(store.summaries({})).toEqual([]);
    expect(store.devices()).toEqual([]);
    expect(store.counters()['drop.nan']).toBeUndefined();
    expect(store.outboxStats()).toMatchObject({ depth: 1, bytes: 'x#1'.length });
    // The rolled-back stream id and seqs must not be reused from a stale cache.
    const next = tick({ readings: [reading('ble:new', 'temperature', 3)], outbox: [message('t')] });
    expect(store.commitTick(next).seqs).toEqual([2]);
    expect(store.readings('ble:new', 'temperature', 0, 10).map((r) => r.ts)).toEqual([3]);
  });

  it('throws STORE_FULL naming the file when the disk is full, and rolls the tick back', () => {
    const tmp = tempDir();
    cleanups.push(tmp.remove);
    const db = openDatabase(tmp.path);
    cleanups.push(() => void db.close());
    migrate(db, tmp.path);
    const tables = openTables(db, { outboxMaxBytes: 1e9 });
    const meter = new WriteMeter({ db, pageSize: 4096, initial: 0 });
    const writer = new TickWriter({ db, path: tmp.path, log: silentLogger(), tables, meter });
    writer.commit(tick({ readings: [reading('modbus:tcp/h:502/1', 'power', 1)] }), 0);
    // No room to grow: the database may not take a single page more.
    db.pragma(`max_page_count = ${Number(db.pragma('page_count', { simple: true }))}`);
    const big = tick({
      readings: Array.from({ length: 5000 }, (_, i) => reading('modbus:tcp/h:502/1', 'power', 10 + i)),
      outbox: [message('t', 'y'.repeat(10_000))],
    });

    let error: unknown;
    try {
      writer.commit(big, 0);
    } catch (err) {
      error = err;
    }

    expect(error).toBeInstanceOf(OutpostError);
    expect(error).toMatchObject({ code: 'STORE_FULL', context: { path: tmp.path } });
    expect((error as Error).message).toContain(tmp.path);
    expect(db.prepare('SELECT count(*) FROM readings').pluck().get()).toBe(1);
    expect(tables.outbox.stats()).toMatchObject({ depth: 0, bytes: 0 });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('refuses calls before start with STORE_CLOSED', () => {
    const store = new Store({ path: '/nonexistent/outpost.db', log: silentLogger() });
    expect(() => store.commitTick(tick())).toThrow(expect.objectContaining({ code: 'STORE_CLOSED' }));
  });
});

describe('Store.unsummarisedReadings', () => {
  it('returns the readings after the newest summarised window, for the pipeline to resume after a restart', async () => {
    const { store, path } = await openStore();
    store.commitTick(tick({ readings: [reading('gpio:17', 'count', 30_000), reading('gpio:17', 'count', 70_000)] }));
    store.commitTick(tick({ summaries: [summary('gpio:17', 'count', 0)], readings: [reading('gpio:17', 'count', 90_000)] }));
    await store.stop();
    const { store: reopened } = await openStore(path);
    expect(reopened.unsummarisedReadings(0).map((r) => r.ts)).toEqual([70_000, 90_000]);
    expect(reopened.unsummarisedReadings(80_000).map((r) => r.ts)).toEqual([90_000]);
    expect(reopened.latestReadings('gpio:17')).toMatchObject([{ metric: 'count', ts: 90_000 }]);
  });
});
