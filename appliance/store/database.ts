import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { OutpostError } from '../../drivers/types.js';
import { storeError } from './errors.js';

export type Db = Database.Database;

/** `PRAGMA wal_checkpoint(NOOP)`, which the write meter relies on, arrived in SQLite 3.51.0. */
const MIN_SQLITE = [3, 51, 0] as const;

/** Opens (creating if needed) the appliance database and sets the pragmas every connection needs. */
export function openDatabase(path: string): Db {
  let db: Db;
  try {
    mkdirSync(dirname(path), { recursive: true });
    db = new Database(path);
  } catch (err) {
    throw storeError(err, path, 'opening');
  }
  try {
    requireSqlite(db, path);
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') {
      throw new OutpostError('STORE_IO', `store ${path}: the file system refused WAL mode (got ${String(mode)})`, {
        path,
      });
    }
    // In WAL mode, synchronous=NORMAL fsyncs only at checkpoints: a power cut can lose the last
    // committed transactions. FULL fsyncs the WAL at every commit; with one transaction per tick that
    // is one fsync per tick, and every tick that commitTick reported committed survives a power cut.
    db.pragma('synchronous = FULL');
    // The store checkpoints by itself (see checkpointer.ts), so it decides when the database file is
    // written and can count every byte it writes to flash.
    db.pragma('wal_autocheckpoint = 0');
    db.pragma('foreign_keys = ON');
    // Sorts and temporary indexes stay in RAM instead of temporary files on the SD card.
    db.pragma('temp_store = MEMORY');
    return db;
  } catch (err) {
    db.close();
    throw err instanceof OutpostError ? err : storeError(err, path, 'opening');
  }
}

function requireSqlite(db: Db, path: string): void {
  const version = String(db.prepare('SELECT sqlite_version()').pluck().get());
  const parts = version.split('.').map(Number);
  for (let i = 0; i < MIN_SQLITE.length; i++) {
    const have = parts[i] ?? 0;
    const need = MIN_SQLITE[i] ?? 0;
    if (have > need) return;
    if (have < need) {
      throw new OutpostError(
        'STORE_IO',
        `store ${path}: SQLite ${version} is too old, ${MIN_SQLITE.join('.')} or newer is needed (better-sqlite3 12)`,
        { path, version },
      );
    }
  }
}
