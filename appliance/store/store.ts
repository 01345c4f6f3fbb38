import { OutpostError, type DeviceInfo, type Reading } from '../../drivers/types.js';
import type { Logger } from '../log.js';
import type { Summary } from '../model/summary.js';
import type { OutboxSource, OutboxStats } from '../uplink/outbox-source.js';
import type { AlertQuery, StoredAlert } from './alerts.js';
import { Checkpointer, DEFAULT_CHECKPOINTS, type CheckpointPolicy } from './checkpointer.js';
import { openDatabase, type Db } from './database.js';
import { isSqliteError, storeError } from './errors.js';
import { migrate } from './migrations.js';
import type { OutboxRow } from './outbox.js';
import { DEFAULT_RETENTION, Retention, type RetentionPolicy } from './retention.js';
import type { SummaryQuery } from './summaries.js';
import { openTables, type Tables } from './tables.js';
import { BYTES_WRITTEN, TickWriter, type TickCommit } from './tick-writer.js';
import { WriteMeter } from './write-meter.js';

export type { OutboxDraft, OutboxRow } from './outbox.js';
export type { TickCommit } from './tick-writer.js';

export interface StoreDeps {
  /** The database file, e.g. `/var/lib/outpost/outpost.db`; its folder is created if missing. */
  path: string;
  log: Logger;
  retention?: RetentionPolicy;
  /** Budget on the sum of outbox payload bytes (default 256 MiB, as in the config schema). */
  outboxMaxBytes?: number;
  now?: () => number;
  checkpoints?: CheckpointPolicy;
  /** How often the store enforces retention by itself (default 5 minutes). */
  retentionIntervalMs?: number;
}

interface Session {
  db: Db;
  tables: Tables;
  meter: WriteMeter;
  checkpointer: Checkpointer;
  ticks: TickWriter;
  retention: Retention;
  timer: NodeJS.Timeout;
}

const DEFAULT_OUTBOX_BYTES = 256 * 1024 * 1024;
const DEFAULT_RETENTION_INTERVAL_MS = 5 * 60_000;
const DEFAULT_READINGS_LIMIT = 10_000;

/** The appliance's SQLite database: the only writer, one transaction per tick. */
export class Store implements OutboxSource {
  private session: Session | null = null;

  constructor(private readonly deps: StoreDeps) {}

  async start(): Promise<void> {
    if (this.session) return;
    const { path, log } = this.deps;
    const now = this.deps.now ?? Date.now;
    const db = openDatabase(path);
    try {
      migrate(db, path);
      const tables = openTables(db, { outboxMaxBytes: this.deps.outboxMaxBytes ?? DEFAULT_OUTBOX_BYTES });
      const pageSize = Number(db.pragma('page_size', { simple: true }));
      const meter = new WriteMeter({ db, pageSize, initial: tables.counters.get(BYTES_WRITTEN) });
      // Frames a killed process left in the WAL were never counted: count them now.
      meter.observe();
      const policy = this.deps.checkpoints ?? DEFAULT_CHECKPOINTS;
      const { streams, alerts } = tables;
      const retention = new Retention({ db, alerts, log, policy: this.deps.retention ?? DEFAULT_RETENTION });
      const interval = this.deps.retentionIntervalMs ?? DEFAULT_RETENTION_INTERVAL_MS;
      const timer = setInterval(() => this.retentionTick(), interval);
      // The appliance stops the store on shutdown; the timer alone must not keep the process alive.
      timer.unref();
      this.session = {
        db,
        tables,
        meter,
        checkpointer: new Checkpointer({ meter, policy, now }),
        ticks: new TickWriter({ db, path, log, tables, meter }),
        retention,
        timer,
      };
      log.info({ path, outboxDepth: tables.outbox.stats().depth }, 'store opened');
    } catch (err) {
      db.close();
      throw storeError(err, path, 'opening');
    }
  }

  /** Saves the write meter, empties the WAL into the database file and closes. */
  async stop(): Promise<void> {
    const s = this.session;
    if (!s) return;
    this.session = null;
    clearInterval(s.timer);
    try {
      s.db.transaction(() => s.tables.counters.set(BYTES_WRITTEN, s.meter.bytesWritten()))();
      s.meter.checkpoint('TRUNCATE');
    } catch (err) {
      const error = storeError(err, this.deps.path, 'the final checkpoint');
      this.deps.log.warn({ err: error }, 'store closed without a final checkpoint');
    } finally {
      s.db.close();
    }
  }

  /** One transaction; returns the seqs given to `tick.outbox`, in order. Throws STORE_FULL / STORE_IO. */
  commitTick(tick: TickCommit): { seqs: number[] } {
    const s = this.opened('commitTick');
    const result = s.ticks.commit(tick, this.now());
    this.afterWrite(s);
    return result;
  }

  outboxAfter(afterSeq: number, limit: number): OutboxRow[] {
    return this.read('reading the outbox', (s) => s.tables.outbox.after(afterSeq, limit));
  }

