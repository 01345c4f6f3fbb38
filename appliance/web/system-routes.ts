import type { FastifyInstance } from 'fastify';
import type { HealthRegistry } from '../health.js';
import type { Store } from '../store/store.js';
import { systemInfo } from './system-info.js';

export interface SystemDeps {
  version: string;
  dataDir: string;
  health: HealthRegistry;
  store: () => Store | undefined;
  thermalRoot?: string;
}

/** The box itself: release, load, storage and flash wear; the uplink and its backlog. */
export function systemRoutes(deps: SystemDeps) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get('/api/system', async () => {
      const store = deps.store();
      return {
        version: deps.version,
        ...(await systemInfo(deps.dataDir, deps.thermalRoot)),
        bytesWritten: store ? store.bytesWritten() : null,
      };
    });

    app.get('/api/uplink', async () => {
      const status = deps.health.report().services.uplink ?? { state: 'starting' };
      return { ...status, outbox: deps.store()?.outboxStats() ?? null };
    });
  };
}
