import type { ModbusProfile } from '../profile.js';

/** Eastron SDM120-Modbus single-phase meter: IEEE-754 float32 input registers, high word first (manual v2.4, table 3). */
export const sdm120: ModbusProfile = {
  name: 'sdm120',
  description: 'Eastron SDM120 single-phase energy meter',
  points: [
    { metric: 'voltage', table: 'input', address: 0x0000, type: 'float32', unit: 'V' },
    { metric: 'current', table: 'input', address: 0x0006, type: 'float32', unit: 'A' },
    { metric: 'power', table: 'input', address: 0x000c, type: 'float32', unit: 'W' },
    { metric: 'apparent_power', table: 'input', address: 0x0012, type: 'float32', unit: 'VA' },
    { metric: 'reactive_power', table: 'input', address: 0x0018, type: 'float32', unit: 'var' },
    { metric: 'power_factor', table: 'input', address: 0x001e, type: 'float32', unit: '' },
    { metric: 'frequency', table: 'input', address: 0x0046, type: 'float32', unit: 'Hz' },
    { metric: 'energy.import', table: 'input', address: 0x0048, type: 'float32', unit: 'kWh' },
    { metric: 'energy.export', table: 'input', address: 0x004a, type: 'float32', unit: 'kWh' },
    { metric: 'energy', table: 'input', address: 0x0156, type: 'float32', unit: 'kWh' },
  ],
  outputs: [],
};
