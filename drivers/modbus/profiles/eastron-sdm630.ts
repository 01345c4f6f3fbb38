import type { ModbusProfile, RegisterPoint } from '../profile.js';

const phases = ['l1', 'l2', 'l3'] as const;

function perPhase(metric: string, firstAddress: number, unit: string): RegisterPoint[] {
  return phases.map((phase, i) => ({
    metric: `${metric}.${phase}`,
    table: 'input',
    address: firstAddress + 2 * i,
    type: 'float32',
    unit,
  }));
}

/** Eastron SDM630-Modbus v2 three-phase meter: float32 input registers, high word first (protocol v1.5). */
export const sdm630: ModbusProfile = {
  name: 'sdm630',
  description: 'Eastron SDM630 three-phase energy meter',
  points: [
    ...perPhase('voltage', 0x0000, 'V'),
    ...perPhase('current', 0x0006, 'A'),
    ...perPhase('power', 0x000c, 'W'),
    { metric: 'power', table: 'input', address: 0x0034, type: 'float32', unit: 'W' },
    { metric: 'frequency', table: 'input', address: 0x0046, type: 'float32', unit: 'Hz' },
    { metric: 'energy.import', table: 'input', address: 0x0048, type: 'float32', unit: 'kWh' },
    { metric: 'energy.export', table: 'input', address: 0x004a, type: 'float32', unit: 'kWh' },
    { metric: 'energy', table: 'input', address: 0x0156, type: 'float32', unit: 'kWh' },
  ],
  outputs: [],
};
