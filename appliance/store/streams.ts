import type { Statement } from 'better-sqlite3';
import { StreamMap } from '../model/stream-map.js';
import type { Db } from './database.js';

interface StreamRow {
  id: number;
  unit: string;
}

export interface StreamRef extends StreamRow {
  device: string;
  metric: string;
}

/**
 * device×metric → stream id, cached in memory so a tick's readings cost one Map lookup each.
 * The cache may hold ids inserted by a transaction that later rolled back: callers `forget()` after
 * a failed transaction.
 */
export class Streams {
  private readonly cache = new StreamMap<StreamRow>();
  private readonly upsert: Statement<[string, string, string], number>;
  private readonly select: Statement<[string, string], StreamRow>;

  constructor(db: Db) {
    this.upsert = db
      .prepare<[string, string, string], number>(
        `INSERT INTO streams (device, metric, unit) VALUES (?, ?, ?)
         ON CONFLICT (device, metric) DO UPDATE SET unit = excluded.unit
         RETURNING id`,
      )
      .pluck();
    this.select = db.prepare<[string, string], StreamRow>('SELECT id, unit FROM streams WHERE device = ? AND metric = ?');
  }

  /** The stream's id, created (or its unit updated) inside the caller's transaction when needed. */
  idFor(device: string, metric: string, unit: string): number {
    const hit = this.cache.get(device, metric) ?? this.load(device, metric);
    if (hit && hit.unit === unit) return hit.id;
    const id = this.upsert.get(device, metric, unit) as number;
    this.cache.set(device, metric, { id, unit });
    return id;
  }

  /** The stream, or undefined when nothing was ever stored for it. */
  find(device: string, metric: string): StreamRef | undefined {
    const row = this.cache.get(device, metric) ?? this.load(device, metric);
    return row && { ...row, device, metric };
  }

  forget(): void {
    this.cache.clear();
  }

  private load(device: string, metric: string): StreamRow | undefined {
    const row = this.select.get(device, metric);
    if (row) this.cache.set(device, metric, row);
    return row;
  }
}
