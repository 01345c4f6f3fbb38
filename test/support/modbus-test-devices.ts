import type { ModbusProfile } from '../../drivers/modbus/profile.js';

/** A device with outputs: two relays and a setpoint in tenths of a degree. */
export const relayBoard: ModbusProfile = {
  name: 'relay-board',
  description: 'test: two relay coils and a setpoint register',
  points: [],
  outputs: [
    { name: 'relay1', table: 'coil', address: 0, type: 'bool' },
    { name: 'relay2', table: 'coil', address: 1, type: 'bool' },
    { name: 'setpoint', table: 'holding', address: 0x10, type: 'int16', scale: 0.1 },
  ],
};

/** Unit ids and the world both emulator HIL tests serve: a meter, a sensor and the relay board. */
export const METER = 1;
export const SENSOR = 2;
export const BOARD = 3;
export const world: Record<string, number> = { voltage: 230, temperature: 20, humidity: 50 };
export const read = (metric: string): number => world[metric] ?? 0;
