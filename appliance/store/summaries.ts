import type { Statement } from 'better-sqlite3';
import type { Summary } from '../model/summary.js';
import type { Db } from './database.js';

export interface SummaryQuery {
  device?: string;
  metric?: string;
  /** Windows with `from <= start < to`. */
  from?: number;
  to?: number;
  /** At most this many (default 1000); when it cuts, the most recent windows are kept. */
  limit?: number;
}

interface SummaryRow {
  device: string;
  metric: string;
  unit: string;
  start: number;
  end: number;
  count: number;
  min: number;
  max: number;
  mean: number;
  last: number;
  stddev: number;
  first_ts: number;
  last_ts: number;
  max_score: number | null;
}

type Insert = [number, number, number, number, number, number, number, number, number, number, number, number | null];
type Select = { device: string | null; metric: string | null; from: number; to: number; limit: number };

const DEFAULT_LIMIT = 1000;

/** The `summaries` table: one row per stream and closed window; a window written twice is replaced. */
export class Summaries {
  private readonly insertRow: Statement<Insert>;
  private readonly select: Statement<[Select], SummaryRow>;
  private readonly selectNewestEnd: Statement<[], number>;

  constructor(db: Db) {
    this.insertRow = db.prepare(
      `INSERT OR REPLACE INTO summaries
       (stream_id, start, "end", count, min, max, mean, last, stddev, first_ts, last_ts, max_score)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.select = db.prepare(
      `SELECT s.device, s.metric, s.unit, m.start, m."end", m.count, m.min, m.max, m.mean, m.last, m.stddev,
              m.first_ts, m.last_ts, m.max_score
       FROM streams s JOIN summaries m ON m.stream_id = s.id
       WHERE (@device IS NULL OR s.device = @device) AND (@metric IS NULL OR s.metric = @metric)
         AND m.start >= @from AND m.start < @to
       ORDER BY m.start DESC, s.device DESC, s.metric DESC
       LIMIT @limit`,
    );
    this.selectNewestEnd = db.prepare<[], number>('SELECT "end" FROM summaries ORDER BY start DESC LIMIT 1').pluck();
  }

  /** The end of the newest window stored: one seek at the end of the time-first key. */
  newestEnd(): number | undefined {
    return this.selectNewestEnd.get();
  }

  insert(streamId: number, s: Summary): void {
    this.insertRow.run(
      streamId,
      s.start,
      s.end,
      s.count,
      s.min,
      s.max,
      s.mean,
      s.last,
      s.stddev,
      s.firstTs,
      s.lastTs,
      s.maxScore,
    );
  }

  /** Oldest window first, then by device and metric. */
  query(q: SummaryQuery): Summary[] {
    const rows = this.select.all({
      device: q.device ?? null,
      metric: q.metric ?? null,
      from: q.from ?? Number.MIN_SAFE_INTEGER,
      to: q.to ?? Number.MAX_SAFE_INTEGER,
      limit: q.limit ?? DEFAULT_LIMIT,
    });
    return rows.reverse().map((r) => ({
      device: r.device,
      metric: r.metric,
      unit: r.unit,
      start: r.start,
      end: r.end,
      count: r.count,
      min: r.min,
      max: r.max,
      mean: r.mean,
      last: r.last,
      stddev: r.stddev,
      firstTs: r.first_ts,
      lastTs: r.last_ts,
      maxScore: r.max_score,
    }));
  }
}
