import { describe, expect, it } from 'vitest';
import { decodePoint } from '../profile.js';
import { sdm120 } from '../profiles/eastron-sdm120.js';
import { xyMd02 } from '../profiles/xy-md02.js';
import type { EmulatedModbusDevice } from './emulated-device.js';
import { UnitHost } from './unit-host.js';

const meter: EmulatedModbusDevice = { unitId: 1, profile: sdm120, read: () => 230 };
const sensor: EmulatedModbusDevice = { unitId: 2, profile: xyMd02, read: (metric) => (metric === 'temperature' ? -4.5 : 55) };
const readTemperature = Buffer.from([4, 0, 1, 0, 1]);
const readVoltage = Buffer.from([4, 0, 0, 0, 2]);

function host(): UnitHost {
  return new UnitHost([meter, sensor], () => 0);
}

describe('UnitHost', () => {
  it('answers hosted units only, counting their requests', () => {
    const units = host();
    expect(units.answer(2, readTemperature)?.pdu.toString('hex')).toBe('0402ffd3');
    expect(units.answer(9, readTemperature)).toBeUndefined();
    expect(units.requests(2)).toBe(1);
    expect(units.requests(1)).toBe(0);
  });

  it('applies a fault to its unit only', () => {
    const units = host();
    units.setFault(1, { kind: 'timeout' });
    expect(units.answer(1, readVoltage)).toBeUndefined();
    expect(units.answer(2, readTemperature)).toMatchObject({ corrupt: false });
    expect(units.requests(1)).toBe(1);

    units.setFault(1, { kind: 'exception', code: 6 });
    expect(units.answer(1, readVoltage)?.pdu.toString('hex')).toBe('8406');

    units.setFault(1, { kind: 'bad-crc' });
    expect(units.answer(1, readVoltage)).toMatchObject({ corrupt: true });

    units.setFault(1, null);
    expect(units.answer(1, readVoltage)).toMatchObject({ corrupt: false });
  });

  it('serves a raw value fault before scaling, and NaN for a float32', () => {
    const units = host();
    units.setFault(2, { kind: 'value', metric: 'temperature', value: 9999 });
    const temperature = units.answer(2, readTemperature)!.pdu;
    expect(temperature.readInt16BE(2)).toBe(9999);

    units.setFault(1, { kind: 'value', metric: 'voltage', value: Number.NaN });
    const voltage = units.answer(1, readVoltage)!.pdu;
    expect(decodePoint(sdm120.points[0]!, [voltage.readUInt16BE(2), voltage.readUInt16BE(4)])).toBeNaN();
  });

  it('refuses faults for units or metrics it does not have', () => {
    const units = host();
    expect(() => units.setFault(7, { kind: 'timeout' })).toThrow(expect.objectContaining({ code: 'EMU_UNKNOWN_UNIT' }));
    expect(() => units.setFault(1, { kind: 'value', metric: 'co2', value: 1 })).toThrow(
      expect.objectContaining({ code: 'EMU_UNKNOWN_METRIC' }),
    );
  });

  it('refuses two devices with one unit id on one wire', () => {
    expect(() => new UnitHost([meter, { ...sensor, unitId: 1 }], () => 0)).toThrow(
      expect.objectContaining({ code: 'EMU_DUPLICATE_UNIT' }),
    );
  });

  it('applies a broadcast write to every powered unit', () => {
    const relay: EmulatedModbusDevice = {
      unitId: 3,
      profile: { name: 'relay', description: 'test', points: [], outputs: [{ name: 'relay', table: 'coil', address: 0, type: 'bool' }] },
      read: () => 0,
    };
    const other = { ...relay, unitId: 4 };
    const units = new UnitHost([relay, other], () => 0);
    units.setFault(4, { kind: 'timeout' });
    units.broadcast(Buffer.from([5, 0, 0, 0xff, 0]));
    expect(units.outputs(3)).toEqual({ relay: 1 });
    expect(units.outputs(4)).toEqual({ relay: 0 });
  });
});
