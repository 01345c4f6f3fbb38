import { join } from 'node:path';
import type { Logger } from '../../appliance/log.js';
import type { ZigbeeConfig } from './config-schema.js';
import { ZigbeeDriver } from './zigbee-driver.js';

/** The Zigbee driver when the config enables it; its network and herdsman's files live under `<dataDir>/zigbee`. */
export function createZigbeeDriver(config: ZigbeeConfig, dataDir: string, log: Logger): ZigbeeDriver | undefined {
  if (!config.enabled) return undefined;
  return new ZigbeeDriver({
    port: config.port,
    dataDir: join(dataDir, 'zigbee'),
    log,
    availability: { routerMs: config.availability.routerSeconds * 1000, endDeviceMs: config.availability.endDeviceSeconds * 1000 },
    permitJoinOnStartS: config.permitJoinOnStart,
    ...(config.channel === undefined ? {} : { channel: config.channel }),
  });
}
