/** Little-endian field writers for MT payloads, which carry every multi-byte field least significant byte first. */

export function u8(value: number): Buffer {
  return Buffer.from([value & 0xff]);
}

export function u16(value: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(value & 0xffff);
  return b;
}

export function u32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(value >>> 0);
  return b;
}

/** An IEEE address written as MT does: the 64-bit value little-endian, so `0x00124b00...` ends with `0x00`. */
export function ieee(address: string): Buffer {
  const hex = address.replace(/^0x/, '').padStart(16, '0');
  return Buffer.from(hex, 'hex').reverse();
}

export function bytes(...parts: Buffer[]): Buffer {
  return Buffer.concat(parts);
}
