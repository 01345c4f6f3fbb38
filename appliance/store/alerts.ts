import type { Statement } from 'better-sqlite3';
import type { Alert, AlertKind } from '../model/alert.js';
import type { Db } from './database.js';

export type StoredAlert = Alert & { id: number; ackedTs: number | null };

export interface AlertQuery {
  /** true: raised, not acknowledged and not cleared since; false: the others; absent: all. */
  open?: boolean;
  /** At most this many, newest first (default 100). */
  limit?: number;
}

interface AlertRow {
  id: number;
  ts: number;
  device: string;
  metric: string | null;
  kind: string;
  state: string;
  score: number | null;
  value: number | null;
  message: string;
  acked_ts: number | null;
}

type Insert = [number, string, string | null, string, string, number | null, number | null, string];

/** Whether alert `a` is still open: raised, unacknowledged, and no later clear for the same subject. */
const IS_OPEN = `(a.state = 'raised' AND a.acked_ts IS NULL AND NOT EXISTS (
  SELECT 1 FROM alerts c
  WHERE c.device = a.device AND c.kind = a.kind AND c.metric IS a.metric AND c.state = 'cleared' AND c.id > a.id))`;

const DEFAULT_LIMIT = 100;

/** The `alerts` table: every raise and clear, in the order they happened. */
export class Alerts {
  private readonly insertRow: Statement<Insert>;
  private readonly select: Statement<[{ open: number | null; limit: number }], AlertRow>;
  private readonly deleteOld: Statement<[number]>;
  private readonly ackRow: Statement<[number, number]>;

  constructor(db: Db) {
    this.insertRow = db.prepare(
      `INSERT INTO alerts (ts, device, metric, kind, state, score, value, message)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.select = db.prepare(
      `SELECT a.* FROM alerts a WHERE @open IS NULL OR @open = ${IS_OPEN} ORDER BY a.id DESC LIMIT @limit`,
    );
    // An alert still open is kept whatever its age: an old outage that never cleared is still news.
    this.deleteOld = db.prepare(`DELETE FROM alerts AS a WHERE a.ts < ? AND NOT ${IS_OPEN}`);
    this.ackRow = db.prepare(`UPDATE alerts SET acked_ts = ? WHERE id = ? AND state = 'raised' AND acked_ts IS NULL`);
  }

  /** Marks a raised alert acknowledged; false when there is no such raised alert or it was acknowledged before. */
  ack(id: number, ts: number): boolean {
    return this.ackRow.run(ts, id).changes === 1;
  }

  insert(alert: Alert): void {
    this.insertRow.run(
      alert.ts,
      alert.device,
      alert.metric ?? null,
      alert.kind,
      alert.state,
      alert.score ?? null,
      alert.value ?? null,
      alert.message,
    );
  }

  query(q: AlertQuery): StoredAlert[] {
    const open = q.open === undefined ? null : Number(q.open);
    return this.select.all({ open, limit: q.limit ?? DEFAULT_LIMIT }).map(toAlert);
  }

  /** Deletes closed alerts older than `cutoff`; returns how many. */
  deleteClosedBefore(cutoff: number): number {
    return this.deleteOld.run(cutoff).changes;
  }
}

function toAlert(row: AlertRow): StoredAlert {
  const alert: StoredAlert = {
    id: row.id,
    ts: row.ts,
    device: row.device,
    kind: row.kind as AlertKind,
    state: row.state as Alert['state'],
    message: row.message,
    ackedTs: row.acked_ts,
  };
  if (row.metric !== null) alert.metric = row.metric;
  if (row.score !== null) alert.score = row.score;
  if (row.value !== null) alert.value = row.value;
  return alert;
}
