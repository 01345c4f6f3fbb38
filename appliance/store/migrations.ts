import { OutpostError } from '../../drivers/types.js';
import type { Db } from './database.js';
import { storeError } from './errors.js';

/**
 * Schema steps, applied in order. `PRAGMA user_version` holds how many have been applied. Append new
 * steps at the end; never edit a step that has shipped, since devices in the field already ran it.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE streams (
    id INTEGER PRIMARY KEY,
    device TEXT NOT NULL,
    metric TEXT NOT NULL,
    unit TEXT NOT NULL,
    UNIQUE (device, metric)
  );
  CREATE TABLE readings (
    stream_id INTEGER NOT NULL REFERENCES streams(id),
    ts INTEGER NOT NULL,
    value REAL NOT NULL,
    quality INTEGER NOT NULL,
    -- Time first: a tick appends to the end of the tree and rewrites a handful of pages. Keyed by stream
    -- first, every stream would rewrite its own 4 KiB page each tick: ~10 KB of flash per reading.
    PRIMARY KEY (ts, stream_id)
  ) WITHOUT ROWID;
  CREATE TABLE summaries (
    stream_id INTEGER NOT NULL REFERENCES streams(id),
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    count INTEGER NOT NULL,
    min REAL NOT NULL,
    max REAL NOT NULL,
    mean REAL NOT NULL,
    last REAL NOT NULL,
    stddev REAL NOT NULL,
    first_ts INTEGER NOT NULL,
    last_ts INTEGER NOT NULL,
    max_score REAL,
    -- Time first, as for readings: closing a window for every stream appends instead of touching each stream's page.
    PRIMARY KEY (start, stream_id)
  ) WITHOUT ROWID;
  -- seq is assigned by the store (see outbox.ts), never reused, even across restarts.
  CREATE TABLE outbox (
    seq INTEGER PRIMARY KEY,
    topic TEXT NOT NULL,
    payload BLOB NOT NULL,
    qos INTEGER NOT NULL,
    created INTEGER NOT NULL
  );
  CREATE TABLE alerts (
    id INTEGER PRIMARY KEY,
    ts INTEGER NOT NULL,
    device TEXT NOT NULL,
    metric TEXT,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    score REAL,
    value REAL,
    message TEXT NOT NULL,
    acked_ts INTEGER
  );
  CREATE INDEX alerts_by_subject ON alerts (device, kind, metric);
  CREATE INDEX alerts_by_ts ON alerts (ts);
  CREATE TABLE devices (
    id TEXT PRIMARY KEY,
    protocol TEXT NOT NULL,
    name TEXT NOT NULL,
    model TEXT NOT NULL,
    outputs TEXT NOT NULL,
    state TEXT NOT NULL,
    reason TEXT,
    last_seen INTEGER,
    updated INTEGER NOT NULL
  );
  CREATE TABLE counters (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
  );
  `,
  // The on-box detector's anomaly score of each reading; null where detection is off or still learning.
  `ALTER TABLE readings ADD COLUMN score REAL;`,
];

/**
 * Brings the database up to `steps.length`, one transaction per step so a power cut leaves the
 * database at a whole version. Refuses (`STORE_TOO_NEW`) a database written by a newer release:
 * after a rollback to an older release, guessing at an unknown schema could destroy data.
 */
export function migrate(db: Db, path: string, steps: readonly string[] = MIGRATIONS): number {
  const current = Number(db.pragma('user_version', { simple: true }));
  if (current > steps.length) {
    throw new OutpostError(
      'STORE_TOO_NEW',
      `store ${path}: schema version ${current} is newer than this release understands (${steps.length}); ` +
        'it was written by a newer release, update or restore a backup',
      { path, version: current, known: steps.length },
    );
  }
  for (let version = current; version < steps.length; version++) {
    const sql = steps[version] ?? '';
    try {
      db.transaction(() => {
        db.exec(sql);
        db.pragma(`user_version = ${version + 1}`);
      })();
    } catch (err) {
      throw storeError(err, path, `migrating the schema to version ${version + 1}`);
    }
  }
  return steps.length;
}
