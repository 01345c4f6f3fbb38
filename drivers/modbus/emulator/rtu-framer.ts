import { hasValidCrc } from './crc16.js';

/** The longest RTU frame the spec allows (address + 253-byte PDU + CRC). */
const MAX_FRAME = 256;
/** Address, function code and CRC: nothing shorter is a frame. */
const MIN_FRAME = 4;

/**
 * Cuts the byte stream a slave hears into request frames. Requests have a length known from their
 * function code (01–06: 8 bytes; 15/16: 9 + byte count), so frames are cut by length as soon as they are
 * complete; the inter-frame silence (`flush`) only settles what length cannot: unknown function codes and
 * truncated frames. A candidate whose CRC is wrong is not a frame: the framer drops its first byte and
 * looks again, and skips noise at once when a complete valid request follows it, so a good request behind
 * noise is neither lost nor delayed.
 */
export class RtuRequestFramer {
  private pending = Buffer.alloc(0);

  /** Adds received bytes; returns the complete frames (CRC checked, CRC included) they finish. */
  push(chunk: Buffer): Buffer[] {
    this.pending = Buffer.concat([this.pending, chunk]);
    return this.take(false);
  }

  /** The line went silent: what is left is either one frame of unknown length or garbage. */
  flush(): Buffer[] {
    return this.take(true);
  }

  get buffered(): number {
    return this.pending.length;
  }

  private take(silent: boolean): Buffer[] {
    const frames: Buffer[] = [];
    while (this.pending.length > 0) {
      const known = requestLength(this.pending);
      // At silence a frame of unknown length ends where the bytes end.
      const length = known ?? (silent ? this.pending.length : undefined);
      if (length !== undefined && length <= this.pending.length) {
        if (!this.accept(length, frames)) this.pending = this.pending.subarray(1);
      } else if (silent) {
        this.pending = this.pending.subarray(1);
      } else {
        const next = this.nextCompleteFrame();
        if (next === undefined) break; // wait for more bytes or for silence
        this.pending = this.pending.subarray(next);
      }
    }
    return frames;
  }

  private accept(length: number, frames: Buffer[]): boolean {
    const candidate = this.pending.subarray(0, length);
    if (length < MIN_FRAME || length > MAX_FRAME || !hasValidCrc(candidate)) return false;
    frames.push(Buffer.from(candidate));
    this.pending = this.pending.subarray(length);
    return true;
  }

  /** Offset of a complete, CRC-valid request behind the head: the head was noise, so skip to it now. */
  private nextCompleteFrame(): number | undefined {
    for (let offset = 1; offset + MIN_FRAME <= this.pending.length; offset++) {
      const rest = this.pending.subarray(offset);
      const length = requestLength(rest);
      if (length !== undefined && length <= rest.length && hasValidCrc(rest.subarray(0, length))) return offset;
    }
    return undefined;
  }
}

/** Length of the request at the head of `bytes`; undefined for other function codes or while too short to tell. */
function requestLength(bytes: Buffer): number | undefined {
  const fc = bytes[1];
  if (fc !== undefined && fc >= 1 && fc <= 6) return 8;
  if (fc === 15 || fc === 16) {
    const byteCount = bytes[6];
    return byteCount === undefined ? undefined : 9 + byteCount;
  }
  return undefined;
}
