import { metricSpec } from '../../appliance/model/metrics.js';
import type { ModbusDeviceConfig } from './config-schema.js';
import { BUILTIN_PROFILES } from './profiles/index.js';
import type { ModbusProfile } from './profile.js';

export interface ConfigProblem {
  /** JSON-pointer-like path of the offending field, e.g. `/modbus/devices/3/profile`. */
  path: string;
  message: string;
}

/** The profile a device config names, with its own extra points and outputs appended. */
export function resolveProfile(config: ModbusDeviceConfig): ModbusProfile {
  const base = config.profile === 'generic' ? undefined : BUILTIN_PROFILES[config.profile];
  return {
    name: config.profile,
    description: base?.description ?? `generic map for ${config.name}`,
    points: [...(base?.points ?? []), ...(config.points ?? [])],
    outputs: [...(base?.outputs ?? []), ...(config.outputs ?? [])],
  };
}

/** Checks a schema cannot express: known profiles, generic maps with points, canonical metric names. */
export function checkModbusDevices(devices: readonly ModbusDeviceConfig[], basePath: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const seen = new Map<string, number>();
  devices.forEach((device, i) => {
    const at = `${basePath}/${i}`;
    if (device.profile !== 'generic' && !BUILTIN_PROFILES[device.profile]) {
      const known = [...Object.keys(BUILTIN_PROFILES), 'generic'].join(', ');
      problems.push({ path: `${at}/profile`, message: `unknown profile "${device.profile}" (known: ${known})` });
    }
    if (device.profile === 'generic' && !device.points?.length) {
      problems.push({ path: `${at}/points`, message: 'a generic device needs at least one register point' });
    }
    device.points?.forEach((point, j) => {
      if (!metricSpec(point.metric)) {
        problems.push({ path: `${at}/points/${j}/metric`, message: `"${point.metric}" is not a canonical metric` });
      }
    });
    const key = `${JSON.stringify(device.transport)}#${device.unitId}`;
    const other = seen.get(key);
    if (other !== undefined) {
      problems.push({ path: `${at}/unitId`, message: `unit ${device.unitId} on this bus is already device ${other}` });
    }
    seen.set(key, i);
  });
  return problems;
}
