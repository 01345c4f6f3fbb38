import type { FastifyInstance } from 'fastify';
import type { Driver } from '../../drivers/types.js';
import type { HealthRegistry } from '../health.js';
import type { Store } from '../store/store.js';

export interface DataDeps {
  health: HealthRegistry;
  /** Absent until the store has opened; data routes answer 503 until then. */
  store: () => Store | undefined;
  drivers: () => readonly Driver[];
}

const MINUTE_MS = 60_000;

/** The read API over the store and the drivers, plus acknowledging an alert. */
export function dataRoutes(deps: DataDeps) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get('/api/health', async (_request, reply) => {
      const report = deps.health.report();
      return reply.code(report.ready ? 200 : 503).send(report);
    });

    app.get('/api/devices', async (_request, reply) => {
      // Before the drivers are up the store's last known list stands in; after, a driver with no device is an empty list.
      const drivers = deps.drivers();
      if (drivers.length > 0) return drivers.flatMap((d) => d.devices());
      const store = deps.store();
      return store ? store.devices() : reply.code(503).send({ error: 'starting' });
    });

    app.get<{ Querystring: { device?: string } }>('/api/readings/latest', async (request, reply) => {
      const store = deps.store();
      return store ? store.latestReadings(request.query.device) : reply.code(503).send({ error: 'starting' });
    });

    /** One series for the live chart's history: the last `minutes` of a device's metric. */
    app.get<{ Querystring: { device: string; metric: string; minutes?: string } }>(
      '/api/readings',
      { schema: { querystring: { type: 'object', required: ['device', 'metric'], properties: { device: { type: 'string' }, metric: { type: 'string' }, minutes: { type: 'integer', minimum: 1, maximum: 1440 } } } } },
      async (request, reply) => {
        const store = deps.store();
        if (!store) return reply.code(503).send({ error: 'starting' });
        const { device, metric, minutes } = request.query;
        const now = Date.now();
        return store.readings(device, metric, now - Number(minutes ?? 10) * MINUTE_MS, now + 1, 2_000);
      },
    );

    app.get<{ Querystring: { device?: string; metric?: string; from?: string; to?: string; limit?: string } }>(
      '/api/summaries',
      async (request, reply) => {
        const store = deps.store();
        if (!store) return reply.code(503).send({ error: 'starting' });
        const q = request.query;
        return store.summaries({
          ...(q.device ? { device: q.device } : {}),
          ...(q.metric ? { metric: q.metric } : {}),
          ...(q.from ? { from: Number(q.from) } : {}),
          ...(q.to ? { to: Number(q.to) } : {}),
          limit: Math.min(Number(q.limit ?? 500), 10_000),
        });
      },
    );

    app.get<{ Querystring: { open?: string } }>('/api/alerts', async (request, reply) => {
      const store = deps.store();
      if (!store) return reply.code(503).send({ error: 'starting' });
      const { open } = request.query;
      return store.alerts({ ...(open === undefined ? {} : { open: open === 'true' }), limit: 200 });
    });

    app.post<{ Params: { id: number } }>(
      '/api/alerts/:id/ack',
      { schema: { params: { type: 'object', properties: { id: { type: 'integer', minimum: 1 } } } } },
      async (request, reply) => {
        const store = deps.store();
        if (!store) return reply.code(503).send({ error: 'starting' });
        store.ackAlert(request.params.id);
        return { acknowledged: request.params.id };
      },
    );

    app.get('/api/stats', async (_request, reply) => {
      const store = deps.store();
      if (!store) return reply.code(503).send({ error: 'starting' });
      return { counters: store.counters(), outbox: store.outboxStats(), bytesWritten: store.bytesWritten() };
    });
  };
}
