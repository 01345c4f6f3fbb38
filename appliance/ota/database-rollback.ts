import { copyFileSync, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { fsyncDir } from '../durable-fs.js';

/**
 * The database across an update, by restore plus replay. Before the switch the agent takes a consistent
 * copy (`VACUUM INTO`) while the old release keeps running. If the new release migrated the schema and
 * is then rolled back, the old release could not open the database (the store refuses a newer
 * `user_version`), so the copy is restored and every row the new release holds in a table the old schema
 * knows is replayed into it, column by column. Rows added or changed during the trial therefore survive;
 * rows the new release deleted (outbox rows it had sent) come back, and are sent again — at least once,
 * never lost. If the schema did not change, the database is left alone: the old release understands it.
 */
export class DatabaseRollback {
  private readonly live: string;
  private readonly backup: string;
  private readonly rejected: string;

  constructor(dataDir: string) {
    this.live = join(dataDir, 'outpost.db');
    this.backup = join(dataDir, 'outpost.db.before-update');
    this.rejected = join(dataDir, 'outpost.db.rolled-back');
  }

  /** The most the backup can take: the database and its WAL as they are now (the copy is never larger). */
  backupBytes(): number[] {
    return [this.live, `${this.live}-wal`].map((path) => (existsSync(path) ? statSync(path).size : 0));
  }

  /** A consistent copy of the live database, taken while the old release runs; a no-op on a fresh box. */
  backUp(): 'backed-up' | 'no-database' {
    rmSync(this.backup, { force: true });
    if (!existsSync(this.live)) return 'no-database';
    const tmp = `${this.backup}.tmp`;
    rmSync(tmp, { force: true });
    const db = new Database(this.live, { fileMustExist: true });
    try {
      db.pragma('busy_timeout = 5000');
      db.prepare('VACUUM INTO ?').run(tmp);
    } catch (error) {
      // A full disk leaves a partial copy that would only take more of the space.
      rmSync(tmp, { force: true });
      throw error;
    } finally {
      db.close();
    }
    renameSync(tmp, this.backup);
    fsyncDir(join(this.live, '..'));
    return 'backed-up';
  }

  /** With the service stopped. Idempotent: a cut anywhere leaves files from which running it again finishes. */
  restore(): { action: 'kept' | 'restored' | 'no-backup'; replayed: number } {
    if (!existsSync(this.backup)) return { action: 'no-backup', replayed: 0 };
    if (existsSync(this.live)) {
      if (schemaVersion(this.live) <= schemaVersion(this.backup)) return { action: 'kept', replayed: 0 };
      checkpoint(this.live);
      renameSync(this.live, this.rejected);
      for (const suffix of ['-wal', '-shm']) rmSync(`${this.live}${suffix}`, { force: true });
      fsyncDir(join(this.live, '..'));
    }
    const tmp = `${this.live}.restoring`;
    // A journal left by a cut during an earlier replay belongs to that copy, not to this one.
    for (const stale of [tmp, `${tmp}-wal`, `${tmp}-shm`]) rmSync(stale, { force: true });
    copyFileSync(this.backup, tmp);
    const replayed = existsSync(this.rejected) ? replay(tmp, this.rejected) : 0;
    renameSync(tmp, this.live);
    fsyncDir(join(this.live, '..'));
    return { action: 'restored', replayed };
  }
}

function schemaVersion(path: string): number {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return Number(db.pragma('user_version', { simple: true }));
  } finally {
    db.close();
  }
}

/** Folds the WAL into the main file so a rename moves every committed row. */
function checkpoint(path: string): void {
  const db = new Database(path, { fileMustExist: true });
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

interface Column {
  name: string;
}

/** Copies the rejected database's rows into the restored one, in the restored schema's columns. */
function replay(restored: string, rejected: string): number {
  const db = new Database(restored, { fileMustExist: true });
  try {
    db.pragma('synchronous = FULL');
    db.prepare('ATTACH DATABASE ? AS rejected').run(rejected);
    const tables = db
      .prepare("SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      .pluck()
      .all() as string[];
    let rows = 0;
    db.transaction(() => {
      for (const table of tables) {
        const quoted = `"${table.replaceAll('"', '""')}"`;
        const theirs = new Set((db.prepare(`PRAGMA rejected.table_info(${quoted})`).all() as Column[]).map((c) => c.name));
        if (theirs.size === 0) continue;
        const ours = (db.prepare(`PRAGMA main.table_info(${quoted})`).all() as Column[]).map((c) => c.name);
        const common = ours.filter((c) => theirs.has(c)).map((c) => `"${c.replaceAll('"', '""')}"`).join(', ');
        // A row the new release changed replaces ours, unless it lacks one of our columns and would blank it.
        const verb = ours.every((c) => theirs.has(c)) ? 'INSERT OR REPLACE' : 'INSERT OR IGNORE';
        rows += db.prepare(`${verb} INTO main.${quoted} (${common}) SELECT ${common} FROM rejected.${quoted}`).run().changes;
      }
    })();
    db.exec('DETACH DATABASE rejected');
    db.pragma('wal_checkpoint(TRUNCATE)');
    return rows;
  } finally {
    db.close();
  }
}
