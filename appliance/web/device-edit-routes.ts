import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { OutpostError, type Driver } from '../../drivers/types.js';
import type { Logger } from '../log.js';
import type { ConfigFile } from './config-file.js';
import { deviceName, findEntry, removeEntry, renameEntry } from './device-config.js';
import { zigbeeControl } from './driver-controls.js';

const DeviceRef = { device: Type.String({ minLength: 3, maxLength: 200 }) };
const Rename = Type.Object({ ...DeviceRef, name: Type.String({ minLength: 1, maxLength: 80 }) }, { additionalProperties: false });
const Remove = Type.Object(DeviceRef, { additionalProperties: false });

export interface DeviceEditDeps {
  drivers: () => readonly Driver[];
  config: ConfigFile;
  log: Logger;
  /** Changes saved this run that wait for a restart, by device id; the GPIO routes add to it too. */
  pending: Map<string, string>;
}

/** What a change did: `now` when the running driver took it, `after-restart` when only the config file holds it yet. */
export interface DeviceChange {
  device: string;
  applied: 'now' | 'after-restart';
  message: string;
}

/**
 * Renaming and removing a device. The config file is the record; most running drivers cannot rename a
 * device or drop one line, so those changes apply at the next start and the page shows them as pending.
 * A paired Zigbee device lives in the coordinator's network, not the config: it is removed live, and
 * renamed live when the driver can take a name.
 */
export function deviceEditRoutes(deps: DeviceEditDeps) {
  const { pending } = deps;
  const known = (id: string) => deps.drivers().some((d) => d.devices().some((info) => info.id === id));

  return async (app: FastifyInstance): Promise<void> => {
    app.get('/api/devices/pending', async () => Object.fromEntries(pending));

    app.post('/api/devices/rename', { schema: { body: Rename } }, async (request): Promise<DeviceChange> => {
      const { device } = request.body as Static<typeof Rename>;
      const name = deviceName((request.body as Static<typeof Rename>).name);
      if (device.startsWith('zigbee:')) return renameZigbee(deps, device, name);
      const entry = findEntry(deps.config.parsed(), device);
      if (!entry) throw notInConfig(device, known(device), 'renamed');
      deps.config.patch((raw) => renameEntry(raw, entry, name));
      const message = `renamed to "${name}"; applies after restart`;
      pending.set(device, message);
      deps.log.info({ device, name }, 'device renamed from the web page');
      return { device, applied: 'after-restart', message };
    });

    app.post('/api/devices/remove', { schema: { body: Remove } }, async (request): Promise<DeviceChange> => {
      const { device } = request.body as Static<typeof Remove>;
      if (device.startsWith('zigbee:')) return removeZigbee(deps, device);
      const entry = findEntry(deps.config.parsed(), device);
      if (!entry) throw notInConfig(device, known(device), 'removed');
      deps.config.patch((raw) => removeEntry(raw, entry));
      const message = 'removed from the config; applies after restart';
      pending.set(device, message);
      deps.log.info({ device }, 'device removed from the web page');
      return { device, applied: 'after-restart', message };
    });
  };
}

async function removeZigbee(deps: DeviceEditDeps, device: string): Promise<DeviceChange> {
  const zigbee = zigbeeControl(deps.drivers());
  const paired = zigbee?.pairedDevices?.() ?? zigbee?.devices() ?? [];
  if (!zigbee || !paired.some((d) => d.id === device)) throw new OutpostError('DEVICE_UNKNOWN', `no paired Zigbee device ${device}`, { field: 'device' });
  if (!zigbee.removeDevice) {
    throw new OutpostError('NOT_AVAILABLE', 'this release of the Zigbee driver cannot remove a device; reset the device to make it leave', { field: 'device' });
  }
  const address = device.slice('zigbee:'.length).toLowerCase();
  // Read before the device leaves: a config file broken by hand refuses the removal, rather than failing after it.
  const named = deps.config.parsed().zigbee.names[address] !== undefined;
  const outcome = await zigbee.removeDevice(address);
  // A device that pairs again later starts under its model's name, as a new device would.
  if (named) deps.config.patch((raw) => delete (raw.zigbee as { names: Record<string, string> }).names[address]);
  deps.log.info({ device }, 'zigbee device removed from the web page');
  const message = outcome && !outcome.left ? 'did not confirm leaving (asleep or out of range); forgotten anyway, so it must pair again' : 'left the Zigbee network';
  return { device, applied: 'now', message };
}

/**
 * A Zigbee name goes to the config's `zigbee.names` under the device's IEEE address (the device id, and
 * so its stored history, does not change) and to the running driver when it can take it.
 */
function renameZigbee(deps: DeviceEditDeps, device: string, name: string): DeviceChange {
  const zigbee = zigbeeControl(deps.drivers());
  const address = device.slice('zigbee:'.length).toLowerCase();
  const paired = zigbee?.pairedDevices?.() ?? zigbee?.devices() ?? [];
  if (!zigbee || !paired.some((d) => d.id.toLowerCase() === `zigbee:${address}`)) throw new OutpostError('DEVICE_UNKNOWN', `no paired Zigbee device ${device}`, { field: 'device' });
  deps.config.patch((raw) => {
    const section = (raw.zigbee ??= {}) as Record<string, unknown>;
    section.names = { ...(section.names as Record<string, string> | undefined), [address]: name };
  });
  deps.log.info({ device, name }, 'zigbee device renamed from the web page');
  if (!zigbee.setName) {
    const message = `renamed to "${name}"; applies after restart`;
    deps.pending.set(device, message);
    return { device, applied: 'after-restart', message };
  }
  zigbee.setName(address, name);
  deps.pending.delete(device);
  return { device, applied: 'now', message: `renamed to "${name}"` };
}

function notInConfig(device: string, running: boolean, what: string): OutpostError {
  if (!running) return new OutpostError('DEVICE_UNKNOWN', `no device ${device}`, { field: 'device' });
  return new OutpostError('DEVICE_NOT_IN_CONFIG', `${device} cannot be ${what} here: it comes from the emulated scenario, not the config file`, { field: 'device' });
}
