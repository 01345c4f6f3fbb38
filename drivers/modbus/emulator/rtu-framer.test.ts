import { describe, expect, it } from 'vitest';
import { withCrc } from './crc16.js';
import { RtuRequestFramer } from './rtu-framer.js';

const readVoltage = withCrc(Buffer.from([0x01, 0x04, 0x00, 0x00, 0x00, 0x02]));
const writeTwoRegisters = withCrc(Buffer.from([0x02, 0x10, 0x00, 0x10, 0x00, 0x02, 0x04, 0x00, 0xd7, 0x00, 0x01]));
const hexes = (frames: Buffer[]) => frames.map((frame) => frame.toString('hex'));

describe('RtuRequestFramer', () => {
  it('cuts two requests that arrive in one chunk', () => {
    const framer = new RtuRequestFramer();
    expect(hexes(framer.push(Buffer.concat([readVoltage, writeTwoRegisters])))).toEqual(hexes([readVoltage, writeTwoRegisters]));
    expect(framer.buffered).toBe(0);
  });

  it('waits for a request that arrives one byte at a time, using the byte count of function 16', () => {
    const framer = new RtuRequestFramer();
    const frames = [...writeTwoRegisters].flatMap((byte) => framer.push(Buffer.from([byte])));
    expect(hexes(frames)).toEqual(hexes([writeTwoRegisters]));
  });

  it('finds a request behind noise that looks like the start of a request', () => {
    const framer = new RtuRequestFramer();
    expect(hexes(framer.push(Buffer.concat([Buffer.from([0x01, 0x03, 0x00]), readVoltage])))).toEqual(hexes([readVoltage]));
  });

  it('finds a request behind noise of unknown function codes without waiting for silence', () => {
    const framer = new RtuRequestFramer();
    expect(framer.push(Buffer.from([0x00, 0xff, 0x03]))).toEqual([]);
    expect(hexes(framer.push(readVoltage))).toEqual(hexes([readVoltage]));
  });

  it('ignores a request with a bad CRC and is empty once the line goes silent', () => {
    const framer = new RtuRequestFramer();
    const corrupted = Buffer.from(readVoltage);
    corrupted[7] = corrupted[7]! ^ 0xff;
    expect(framer.push(corrupted)).toEqual([]);
    expect(framer.flush()).toEqual([]);
    expect(framer.buffered).toBe(0);
  });

  it('delivers a frame of an unknown function code only when the line goes silent', () => {
    const framer = new RtuRequestFramer();
    const identify = withCrc(Buffer.from([0x01, 0x2b, 0x0e, 0x01, 0x00]));
    expect(framer.push(identify)).toEqual([]);
    expect(hexes(framer.flush())).toEqual(hexes([identify]));
  });

  it('drops a truncated request at silence but keeps the next one whole', () => {
    const framer = new RtuRequestFramer();
    expect(framer.push(readVoltage.subarray(0, 5))).toEqual([]);
    expect(framer.flush()).toEqual([]);
    expect(hexes(framer.push(readVoltage))).toEqual(hexes([readVoltage]));
  });
});
