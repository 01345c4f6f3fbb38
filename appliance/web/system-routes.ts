import type { FastifyInstance } from 'fastify';
import { OutpostError } from '../../drivers/types.js';
import type { HealthRegistry } from '../health.js';
import type { Store } from '../store/store.js';
import { systemInfo } from './system-info.js';

export interface SystemDeps {
  version: string;
  dataDir: string;
  health: HealthRegistry;
  store: () => Store | undefined;
  thermalRoot?: string;
  requestRestart?: (reason: string) => void;
}

/** The box itself: release, load, storage and flash wear; the uplink and its backlog; applying saved changes. */
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

    // Saved changes that wait for a restart (renames, adoptions, node name, broker) take effect now: every
    // service restarts in-process from the config file; sessions are kept, so the page stays logged in.
    app.post('/api/system/apply', async (_request, reply) => {
      const restart = deps.requestRestart;
      if (!restart) throw new OutpostError('NOT_AVAILABLE', 'this run cannot restart its services; saved changes apply at the next start');
      setImmediate(() => restart('saved changes applied from the setup page'));
      return reply.code(202).send({ restarting: true });
    });

    app.get('/api/uplink', async () => {
      const status = deps.health.report().services.uplink ?? { state: 'starting' };
      return { ...status, outbox: deps.store()?.outboxStats() ?? null };
    });
  };
}
