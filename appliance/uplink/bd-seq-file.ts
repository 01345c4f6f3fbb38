import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../durable-fs.js';

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
    // A power cut leaves the old value or the new one.
    writeFileAtomic(this.path, `${(current + 1) % 256}\n`, 0o600);
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
}
