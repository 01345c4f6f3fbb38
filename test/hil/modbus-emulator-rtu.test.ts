import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import modbusSerial from 'modbus-serial';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../appliance/log.js';
import { ModbusEmulator, type RtuBusEndpoint } from '../../drivers/modbus/emulator/modbus-emulator.js';
import { sdm120 } from '../../drivers/modbus/profiles/eastron-sdm120.js';
import { xyMd02 } from '../../drivers/modbus/profiles/xy-md02.js';
import { BOARD, METER, read, relayBoard, SENSOR, world } from '../support/modbus-test-devices.js';

// The CommonJS module is its own default export; its typings only describe `.default`.
const ModbusRTU = modbusSerial.default;
type ModbusClient = InstanceType<typeof ModbusRTU>;

const TIMEOUT_MS = 300;

const emulator = new ModbusEmulator({ log: silentLogger() });
const client = new ModbusRTU();
let bus: RtuBusEndpoint;

function on(unitId: number): ModbusClient {
  client.setID(unitId);
  return client;
}

beforeAll(async () => {
  await emulator.start();
  bus = await emulator.addRtuBus({
    baudRate: 9600,
    devices: [
      { unitId: METER, profile: sdm120, read },
      { unitId: SENSOR, profile: xyMd02, read },
      { unitId: BOARD, profile: relayBoard, read },
    ],
  });
  await client.connectRTUBuffered(bus.clientPath, { baudRate: bus.baudRate });
  client.setTimeout(2_000);
});

afterEach(() => {
  for (const unitId of [METER, SENSOR, BOARD]) emulator.setFault(unitId, null);
  client.setTimeout(2_000);
});

afterAll(async () => {
  await new Promise((resolve) => client.close(resolve));
  await emulator.stop();
});

describe('Modbus RTU emulator on a pty with the modbus-serial client', () => {
  it('serves the SDM120 voltage the world sets, as an IEEE-754 float', async () => {
    world.voltage = 231.7;
    const { buffer } = await on(METER).readInputRegisters(0x0000, 2);
    expect(buffer.readFloatBE(0)).toBeCloseTo(231.7, 4);
  });

  it('serves a negative XY-MD02 temperature as signed tenths', async () => {
    world.temperature = -12.3;
    const { buffer } = await on(SENSOR).readInputRegisters(0x0001, 1);
    expect(buffer.readInt16BE(0)).toBe(-123);
  });

  it('keeps what a client writes to a coil and a holding register, and reads it back', async () => {
    await on(BOARD).writeCoil(0, true);
    await on(BOARD).writeRegister(0x10, 0xfff6);
    expect((await on(BOARD).readCoils(0, 2)).data.slice(0, 2)).toEqual([true, false]);
    expect((await on(BOARD).readHoldingRegisters(0x10, 1)).buffer.readInt16BE(0)).toBe(-10);
    expect(emulator.outputs(BOARD)).toEqual({ relay1: 1, relay2: 0, setpoint: -1 });
  });

  it('answers an unmapped address with exception 02', async () => {
    await expect(on(SENSOR).readInputRegisters(0x0010, 1)).rejects.toMatchObject({ modbusCode: 2 });
  });

  it('keeps silent for a unit that is not on the bus', async () => {
    client.setTimeout(TIMEOUT_MS);
    await expect(on(42).readInputRegisters(0, 2)).rejects.toMatchObject({ errno: 'ETIMEDOUT' });
  });

  it('stays silent under a timeout fault, so the client times out, and answers again once cleared', async () => {
    emulator.setFault(METER, { kind: 'timeout' });
    client.setTimeout(TIMEOUT_MS);
    await expect(on(METER).readInputRegisters(0, 2)).rejects.toMatchObject({ errno: 'ETIMEDOUT', message: 'Timed out' });
    emulator.setFault(METER, null);
    world.voltage = 228;
    expect((await on(METER).readInputRegisters(0, 2)).buffer.readFloatBE(0)).toBe(228);
  });

  it('corrupts the reply CRC under a bad-crc fault, which the client reports as a CRC error', async () => {
    emulator.setFault(SENSOR, { kind: 'bad-crc' });
    await expect(on(SENSOR).readInputRegisters(1, 1)).rejects.toThrow('CRC error');
  });

  it('answers with the injected exception code', async () => {
    emulator.setFault(METER, { kind: 'exception', code: 4 });
    await expect(on(METER).readInputRegisters(0, 2)).rejects.toMatchObject({ modbusCode: 4 });
  });

  it('keeps a fault on one unit away from the other units on the bus', async () => {
    emulator.setFault(METER, { kind: 'timeout' });
    client.setTimeout(TIMEOUT_MS);
    await expect(on(METER).readInputRegisters(0, 2)).rejects.toMatchObject({ errno: 'ETIMEDOUT' });
    world.temperature = 23.4;
    expect((await on(SENSOR).readInputRegisters(1, 1)).data).toEqual([234]);
    await on(BOARD).writeCoil(1, true);
    expect(emulator.outputs(BOARD).relay2).toBe(1);
  });

  it('ignores a request whose CRC is wrong, as a slave on a noisy line does', async () => {
    const before = emulator.requests(SENSOR);
    // A second writer on the client end stands for line noise: a request with a zeroed CRC.
    const noise = await open(bus.clientPath, constants.O_WRONLY | constants.O_NOCTTY);
    await noise.write(Buffer.from([SENSOR, 0x04, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]));
    await noise.close();
    world.temperature = 5;
    expect((await on(SENSOR).readInputRegisters(1, 1)).data).toEqual([50]);
    expect(emulator.requests(SENSOR)).toBe(before + 1);
  });
});
