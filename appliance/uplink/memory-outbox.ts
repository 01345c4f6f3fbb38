import type { OutboxRow, OutboxSource, OutboxStats } from './outbox-source.js';

/**
 * An outbox held in memory with the same contract as the store's table (rows keep their seq and
 * content until acknowledged), for tests of the uplink that are about MQTT rather than SQLite.
 */
export class MemoryOutbox implements OutboxSource {
  private readonly rows = new Map<number, OutboxRow>();
  private lastSeq = 0;
  private bytes = 0;

  /** Appends a row built for its seq (payloads carry it, see `summaryMessage`) and returns the seq. */
  enqueue(build: (seq: number) => { topic: string; payload: Buffer }, qos: 0 | 1 = 1): number {
    const seq = ++this.lastSeq;
    const { topic, payload } = build(seq);
    this.rows.set(seq, { seq, topic, payload, qos });
    this.bytes += payload.length;
    return seq;
  }

  outboxAfter(afterSeq: number, limit: number): OutboxRow[] {
    const out: OutboxRow[] = [];
    // Map iteration follows insertion order, which is seq order.
    for (const row of this.rows.values()) {
      if (out.length >= limit) break;
      if (row.seq > afterSeq) out.push(row);
    }
    return out;
  }

  ackOutbox(seqs: number[]): void {
    for (const seq of seqs) {
      const row = this.rows.get(seq);
      if (!row) continue;
      this.bytes -= row.payload.length;
      this.rows.delete(seq);
    }
  }

  outboxStats(): OutboxStats {
    const first = this.rows.values().next();
    return {
      depth: this.rows.size,
      bytes: this.bytes,
      dropped: 0,
      oldestSeq: first.done ? null : first.value.seq,
    };
  }
}
