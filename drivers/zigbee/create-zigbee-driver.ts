import { join } from 'node:path';
import type { Logger } from '../../appliance/log.js';
import type { ZigbeeConfig } from './config-schema.js';
import type { RunningZigbee } from './emulator/start-zigbee.js';
import { ZigbeeDriver } from './zigbee-driver.js';

/**
 * The Zigbee driver when the config enables it; its network and herdsman's files live under `<dataDir>/zigbee`.
 * Under `--scenario` the scenario's emulated coordinator takes the place of the configured one. It starts
 * blank on every run, so the driver starts from a blank `<dataDir>/zigbee-emulated` too (a real network's
 * files are never touched) and opens pairing for the scenario's devices.
 */
export function createZigbeeDriver(config: ZigbeeConfig, dataDir: string, log: Logger, emulated?: RunningZigbee['config']): ZigbeeDriver | undefined {
  const effective = emulated ? { ...config, ...emulated } : config;
  if (!effective.enabled) return undefined;
  return new ZigbeeDriver({
    port: effective.port,
    dataDir: join(dataDir, emulated ? 'zigbee-emulated' : 'zigbee'),
    freshNetwork: emulated !== undefined,
    log,
    availability: { routerMs: effective.availability.routerSeconds * 1000, endDeviceMs: effective.availability.endDeviceSeconds * 1000 },
    permitJoinOnStartS: effective.permitJoinOnStart,
    names: effective.names,
    ...(effective.channel === undefined ? {} : { channel: effective.channel }),
  });
}
