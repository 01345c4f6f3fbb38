import type { Statement } from 'better-sqlite3';
import type { Logger } from '../log.js';
import type { Alerts } from './alerts.js';
import type { Db } from './database.js';

export interface RetentionPolicy {
  readingsMaxAgeMs: number;
  /** Also the age under which no alert is ever deleted. */
  summariesMaxAgeMs: number;
  /** Budget on the pages in use, (page_count − freelist_count) × page_size. */
  maxBytes: number;
}

const DAY = 86_400_000;

/** The same defaults as the `store` section of the config schema. */
export const DEFAULT_RETENTION: RetentionPolicy = {
  readingsMaxAgeMs: 7 * DAY,
  summariesMaxAgeMs: 90 * DAY,
  maxBytes: 1024 * 1024 * 1024,
};

/** Each round over the byte budget deletes at least this much time from the oldest end. */
const MIN_STEP_MS = 60_000;

/** A time series table keyed by time first, `readings` by `ts` or `summaries` by `start`. */
class Series {
  private readonly selectSpan: Statement<[], { oldest: number | null; newest: number | null }>;
  private readonly deleteRange: Statement<[number]>;

  constructor(db: Db, table: 'readings' | 'summaries', column: 'ts' | 'start') {
    // Both ends of the key: two seeks.
    this.selectSpan = db.prepare(`SELECT min(${column}) AS oldest, max(${column}) AS newest FROM ${table}`);
    this.deleteRange = db.prepare(`DELETE FROM ${table} WHERE ${column} < ?`);
  }

  /** The oldest and newest times in the table, or null when it is empty. */
  span(): { oldest: number; newest: number } | null {
    const row = this.selectSpan.get();
    return row?.oldest == null || row.newest == null ? null : { oldest: row.oldest, newest: row.newest };
  }

  /** Inside the caller's transaction: rows before `cutoff`, one range delete at the start of the key. */
  deleteBefore(cutoff: number): number {
    return this.deleteRange.run(cutoff).changes;
  }
}

/**
 * Keeps the database bounded: by age, then by a byte budget on used pages, deleting the oldest
 * readings first and summaries next. Never touches the outbox (it has its own budget). Freed pages
 * go to the freelist and are reused, so the file stops growing rather than shrinking.
 */
export class Retention {
  private readonly readings: Series;
  private readonly summaries: Series;

  constructor(
    private readonly deps: { db: Db; alerts: Alerts; policy: RetentionPolicy; log: Logger },
  ) {
    this.readings = new Series(deps.db, 'readings', 'ts');
    this.summaries = new Series(deps.db, 'summaries', 'start');
  }

  enforce(now: number): { readingsDeleted: number; summariesDeleted: number } {
    const { db, alerts, policy, log } = this.deps;
    let readingsDeleted = db.transaction(() => this.readings.deleteBefore(now - policy.readingsMaxAgeMs))();
    const aged = db.transaction(() => ({
      summaries: this.summaries.deleteBefore(now - policy.summariesMaxAgeMs),
      alerts: alerts.deleteClosedBefore(now - policy.summariesMaxAgeMs),
    }))();
    let summariesDeleted = aged.summaries;
    readingsDeleted += this.shrink(this.readings);
    summariesDeleted += this.shrink(this.summaries);
    const used = this.usedBytes();
    if (used > policy.maxBytes) {
      log.warn(
        { usedBytes: used, maxBytes: policy.maxBytes },
        'store over its byte budget with no readings or summaries left to delete (outbox and alerts are kept)',
      );
    }
    if (readingsDeleted + summariesDeleted + aged.alerts > 0) {
      const alertsDeleted = aged.alerts;
      log.info({ readingsDeleted, summariesDeleted, alertsDeleted, usedBytes: used }, 'retention deleted old data');
    }
    return { readingsDeleted, summariesDeleted };
  }

  usedBytes(): number {
    const { db } = this.deps;
    const pragma = (name: string) => Number(db.pragma(name, { simple: true }));
    return (pragma('page_count') - pragma('freelist_count')) * pragma('page_size');
  }

  /**
   * Deletes from the oldest end in rounds, one transaction each, until under budget or empty. Each
   * round guesses the time span to cut from the share of bytes over budget, assuming data arrived at
   * an even rate; the next round corrects the guess.
   */
  private shrink(series: Series): number {
    const { db, policy } = this.deps;
    let deleted = 0;
    for (let used = this.usedBytes(); used > policy.maxBytes; used = this.usedBytes()) {
      const span = series.span();
      if (!span) break;
      const share = (used - policy.maxBytes) / used;
      const cutoff = span.oldest + Math.max(MIN_STEP_MS, (span.newest - span.oldest) * share);
      deleted += db.transaction(() => series.deleteBefore(cutoff))();
    }
    return deleted;
  }
}
