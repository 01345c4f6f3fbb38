import type { Logger } from '../log.js';
import type { OutboxRow, OutboxSource } from './outbox-source.js';

/** What goes out as one MQTT message: one outbox row, or several combined (`seqs`, in order). */
export interface OutboxMessage extends OutboxRow {
  seqs: readonly number[];
}

/** Hands one message to the MQTT session; `done` runs on PUBACK (QoS 1) or once written to the socket (QoS 0). */
export type PublishRow = (message: OutboxMessage, done: (err?: Error) => void) => void;

/** Turns rows read in seq order into messages; each row in exactly one message, messages in seq order. */
export type CombineRows = (rows: readonly OutboxRow[]) => OutboxMessage[];

export interface OutboxDrainDeps {
  outbox: OutboxSource;
  publish: PublishRow;
  /** Several rows per message (JSON v2); one message per row without it. */
  combine?: CombineRows;
  log: Logger;
  /** Messages handed to the session and not yet acknowledged, at most. */
  maxInFlight?: number;
  /** Acknowledged seqs are deleted in one call once this many are gathered… */
  ackBatch?: number;
  /** …or this long after the first of them, whichever comes first. */
  ackFlushMs?: number;
}

/**
 * Moves outbox rows to the broker in seq order and deletes each only after the broker took it.
 *
 * Who re-sends what: mqtt.js stores every QoS 1 publish in its outgoing store *before* writing it and,
 * on every reconnect (clean session or not), re-sends the whole store in publish order before it
 * emits `connect`; the publish callback is kept across reconnects and fires on the eventual PUBACK.
 * So mqtt.js owns the rows already handed to it, and this drain owns only a cursor: the highest seq
 * handed over. On disconnect it stops handing rows out (`pause`), on reconnect it carries on after the
 * cursor (`resume`) — the rows still in flight have gone out again just before. A row is never
 * published twice by us while mqtt.js holds it, and never lost: it leaves the outbox only on PUBACK.
 * If mqtt.js ever fails a row instead (it does so when the client is ended), the cursor is moved back
 * before it at the next resume, skipping seqs mqtt.js still holds; the row goes out again with the
 * same seq and the same content. Delivery is at-least-once: consumers dedupe by seq.
 */
export class OutboxDrain {
  private cursor = 0;
  private rewindTo: number | undefined;
  private readonly inFlight = new Set<number>();
  private messagesInFlight = 0;
  private pendingAcks: number[] = [];
  private ackTimer: NodeJS.Timeout | undefined;
  private pumpImmediate: NodeJS.Immediate | undefined;
  private open = false;
  private publishedRows = 0;
  private lastPublishedAt: number | undefined;

  constructor(private readonly deps: OutboxDrainDeps) {}

  /** Rows the broker has acknowledged since this drain was built. */
  get published(): number {
    return this.publishedRows;
  }

  /** When the broker last acknowledged a message (ms since epoch); undefined until the first. */
  get lastPublishAt(): number | undefined {
    return this.lastPublishedAt;
  }

  /** The session is up: hand rows over, starting after the cursor. */
  resume(): void {
    this.open = true;
    if (this.rewindTo !== undefined) {
      // Delete what was acknowledged first, so a rewind never re-sends an acknowledged row.
      this.flushAcks();
      this.cursor = Math.min(this.cursor, this.rewindTo);
      this.rewindTo = undefined;
    }
    this.notify();
  }

  /** The session is down: hand over nothing more; rows in flight stay with mqtt.js. */
  pause(): void {
    this.open = false;
    clearImmediate(this.pumpImmediate);
    this.pumpImmediate = undefined;
  }

  /** New rows were committed: send them now rather than at the next acknowledgement. */
  notify(): void {
    if (!this.open || this.pumpImmediate) return;
    // Coalesces many notifies and PUBACKs of one turn of the event loop into one outbox read.
    this.pumpImmediate = setImmediate(() => this.pump());
  }

  /** Stops and deletes what was acknowledged; rows still in flight stay in the outbox for next time. */
  close(): void {
    this.pause();
    this.flushAcks();
  }

  private pump(): void {
    this.pumpImmediate = undefined;
    const max = this.deps.maxInFlight ?? 64;
    while (this.open && this.messagesInFlight < max) {
      let rows: OutboxRow[];
      try {
        rows = this.deps.outbox.outboxAfter(this.cursor, max);
      } catch (err) {
        this.deps.log.error({ err }, 'uplink cannot read the outbox; will retry on the next commit');
        return;
      }
      if (rows.length === 0) return;
      const fresh = rows.filter((row) => !this.inFlight.has(row.seq));
      const messages = this.deps.combine ? this.deps.combine(fresh) : fresh.map((row) => ({ ...row, seqs: [row.seq] }));
      // The last message of a full read may go on past it: it is read again whole next time.
      if (this.deps.combine && rows.length === max && messages.length > 1) messages.pop();
      else this.cursor = rows[rows.length - 1]?.seq ?? this.cursor;
      for (const message of messages) {
        if (this.messagesInFlight >= max) return;
        this.cursor = message.seqs[message.seqs.length - 1] ?? this.cursor;
        this.send(message);
      }
    }
  }

  private send(message: OutboxMessage): void {
    if (!isPublishableTopic(message.topic)) {
      // A broker drops the session on such a topic, so the row would block the outbox forever.
      this.deps.log.error({ seq: message.seq, topic: message.topic }, 'uplink dropped an outbox row: invalid MQTT topic');
      for (const seq of message.seqs) this.queueAck(seq);
      return;
    }
    for (const seq of message.seqs) this.inFlight.add(seq);
    this.messagesInFlight++;
    this.deps.publish(message, (err) => this.settle(message.seqs, err));
  }

  private settle(seqs: readonly number[], err: Error | undefined): void {
    this.messagesInFlight--;
    for (const seq of seqs) this.inFlight.delete(seq);
    const first = seqs[0] ?? 0;
    if (err) {
      this.deps.log.debug({ seq: first, err: err.message }, 'uplink publish failed; row will be sent again');
      this.rewindTo = Math.min(this.rewindTo ?? first - 1, first - 1);
      return;
    }
    this.publishedRows += seqs.length;
    this.lastPublishedAt = Date.now();
    for (const seq of seqs) this.queueAck(seq);
    this.notify();
  }

  private queueAck(seq: number): void {
    this.pendingAcks.push(seq);
    if (this.pendingAcks.length >= (this.deps.ackBatch ?? 256)) this.flushAcks();
    else this.ackTimer ??= setTimeout(() => this.flushAcks(), this.deps.ackFlushMs ?? 50);
  }

  private flushAcks(): void {
    clearTimeout(this.ackTimer);
    this.ackTimer = undefined;
    if (this.pendingAcks.length === 0) return;
    const seqs = this.pendingAcks;
    this.pendingAcks = [];
    try {
      this.deps.outbox.ackOutbox(seqs);
    } catch (err) {
      this.deps.log.error({ err, rows: seqs.length }, 'uplink cannot delete acknowledged rows; they will be sent again');
    }
  }
}

/** A topic name a broker accepts for PUBLISH: non-empty, no wildcards, no NUL, fits the length field. */
function isPublishableTopic(topic: string): boolean {
  return topic.length > 0 && !/[+#\u0000]/.test(topic) && Buffer.byteLength(topic) <= 65_535;
}
