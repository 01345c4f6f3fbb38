import modbusSerial from 'modbus-serial';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../appliance/log.js';
import { ModbusEmulator, type TcpGatewayEndpoint } from '../../drivers/modbus/emulator/modbus-emulator.js';
import { sdm120 } from '../../drivers/modbus/profiles/eastron-sdm120.js';
import { xyMd02 } from '../../drivers/modbus/profiles/xy-md02.js';
import { BOARD, METER, read, relayBoard, SENSOR, world } from '../support/modbus-test-devices.js';

// The CommonJS module is its own default export; its typings only describe `.default`.
const ModbusRTU = modbusSerial.default;
type ModbusClient = InstanceType<typeof ModbusRTU>;

const emulator = new ModbusEmulator({ log: silentLogger() });
let gateway: TcpGatewayEndpoint;
const clients: ModbusClient[] = [];

async function connect(): Promise<ModbusClient> {
  const client = new ModbusRTU();
  await client.connectTCP(gateway.host, { port: gateway.port });
  client.setTimeout(2_000);
  clients.push(client);
  return client;
}

function on(client: ModbusClient, unitId: number): ModbusClient {
  client.setID(unitId);
  return client;
}

let client: ModbusClient;

beforeAll(async () => {
  await emulator.start();
  gateway = await emulator.addTcpGateway({
    devices: [
      { unitId: METER, profile: sdm120, read },
      { unitId: SENSOR, profile: xyMd02, read },
      { unitId: BOARD, profile: relayBoard, read },
    ],
  });
  client = await connect();
});

afterEach(() => {
  for (const unitId of [METER, SENSOR, BOARD]) emulator.setFault(unitId, null);
  client.setTimeout(2_000);
});

afterAll(async () => {
  for (const each of clients) await new Promise((resolve) => each.close(resolve));
  await emulator.stop();
});

describe('Modbus TCP emulator with the modbus-serial client', () => {
  it('serves the SDM120 voltage the world sets, as an IEEE-754 float', async () => {
    world.voltage = 231.7;
    const { buffer } = await on(client, METER).readInputRegisters(0x0000, 2);
    expect(buffer.readFloatBE(0)).toBeCloseTo(231.7, 4);
  });

  it('serves a negative XY-MD02 temperature as signed tenths', async () => {
    world.temperature = -12.3;
    world.humidity = 81.5;
    const { buffer } = await on(client, SENSOR).readInputRegisters(0x0001, 2);
    expect(buffer.readInt16BE(0)).toBe(-123);
    expect(buffer.readInt16BE(2)).toBe(815);
  });

  it('keeps what a client writes to a coil and a holding register, and reads it back', async () => {
    await on(client, BOARD).writeCoil(1, true);
    await on(client, BOARD).writeRegister(0x10, 215);
    expect((await on(client, BOARD).readCoils(0, 2)).data.slice(0, 2)).toEqual([false, true]);
    expect((await on(client, BOARD).readHoldingRegisters(0x10, 1)).data).toEqual([215]);
    expect(emulator.outputs(BOARD)).toEqual({ relay1: 0, relay2: 1, setpoint: 21.5 });
  });

  it('answers an unmapped address with exception 02', async () => {
    await expect(on(client, METER).readInputRegisters(0x0100, 2)).rejects.toMatchObject({ modbusCode: 2 });
  });

  it('answers a unit it does not host with exception 0B, as a gateway does', async () => {
    await expect(on(client, 42).readInputRegisters(0, 2)).rejects.toMatchObject({ modbusCode: 11 });
  });

  it('stays silent under a timeout fault, so the client times out, and answers again once cleared', async () => {
    emulator.setFault(METER, { kind: 'timeout' });
    client.setTimeout(300);
    await expect(on(client, METER).readInputRegisters(0, 2)).rejects.toMatchObject({ errno: 'ETIMEDOUT', message: 'Timed out' });
    emulator.setFault(METER, null);
    await expect(on(client, METER).readInputRegisters(0, 2)).resolves.toMatchObject({ data: expect.any(Array) });
  });

  it('sends a malformed reply under a bad-crc fault, which the client rejects', async () => {
    emulator.setFault(SENSOR, { kind: 'bad-crc' });
    await expect(on(client, SENSOR).readInputRegisters(1, 1)).rejects.toThrow(/Data length error/);
  });

  it('serves an injected NaN in place of the world value', async () => {
    emulator.setFault(METER, { kind: 'value', metric: 'voltage', value: Number.NaN });
    const { buffer } = await on(client, METER).readInputRegisters(0, 2);
    expect(buffer.readFloatBE(0)).toBeNaN();
  });

  it('keeps a fault on one unit away from the others behind the gateway', async () => {
    emulator.setFault(METER, { kind: 'exception', code: 6 });
    const sensorRequests = emulator.requests(SENSOR);
    await expect(on(client, METER).readInputRegisters(0, 2)).rejects.toMatchObject({ modbusCode: 6 });
    world.temperature = 19.9;
    expect((await on(client, SENSOR).readInputRegisters(1, 1)).data).toEqual([199]);
    expect(emulator.requests(SENSOR)).toBe(sensorRequests + 1);
  });

  it('serves two clients at once, each getting its own answers', async () => {
    const other = await connect();
    world.voltage = 229.5;
    world.temperature = 7;
    for (let round = 0; round < 5; round++) {
      const [meter, sensor] = await Promise.all([
        on(client, METER).readInputRegisters(0, 2),
        on(other, SENSOR).readInputRegisters(1, 1),
      ]);
      expect(meter.buffer.readFloatBE(0)).toBeCloseTo(229.5, 4);
      expect(sensor.data).toEqual([70]);
    }
  });
});
