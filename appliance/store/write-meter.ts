import type { Db } from './database.js';

export type CheckpointMode = 'PASSIVE' | 'TRUNCATE';

interface WalStatus {
  busy: number;
  /** Frames in the WAL since it last restarted. */
  log: number;
  /** Of those, frames already copied into the database file. */
  checkpointed: number;
}

/** Bytes in front of every page in a WAL frame. */
const FRAME_HEADER = 24;

/**
 * An estimate of the bytes the store writes to the database files, to watch flash wear.
 *
 * Every committed page goes to the WAL as a frame (page_size + 24 bytes); a checkpoint then copies
 * frames into the database file (page_size each). So:
 *   written ≈ frames appended × (page_size + 24) + frames checkpointed × page_size.
 * `PRAGMA wal_checkpoint(NOOP)` reads the WAL's frame counts without doing anything, and every
 * checkpoint goes through `checkpoint()`, so each frame is seen once. The counts restart at zero when
 * the first write after a complete checkpoint rewinds the WAL: a drop in either count means a
 * restart, and then the new counts are all new frames (not a difference), so nothing is counted
 * twice.
 * It is an upper bound: a page changed in several frames between checkpoints is copied only once,
 * so the database side may be smaller than counted (the WAL side is exact), and the true figure lies
 * between the WAL side alone and this total, at most about twice the WAL side. It ignores the WAL
 * header, the -shm file (memory-mapped, rarely flushed) and file system metadata.
 */
export class WriteMeter {
  private walLog = 0;
  private walCheckpointed = 0;
  private total: number;
  private atLastCheckpoint: number;
  private persisted: number;

  constructor(
    private readonly deps: { db: Db; pageSize: number; /** Total carried over from earlier runs. */ initial: number },
  ) {
    this.total = deps.initial;
    this.atLastCheckpoint = deps.initial;
    this.persisted = deps.initial;
  }

  /** Counts what was appended since the last look, without touching the WAL. */
  observe(): WalStatus {
    return this.account(this.run('NOOP'));
  }

  /** Checkpoints and counts the copy; TRUNCATE also empties the WAL file. */
  checkpoint(mode: CheckpointMode): WalStatus {
    this.observe();
    // TRUNCATE reports zero frames, so the copy is done (and counted) by PASSIVE first.
    let status = this.account(this.run('PASSIVE'));
    if (mode === 'TRUNCATE') status = this.account(this.run('TRUNCATE'));
    this.atLastCheckpoint = this.total;
    return status;
  }

  bytesWritten(): number {
    return this.total;
  }

  /** The total as of the last checkpoint, when it still has to be saved; null when saved. */
  unsaved(): number | null {
    return this.atLastCheckpoint === this.persisted ? null : this.atLastCheckpoint;
  }

  /** Records that `value` was committed to the counters table. */
  saved(value: number): void {
    this.persisted = value;
  }

  private run(mode: CheckpointMode | 'NOOP'): WalStatus {
    const [row] = this.deps.db.pragma(`wal_checkpoint(${mode})`) as WalStatus[];
    return row ?? { busy: 0, log: 0, checkpointed: 0 };
  }

  private account(status: WalStatus): WalStatus {
    const restarted = status.log < this.walLog || status.checkpointed < this.walCheckpointed;
    const appended = restarted ? status.log : status.log - this.walLog;
    const copied = restarted ? status.checkpointed : status.checkpointed - this.walCheckpointed;
    this.total += appended * (this.deps.pageSize + FRAME_HEADER) + copied * this.deps.pageSize;
    this.walLog = status.log;
    this.walCheckpointed = status.checkpointed;
    return status;
  }
}
