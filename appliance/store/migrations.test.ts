import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../log.js';
import { openDatabase, type Db } from './database.js';
import { MIGRATIONS, migrate } from './migrations.js';
import { Store } from './store.js';
import { tempDir } from './testing.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const fn of cleanups.splice(0).reverse()) fn();
});

function openTemp(): { db: Db; path: string } {
  const tmp = tempDir();
  cleanups.push(tmp.remove);
  const db = openDatabase(tmp.path);
  cleanups.push(() => db.close());
  return { db, path: tmp.path };
}

const tableNames = (db: Db): string[] =>
  db.prepare<[], string>("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all();

describe('migrate', () => {
  it('builds the whole schema on an empty database', () => {
    const { db, path } = openTemp();
    expect(migrate(db, path)).toBe(MIGRATIONS.length);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(tableNames(db)).toEqual(['alerts', 'counters', 'devices', 'outbox', 'readings', 'streams', 'summaries']);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
  });

  it('applies only the steps a database has not seen, and is a no-op the second time', () => {
    const { db, path } = openTemp();
    migrate(db, path, ['CREATE TABLE a (x)']);
    db.prepare('INSERT INTO a VALUES (1)').run();

    expect(migrate(db, path, ['CREATE TABLE a (x)', 'ALTER TABLE a ADD COLUMN y'])).toBe(2);
    expect(migrate(db, path, ['CREATE TABLE a (x)', 'ALTER TABLE a ADD COLUMN y'])).toBe(2);
    expect(db.prepare('SELECT x, y FROM a').get()).toEqual({ x: 1, y: null });
  });

  it('leaves a database at its last whole version when a step fails', () => {
    const { db, path } = openTemp();
    const steps = ['CREATE TABLE a (x)', 'CREATE TABLE b (x); CREATE TABLE a (x)'];
    expect(() => migrate(db, path, steps)).toThrow(/migrating the schema to version 2/);
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(tableNames(db)).toEqual(['a']);
  });

  it('refuses a database written by a newer release with STORE_TOO_NEW', async () => {
    const { db, path } = openTemp();
    migrate(db, path);
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    db.close();

    const store = new Store({ path, log: silentLogger() });
    await expect(store.start()).rejects.toMatchObject({
      code: 'STORE_TOO_NEW',
      message: expect.stringContaining(path),
    });
    await store.stop();
  });
});
