import type { Statement } from 'better-sqlite3';
import type { Quality, Reading } from '../../drivers/types.js';
import type { Db } from './database.js';
import type { StreamRef } from './streams.js';

const QUALITY_CODE: Record<Quality, number> = { good: 0, uncertain: 1 };
const QUALITY_NAME: readonly Quality[] = ['good', 'uncertain'];

interface ReadingRow {
  device: string;
  metric: string;
  unit: string;
  ts: number;
  value: number;
  quality: number;
}

/** The `readings` table: one row per stream and timestamp; a repeated timestamp replaces the value. */
export class Readings {
  private readonly insertRow: Statement<[number, number, number, number]>;
  private readonly selectLatest: Statement<[{ device: string | null }], ReadingRow>;
  private readonly selectRange: Statement<[number, number, number, number], Pick<ReadingRow, 'ts' | 'value' | 'quality'>>;

  constructor(db: Db) {
    this.insertRow = db.prepare('INSERT OR REPLACE INTO readings (stream_id, ts, value, quality) VALUES (?, ?, ?, ?)');
    // max(ts) per stream is one seek at the end of that stream's key range.
    this.selectLatest = db.prepare(
      `SELECT s.device, s.metric, s.unit, r.ts, r.value, r.quality
       FROM streams s
       JOIN readings r ON r.stream_id = s.id AND r.ts = (SELECT max(ts) FROM readings WHERE stream_id = s.id)
       WHERE @device IS NULL OR s.device = @device
       ORDER BY s.device, s.metric`,
    );
    this.selectRange = db.prepare(
      'SELECT ts, value, quality FROM readings WHERE stream_id = ? AND ts >= ? AND ts < ? ORDER BY ts DESC LIMIT ?',
    );
  }

  insert(streamId: number, reading: Reading): void {
    this.insertRow.run(streamId, reading.ts, reading.value, QUALITY_CODE[reading.quality]);
  }

  latest(device?: string): Reading[] {
    return this.selectLatest.all({ device: device ?? null }).map((row) => toReading(row));
  }

  /** Readings with `from <= ts < to`, oldest first; when `limit` cuts, the most recent are kept. */
  range(stream: StreamRef, from: number, to: number, limit: number): Reading[] {
    const { device, metric, unit } = stream;
    return this.selectRange
      .all(stream.id, from, to, limit)
      .reverse()
      .map((row) => toReading({ device, metric, unit, ...row }));
  }
}

function toReading(row: ReadingRow): Reading {
  return {
    device: row.device,
    metric: row.metric,
    unit: row.unit,
    ts: row.ts,
    value: row.value,
    quality: QUALITY_NAME[row.quality] ?? 'uncertain',
  };
}
