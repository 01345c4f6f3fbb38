import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../log.js';
import { openDatabase, type Db } from './database.js';
import { Store } from './store.js';
import { reading, tempDir, tick } from './testing.js';
import { WriteMeter } from './write-meter.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

function openTemp(): { db: Db; path: string } {
  const tmp = tempDir();
  cleanups.push(tmp.remove);
  const db = openDatabase(tmp.path);
  cleanups.push(() => void db.close());
  return { db, path: tmp.path };
}

const PAGE = 4096;
const FRAME = PAGE + 24;

describe('WriteMeter', () => {
  it('counts each WAL frame once and each checkpointed frame once, across WAL restarts', () => {
    const { db } = openTemp();
    db.exec('CREATE TABLE t (n INTEGER); INSERT INTO t VALUES (0)');
    const meter = new WriteMeter({ db, pageSize: PAGE, initial: 1000 });
    meter.checkpoint('TRUNCATE');
    const base = meter.bytesWritten();
    // Each update rewrites the table's one page: one frame per commit.
    const bump = (times: number) => {
      for (let i = 0; i < times; i++) db.prepare('UPDATE t SET n = n + 1').run();
    };

    bump(3);
    meter.observe();
    meter.observe();
    expect(meter.bytesWritten() - base).toBe(3 * FRAME);

    meter.checkpoint('PASSIVE');
    expect(meter.bytesWritten() - base).toBe(3 * FRAME + 3 * PAGE);
    meter.checkpoint('PASSIVE');
    expect(meter.bytesWritten() - base).toBe(3 * FRAME + 3 * PAGE);

    // The next commit rewinds the WAL: the same frame counts as before, all of them new.
    bump(3);
    meter.checkpoint('PASSIVE');
    expect(meter.bytesWritten() - base).toBe(2 * (3 * FRAME + 3 * PAGE));

    bump(1);
    meter.checkpoint('TRUNCATE');
    bump(2);
    meter.observe();
    expect(meter.bytesWritten() - base).toBe(2 * (3 * FRAME + 3 * PAGE) + FRAME + PAGE + 2 * FRAME);
  });

  it('tells what to save only after a checkpoint moved the total', () => {
    const { db } = openTemp();
    db.exec('CREATE TABLE t (n INTEGER)');
    const meter = new WriteMeter({ db, pageSize: PAGE, initial: 0 });
    meter.observe();
    expect(meter.unsaved()).toBeNull();
    meter.checkpoint('PASSIVE');
    const total = meter.unsaved();
    expect(total).toBe(meter.bytesWritten());
    meter.saved(total ?? 0);
    expect(meter.unsaved()).toBeNull();
  });
});

describe('Store.bytesWritten', () => {
  it('grows with every tick and carries over a restart', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.remove);
    const checkpoints = { everyFrames: 10, everyMs: 60_000, truncateEveryMs: 3_600_000 };
    const store = new Store({ path: tmp.path, log: silentLogger(), checkpoints });
    await store.start();
    const seen = [store.bytesWritten()];
    for (let t = 0; t < 20; t++) {
      store.commitTick(tick({ readings: Array.from({ length: 50 }, (_, i) => reading('gpio:17', `count.${i}`, t)) }));
      seen.push(store.bytesWritten());
    }
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1] ?? 0);
    expect(store.counters()['db.bytes_written']).toBe(store.bytesWritten());
    const before = store.bytesWritten();
    await store.stop();

    const reopened = new Store({ path: tmp.path, log: silentLogger() });
    await reopened.start();
    cleanups.push(() => reopened.stop());
    expect(reopened.bytesWritten()).toBeGreaterThanOrEqual(before);
  });

  it('writes a few hundred bytes of flash per reading, not a page per stream, when many streams tick together', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.remove);
    const store = new Store({ path: tmp.path, log: silentLogger() });
    await store.start();
    cleanups.push(() => store.stop());
    const streams = 500;
    const ticks = 30;
    const write = (t: number) =>
      store.commitTick(tick({ readings: Array.from({ length: streams }, (_, i) => reading(`modbus:tcp/h:502/${i}`, 'power', 1_000 * t)) }));
    // The first ticks create the streams; measure steady state.
    write(0);
    const before = store.bytesWritten();
    for (let t = 1; t <= ticks; t++) write(t);
    const perReading = (store.bytesWritten() - before) / (streams * ticks);
    expect(perReading).toBeLessThan(400);
  });
});
