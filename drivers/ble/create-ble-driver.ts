import type { Logger } from '../../appliance/log.js';
import { BleDriver } from './ble-driver.js';
import type { BleConfig } from './config-schema.js';
import type { RunningBle } from './emulator/start-ble.js';
import { createNoble } from './noble-factory.js';

/**
 * The BLE driver when there is anything to scan for: with a running scenario, noble runs over its
 * emulated binding and the scenario's tags join the adopted ones; otherwise over the HCI adapter.
 */
export function createBleDriver(config: BleConfig, emulated: RunningBle | undefined, log: Logger): BleDriver | undefined {
  const adopted = [...config.adopted, ...(emulated?.adopted ?? [])];
  if (adopted.length === 0 && !config.scan && !emulated) return undefined;
  return new BleDriver({
    config: { ...config, adopted },
    noble: () => createNoble(emulated?.binding),
    log,
  });
}
