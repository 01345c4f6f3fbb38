/**
 * A Modbus device profile is data: which register holds which metric, in which table, type and word order.
 * The driver decodes with it and the emulator encodes with it, so one profile describes both sides.
 */
export type RegisterTable = 'input' | 'holding' | 'coil' | 'discrete';
export type RegisterType = 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32' | 'bool';
/** `big`: high word first (ABCD, Eastron and most meters); `little`: low word first (CDAB). */
export type WordOrder = 'big' | 'little';

export interface RegisterPoint {
  metric: string;
  table: RegisterTable;
  address: number;
  type: RegisterType;
  wordOrder?: WordOrder;
  /** Raw × scale = value in `unit` (XY-MD02 sends tenths of a degree: scale 0.1). */
  scale?: number;
  unit: string;
}

export interface OutputPoint {
  name: string;
  table: 'coil' | 'holding';
  address: number;
  type: 'bool' | 'int16' | 'uint16';
  scale?: number;
}

export interface ModbusProfile {
  name: string;
  description: string;
  points: RegisterPoint[];
  outputs: OutputPoint[];
}

export function wordCount(type: RegisterType): number {
  return type === 'int32' || type === 'uint32' || type === 'float32' ? 2 : 1;
}

export function isBitTable(table: RegisterTable): boolean {
  return table === 'coil' || table === 'discrete';
}

const scratch = Buffer.alloc(4);

/** Turns the 16-bit words (or 0/1 bits) read for one point into its value in the point's unit. */
export function decodePoint(point: RegisterPoint, words: readonly number[]): number {
  if (isBitTable(point.table) || point.type === 'bool') return words[0] ? 1 : 0;
  const [first = 0, second = 0] = words;
  const [high, low] = point.wordOrder === 'little' ? [second, first] : [first, second];
  let raw: number;
  switch (point.type) {
    case 'int16':
      raw = (first << 16) >> 16;
      break;
    case 'uint16':
      raw = first & 0xffff;
      break;
    case 'int32':
      raw = ((high & 0xffff) << 16) | (low & 0xffff);
      break;
    case 'uint32':
      raw = (high & 0xffff) * 0x10000 + (low & 0xffff);
      break;
    case 'float32':
      scratch.writeUInt16BE(high & 0xffff, 0);
      scratch.writeUInt16BE(low & 0xffff, 2);
      raw = scratch.readFloatBE(0);
      break;
  }
  return raw * (point.scale ?? 1);
}

/** The inverse of `decodePoint`, for emulators and for writes. Integer types round and saturate. */
export function encodePoint(point: Pick<RegisterPoint, 'table' | 'type' | 'wordOrder' | 'scale'>, value: number): number[] {
  if (isBitTable(point.table) || point.type === 'bool') return [value ? 1 : 0];
  const raw = value / (point.scale ?? 1);
  const clamp = (lo: number, hi: number) => Math.min(hi, Math.max(lo, Math.round(raw)));
  let high: number;
  let low: number;
  switch (point.type) {
    case 'int16':
      return [clamp(-0x8000, 0x7fff) & 0xffff];
    case 'uint16':
      return [clamp(0, 0xffff)];
    case 'int32': {
      const v = clamp(-0x80000000, 0x7fffffff);
      high = (v >>> 16) & 0xffff;
      low = v & 0xffff;
      break;
    }
    case 'uint32': {
      const v = clamp(0, 0xffffffff);
      high = Math.floor(v / 0x10000);
      low = v % 0x10000;
      break;
    }
    case 'float32':
      scratch.writeFloatBE(raw, 0);
      high = scratch.readUInt16BE(0);
      low = scratch.readUInt16BE(2);
      break;
  }
  return point.wordOrder === 'little' ? [low, high] : [high, low];
}
