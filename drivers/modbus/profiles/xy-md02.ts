import type { ModbusProfile } from '../profile.js';

/** XY-MD02 SHT20 temperature/humidity transmitter: function 04, signed 16-bit tenths (vendor sheet, registers 1 and 2). */
export const xyMd02: ModbusProfile = {
  name: 'xy-md02',
  description: 'XY-MD02 temperature and humidity sensor',
  points: [
    { metric: 'temperature', table: 'input', address: 0x0001, type: 'int16', scale: 0.1, unit: '°C' },
    { metric: 'humidity', table: 'input', address: 0x0002, type: 'int16', scale: 0.1, unit: '%' },
  ],
  outputs: [],
};
