import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { OutpostError, type Driver } from '../../drivers/types.js';
import type { Logger } from '../log.js';
import { zigbeeControl, type PairedDevice } from './driver-controls.js';

/** Zigbee 3.0 caps one permit-join at 254 s; the page offers shorter spells. */
const PermitJoin = Type.Object({ seconds: Type.Integer({ minimum: 0, maximum: 254 }) }, { additionalProperties: false });

export interface ZigbeeState {
  available: boolean;
  reason?: string;
  /** Pairing is open until then (ms since epoch); absent when closed. */
  permitJoinEnd?: number;
  canRemove?: boolean;
  /** Devices in the network, a new one first listed as being interviewed; absent when the driver cannot list them. */
  paired?: PairedDevice[];
}

/** Pairing from the page: open the network for a while, and the countdown the page shows while it is open. */
export function zigbeeRoutes(deps: { drivers: () => readonly Driver[]; log: Logger }) {
  const state = (): ZigbeeState => {
    const zigbee = zigbeeControl(deps.drivers());
    if (!zigbee) return { available: false, reason: 'Zigbee is off: enable the zigbee section with the coordinator port in the config' };
    const health = zigbee.health();
    // Devices offline make the driver degraded but pairing still works; only a coordinator that is down counts no device at all.
    const counted = health.devices.ok + health.devices.degraded + health.devices.offline;
    if (health.state !== 'ok' && counted === 0) return { available: false, reason: `the Zigbee coordinator is ${health.state}${health.reason ? `: ${health.reason}` : ''}` };
    const end = zigbee.permitJoinEnd();
    const paired = zigbee.pairedDevices?.().map(({ ieeeAddress, id, interview, name, model }) => ({ ieeeAddress, id, interview, name, model }));
    return {
      available: true,
      ...(end !== undefined && end > Date.now() ? { permitJoinEnd: end } : {}),
      canRemove: typeof zigbee.removeDevice === 'function',
      ...(paired ? { paired } : {}),
    };
  };

  return async (app: FastifyInstance): Promise<void> => {
    app.get('/api/zigbee', async () => state());

    app.post('/api/zigbee/permit-join', { schema: { body: PermitJoin } }, async (request) => {
      const { seconds } = request.body as Static<typeof PermitJoin>;
      const zigbee = zigbeeControl(deps.drivers());
      if (!zigbee) throw new OutpostError('NOT_AVAILABLE', state().reason ?? 'Zigbee is off', { field: 'seconds' });
      await zigbee.permitJoin(seconds);
      deps.log.info({ seconds }, seconds > 0 ? 'zigbee pairing opened from the web page' : 'zigbee pairing closed from the web page');
      return state();
    });
  };
}
