import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { HEADER_PINS } from '../../drivers/gpio/config-schema.js';
import { gpioDeviceId } from '../../drivers/gpio/lines.js';
import { OutpostError, type Driver } from '../../drivers/types.js';
import type { Logger } from '../log.js';
import type { ConfigFile } from './config-file.js';
import { deviceName, findEntry, rawList, renameEntry, type DeviceList } from './device-config.js';
import type { DeviceChange } from './device-edit-routes.js';

const KINDS = { input: 'gpio.inputs', counter: 'gpio.counters', output: 'gpio.outputs' } as const satisfies Record<string, DeviceList>;
type Kind = keyof typeof KINDS;

const NamePin = Type.Object(
  {
    pin: Type.Integer({ minimum: HEADER_PINS.min, maximum: HEADER_PINS.max }),
    name: Type.String({ minLength: 1, maxLength: 80 }),
    kind: Type.Union([Type.Literal('input'), Type.Literal('counter'), Type.Literal('output')]),
    /** For an input: a door or window contact, or a motion sensor. */
    metric: Type.Optional(Type.Union([Type.Literal('contact'), Type.Literal('occupancy')])),
  },
  { additionalProperties: false },
);

export interface PinState {
  pin: number;
  name?: string;
  kind?: Kind;
  /** Where the name comes from: the config file, or only the running driver (an emulated scenario's line). */
  source?: 'config' | 'running';
}

/**
 * The 40-pin header as the page shows it: every BCM pin with its name and job, and naming a pin, which
 * gives it a job in the config. The GPIO driver claims its lines at start, so a new line applies after restart.
 */
export function gpioRoutes(deps: { drivers: () => readonly Driver[]; config: ConfigFile; log: Logger; pending: Map<string, string> }) {
  const pins = (): PinState[] => {
    const gpio = deps.config.parsed().gpio;
    const running = new Map(deps.drivers().filter((d) => d.protocol === 'gpio').flatMap((d) => d.devices()).map((d) => [d.id, d]));
    const inConfig = new Map<number, { name: string; kind: Kind }>();
    for (const kind of Object.keys(KINDS) as Kind[]) for (const line of gpio[`${kind}s`]) inConfig.set(line.pin, { name: line.name, kind });
    return Array.from({ length: HEADER_PINS.max - HEADER_PINS.min + 1 }, (_, i) => {
      const pin = HEADER_PINS.min + i;
      const configured = inConfig.get(pin);
      if (configured) return { pin, ...configured, source: 'config' };
      const live = running.get(gpioDeviceId(pin));
      return live ? { pin, name: live.name, source: 'running' } : { pin };
    });
  };

  return async (app: FastifyInstance): Promise<void> => {
    app.get('/api/gpio', async () => ({ pins: pins() }));

    app.post('/api/gpio/pins', { schema: { body: NamePin } }, async (request): Promise<DeviceChange> => {
      const { pin, kind, metric } = request.body as Static<typeof NamePin>;
      const name = deviceName((request.body as Static<typeof NamePin>).name);
      const device = gpioDeviceId(pin);
      const entry = findEntry(deps.config.parsed(), device);
      const current = pins().find((p) => p.pin === pin);
      if (entry && entry.list !== KINDS[kind]) {
        throw new OutpostError('GPIO_PIN_TAKEN', `GPIO ${pin} is already ${current?.kind === 'input' ? 'an' : 'a'} ${current?.kind} ("${current?.name}"); remove it first`, { field: 'pin' });
      }
      // A line of the emulated scenario is not in the config file; naming its pin there would claim it twice at the next start.
      if (current?.source === 'running') throw new OutpostError('GPIO_PIN_TAKEN', `GPIO ${pin} is used by the emulated scenario ("${current.name}")`, { field: 'pin' });
      deps.config.patch((raw) => {
        if (entry) renameEntry(raw, entry, name);
        else rawList(raw, KINDS[kind]).push({ name, pin, ...(kind === 'input' && metric ? { metric } : {}) });
      });
      deps.log.info({ device, name, kind }, entry ? 'gpio line renamed from the web page' : 'gpio line named from the web page');
      const message = `GPIO ${pin} ${entry ? 'renamed' : 'named'} "${name}" (${kind}); applies after restart`;
      deps.pending.set(device, message);
      return { device, applied: 'after-restart', message };
    });
  };
}
