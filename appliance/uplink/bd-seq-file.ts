import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';

/**
 * Sparkplug's birth/death sequence number, kept in a small file so it keeps counting across restarts:
 * a host that saw NDEATH with bdSeq 7 must never take an NBIRTH of a new session for the old one.
 * Each session takes the stored value and leaves the next one (0–255, wrapping) behind before it connects.
 */
export class BdSeqFile {
  constructor(private readonly path: string) {}

  /** The bdSeq for the session about to connect; the file then holds its successor. */
  take(): number {
    const current = this.read();
    this.write((current + 1) % 256);
    return current;
  }

  private read(): number {
    try {
      const value = Number.parseInt(readFileSync(this.path, 'utf8').trim(), 10);
      return Number.isInteger(value) && value >= 0 && value <= 255 ? value : 0;
    } catch {
      return 0;
    }
  }

  /** Write, fsync, rename: a power cut leaves the old value or the new one. */
  private write(value: number): void {
    const temporary = `${this.path}.tmp`;
    const fd = openSync(temporary, 'w', 0o600);
    try {
      writeSync(fd, `${value}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, this.path);
  }
}
