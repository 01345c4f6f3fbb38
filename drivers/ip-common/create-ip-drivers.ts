import { join } from 'node:path';
import type { Logger } from '../../appliance/log.js';
import { CoapIngestDriver } from '../coap/coap-ingest-driver.js';
import { HttpIngestDriver } from '../http/http-ingest-driver.js';
import { MqttIngestDriver } from '../mqtt/mqtt-ingest-driver.js';
import type { Driver } from '../types.js';
import type { IpIngestConfig } from './config-schema.js';

/**
 * One driver per IP transport that has devices configured; none opens a port for an empty list. `dataDir`
 * keeps the MQTT ingest's gateway seqs across restarts.
 */
export function createIpIngestDrivers(config: IpIngestConfig, log: Logger, dataDir?: string): Driver[] {
  const drivers: Driver[] = [];
  if (config.http.devices.length > 0) drivers.push(new HttpIngestDriver({ devices: config.http.devices, rateLimit: config.http.rateLimit, log }));
  const coap = config.coap;
  if (coap.devices.length > 0) drivers.push(new CoapIngestDriver({ host: coap.host, port: coap.port, devices: coap.devices, rateLimit: coap.rateLimit, log }));
  const mqtt = config.mqtt;
  if (mqtt.url && mqtt.devices.length > 0) drivers.push(new MqttIngestDriver({ ...mqtt, url: mqtt.url, log, ...(dataDir ? { seqFile: join(dataDir, 'mqtt-ingest-seqs.json') } : {}) }));
  else if (mqtt.devices.length > 0) log.error({ code: 'CONFIG_INVALID', field: '/ipIngest/mqtt/url' }, 'MQTT ingest devices are configured but no broker url: they are not read');
  return drivers;
}
