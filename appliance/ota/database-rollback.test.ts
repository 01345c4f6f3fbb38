import { existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { DatabaseRollback } from './database-rollback.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A data dir whose database went through: v1 rows, backup, then v2 migrated it and wrote rows of its own. */
function migratedByNewRelease(): { dir: string; live: string } {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-db-rollback-'));
  dirs.push(dir);
  const live = join(dir, 'outpost.db');
  const db = new Database(live);
  db.pragma('journal_mode = WAL');
  db.exec("CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL); INSERT INTO counters VALUES ('old', 1), ('sent', 5); PRAGMA user_version = 1;");
  expect(new DatabaseRollback(dir).backUp()).toBe('backed-up');
  // The new release: a new column and table, a changed row, a deleted row, a new row, left in the WAL.
  db.exec("ALTER TABLE counters ADD COLUMN note TEXT; CREATE TABLE extra (x); UPDATE counters SET value = 2 WHERE name = 'old'; DELETE FROM counters WHERE name = 'sent'; INSERT INTO counters VALUES ('new', 3, 'v2'); PRAGMA user_version = 2;");
  db.close();
  return { dir, live };
}

function read(live: string): { version: number; rows: Record<string, number>; tables: string[] } {
  const db = new Database(live, { readonly: true });
  const rows = Object.fromEntries((db.prepare('SELECT name, value FROM counters').all() as { name: string; value: number }[]).map((r) => [r.name, r.value]));
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[];
  const version = Number(db.pragma('user_version', { simple: true }));
  db.close();
  return { version, rows, tables };
}

describe('database across a rollback', () => {
  it('restores the old schema and replays what the new release committed: changed and new rows kept, deleted ones back', () => {
    const { dir, live } = migratedByNewRelease();
    expect(new DatabaseRollback(dir).restore()).toEqual({ action: 'restored', replayed: 2 });
    expect(read(live)).toEqual({ version: 1, rows: { old: 2, sent: 5, new: 3 }, tables: ['counters'] });
    // Running it again (a power cut right after) changes nothing.
    expect(new DatabaseRollback(dir).restore()).toEqual({ action: 'kept', replayed: 0 });
    expect(read(live).rows).toEqual({ old: 2, sent: 5, new: 3 });
  });

  it('finishes after a power cut that left the live database moved aside and a half-made copy with its journal', () => {
    const { dir, live } = migratedByNewRelease();
    const rollback = new DatabaseRollback(dir);
    // Fold the WAL in and move the database aside, as restore() does before the cut.
    new Database(live).pragma('wal_checkpoint(TRUNCATE)');
    renameSync(live, join(dir, 'outpost.db.rolled-back'));
    const half = new Database(`${live}.restoring`);
    half.exec('CREATE TABLE junk (x); INSERT INTO junk VALUES (1);');
    half.close();
    expect(existsSync(live)).toBe(false);
    expect(rollback.restore()).toEqual({ action: 'restored', replayed: 2 });
    expect(read(live)).toEqual({ version: 1, rows: { old: 2, sent: 5, new: 3 }, tables: ['counters'] });
  });

  it('leaves a database whose schema the update did not change alone', () => {
    const { dir, live } = migratedByNewRelease();
    const db = new Database(live);
    db.pragma('user_version = 1');
    db.close();
    expect(new DatabaseRollback(dir).restore()).toEqual({ action: 'kept', replayed: 0 });
    expect(read(live).tables).toContain('extra');
  });
});
