/**
 * TI Z-Stack Monitor-and-Test (MT) frames as they travel over UNPI on a ZNP coordinator's serial port:
 * `SOF(0xFE) | LEN | CMD0 | CMD1 | DATA[LEN] | FCS`, where CMD0 holds the type in bits 7..5 and the
 * subsystem in bits 4..0, and FCS is the XOR of LEN, CMD0, CMD1 and every data byte.
 */

export const SOF = 0xfe;
/** MT caps the data field at 250 bytes (UNPI's one-byte length leaves room for the header on the wire). */
export const MAX_DATA = 250;

export enum MtType {
  POLL = 0,
  SREQ = 1,
  AREQ = 2,
  SRSP = 3,
}

export enum MtSubsystem {
  RPC_ERROR = 0,
  SYS = 1,
  MAC = 2,
  NWK = 3,
  AF = 4,
  ZDO = 5,
  SAPI = 6,
  UTIL = 7,
  DEBUG = 8,
  APP = 9,
  APP_CNF = 15,
  GREENPOWER = 21,
}

export interface MtFrame {
  type: MtType;
  subsystem: number;
  command: number;
  data: Buffer;
}

export function fcs(bytes: Uint8Array): number {
  let x = 0;
  for (const b of bytes) x ^= b;
  return x;
}

export function encodeFrame(frame: MtFrame): Buffer {
  if (frame.data.length > MAX_DATA) throw new RangeError(`MT data of ${frame.data.length} bytes exceeds ${MAX_DATA}`);
  const out = Buffer.alloc(frame.data.length + 5);
  out[0] = SOF;
  out[1] = frame.data.length;
  out[2] = ((frame.type << 5) & 0xe0) | (frame.subsystem & 0x1f);
  out[3] = frame.command;
  frame.data.copy(out, 4);
  out[out.length - 1] = fcs(out.subarray(1, out.length - 1));
  return out;
}

/** What the decoder could not turn into a frame, so the caller can log it and carry on. */
export interface FrameFault {
  reason: 'bad-fcs' | 'garbage';
  bytes: Buffer;
}

/**
 * Reassembles frames from a byte stream that may split or join them arbitrarily. Bytes before a SOF are
 * skipped as garbage; a frame whose FCS does not match is reported and dropped, and the search for the
 * next SOF resumes one byte after the bad one so a corrupted length cannot swallow good frames behind it.
 */
export class FrameDecoder {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): { frames: MtFrame[]; faults: FrameFault[] } {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const frames: MtFrame[] = [];
    const faults: FrameFault[] = [];
    for (;;) {
      const start = this.pending.indexOf(SOF);
      if (start === -1) {
        if (this.pending.length > 0) faults.push({ reason: 'garbage', bytes: this.pending });
        this.pending = Buffer.alloc(0);
        break;
      }
      if (start > 0) {
        faults.push({ reason: 'garbage', bytes: this.pending.subarray(0, start) });
        this.pending = this.pending.subarray(start);
      }
      if (this.pending.length < 5) break;
      const length = this.pending[1] ?? 0;
      const total = length + 5;
      if (this.pending.length < total) break;
      const raw = this.pending.subarray(0, total);
      if (fcs(raw.subarray(1, total - 1)) !== raw[total - 1]) {
        faults.push({ reason: 'bad-fcs', bytes: Buffer.from(raw) });
        this.pending = this.pending.subarray(1);
        continue;
      }
      const cmd0 = raw[2] ?? 0;
      frames.push({ type: (cmd0 >> 5) as MtType, subsystem: cmd0 & 0x1f, command: raw[3] ?? 0, data: Buffer.from(raw.subarray(4, total - 1)) });
      this.pending = this.pending.subarray(total);
    }
    return { frames, faults };
  }
}
