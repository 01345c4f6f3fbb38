import type { Statement } from 'better-sqlite3';
import type { Quality, Reading } from '../../drivers/types.js';
import { StreamMap } from '../model/stream-map.js';
import type { Db } from './database.js';
import type { StreamRef } from './streams.js';

const QUALITY_CODE: Record<Quality, number> = { good: 0, uncertain: 1 };
const QUALITY_NAME: readonly Quality[] = ['good', 'uncertain'];

/** How far back start-up looks for each stream's latest reading: a stream silent longer has none. */
const LATEST_LOOKBACK_MS = 3_600_000;

interface ReadingRow {
  device: string;
  metric: string;
  unit: string;
  ts: number;
  value: number;
  quality: number;
}

/**
 * The `readings` table, keyed by time first (see the migration): ticks append, ranges by time are seeks,
 * and a stream's history is a scan of the time range filtered by stream. The latest reading of each
 * stream is kept in memory, since with this key it is no longer a seek.
 */
export class Readings {
  private readonly insertRow: Statement<[number, number, number, number, number | null]>;
  private readonly selectNewestTs: Statement<[], number | null>;
  private readonly selectSince: Statement<[number], ReadingRow>;
  private readonly selectRange: Statement<[number, number, number, number], Pick<ReadingRow, 'ts' | 'value' | 'quality'>>;
  private latestByStream: StreamMap<Reading> | undefined;

  constructor(db: Db) {
    this.insertRow = db.prepare('INSERT OR REPLACE INTO readings (ts, stream_id, value, quality, score) VALUES (?, ?, ?, ?, ?)');
    this.selectNewestTs = db.prepare<[], number | null>('SELECT max(ts) FROM readings').pluck();
    this.selectSince = db.prepare(
      `SELECT s.device, s.metric, s.unit, r.ts, r.value, r.quality
       FROM readings r JOIN streams s ON s.id = r.stream_id WHERE r.ts >= ? ORDER BY r.ts`,
    );
    this.selectRange = db.prepare(
      'SELECT ts, value, quality FROM readings WHERE ts >= ? AND ts < ? AND stream_id = ? ORDER BY ts DESC LIMIT ?',
    );
  }

  insert(streamId: number, reading: Reading, score: number | null = null): void {
    this.insertRow.run(reading.ts, streamId, reading.value, QUALITY_CODE[reading.quality], score);
  }

  /** After the tick's transaction committed, so the cache never shows what a rolled-back tick held. */
  remember(readings: readonly Reading[]): void {
    const latest = this.latestCache();
    for (const reading of readings) {
      const previous = latest.get(reading.device, reading.metric);
      if (!previous || previous.ts <= reading.ts) latest.set(reading.device, reading.metric, reading);
    }
  }

  latest(device?: string): Reading[] {
    const all = [...this.latestCache().values()];
    const chosen = device === undefined ? all : all.filter((r) => r.device === device);
    return chosen.sort((a, b) => a.device.localeCompare(b.device) || a.metric.localeCompare(b.metric));
  }

  /** Every stream's readings from `from` on, oldest first. */
  since(from: number): Reading[] {
    return this.selectSince.all(from).map(toReading);
  }

  /** Readings with `from <= ts < to`, oldest first; when `limit` cuts, the most recent are kept. */
  range(stream: StreamRef, from: number, to: number, limit: number): Reading[] {
    const { device, metric, unit } = stream;
    return this.selectRange
      .all(from, to, stream.id, limit)
      .reverse()
      .map((row) => toReading({ device, metric, unit, ...row }));
  }

  private latestCache(): StreamMap<Reading> {
    if (this.latestByStream) return this.latestByStream;
    const latest = new StreamMap<Reading>();
    const newest = this.selectNewestTs.get();
    if (typeof newest === 'number') for (const r of this.since(newest - LATEST_LOOKBACK_MS)) latest.set(r.device, r.metric, r);
    this.latestByStream = latest;
    return latest;
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
