import type { WriteMeter } from './write-meter.js';

export interface CheckpointPolicy {
  /** Checkpoint once this many WAL frames wait to be copied (1000 frames ≈ 4 MB of WAL)... */
  everyFrames: number;
  /** ...or when frames wait and this long has passed since the last checkpoint. */
  everyMs: number;
  /** Shrink the WAL file back to zero this often (and at stop). */
  truncateEveryMs: number;
}

/**
 * Longer intervals let a page changed by many ticks (the tail of a stream, the outbox) reach the
 * database file once instead of many times; shorter ones keep the WAL and recovery after a crash small.
 */
export const DEFAULT_CHECKPOINTS: CheckpointPolicy = {
  everyFrames: 1000,
  everyMs: 60_000,
  truncateEveryMs: 6 * 3_600_000,
};

/**
 * Decides when the store checkpoints (SQLite's automatic checkpoints are off). After a complete
 * checkpoint the next commit rewinds the WAL and reuses the file, so PASSIVE alone keeps the WAL
 * bounded; TRUNCATE, which also costs a file system metadata write, only returns the space left by a
 * burst such as a large retention delete.
 */
export class Checkpointer {
  private lastCheckpoint: number;
  private lastTruncate: number;

  constructor(private readonly deps: { meter: WriteMeter; policy: CheckpointPolicy; now: () => number }) {
    this.lastCheckpoint = deps.now();
    this.lastTruncate = this.lastCheckpoint;
  }

  /** Called after each write transaction; cheap when no checkpoint is due. */
  afterWrite(): void {
    const wal = this.deps.meter.observe();
    const waiting = wal.log - wal.checkpointed;
    if (waiting <= 0) return;
    const now = this.deps.now();
    const { everyFrames, everyMs, truncateEveryMs } = this.deps.policy;
    if (waiting < everyFrames && now - this.lastCheckpoint < everyMs) return;
    const truncate = now - this.lastTruncate >= truncateEveryMs;
    this.deps.meter.checkpoint(truncate ? 'TRUNCATE' : 'PASSIVE');
    this.lastCheckpoint = now;
    if (truncate) this.lastTruncate = now;
  }
}
