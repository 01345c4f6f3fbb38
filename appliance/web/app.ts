import Fastify, { type FastifyInstance } from 'fastify';
import type { HealthRegistry } from '../health.js';
import type { Store } from '../store/store.js';
import type { Driver } from '../../drivers/types.js';

export interface WebDeps {
  health: HealthRegistry;
  /** Absent until the store has opened; data routes answer 503 until then. */
  store: () => Store | undefined;
  drivers: () => readonly Driver[];
}

/** The HTTP API as a factory, so tests drive it with `inject` and `main` gives it a port. */
export function buildWebApp(deps: WebDeps): FastifyInstance {
  const app = Fastify({ logger: false });

  app.get('/api/health', async (_request, reply) => {
    const report = deps.health.report();
    return reply.code(report.ready ? 200 : 503).send(report);
  });

  app.get('/api/devices', async (_request, reply) => {
    const live = deps.drivers().flatMap((d) => d.devices());
    if (live.length > 0) return live;
    const store = deps.store();
    return store ? store.devices() : reply.code(503).send({ error: 'starting' });
  });

  app.get<{ Querystring: { device?: string } }>('/api/readings/latest', async (request, reply) => {
    const store = deps.store();
    return store ? store.latestReadings(request.query.device) : reply.code(503).send({ error: 'starting' });
  });

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

  app.get('/api/stats', async (_request, reply) => {
    const store = deps.store();
    if (!store) return reply.code(503).send({ error: 'starting' });
    return { counters: store.counters(), outbox: store.outboxStats(), bytesWritten: store.bytesWritten() };
  });

  return app;
}
