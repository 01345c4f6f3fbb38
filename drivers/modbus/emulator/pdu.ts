import type { RegisterTable } from '../profile.js';

/**
 * The Modbus application layer of a server: one request PDU (function code + data) for one unit in, one
 * response or exception PDU out. Framing (MBAP, RTU address and CRC) belongs to the servers.
 */

export const EXCEPTION = {
  illegalFunction: 0x01,
  illegalDataAddress: 0x02,
  illegalDataValue: 0x03,
  serverDeviceFailure: 0x04,
  gatewayTargetFailed: 0x0b,
} as const;

export type WritableTable = 'coil' | 'holding';

/** What a unit exposes to the wire. Both calls refuse a range they do not map by returning undefined/false. */
export interface RegisterSpace {
  /** 16-bit words, or 0/1 for bit tables, for `count` addresses from `start`. */
  read(table: RegisterTable, start: number, count: number): number[] | undefined;
  write(table: WritableTable, start: number, values: readonly number[]): boolean;
}

// The spec's quantity limits (Modbus Application Protocol v1.1b3, sections 6.1–6.12).
const MAX_READ_BITS = 2000;
const MAX_READ_REGISTERS = 125;
const MAX_WRITE_BITS = 1968;
const MAX_WRITE_REGISTERS = 123;

const READ_TABLES: Readonly<Record<number, RegisterTable>> = { 1: 'coil', 2: 'discrete', 3: 'holding', 4: 'input' };

export function exceptionPdu(functionCode: number, code: number): Buffer {
  return Buffer.from([(functionCode | 0x80) & 0xff, code]);
}

export function isWriteFunction(functionCode: number): boolean {
  return functionCode === 5 || functionCode === 6 || functionCode === 15 || functionCode === 16;
}

/** Answers one request. A throwing RegisterSpace becomes exception 04, as a device whose sensor failed. */
export function handlePdu(request: Buffer, space: RegisterSpace): Buffer {
  const fc = request[0] ?? 0;
  try {
    return dispatch(fc, request, space);
  } catch {
    return exceptionPdu(fc, EXCEPTION.serverDeviceFailure);
  }
}

function dispatch(fc: number, request: Buffer, space: RegisterSpace): Buffer {
  const table = READ_TABLES[fc];
  if (table !== undefined) return readRange(fc, table, request, space);
  switch (fc) {
    case 5:
      return writeSingleCoil(request, space);
    case 6:
      return writeSingleRegister(request, space);
    case 15:
      return writeMultipleCoils(request, space);
    case 16:
      return writeMultipleRegisters(request, space);
    default:
      return exceptionPdu(fc, EXCEPTION.illegalFunction);
  }
}

function readRange(fc: number, table: RegisterTable, request: Buffer, space: RegisterSpace): Buffer {
  const bits = table === 'coil' || table === 'discrete';
  if (request.length !== 5) return exceptionPdu(fc, EXCEPTION.illegalDataValue);
  const start = request.readUInt16BE(1);
  const count = request.readUInt16BE(3);
  if (count < 1 || count > (bits ? MAX_READ_BITS : MAX_READ_REGISTERS)) {
    return exceptionPdu(fc, EXCEPTION.illegalDataValue);
  }
  const values = inAddressSpace(start, count) ? space.read(table, start, count) : undefined;
  if (values === undefined) return exceptionPdu(fc, EXCEPTION.illegalDataAddress);
  const data = bits ? packBits(values) : packWords(values);
  return Buffer.concat([Buffer.from([fc, data.length]), data]);
}

function writeSingleCoil(request: Buffer, space: RegisterSpace): Buffer {
  if (request.length !== 5) return exceptionPdu(5, EXCEPTION.illegalDataValue);
  const value = request.readUInt16BE(3);
  if (value !== 0xff00 && value !== 0x0000) return exceptionPdu(5, EXCEPTION.illegalDataValue);
  if (!space.write('coil', request.readUInt16BE(1), [value ? 1 : 0])) {
    return exceptionPdu(5, EXCEPTION.illegalDataAddress);
  }
  return Buffer.from(request);
}

function writeSingleRegister(request: Buffer, space: RegisterSpace): Buffer {
  if (request.length !== 5) return exceptionPdu(6, EXCEPTION.illegalDataValue);
  if (!space.write('holding', request.readUInt16BE(1), [request.readUInt16BE(3)])) {
    return exceptionPdu(6, EXCEPTION.illegalDataAddress);
  }
  return Buffer.from(request);
}

function writeMultipleCoils(request: Buffer, space: RegisterSpace): Buffer {
  const header = multipleWriteHeader(request, MAX_WRITE_BITS, (count) => Math.ceil(count / 8));
  if (header === undefined) return exceptionPdu(15, EXCEPTION.illegalDataValue);
  const values = unpackBits(request.subarray(6), header.count);
  const written = inAddressSpace(header.start, header.count) && space.write('coil', header.start, values);
  return acknowledgeWrite(15, request, written);
}

function writeMultipleRegisters(request: Buffer, space: RegisterSpace): Buffer {
  const header = multipleWriteHeader(request, MAX_WRITE_REGISTERS, (count) => 2 * count);
  if (header === undefined) return exceptionPdu(16, EXCEPTION.illegalDataValue);
  const values = Array.from({ length: header.count }, (_, i) => request.readUInt16BE(6 + 2 * i));
  const written = inAddressSpace(header.start, header.count) && space.write('holding', header.start, values);
  return acknowledgeWrite(16, request, written);
}

/** Start and quantity of a function 15/16 request whose quantity and byte count agree with its length. */
function multipleWriteHeader(
  request: Buffer,
  maxCount: number,
  bytesFor: (count: number) => number,
): { start: number; count: number } | undefined {
  if (request.length < 6) return undefined;
  const start = request.readUInt16BE(1);
  const count = request.readUInt16BE(3);
  const byteCount = request[5] ?? 0;
  const valid =
    count >= 1 && count <= maxCount && byteCount === bytesFor(count) && request.length === 6 + byteCount;
  return valid ? { start, count } : undefined;
}

function acknowledgeWrite(fc: number, request: Buffer, written: boolean): Buffer {
  return written ? Buffer.from(request.subarray(0, 5)) : exceptionPdu(fc, EXCEPTION.illegalDataAddress);
}

function inAddressSpace(start: number, count: number): boolean {
  return start + count <= 0x10000;
}

function packWords(words: readonly number[]): Buffer {
  const out = Buffer.alloc(2 * words.length);
  words.forEach((word, i) => out.writeUInt16BE(word & 0xffff, 2 * i));
  return out;
}

/** Bits go least significant first within each byte (spec 6.1). */
function packBits(bits: readonly number[]): Buffer {
  const out = Buffer.alloc(Math.ceil(bits.length / 8));
  bits.forEach((bit, i) => {
    if (bit) out[i >> 3] = (out[i >> 3] ?? 0) | (1 << (i & 7));
  });
  return out;
}

function unpackBits(bytes: Buffer, count: number): number[] {
  return Array.from({ length: count }, (_, i) => ((bytes[i >> 3] ?? 0) >> (i & 7)) & 1);
}
