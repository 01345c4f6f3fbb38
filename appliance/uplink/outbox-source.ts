/**
 * What the uplink needs from the store's outbox, and nothing more, so the uplink can be tested and
 * reasoned about without the rest of the store. `appliance/store` implements it.
 */
export interface OutboxRow {
  /** Assigned by the store at insert, strictly increasing; the payload of a seq never changes. */
  seq: number;
  topic: string;
  payload: Buffer;
  qos: 0 | 1;
}

export interface OutboxStats {
  depth: number;
  bytes: number;
  /** Rows removed by retention before they could be sent. */
  dropped: number;
  oldestSeq: number | null;
}

export interface OutboxSource {
  /** Rows with `seq > afterSeq`, ordered by seq, at most `limit`. */
  outboxAfter(afterSeq: number, limit: number): OutboxRow[];
  /** Deletes the rows; seqs already gone are ignored. */
  ackOutbox(seqs: number[]): void;
  outboxStats(): OutboxStats;
}
