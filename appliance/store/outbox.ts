import type { Statement } from 'better-sqlite3';
import type { OutboxRow, OutboxStats } from '../uplink/outbox-source.js';
import type { Counters } from './counters.js';
import type { Db } from './database.js';

export type { OutboxRow, OutboxStats } from '../uplink/outbox-source.js';

/** A message to enqueue; its payload is built once its seq is known, so it can carry its own seq. */
export interface OutboxDraft {
  topic: string;
  qos: 0 | 1;
  build(seq: number): Buffer | string;
}

interface Tally {
  depth: number;
  bytes: number;
  lastSeq: number;
}

/** Counter holding the highest seq ever assigned, written whenever acks may have deleted it. */
const LAST_SEQ = 'outbox.last_seq';
const DROPPED = 'outbox.dropped';
/** Prefix of the counters holding each uplink's cursor when several uplinks share the outbox. */
const CURSOR = 'outbox.cursor.';

/**
 * The `outbox` table: messages for the uplink, deleted only when acknowledged or when the byte
 * budget forces the oldest out. Seqs are assigned here rather than by SQLite: a seq is never reused,
 * even after the outbox was emptied and the process restarted, and unlike AUTOINCREMENT this costs
 * no extra page write per tick (only ack transactions write the high-water mark).
 */
export class Outbox {
  private tally: Tally | null = null;
  private readonly insertRow: Statement<[number, string, Buffer, number, number]>;
  private readonly deleteRow: Statement<[number], number>;
  private readonly deleteUpTo: Statement<[number]>;
  private readonly selectAfter: Statement<[number, number], OutboxRow>;
  private readonly selectSizes: Statement<[], { seq: number; size: number }>;
  private readonly selectTally: Statement<[], { depth: number; bytes: number; maxSeq: number }>;
  private readonly selectOldest: Statement<[], number | null>;
  private readonly deleteAcked: (seqs: readonly number[], lastSeq: number) => { count: number; bytes: number };
  private readonly saveCursor: (uplink: string, ackedSeq: number, deleteUpTo: number, lastSeq: number) => { count: number; bytes: number };

  constructor(private readonly deps: { db: Db; counters: Counters; maxBytes: number }) {
    const { db } = deps;
    this.insertRow = db.prepare('INSERT INTO outbox (seq, topic, payload, qos, created) VALUES (?, ?, ?, ?, ?)');
    this.deleteRow = db.prepare<[number], number>('DELETE FROM outbox WHERE seq = ? RETURNING length(payload)').pluck();
    this.deleteUpTo = db.prepare('DELETE FROM outbox WHERE seq <= ?');
    this.selectAfter = db.prepare('SELECT seq, topic, payload, qos FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?');
    this.selectSizes = db.prepare('SELECT seq, length(payload) AS size FROM outbox ORDER BY seq');
    this.selectTally = db.prepare(
      'SELECT count(*) AS depth, coalesce(sum(length(payload)), 0) AS bytes, coalesce(max(seq), 0) AS maxSeq FROM outbox',
    );
    this.selectOldest = db.prepare<[], number | null>('SELECT min(seq) FROM outbox').pluck();
    this.deleteAcked = db.transaction((seqs: readonly number[], lastSeq: number) => {
      let count = 0;
      let bytes = 0;
      for (const seq of seqs) {
        const length = this.deleteRow.get(seq);
        if (length === undefined) continue;
        count += 1;
        bytes += length;
      }
      // The newest row may be among them: keep its seq so no restart hands it out again.
      if (count > 0) deps.counters.set(LAST_SEQ, lastSeq);
      return { count, bytes };
    });
    const deleteThrough = db.prepare<[number], number>('DELETE FROM outbox WHERE seq <= ? RETURNING length(payload)').pluck();
    this.saveCursor = db.transaction((uplink: string, ackedSeq: number, deleteUpTo: number, lastSeq: number) => {
      deps.counters.set(CURSOR + uplink, ackedSeq);
      const lengths = deleteThrough.all(deleteUpTo);
      if (lengths.length > 0) deps.counters.set(LAST_SEQ, lastSeq);
      return { count: lengths.length, bytes: lengths.reduce((sum, n) => sum + n, 0) };
    });
  }

  /**
   * Appends the drafts inside the caller's transaction and returns their seqs in order. When the
   * outbox passes its byte budget, the oldest rows go (never the newest one) and are counted as dropped.
   * After the caller's transaction fails, it must call `forget()`.
   */
  enqueue(drafts: readonly OutboxDraft[], now: number): { seqs: number[]; dropped: number } {
    const tally = this.current();
    const seqs: number[] = [];
    for (const draft of drafts) {
      const seq = tally.lastSeq + 1;
      const built = draft.build(seq);
      const payload = typeof built === 'string' ? Buffer.from(built, 'utf8') : built;
      this.insertRow.run(seq, draft.topic, payload, draft.qos, now);
      tally.lastSeq = seq;
      tally.depth += 1;
      tally.bytes += payload.length;
      seqs.push(seq);
    }
    const dropped = tally.bytes > this.deps.maxBytes ? this.evictOldest(tally) : 0;
    this.deps.counters.add(DROPPED, dropped);
    return { seqs, dropped };
  }

  after(afterSeq: number, limit: number): OutboxRow[] {
    return this.selectAfter.all(afterSeq, limit);
  }

  /** Deletes the acknowledged rows in one transaction; seqs already gone are ignored. */
  ack(seqs: readonly number[]): void {
    const tally = this.current();
    const { count, bytes } = this.deleteAcked(seqs, tally.lastSeq);
    tally.depth -= count;
    tally.bytes -= bytes;
  }

  /** The highest seq `uplink` has had acknowledged, when several uplinks share the outbox; 0 if none yet. */
  cursor(uplink: string): number {
    return this.deps.counters.get(CURSOR + uplink);
  }

  /**
   * Saves one uplink's cursor and deletes the rows every uplink has had acknowledged (`seq <= deleteUpTo`)
   * in one transaction: a row leaves the outbox when the last uplink that needs it has it.
   */
  advanceCursor(uplink: string, ackedSeq: number, deleteUpTo: number): void {
    const tally = this.current();
    const { count, bytes } = this.saveCursor(uplink, ackedSeq, deleteUpTo, tally.lastSeq);
    tally.depth -= count;
    tally.bytes -= bytes;
  }

  /** The byte budget on payloads. */
  budget(): number {
    return this.deps.maxBytes;
  }

  stats(): OutboxStats {
    const { depth, bytes } = this.current();
    return { depth, bytes, dropped: this.deps.counters.get(DROPPED), oldestSeq: this.selectOldest.get() ?? null };
  }

  /** Drops the in-memory tally; it is recounted from the table on next use. */
  forget(): void {
    this.tally = null;
  }

  private current(): Tally {
    if (!this.tally) {
      const row = this.selectTally.get() ?? { depth: 0, bytes: 0, maxSeq: 0 };
      const lastSeq = Math.max(row.maxSeq, this.deps.counters.get(LAST_SEQ));
      this.tally = { depth: row.depth, bytes: row.bytes, lastSeq };
    }
    return this.tally;
  }

  private evictOldest(tally: Tally): number {
    let upTo = 0;
    let count = 0;
    let freed = 0;
    for (const { seq, size } of this.selectSizes.iterate()) {
      if (tally.bytes - freed <= this.deps.maxBytes || seq === tally.lastSeq) break;
      upTo = seq;
      count += 1;
      freed += size;
    }
    if (count === 0) return 0;
    this.deleteUpTo.run(upTo);
    tally.depth -= count;
    tally.bytes -= freed;
    return count;
  }
}
