import type { FastifyInstance } from 'fastify';
import type { TickEvent } from '../ingest/tick-loop.js';
import type { LiveFeed } from './live-feed.js';

const HEARTBEAT_MS = 15_000;

/**
 * `GET /api/live?device=&metric=`: Server-Sent Events, one `tick` event per pipeline tick with that
 * series' new readings, every alert raised or cleared, and how many readings the tick stored. Without a
 * series only the alerts and the count are sent, so an idle page costs a few bytes a second.
 */
export function liveRoutes(feed: LiveFeed) {
  return async (app: FastifyInstance): Promise<void> => {
    const open = new Set<() => void>();
    app.addHook('preClose', async () => {
      for (const end of [...open]) end();
    });

    app.get<{ Querystring: { device?: string; metric?: string } }>('/api/live', async (request, reply) => {
      const { device, metric } = request.query;
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      raw.write('retry: 2000\n\n');
      const onTick = (event: TickEvent) => {
        const readings = device && metric ? event.readings.filter((r) => r.device === device && r.metric === metric) : [];
        raw.write(`event: tick\ndata: ${JSON.stringify({ stored: event.readings.length, readings, alerts: event.alerts })}\n\n`);
      };
      const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), HEARTBEAT_MS);
      const end = () => {
        feed.off('tick', onTick);
        clearInterval(heartbeat);
        open.delete(end);
        raw.end();
      };
      feed.on('tick', onTick);
      open.add(end);
      request.raw.on('close', end);
    });
  };
}
