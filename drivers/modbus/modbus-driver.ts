import type { Logger } from '../../appliance/log.js';
import { driverHealthOf } from '../driver-health.js';
import { OutpostError, type Command, type DeviceInfo, type Driver, type DriverHealth, type DriverSink } from '../types.js';
import type { ModbusDeviceConfig } from './config-schema.js';
import { ModbusConnection, transportKey } from './connection.js';
import { DevicePoller } from './device-poller.js';
import { encodePoint, type ModbusProfile } from './profile.js';
import { resolveProfile } from './resolve-profile.js';

export function modbusDeviceId(config: Pick<ModbusDeviceConfig, 'transport' | 'unitId'>): string {
  return `modbus:${transportKey(config.transport)}/${config.unitId}`;
}

interface ManagedDevice {
  config: ModbusDeviceConfig;
  profile: ModbusProfile;
  connection: ModbusConnection;
  poller: DevicePoller;
}

/** Modbus RTU and TCP devices: one poller per device, one serialised connection per bus. */
export class ModbusDriver implements Driver {
  readonly protocol = 'modbus' as const;
  private readonly managed = new Map<string, ManagedDevice>();
  private readonly connections = new Map<string, ModbusConnection>();

  constructor(private readonly deps: { devices: readonly ModbusDeviceConfig[]; log: Logger }) {}

  async start(sink: DriverSink, signal: AbortSignal): Promise<void> {
    if (this.managed.size > 0) return;
    const log = this.deps.log.child({ driver: 'modbus' });
    for (const config of this.deps.devices) {
      const key = transportKey(config.transport);
      let connection = this.connections.get(key);
      if (!connection) {
        connection = new ModbusConnection({ transport: config.transport, log });
        this.connections.set(key, connection);
      }
      const id = modbusDeviceId(config);
      const profile = resolveProfile(config);
      const poller = new DevicePoller({ id, config, profile, connection, sink, log });
      this.managed.set(id, { config, profile, connection, poller });
    }
    signal.addEventListener('abort', () => void this.stop(), { once: true });
    for (const device of this.managed.values()) {
      sink.deviceHealth(device.poller.info());
      device.poller.start();
    }
    log.info({ devices: this.managed.size, buses: this.connections.size }, 'modbus driver started');
  }

  async stop(): Promise<void> {
    await Promise.all([...this.managed.values()].map((d) => d.poller.stop()));
    await Promise.all([...this.connections.values()].map((c) => c.close()));
    this.managed.clear();
    this.connections.clear();
  }

  devices(): DeviceInfo[] {
    return [...this.managed.values()].map((d) => d.poller.info());
  }

  health(): DriverHealth {
    return driverHealthOf(this.devices());
  }


  async write(command: Command): Promise<void> {
    const device = this.managed.get(command.device);
    if (!device) throw new OutpostError('DEVICE_UNKNOWN', `no Modbus device ${command.device}`, { device: command.device });
    const output = device.profile.outputs.find((o) => o.name === command.output);
    if (!output) {
      throw new OutpostError('OUTPUT_UNKNOWN', `device ${command.device} has no output "${command.output}"`, { ...command });
    }
    const { unitId, timeoutMs } = device.config;
    try {
      await device.connection.request(unitId, timeoutMs, async (client) => {
        if (output.table === 'coil') await client.writeCoil(output.address, Boolean(command.value));
        else await client.writeRegister(output.address, encodePoint(output, Number(command.value))[0] ?? 0);
      });
    } catch (error) {
      throw new OutpostError('MODBUS_WRITE_FAILED', `writing ${command.output} on ${command.device} failed: ${String(error)}`, { ...command }, { cause: error });
    }
  }
}
