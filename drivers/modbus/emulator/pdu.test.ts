import { describe, expect, it } from 'vitest';
import { encodePoint, type ModbusProfile } from '../profile.js';
import { sdm120 } from '../profiles/eastron-sdm120.js';
import { EXCEPTION, handlePdu } from './pdu.js';
import { UnitRegisters } from './unit-registers.js';

const relayBoard: ModbusProfile = {
  name: 'relay-board',
  description: 'test: two relays and a setpoint',
  points: [{ metric: 'temperature', table: 'holding', address: 0x20, type: 'int16', scale: 0.1, unit: '°C' }],
  outputs: [
    { name: 'relay1', table: 'coil', address: 0, type: 'bool' },
    { name: 'relay2', table: 'coil', address: 1, type: 'bool' },
    { name: 'setpoint', table: 'holding', address: 0x10, type: 'int16', scale: 0.1 },
  ],
};

const meterValues: Record<string, number> = { voltage: 230.5, current: 1.25 };
const meter = new UnitRegisters({ unitId: 1, profile: sdm120, read: (metric) => meterValues[metric] ?? 0 }).at(0);

const pdu = (...bytes: number[]) => Buffer.from(bytes);
const hex = (buffer: Buffer) => buffer.toString('hex');
const words = (...values: number[]) => Buffer.from(values.flatMap((w) => [w >> 8, w & 0xff]));

describe('handlePdu reads', () => {
  it('serves an SDM120 float32 point as two big-endian words from the world value', () => {
    const [high = 0, low = 0] = encodePoint(sdm120.points[0]!, 230.5);
    expect(hex(handlePdu(pdu(4, 0, 0, 0, 2), meter))).toBe(hex(Buffer.concat([pdu(4, 4), words(high, low)])));
  });

  it('reads the unmapped registers between two points as zeros', () => {
    const reply = handlePdu(pdu(4, 0, 0, 0, 8), meter);
    expect(reply[1]).toBe(16);
    expect(hex(reply.subarray(6, 14))).toBe('0000000000000000');
    expect(hex(reply.subarray(14))).toBe(hex(words(...encodePoint(sdm120.points[1]!, 1.25))));
  });

  it('answers exception 02 when a range starts or ends outside every point', () => {
    expect(hex(handlePdu(pdu(4, 0, 2, 0, 4), meter))).toBe('8402');
    expect(hex(handlePdu(pdu(4, 0, 0, 0, 3), meter))).toBe('8402');
    expect(hex(handlePdu(pdu(3, 0, 0, 0, 2), meter))).toBe('8302');
  });

  it('answers exception 03 for quantities outside the spec', () => {
    expect(hex(handlePdu(pdu(4, 0, 0, 0, 0), meter))).toBe('8403');
    expect(hex(handlePdu(pdu(4, 0, 0, 0, 126), meter))).toBe('8403');
    expect(hex(handlePdu(pdu(1, 0, 0, 0x07, 0xd1), meter))).toBe('8103');
  });

  it('answers exception 01 for function codes it does not implement', () => {
    expect(hex(handlePdu(pdu(0x2b, 0x0e, 1, 0), meter))).toBe('ab01');
  });

  it('answers exception 04 when the world cannot give a value', () => {
    const broken = new UnitRegisters({
      unitId: 1,
      profile: sdm120,
      read: () => {
        throw new Error('sensor unplugged');
      },
    }).at(0);
    expect(hex(handlePdu(pdu(4, 0, 0, 0, 2), broken))).toBe('8404');
  });
});

describe('handlePdu writes', () => {
  const board = () => {
    const registers = new UnitRegisters({ unitId: 2, profile: relayBoard, read: () => 21.5 });
    return { registers, space: registers.at(0) };
  };

  it('keeps a written coil and reads it back', () => {
    const { registers, space } = board();
    expect(hex(handlePdu(pdu(5, 0, 1, 0xff, 0), space))).toBe('050001ff00');
    expect(hex(handlePdu(pdu(1, 0, 0, 0, 2), space))).toBe('010102');
    expect(registers.outputs()).toMatchObject({ relay1: 0, relay2: 1 });
  });

  it('writes several coils least significant bit first', () => {
    const { registers, space } = board();
    expect(hex(handlePdu(pdu(15, 0, 0, 0, 2, 1, 0b01), space))).toBe('0f00000002');
    expect(registers.outputs()).toMatchObject({ relay1: 1, relay2: 0 });
  });

  it('keeps a written holding register and reads it back, signed and scaled in outputs()', () => {
    const { registers, space } = board();
    expect(hex(handlePdu(pdu(6, 0, 0x10, 0xff, 0xfb), space))).toBe('060010fffb');
    expect(hex(handlePdu(pdu(3, 0, 0x10, 0, 1), space))).toBe('0302fffb');
    expect(hex(handlePdu(pdu(16, 0, 0x10, 0, 1, 2, 0x00, 0xd7), space))).toBe('1000100001');
    expect(registers.outputs().setpoint).toBeCloseTo(21.5);
  });

  it('refuses writes to read-only points and unmapped addresses with exception 02', () => {
    const { space } = board();
    expect(hex(handlePdu(pdu(6, 0, 0x20, 0, 1), space))).toBe('8602');
    expect(hex(handlePdu(pdu(5, 0, 7, 0xff, 0), space))).toBe('8502');
  });

  it('refuses malformed write values with exception 03', () => {
    const { space } = board();
    expect(hex(handlePdu(pdu(5, 0, 0, 0x12, 0x34), space))).toBe('8503');
    expect(hex(handlePdu(pdu(16, 0, 0x10, 0, 1, 4, 0, 1, 0, 2), space))).toBe('9003');
  });
});
