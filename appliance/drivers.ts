import { resolve } from 'node:path';
import { createBleDriver } from '../drivers/ble/create-ble-driver.js';
import { createGpioDriver } from '../drivers/gpio/create-gpio-driver.js';
import { createIpIngestDrivers } from '../drivers/ip-common/create-ip-drivers.js';
import { ModbusDriver } from '../drivers/modbus/modbus-driver.js';
import type { RunningScenario } from '../drivers/sim/start-emulators.js';
import type { Driver } from '../drivers/types.js';
import { createZigbeeDriver } from '../drivers/zigbee/create-zigbee-driver.js';
import type { Config } from './config/schema.js';
import type { Logger } from './log.js';

export interface DriverFactoryDeps {
  config: Readonly<Config>;
  /** The emulated world, when `--scenario` runs one: its devices join the configured ones. */
  scenario: RunningScenario | undefined;
  log: Logger;
}

/** Every protocol driver the config asks for, plus the scenario's emulated devices. */
export function createDrivers({ config, scenario, log }: DriverFactoryDeps): Driver[] {
  const modbusDevices = [...config.modbus.devices, ...(scenario?.modbusDevices ?? [])];
  const drivers: Driver[] = [];
  if (modbusDevices.length > 0) drivers.push(new ModbusDriver({ devices: modbusDevices, log }));
  const ble = createBleDriver(config.ble, scenario?.ble, log);
  if (ble) drivers.push(ble);
  const gpio = createGpioDriver(config.gpio, resolve(config.dataDir), scenario?.gpio, log);
  if (gpio) drivers.push(gpio);
  drivers.push(...createIpIngestDrivers(config.ipIngest, log, resolve(config.dataDir)));
  const zigbee = createZigbeeDriver(config.zigbee, resolve(config.dataDir), log, scenario?.zigbee.config);
  if (zigbee) drivers.push(zigbee);
  return drivers;
}
