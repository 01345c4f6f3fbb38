import { describe, expect, it } from 'vitest';
import { encodeFrame, FrameDecoder, MtSubsystem, MtType } from './znp-frame.js';

// SYS_PING request as the MT spec shows it: SOF, LEN=0, CMD0=0x21 (SREQ|SYS), CMD1=0x01, FCS=0x20.
const PING = Buffer.from([0xfe, 0x00, 0x21, 0x01, 0x20]);
// SYS_PING response carrying capabilities 0x0159: CMD0=0x61 (SRSP|SYS).
const PING_RSP = Buffer.from([0xfe, 0x02, 0x61, 0x01, 0x59, 0x01, 0x3a]);

describe('ZNP MT frame codec', () => {
  it('encodes the documented SYS_PING request and response byte for byte', () => {
    expect(encodeFrame({ type: MtType.SREQ, subsystem: MtSubsystem.SYS, command: 0x01, data: Buffer.alloc(0) })).toEqual(PING);
    expect(encodeFrame({ type: MtType.SRSP, subsystem: MtSubsystem.SYS, command: 0x01, data: Buffer.from([0x59, 0x01]) })).toEqual(PING_RSP);
  });

  it('splits type and subsystem out of CMD0', () => {
    const { frames } = new FrameDecoder().push(PING_RSP);
    expect(frames).toEqual([{ type: MtType.SRSP, subsystem: MtSubsystem.SYS, command: 0x01, data: Buffer.from([0x59, 0x01]) }]);
  });

  it('reassembles frames split across chunks and joined in one chunk', () => {
    const decoder = new FrameDecoder();
    const stream = Buffer.concat([PING, PING_RSP, PING]);
    const out = [];
    for (let i = 0; i < stream.length; i += 3) out.push(...decoder.push(stream.subarray(i, i + 3)).frames);
    expect(out.map((f) => f.type)).toEqual([MtType.SREQ, MtType.SRSP, MtType.SREQ]);
  });

  it('drops a frame with a bad FCS, reports it, and still decodes the next one', () => {
    const bad = Buffer.from(PING_RSP);
    bad.writeUInt8((bad.at(-1) ?? 0) ^ 0xff, bad.length - 1);
    const { frames, faults } = new FrameDecoder().push(Buffer.concat([bad, PING]));
    expect(faults.map((f) => f.reason)).toContain('bad-fcs');
    expect(frames).toHaveLength(1);
    expect(frames[0]?.type).toBe(MtType.SREQ);
  });

  it('skips bytes before a SOF as garbage', () => {
    const { frames, faults } = new FrameDecoder().push(Buffer.concat([Buffer.from([0x00, 0x12]), PING]));
    expect(faults).toEqual([{ reason: 'garbage', bytes: Buffer.from([0x00, 0x12]) }]);
    expect(frames).toHaveLength(1);
  });

  it('refuses to encode more data than MT allows', () => {
    expect(() => encodeFrame({ type: MtType.AREQ, subsystem: MtSubsystem.AF, command: 0x81, data: Buffer.alloc(251) })).toThrow(RangeError);
  });
});
