import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { bleDeviceId } from '../../drivers/ble/adopted-tag.js';
import { OutpostError, type Driver } from '../../drivers/types.js';
import type { Logger } from '../log.js';
import type { ConfigFile } from './config-file.js';
import { deviceName, rawList } from './device-config.js';
import type { DeviceChange } from './device-edit-routes.js';
import { bleScanner } from './driver-controls.js';

// Formats are checked below rather than by schema pattern, so the page gets a sentence, not a regex.
const Adopt = Type.Object(
  { address: Type.String({ maxLength: 32 }), name: Type.String({ minLength: 1, maxLength: 80 }), key: Type.Optional(Type.String({ maxLength: 64 })) },
  { additionalProperties: false },
);

const MAC = /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/;
const KEY = /^[0-9a-f]{32}$/;

/**
 * Tags in range that are not adopted yet, and adopting one: the tag joins `ble.adopted` in the config
 * with its BTHome key. An encrypted tag (its adverts fail with BLE_KEY_MISSING) is refused without one.
 * The running driver keeps its tag list, so an adoption applies at the next start.
 */
export function bleRoutes(deps: { drivers: () => readonly Driver[]; config: ConfigFile; log: Logger }) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get('/api/ble', async () => {
      const ble = bleScanner(deps.drivers());
      if (!ble) return { available: false, reason: 'BLE scanning is off: set ble.scan to true in the config to list the tags in range', discovered: [] };
      const adopted = new Set(deps.config.parsed().ble.adopted.map((t) => t.address.toLowerCase()));
      return { available: true, discovered: ble.discovered().filter((t) => !adopted.has(t.address)) };
    });

    app.post('/api/ble/adopt', { schema: { body: Adopt } }, async (request, reply) => {
      const body = request.body as Static<typeof Adopt>;
      const address = body.address.trim().toLowerCase();
      const name = deviceName(body.name);
      const key = body.key?.trim().toLowerCase() || undefined;
      if (!MAC.test(address)) throw new OutpostError('INVALID_INPUT', 'a MAC address such as a4:c1:38:02:83:f4 is needed', { field: 'address' });
      if (key !== undefined && !KEY.test(key)) throw new OutpostError('BLE_KEY_INVALID', 'a BTHome key is 32 hex digits', { field: 'key' });
      const seen = bleScanner(deps.drivers())?.discovered().find((t) => t.address === address);
      if (!key && seen?.format === 'BLE_KEY_MISSING') {
        throw new OutpostError('BLE_KEY_REQUIRED', 'this tag sends encrypted BTHome adverts: enter its key', { field: 'key' });
      }
      const device = bleDeviceId(address);
      if (deps.config.parsed().ble.adopted.some((t) => bleDeviceId(t.address) === device)) {
        throw new OutpostError('DEVICE_EXISTS', `${device} is already adopted`, { field: 'address' });
      }
      deps.config.patch((raw) => void rawList(raw, 'ble.adopted').push({ address, name, ...(key ? { key } : {}) }));
      deps.log.info({ device, encrypted: key !== undefined }, 'ble tag adopted from the web page');
      const change: DeviceChange = { device, applied: 'after-restart', message: `adopted as "${name}"; readings start after restart` };
      return reply.code(201).send(change);
    });
  };
}
