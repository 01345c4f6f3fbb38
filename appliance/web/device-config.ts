import { bleDeviceId } from '../../drivers/ble/adopted-tag.js';
import { gpioDeviceId } from '../../drivers/gpio/lines.js';
import { modbusDeviceId } from '../../drivers/modbus/modbus-driver.js';
import { OutpostError } from '../../drivers/types.js';
import type { Config } from '../config/schema.js';
import type { RawConfig } from './config-file.js';

/** The config lists that hold one device per entry, each entry with a `name`. */
export const DEVICE_LISTS = ['modbus.devices', 'gpio.inputs', 'gpio.counters', 'gpio.outputs', 'ble.adopted'] as const;
export type DeviceList = (typeof DEVICE_LISTS)[number];

export interface ConfigEntry {
  list: DeviceList;
  index: number;
}

type Entry = Record<string, unknown> & { name?: string };

function idsOf(config: Readonly<Config>, list: DeviceList): string[] {
  switch (list) {
    case 'modbus.devices':
      return config.modbus.devices.map((d) => modbusDeviceId(d));
    case 'ble.adopted':
      return config.ble.adopted.map((t) => bleDeviceId(t.address));
    default:
      return config.gpio[list === 'gpio.inputs' ? 'inputs' : list === 'gpio.counters' ? 'counters' : 'outputs'].map((l) => gpioDeviceId(l.pin));
  }
}

/**
 * Where a device id sits in the config file. Ids are matched on the parsed config (defaults applied,
 * so a Modbus entry without a port still yields its id); the index is the same in the raw file.
 */
export function findEntry(config: Readonly<Config>, id: string): ConfigEntry | undefined {
  for (const list of DEVICE_LISTS) {
    const index = idsOf(config, list).indexOf(id);
    if (index >= 0) return { list, index };
  }
  return undefined;
}

/** The raw file's array for `list`, created (with its section) when the file has none yet. */
export function rawList(raw: RawConfig, list: DeviceList): Entry[] {
  const [section = '', key = ''] = list.split('.');
  const parent = (raw[section] ??= {}) as Record<string, unknown>;
  if (!Array.isArray(parent[key])) parent[key] = [];
  return parent[key] as Entry[];
}

export function renameEntry(raw: RawConfig, entry: ConfigEntry, name: string): void {
  const item = rawList(raw, entry.list)[entry.index];
  if (item) item.name = name;
}

export function removeEntry(raw: RawConfig, entry: ConfigEntry): void {
  rawList(raw, entry.list).splice(entry.index, 1);
}

/** A device name as the forms send it: trimmed, and refused when nothing visible is left. */
export function deviceName(text: string): string {
  const name = text.trim();
  if (name === '') throw new OutpostError('INVALID_INPUT', 'a name needs at least one visible character', { field: 'name' });
  return name;
}
