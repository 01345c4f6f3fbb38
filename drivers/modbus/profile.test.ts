import { describe, expect, it } from 'vitest';
import { planReads } from './poll-plan.js';
import { decodePoint, encodePoint, type RegisterPoint } from './profile.js';
import { sdm120 } from './profiles/eastron-sdm120.js';
import { sdm630 } from './profiles/eastron-sdm630.js';

const point = (over: Partial<RegisterPoint>): RegisterPoint => ({ metric: 'power', table: 'input', address: 0, type: 'float32', unit: 'W', ...over });

describe('register decoding', () => {
  it('decodes IEEE-754 float32 high word first, as Eastron meters send 230.0 V (0x4366 0x0000)', () => {
    expect(decodePoint(point({}), [0x4366, 0x0000])).toBe(230);
    expect(decodePoint(point({ wordOrder: 'little' }), [0x0000, 0x4366])).toBe(230);
  });

  it('decodes signed and unsigned integers with scale, in both word orders', () => {
    expect(decodePoint(point({ type: 'int16', scale: 0.1 }), [0xff85])).toBeCloseTo(-12.3, 10);
    expect(decodePoint(point({ type: 'uint16' }), [0xff85])).toBe(65413);
    expect(decodePoint(point({ type: 'int32' }), [0xffff, 0xfffe])).toBe(-2);
    expect(decodePoint(point({ type: 'uint32', wordOrder: 'little' }), [0x0001, 0x0002])).toBe(0x20001);
    expect(decodePoint(point({ table: 'coil', type: 'bool' }), [1])).toBe(1);
  });

  it('encodes what it decodes, saturating integers at their range', () => {
    for (const type of ['int16', 'uint16', 'int32', 'uint32', 'float32'] as const) {
      for (const wordOrder of ['big', 'little'] as const) {
        const p = point({ type, wordOrder, scale: type === 'float32' ? 1 : 0.1 });
        expect(decodePoint(p, encodePoint(p, 1234.5))).toBeCloseTo(1234.5, 3);
      }
    }
    expect(encodePoint(point({ type: 'int16' }), 1e9)).toEqual([0x7fff]);
    expect(encodePoint(point({ type: 'uint16' }), -5)).toEqual([0]);
  });
});

describe('poll planning', () => {
  it('reads an SDM630 in a few requests instead of one per register', () => {
    const blocks = planReads(sdm630.points);
    expect(blocks.map((b) => [b.table, b.start, b.count])).toEqual([
      ['input', 0x0000, 0x12],
      ['input', 0x0034, 2],
      ['input', 0x0046, 6],
      ['input', 0x0156, 2],
    ]);
    expect(blocks.flatMap((b) => b.points)).toHaveLength(sdm630.points.length);
  });

  it('keeps tables apart, respects the register limit and gives each point its offset', () => {
    const points = [
      point({ address: 0 }),
      point({ address: 2, table: 'holding', type: 'int16' }),
      point({ address: 120 }),
      point({ address: 124 }),
    ];
    const blocks = planReads(points, { maxGap: 200, maxRegisters: 125, maxBits: 2000 });
    expect(blocks.map((b) => [b.table, b.start, b.count])).toEqual([
      ['input', 0, 122],
      ['input', 124, 2],
      ['holding', 2, 1],
    ]);
    expect(blocks[0]?.points.map((p) => p.offset)).toEqual([0, 120]);
  });

  it('covers every SDM120 point', () => {
    const planned = planReads(sdm120.points).flatMap((b) => b.points.map((p) => p.point.metric));
    expect(planned.sort()).toEqual(sdm120.points.map((p) => p.metric).sort());
  });
});
