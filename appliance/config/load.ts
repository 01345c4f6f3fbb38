import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { Value } from '@sinclair/typebox/value';
import { checkGpioConfig } from '../../drivers/gpio/config-schema.js';
import { checkModbusDevices } from '../../drivers/modbus/resolve-profile.js';
import { OutpostError } from '../../drivers/types.js';
import { ConfigSchema, type Config } from './schema.js';

/** Fields of a config, with `undefined` for those the command line leaves alone. */
export type ConfigOverrides = {
  [K in keyof Config]?: Config[K] extends object ? Partial<Config[K]> : Config[K];
};

/**
 * Validates a raw config (already parsed) and returns it with defaults applied, deeply frozen.
 * Refuses with `CONFIG_INVALID` and a message naming the first failing field; never falls back silently.
 */
export function parseConfig(raw: unknown, source: string, overrides: ConfigOverrides = {}): Readonly<Config> {
  const merged = mergeOverrides(structuredClone(raw ?? {}), overrides);
  const withDefaults = Value.Default(ConfigSchema, merged);
  const problems = [...Value.Errors(ConfigSchema, withDefaults)].map((e) => ({ path: e.path || '/', message: e.message }));
  if (problems.length === 0) {
    const config = withDefaults as Config;
    problems.push(...checkModbusDevices(config.modbus.devices, '/modbus/devices'));
    problems.push(...checkGpioConfig(config.gpio));
  }
  const first = problems[0];
  if (first) {
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
    throw new OutpostError('CONFIG_INVALID', `${source}: ${first.path}: ${first.message}${more}`, { source, problems });
  }
  const config = withDefaults as Config;
  return deepFreeze({ ...config, nodeId: config.nodeId ?? defaultNodeId() });
}

export function loadConfigFile(path: string, overrides: ConfigOverrides = {}): Readonly<Config> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new OutpostError('CONFIG_UNREADABLE', `cannot read config ${path}: ${(error as Error).message}`, { path }, { cause: error });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new OutpostError('CONFIG_INVALID', `${path}: not valid JSON: ${(error as Error).message}`, { path }, { cause: error });
  }
  return parseConfig(raw, path, overrides);
}

function mergeOverrides(raw: unknown, overrides: ConfigOverrides): unknown {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw;
  const target = raw as Record<string, unknown>;
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    const existing = target[key];
    target[key] =
      typeof value === 'object' && value !== null && typeof existing === 'object' && existing !== null
        ? { ...existing, ...Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) }
        : value;
  }
  return target;
}

function defaultNodeId(): string {
  return hostname().replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 64) || 'outpost';
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
