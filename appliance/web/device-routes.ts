import type { FastifyInstance } from 'fastify';
import { modbusDeviceId } from '../../drivers/modbus/modbus-driver.js';
import type { ModbusDeviceConfig } from '../../drivers/modbus/config-schema.js';
import { OutpostError, type DeviceInfo, type Driver } from '../../drivers/types.js';
import type { Logger } from '../log.js';
import type { ConfigFile } from './config-file.js';
import { ModbusDeviceInput, modbusConfig, modbusProfiles, testRead } from './modbus-devices.js';

export interface DeviceRoutesDeps {
  drivers: () => readonly Driver[];
  config: ConfigFile;
  /** Starts polling a new device now (the config file keeps it for the next start). */
  startModbusDevice: (config: ModbusDeviceConfig) => Promise<void>;
  log: Logger;
}

/** Adding a device: the profiles to pick from, a test read, and the add itself, which reads once more first. */
export function deviceRoutes(deps: DeviceRoutesDeps) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get('/api/modbus/profiles', async () => modbusProfiles());

    app.post('/api/modbus/test-read', { schema: { body: ModbusDeviceInput } }, async (request) => {
      const config = modbusConfig(request.body as ModbusDeviceInput);
      return { device: modbusDeviceId(config), readings: await testRead(config, deps.log) };
    });

    app.post('/api/modbus/devices', { schema: { body: ModbusDeviceInput } }, async (request, reply) => {
      const config = modbusConfig(request.body as ModbusDeviceInput);
      const id = modbusDeviceId(config);
      const known: DeviceInfo[] = deps.drivers().flatMap((d) => d.devices());
      if (known.some((d) => d.id === id)) throw new OutpostError('DEVICE_EXISTS', `${id} is already configured`, { field: 'unitId' });
      const readings = await testRead(config, deps.log);
      deps.config.addModbusDevice(config);
      await deps.startModbusDevice(config);
      deps.log.info({ device: id, profile: config.profile }, 'modbus device added from the web page');
      return reply.code(201).send({ device: id, readings });
    });
  };
}
