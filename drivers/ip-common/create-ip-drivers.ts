import type { Logger } from '../../appliance/log.js';
import { HttpIngestDriver } from '../http/http-ingest-driver.js';
import type { Driver } from '../types.js';
import type { IpIngestConfig } from './config-schema.js';

/** One driver per IP transport that has devices configured; none opens a port for an empty list. */
export function createIpIngestDrivers(config: IpIngestConfig, log: Logger): Driver[] {
  const drivers: Driver[] = [];
  if (config.http.devices.length > 0) drivers.push(new HttpIngestDriver({ devices: config.http.devices, rateLimit: config.http.rateLimit, log }));
  return drivers;
}
