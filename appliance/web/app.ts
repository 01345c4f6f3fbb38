import Fastify, { type FastifyInstance } from 'fastify';
import type { ModbusDeviceConfig } from '../../drivers/modbus/config-schema.js';
import type { Driver } from '../../drivers/types.js';
import type { AccessControl } from '../auth/access-control.js';
import type { HealthRegistry } from '../health.js';
import type { Logger } from '../log.js';
import { updateRoutes } from '../ota/update-routes.js';
import type { Store } from '../store/store.js';
import { installAuthGuard } from './auth-guard.js';
import { bleRoutes } from './ble-routes.js';
import { ConfigFile } from './config-file.js';
import { dataRoutes } from './data-routes.js';
import { deviceEditRoutes } from './device-edit-routes.js';
import { deviceRoutes } from './device-routes.js';
import { gpioRoutes } from './gpio-routes.js';
import { installErrorHandling } from './http-errors.js';
import type { LiveFeed } from './live-feed.js';
import { liveRoutes } from './live-routes.js';
import { modelRoutes, type ModelRoutesDeps } from './model-routes.js';
import { Nmcli, type NetworkManager } from './network-manager.js';
import { networkRoutes } from './network-routes.js';
import { loadPage, pageRoutes } from './page-routes.js';
import { sessionRoutes } from './session-routes.js';
import { setupRoutes, type SetupDeps } from './setup-routes.js';
import { systemRoutes } from './system-routes.js';
import { TimeZoneSetter } from './time-zone.js';
import { zigbeeRoutes } from './zigbee-routes.js';

export interface WebDeps {
  health: HealthRegistry;
  /** Absent until the store has opened; data routes answer 503 until then. */
  store: () => Store | undefined;
  drivers: () => readonly Driver[];
  access: AccessControl;
  live: LiveFeed;
  log: Logger;
  version: string;
  dataDir: string;
  /** The config file this run reads, where the page saves its changes. */
  configPath: string;
  /** The running node id and broker URL, for the settings form. */
  current: () => { nodeId: string; mqttUrl: string | undefined };
  startModbusDevice: (config: ModbusDeviceConfig) => Promise<void>;
  network?: NetworkManager;
  timeZone?: SetupDeps['timeZone'];
  thermalRoot?: string;
  /** Model updates, once detection has started; absent, the model routes answer MODEL_UPDATES_OFF. */
  models?: ModelRoutesDeps['models'];
  /** Restarts every service with the saved config (`outpost run`'s in-process restart); absent, saved changes wait for the next start. */
  requestRestart?: (reason: string) => void;
}

/**
 * The HTTP API and the page as a factory, so tests drive it with `inject` and `main` gives it a port.
 * One plugin per area; an area added later (updates) registers its own plugin behind the same guard.
 */
export function buildWebApp(deps: WebDeps): FastifyInstance {
  // Open SSE streams must not hold up a stop; the body limit covers a certificate chain with room to spare.
  const app = Fastify({ logger: false, forceCloseConnections: true, bodyLimit: 256 * 1024 });
  installErrorHandling(app, deps.log);
  installAuthGuard(app, deps.access);
  const config = new ConfigFile({ dataDir: deps.dataDir, path: deps.configPath });
  void app.register(dataRoutes(deps));
  void app.register(sessionRoutes(deps.access));
  void app.register(setupRoutes({ access: deps.access, config, current: deps.current, timeZone: deps.timeZone ?? new TimeZoneSetter() }));
  void app.register(deviceRoutes({ drivers: deps.drivers, config, startModbusDevice: deps.startModbusDevice, log: deps.log }));
  const pending = new Map<string, string>();
  void app.register(deviceEditRoutes({ drivers: deps.drivers, config, log: deps.log, pending }));
  void app.register(zigbeeRoutes({ drivers: deps.drivers, log: deps.log }));
  void app.register(bleRoutes({ drivers: deps.drivers, config, log: deps.log }));
  void app.register(gpioRoutes({ drivers: deps.drivers, config, log: deps.log, pending }));
  void app.register(systemRoutes(deps));
  void app.register(networkRoutes({ network: deps.network ?? new Nmcli(), log: deps.log }));
  void app.register(liveRoutes(deps.live));
  void app.register(pageRoutes(loadPage()));
  void app.register(updateRoutes({ dataDir: deps.dataDir, version: deps.version, log: deps.log }));
  void app.register(modelRoutes({ models: deps.models ?? (() => undefined) }));
  return app;
}
