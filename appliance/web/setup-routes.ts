import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { OutpostError } from '../../drivers/types.js';
import type { AccessControl } from '../auth/access-control.js';
import { BrokerInput, checkBroker } from './broker-settings.js';
import type { ConfigFile } from './config-file.js';
import { probeBroker } from './mqtt-probe.js';
import type { AppliedSetting } from './time-zone.js';
import { currentSession, startSession } from './session-routes.js';

const Code = Type.Object({ code: Type.String({ minLength: 1, maxLength: 64 }) });
const Site = {
  siteName: Type.String({ minLength: 1, maxLength: 80 }),
  nodeName: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' }),
  timeZone: Type.String({ minLength: 1, maxLength: 64 }),
  mqtt: Type.Optional(BrokerInput),
};
const Complete = Type.Object({ password: Type.String({ maxLength: 256 }), ...Site });
const Settings = Type.Object(Site);
const Redo = Type.Object({ password: Type.String({ minLength: 1, maxLength: 256 }) });

export interface SetupDeps {
  access: AccessControl;
  config: ConfigFile;
  /** The running node id and broker, to fill the form. */
  current: () => { nodeId: string; mqttUrl: string | undefined };
  timeZone: { apply(timeZone: string): Promise<AppliedSetting> };
}

/**
 * How each part of a settings change took effect. The site name is the page's own and applies at once;
 * the node name and broker are the uplink's, which is built at start and has no way to be rebuilt
 * in place, so they apply after a restart.
 */
export interface SettingsOutcome {
  siteName: 'now';
  timeZone: AppliedSetting;
  uplink: 'unchanged' | 'after-restart';
  restartNeeded: boolean;
}

async function outcome(deps: SetupDeps, body: { nodeName: string; timeZone: string }, broker: BrokerInput | undefined): Promise<SettingsOutcome> {
  const restartNeeded = broker !== undefined || body.nodeName !== deps.current().nodeId;
  return { siteName: 'now', timeZone: await deps.timeZone.apply(body.timeZone), uplink: restartNeeded ? 'after-restart' : 'unchanged', restartNeeded };
}

function checkTimeZone(timeZone: string): void {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
  } catch {
    throw new OutpostError('TIMEZONE_INVALID', `"${timeZone}" is not an IANA time zone such as Europe/Berlin`, { field: 'timeZone' });
  }
}

/** A broker given with an empty URL means "leave the broker as it is". */
const brokerOf = (mqtt: BrokerInput | undefined) => (mqtt && mqtt.url.trim() !== '' ? checkBroker(mqtt) : undefined);

/**
 * First boot: the setup code opens a setup session; "test connection" answers with the broker's own
 * words; completing sets the admin password and the site, once. The admin changes the site later
 * through `/api/settings`, or redoes setup with the password.
 */
export function setupRoutes(deps: SetupDeps) {
  const { access, config } = deps;
  return async (app: FastifyInstance): Promise<void> => {
    app.post('/api/setup/code', { schema: { body: Code } }, async (request, reply) => {
      const { code } = request.body as Static<typeof Code>;
      const session = access.openSetup(request.ip, code);
      return { ...startSession(request, reply, session), defaults: { ...deps.current(), timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone } };
    });

    app.post('/api/setup/mqtt-test', { schema: { body: BrokerInput } }, async (request) => {
      const broker = checkBroker(request.body as BrokerInput);
      return probeBroker(broker);
    });

    app.post('/api/setup', { schema: { body: Complete } }, async (request, reply) => {
      const body = request.body as Static<typeof Complete>;
      const setup = currentSession(request);
      if (setup.role !== 'setup') throw new OutpostError('SETUP_DONE', 'setup is already done; change settings instead');
      checkTimeZone(body.timeZone);
      const broker = brokerOf(body.mqtt);
      access.checkNewPassword(body.password, [body.siteName, body.nodeName]);
      config.saveNodeAndBroker(body.nodeName, broker);
      const admin = await access.completeSetup(setup, body.password, { siteName: body.siteName, timeZone: body.timeZone });
      return { ...startSession(request, reply, admin), ...(await outcome(deps, body, broker)) };
    });

    app.get('/api/settings', async () => ({ site: access.site ?? null, ...deps.current() }));

    app.put('/api/settings', { schema: { body: Settings } }, async (request) => {
      const body = request.body as Static<typeof Settings>;
      checkTimeZone(body.timeZone);
      const broker = brokerOf(body.mqtt);
      config.saveNodeAndBroker(body.nodeName, broker);
      access.updateSite({ siteName: body.siteName, timeZone: body.timeZone });
      return { saved: true, ...(await outcome(deps, body, broker)) };
    });

    app.post('/api/setup/redo', { schema: { body: Redo } }, async (request) => {
      if (currentSession(request).role !== 'admin') throw new OutpostError('FORBIDDEN', 'only the admin can redo setup');
      await access.redoSetup(request.ip, (request.body as Static<typeof Redo>).password);
      return { setupDone: false };
    });
  };
}
