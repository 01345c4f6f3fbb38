import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../appliance/durable-fs.js';
import type { Logger } from '../../appliance/log.js';

/** How long a new high seq may wait before it is written: one small file write a second at most. */
const SAVE_EVERY_MS = 1_000;

/**
 * The highest outbox seq taken from each gateway, kept in a file so an edge server that restarts still
 * drops what the broker redelivers or the gateway replays. Saved at most once a second and at stop: after a
 * clean restart nothing counts twice; after a crash, at most the last second's messages can.
 */
export class SeqCheckpoint {
  private readonly seqs = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: { path: string | undefined; log: Logger }) {}

  /** Reads the file; a missing one is a first start, an unreadable one is logged and started afresh. */
  load(): void {
    const { path } = this.deps;
    if (!path) return;
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      return;
    }
    try {
      for (const [name, seq] of Object.entries(JSON.parse(text) as Record<string, unknown>)) if (typeof seq === 'number') this.seqs.set(name, seq);
    } catch (err) {
      this.deps.log.warn({ code: 'INGEST_SEQ_UNREADABLE', path, err: (err as Error).message }, 'gateway seq checkpoint unreadable; replays may count twice once');
    }
  }

  get(name: string): number {
    return this.seqs.get(name) ?? -1;
  }

  set(name: string, seq: number): void {
    if (seq <= this.get(name)) return;
    this.seqs.set(name, seq);
    if (this.deps.path && !this.timer) {
      this.timer = setTimeout(() => this.flush(), SAVE_EVERY_MS);
      this.timer.unref();
    }
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.deps.path) return;
    try {
      writeFileAtomic(this.deps.path, JSON.stringify(Object.fromEntries(this.seqs)));
    } catch (err) {
      this.deps.log.error({ code: 'INGEST_SEQ_UNWRITABLE', path: this.deps.path, err: (err as Error).message }, 'cannot save the gateway seq checkpoint');
    }
  }
}
