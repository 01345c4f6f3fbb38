import { describe, expect, it } from 'vitest';
import { crc16, hasValidCrc, withCrc } from './crc16.js';

describe('crc16', () => {
  it('matches the published vector for "read 2 input registers from unit 1"', () => {
    const frame = withCrc(Buffer.from([0x01, 0x04, 0x00, 0x00, 0x00, 0x02]));
    expect([...frame.subarray(-2)]).toEqual([0x71, 0xcb]);
    expect(crc16(Buffer.from([0x01, 0x04, 0x00, 0x00, 0x00, 0x02]))).toBe(0xcb71);
  });

  it('rejects a frame with one flipped bit', () => {
    const frame = withCrc(Buffer.from([0x11, 0x03, 0x00, 0x6b, 0x00, 0x03]));
    expect(hasValidCrc(frame)).toBe(true);
    frame[3] = frame[3]! ^ 0x01;
    expect(hasValidCrc(frame)).toBe(false);
  });
});