  /** Deletes the rows in one transaction; seqs already gone are ignored. */
  ackOutbox(seqs: number[]): void {
    if (seqs.length === 0) return;
    const s = this.opened('ackOutbox');
    this.guard(`acknowledging ${seqs.length} outbox messages`, () => s.tables.outbox.ack(seqs));
    this.afterWrite(s);
  }

  /** One uplink's cursor when several share the outbox (see `SharedOutbox`); 0 if it never had an ack. */
  outboxCursor(uplink: string): number {
    return this.read(`reading the outbox cursor of ${uplink}`, (s) => s.tables.outbox.cursor(uplink));
  }

  /** Saves `uplink`'s cursor and deletes the rows with `seq <= deleteUpTo` (acknowledged by every uplink). */
  advanceOutboxCursor(uplink: string, ackedSeq: number, deleteUpTo: number): void {
    const s = this.opened('advanceOutboxCursor');
    this.guard(`saving the outbox cursor of ${uplink}`, () => s.tables.outbox.advanceCursor(uplink, ackedSeq, deleteUpTo));
    this.afterWrite(s);
  }

  outboxStats(): OutboxStats {
    return this.read('reading outbox stats', (s) => s.tables.outbox.stats());
  }

  latestReadings(device?: string): Reading[] {
    return this.read('reading latest readings', (s) => s.tables.readings.latest(device));
  }

  /** Readings with `from <= ts < to`, oldest first; when `limit` cuts, the most recent are kept. */
  readings(device: string, metric: string, from: number, to: number, limit = DEFAULT_READINGS_LIMIT): Reading[] {
    return this.read(`reading ${device} ${metric}`, (s) => {
      const stream = s.tables.streams.find(device, metric);
      return stream ? s.tables.readings.range(stream, from, to, limit) : [];
    });
  }

  /**
   * Readings stored after the end of the newest summarised window (and not older than `notBefore`): the
   * windows a stop or a crash left open, for the pipeline to resume rather than summarise twice or never.
   */
  unsummarisedReadings(notBefore: number): Reading[] {
    return this.read('reading unsummarised readings', (s) => {
      const from = Math.max(notBefore, s.tables.summaries.newestEnd() ?? Number.MIN_SAFE_INTEGER);
      return s.tables.readings.since(from);
    });
  }

  summaries(query: SummaryQuery): Summary[] {
    return this.read('reading summaries', (s) => s.tables.summaries.query(query));
  }

  alerts(query: AlertQuery): StoredAlert[] {
    return this.read('reading alerts', (s) => s.tables.alerts.query(query));
  }

  /** Acknowledges a raised alert (it stops being open); throws ALERT_UNKNOWN when there is no such unacknowledged alert. */
  ackAlert(id: number): void {
    const s = this.opened('ackAlert');
    const done = this.guard(`acknowledging alert ${id}`, () => s.tables.alerts.ack(id, this.now()));
    if (!done) throw new OutpostError('ALERT_UNKNOWN', `no unacknowledged raised alert ${id}`, { id });
    this.afterWrite(s);
  }

  devices(): DeviceInfo[] {
    return this.read('reading devices', (s) => s.tables.devices.all());
  }

  /** Every counter; `db.bytes_written` is the live figure, not the last one saved. */
  counters(): Record<string, number> {
    return this.read('reading counters', (s) => ({
      ...s.tables.counters.all(),
      [BYTES_WRITTEN]: s.meter.bytesWritten(),
    }));
  }

  enforceRetention(): { readingsDeleted: number; summariesDeleted: number } {
    const s = this.opened('enforceRetention');
    const result = this.guard('enforcing retention', () => s.retention.enforce(this.now()));
    this.afterWrite(s);
    return result;
  }

  /** Estimated bytes written to the database files since the database was created (see write-meter.ts). */
  bytesWritten(): number {
    return this.opened('bytesWritten').meter.bytesWritten();
  }

  /** `PRAGMA integrity_check`: 'ok', or the problems found, one a line. */
  integrityCheck(): string {
    return this.read('checking integrity', (s) =>
      (s.db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('\n'),
    );
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  private opened(what: string): Session {
    if (!this.session) {
      throw new OutpostError('STORE_CLOSED', `store ${this.deps.path}: ${what} called while the store is not started`, {
        path: this.deps.path,
      });
    }
    return this.session;
  }

  private read<T>(doing: string, fn: (s: Session) => T): T {
    const s = this.opened(doing);
    return this.guard(doing, () => fn(s));
  }

  private guard<T>(doing: string, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      throw isSqliteError(err) ? storeError(err, this.deps.path, doing) : err;
    }
  }

  /** The write is committed whatever happens here: a failed checkpoint is retried after the next write. */
  private afterWrite(s: Session): void {
    try {
      s.checkpointer.afterWrite();
    } catch (err) {
      this.deps.log.warn({ err: storeError(err, this.deps.path, 'checkpointing') }, 'checkpoint failed; will retry');
    }
  }

  private retentionTick(): void {
    try {
      this.enforceRetention();
    } catch (err) {
      this.deps.log.error({ err }, 'retention failed; will retry');
    }
  }
}
