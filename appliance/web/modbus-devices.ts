import { Type, type Static } from '@sinclair/typebox';
import type { ModbusDeviceConfig } from '../../drivers/modbus/config-schema.js';
import { ModbusConnection } from '../../drivers/modbus/connection.js';
import { DevicePoller } from '../../drivers/modbus/device-poller.js';
import { modbusDeviceId } from '../../drivers/modbus/modbus-driver.js';
import { BUILTIN_PROFILES } from '../../drivers/modbus/profiles/index.js';
import { resolveProfile } from '../../drivers/modbus/resolve-profile.js';
import { OutpostError, type DeviceInfo, type Reading } from '../../drivers/types.js';
import type { Logger } from '../log.js';

export const ModbusDeviceInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 80 }),
    profile: Type.String({ minLength: 1 }),
    transport: Type.Union([Type.Literal('tcp'), Type.Literal('rtu')]),
    host: Type.Optional(Type.String({ maxLength: 253 })),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
    path: Type.Optional(Type.String({ maxLength: 256 })),
    baudRate: Type.Optional(Type.Integer({ minimum: 300, maximum: 921_600 })),
    unitId: Type.Integer({ minimum: 1, maximum: 247 }),
  },
  { additionalProperties: false },
);
export type ModbusDeviceInput = Static<typeof ModbusDeviceInput>;

export function modbusProfiles(): { name: string; description: string; metrics: string[] }[] {
  return Object.entries(BUILTIN_PROFILES).map(([name, p]) => ({ name, description: p.description, metrics: p.points.map((pt) => pt.metric) }));
}

/** The driver config for a form's fields, refusing what the form allows but a bus cannot take. */
export function modbusConfig(input: ModbusDeviceInput): ModbusDeviceConfig {
  if (!BUILTIN_PROFILES[input.profile]) {
    throw new OutpostError('PROFILE_UNKNOWN', `unknown profile "${input.profile}" (known: ${Object.keys(BUILTIN_PROFILES).join(', ')})`, { field: 'profile' });
  }
  const base = { name: input.name, unitId: input.unitId, profile: input.profile, intervalMs: 1000, timeoutMs: 500, retries: 2, offlineAfter: 3 };
  if (input.transport === 'tcp') {
    const host = input.host?.trim() ?? '';
    if (!/^[A-Za-z0-9.:-]{1,253}$/.test(host)) throw new OutpostError('INVALID_INPUT', 'a host name or IP address is needed', { field: 'host' });
    return { ...base, transport: { type: 'tcp', host, port: input.port ?? 502 } };
  }
  const path = input.path?.trim() ?? '';
  if (!/^\/dev\/[A-Za-z0-9_./-]+$/.test(path)) throw new OutpostError('INVALID_INPUT', 'a serial device such as /dev/ttyUSB0 is needed', { field: 'path' });
  return { ...base, transport: { type: 'rtu', path, baudRate: input.baudRate ?? 9600, parity: 'none', dataBits: 8, stopBits: 1 } };
}

/**
 * One poll of the device through the driver's own poller (no retries, offline after one miss): the
 * readings it answers with, or MODBUS_NO_ANSWER with the driver's own reason (timeout, exception, CRC).
 */
export async function testRead(config: ModbusDeviceConfig, log: Logger): Promise<Reading[]> {
  const id = modbusDeviceId(config);
  const connection = new ModbusConnection({ transport: config.transport, log });
  const probeConfig = { ...config, retries: 0, offlineAfter: 1, intervalMs: 60_000 };
  let poller: DevicePoller | undefined;
  try {
    const outcome = await new Promise<Reading[] | DeviceInfo>((resolve) => {
      poller = new DevicePoller({
        id,
        config: probeConfig,
        profile: resolveProfile(config),
        connection,
        log,
        sink: { readings: (batch) => resolve(batch), deviceHealth: (info) => info.health.state === 'offline' && resolve(info) },
      });
      poller.start();
    });
    if (Array.isArray(outcome)) return outcome;
    throw new OutpostError('MODBUS_NO_ANSWER', `${id} did not answer: ${outcome.health.reason ?? 'no reply'}`, { field: 'unitId', device: id });
  } finally {
    await poller?.stop();
    await connection.close();
  }
}
