import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OutpostError } from '../../drivers/types.js';
import type { ModbusDeviceConfig } from '../../drivers/modbus/config-schema.js';
import { writeFileAtomic } from '../durable-fs.js';
import { parseConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import type { BrokerInput } from './broker-settings.js';

export type RawConfig = Record<string, unknown> & { mqtt?: Record<string, unknown>; modbus?: { devices?: unknown[] } };

/**
 * What the page changes in the config file `outpost run` reads from the data folder. Only the fields
 * the page owns are touched, command-line overrides are never written back, and the result is
 * validated by the config schema before it replaces the old file atomically.
 */
export class ConfigFile {
  /** `path`: the config file `outpost run` reads; certificates go beside it in the data folder. */
  constructor(private readonly deps: { dataDir: string; path: string }) {}

  get path(): string {
    return this.deps.path;
  }

  saveNodeAndBroker(nodeId: string, broker: BrokerInput | undefined): void {
    this.patch((raw) => {
      raw.nodeId = nodeId;
      if (!broker) return;
      const mqtt: Record<string, unknown> = { url: broker.url };
      if (broker.username) mqtt.username = broker.username;
      if (broker.password) mqtt.password = broker.password;
      if (broker.caCert) mqtt.caFile = this.writePem('mqtt-ca.pem', broker.caCert);
      if (broker.clientCert) mqtt.certFile = this.writePem('mqtt-client.pem', broker.clientCert);
      if (broker.clientKey) mqtt.keyFile = this.writePem('mqtt-client.key', broker.clientKey);
      raw.mqtt = mqtt;
    });
  }

  addModbusDevice(device: ModbusDeviceConfig): void {
    this.patch((raw) => {
      raw.modbus = { ...raw.modbus, devices: [...(raw.modbus?.devices ?? []), device] };
    });
  }

  /** The file as it stands, with defaults applied: what a restart would run with. */
  parsed(): Readonly<Config> {
    return parseConfig(this.read(), this.path);
  }

  /** Applies `change` to the file's own JSON (no defaults, no overrides) and saves it if the result is a valid config. */
  patch(change: (raw: RawConfig) => void): void {
    const raw = this.read();
    change(raw);
    try {
      parseConfig(raw, this.path);
    } catch (error) {
      const e = error as OutpostError;
      const first = (e.context?.problems as { path: string }[] | undefined)?.[0];
      throw new OutpostError('CONFIG_INVALID', e.message, { ...(first ? { field: first.path } : {}) }, { cause: error });
    }
    writeFileAtomic(this.path, `${JSON.stringify(raw, null, 2)}\n`, 0o600);
  }

  private read(): RawConfig {
    if (!existsSync(this.path)) return {};
    try {
      return JSON.parse(readFileSync(this.path, 'utf8')) as RawConfig;
    } catch (error) {
      throw new OutpostError('CONFIG_INVALID', `${this.path} is not valid JSON; fix or remove it first`, {}, { cause: error });
    }
  }

  private writePem(name: string, pem: string): string {
    const path = join(this.deps.dataDir, name);
    writeFileAtomic(path, pem.endsWith('\n') ? pem : `${pem}\n`, 0o600);
    return path;
  }
}
