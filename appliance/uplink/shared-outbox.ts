import type { OutboxRow, OutboxSource, OutboxStats } from './outbox-source.js';

/** The store's outbox with one persisted cursor per uplink. */
export interface CursorOutbox extends OutboxSource {
  outboxCursor(uplink: string): number;
  advanceOutboxCursor(uplink: string, ackedSeq: number, deleteUpTo: number): void;
}

/**
 * One outbox read by several uplinks (Sparkplug to the plant, JSON to a cloud), each at its own pace.
 * Every uplink gets a view with its own cursor: the highest seq below which the broker acknowledged
 * every row that uplink was handed. The cursor is saved with each batch of acks, so a restart resumes
 * each uplink where it was; a row is deleted once the slowest uplink's cursor has passed it.
 */
export class SharedOutbox {
  private readonly views = new Map<string, UplinkCursor>();

  constructor(private readonly store: CursorOutbox) {}

  /** The view of one uplink; create every view before any uplink starts, so none deletes early. */
  view(uplink: string): OutboxSource {
    let view = this.views.get(uplink);
    if (!view) {
      view = new UplinkCursor(this.store, uplink, () => this.advanced(uplink));
      this.views.set(uplink, view);
    }
    return view;
  }

  private advanced(uplink: string): void {
    const cursors = [...this.views.values()].map((v) => v.cursor());
    const view = this.views.get(uplink);
    if (view) this.store.advanceOutboxCursor(uplink, view.cursor(), Math.min(...cursors));
  }
}

class UplinkCursor implements OutboxSource {
  private acked: number | undefined;
  /** Seqs handed out and not yet covered by the cursor, ascending. */
  private handed: number[] = [];
  private readonly done = new Set<number>();

  constructor(
    private readonly store: CursorOutbox,
    private readonly name: string,
    private readonly onAdvance: () => void,
  ) {}

  cursor(): number {
    this.acked ??= this.store.outboxCursor(this.name);
    return this.acked;
  }

  outboxAfter(afterSeq: number, limit: number): OutboxRow[] {
    const from = Math.max(afterSeq, this.cursor());
    const rows = this.store.outboxAfter(from, limit);
    const present = new Set(rows.map((r) => r.seq));
    const last = rows.length < limit ? Number.POSITIVE_INFINITY : (rows[rows.length - 1]?.seq ?? from);
    // A handed-out row that is gone now (evicted by the byte budget) will never be acknowledged.
    for (const seq of this.handed) if (seq > from && seq < last && !present.has(seq)) this.done.add(seq);
    const top = this.handed[this.handed.length - 1] ?? 0;
    for (const row of rows) if (row.seq > top) this.handed.push(row.seq);
    this.advance();
    return rows;
  }

  ackOutbox(seqs: number[]): void {
    for (const seq of seqs) this.done.add(seq);
    this.advance();
  }

  outboxStats(): OutboxStats {
    return this.store.outboxStats();
  }

  private advance(): void {
    let moved = false;
    while (this.handed.length > 0 && this.done.has(this.handed[0] ?? -1)) {
      const seq = this.handed.shift() ?? 0;
      this.done.delete(seq);
      this.acked = seq;
      moved = true;
    }
    if (moved) this.onAdvance();
  }
}
