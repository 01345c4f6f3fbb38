import { silentLogger } from '../../appliance/log.js';
import { ModbusDriver, modbusDeviceId } from '../../drivers/modbus/modbus-driver.js';
import { startScenario } from '../../drivers/sim/start-emulators.js';
import { driverContract } from '../support/driver-contract.js';

/** The factory's devices on one transport, served by the emulator over the real wire. */
async function factoryOn(transport: 'tcp' | 'rtu') {
  const running = await startScenario('factory', { log: silentLogger() });
  const devices = running.modbusDevices.filter((d) => d.transport.type === transport).map((d) => ({ ...d, intervalMs: 200 }));
  const controller = devices.find((d) => d.outputs?.some((o) => o.name === 'relay'));
  const controllerBus = running.scenario.devices.find((d) => controller && d.name === controller.name)?.bus;
  return {
    driver: new ModbusDriver({ devices, log: silentLogger() }),
    expectedDevices: devices.map(modbusDeviceId),
    ...(controller && controllerBus
      ? {
          write: {
            command: { device: modbusDeviceId(controller), output: 'relay', value: true },
            observed: async () => Boolean(running.bus(controllerBus).outputs(controller.unitId).relay),
          },
        }
      : {}),
    teardown: () => running.stop(),
  };
}

driverContract('modbus TCP gateway (factory energy and climate buses)', () => factoryOn('tcp'));
driverContract('modbus RTU over a pty pair (factory cold store)', () => factoryOn('rtu'));
