import type { DeviceInfo, Reading } from '../../drivers/types.js';
import type { Logger } from '../log.js';
import type { Alert } from '../model/alert.js';
import type { Summary } from '../model/summary.js';
import type { Db } from './database.js';
import { isSqliteError, storeError } from './errors.js';
import type { OutboxDraft } from './outbox.js';
import type { Tables } from './tables.js';
import type { WriteMeter } from './write-meter.js';

/** Everything one tick produced; stored in one transaction or not at all. */
export interface TickCommit {
  readings: Reading[];
  /** Anomaly scores aligned with `readings`, when the detector scored them. */
  scores?: (number | null)[];
  summaries: Summary[];
  alerts: Alert[];
  /** Readings dropped this tick, by reason (`nan`, `range`, ...): added to counters `drop.<reason>`. */
  drops: Record<string, number>;
  outbox: OutboxDraft[];
  devices: DeviceInfo[];
}

type Enqueued = { seqs: number[]; dropped: number };

export const BYTES_WRITTEN = 'db.bytes_written';

/** Writes a tick in one transaction: one WAL fsync per tick, and a failed tick leaves no trace. */
export class TickWriter {
  private readonly write: (tick: TickCommit, now: number, bytesWritten: number | null) => Enqueued;

  constructor(private readonly deps: { db: Db; path: string; log: Logger; tables: Tables; meter: WriteMeter }) {
    const { streams, readings, summaries, alerts, devices, counters, outbox } = deps.tables;
    this.write = deps.db.transaction((tick: TickCommit, now: number, bytesWritten: number | null) => {
      tick.readings.forEach((r, i) => readings.insert(streams.idFor(r.device, r.metric, r.unit), r, tick.scores?.[i] ?? null));
      for (const s of tick.summaries) summaries.insert(streams.idFor(s.device, s.metric, s.unit), s);
      for (const a of tick.alerts) alerts.insert(a);
      for (const d of tick.devices) devices.upsert(d, now);
      for (const [reason, count] of Object.entries(tick.drops)) counters.add(`drop.${reason}`, count);
      // Saved with the next tick after a checkpoint rather than in a transaction of its own.
      if (bytesWritten !== null) counters.set(BYTES_WRITTEN, bytesWritten);
      return outbox.enqueue(tick.outbox, now);
    });
  }

  /** Returns the seqs given to `tick.outbox`, in order. */
  commit(tick: TickCommit, now: number): { seqs: number[] } {
    const { meter, tables, log, path } = this.deps;
    const bytesWritten = meter.unsaved();
    let result: Enqueued;
    try {
      result = this.write(tick, now, bytesWritten);
    } catch (err) {
      // The transaction rolled back; the in-memory caches may hold what it had added.
      tables.streams.forget();
      tables.outbox.forget();
      if (!isSqliteError(err)) throw err;
      const doing = `committing a tick of ${tick.readings.length} readings (rolled back, nothing stored)`;
      throw storeError(err, path, doing);
    }
    tables.readings.remember(tick.readings);
    if (bytesWritten !== null) meter.saved(bytesWritten);
    if (result.dropped > 0) {
      log.warn(
        { path, dropped: result.dropped, budgetBytes: tables.outbox.budget() },
        `outbox over its byte budget: dropped the ${result.dropped} oldest unsent messages`,
      );
    }
    return { seqs: result.seqs };
  }
}
