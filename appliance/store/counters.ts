import type { Statement } from 'better-sqlite3';
import type { Db } from './database.js';

/**
 * Named monotonic totals (`drop.nan`, `outbox.dropped`, `db.bytes_written`) and the outbox's seq
 * high-water mark. No cache: every change is written inside the caller's transaction, so a counter
 * rolls back with the tick that bumped it.
 */
export class Counters {
  private readonly addRow: Statement<[string, number]>;
  private readonly setRow: Statement<[string, number]>;
  private readonly selectOne: Statement<[string], number>;
  private readonly selectAll: Statement<[], { name: string; value: number }>;

  constructor(db: Db) {
    this.addRow = db.prepare(
      'INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = value + excluded.value',
    );
    this.setRow = db.prepare(
      'INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value',
    );
    this.selectOne = db.prepare<[string], number>('SELECT value FROM counters WHERE name = ?').pluck();
    this.selectAll = db.prepare('SELECT name, value FROM counters ORDER BY name');
  }

  add(name: string, delta: number): void {
    if (delta !== 0) this.addRow.run(name, delta);
  }

  set(name: string, value: number): void {
    this.setRow.run(name, value);
  }

  get(name: string): number {
    return this.selectOne.get(name) ?? 0;
  }

  all(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const { name, value } of this.selectAll.all()) out[name] = value;
    return out;
  }
}
