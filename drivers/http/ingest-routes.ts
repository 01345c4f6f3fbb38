import type { FastifyInstance } from 'fastify';
import { INGEST_REFUSALS, refusalOf } from '../ip-common/ingest-errors.js';
import { formatOfMediaType } from '../ip-common/payload-formats.js';
import type { HttpIngestDriver } from './http-ingest-driver.js';

/** A SenML pack of a few hundred records fits; anything bigger is not a sensor talking. */
const BODY_LIMIT_BYTES = 256 * 1024;

export interface HttpIngestRouteOptions {
  /** The running driver; absent while the appliance starts, or when no HTTP device is configured. */
  driver: () => HttpIngestDriver | undefined;
}

/**
 * `POST /ingest/<device>` with `Authorization: Bearer <device token>` and a body in SenML JSON, SenML CBOR
 * or JSON. Answers 200 `{accepted, ignored}`, or 4xx `{code, error}` saying what to fix. Registered as its
 * own encapsulated plugin: its raw-body parsers and its token auth never touch the UI's routes or sessions.
 */
export async function httpIngestRoutes(app: FastifyInstance, options: HttpIngestRouteOptions): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT_BYTES }, (_request, body, done) => done(null, body));

  app.post<{ Params: { device: string } }>('/ingest/:device', async (request, reply) => {
    const driver = options.driver();
    if (!driver) return reply.code(503).send({ code: 'NOT_READY', error: 'HTTP ingest is not running: no HTTP device is configured, or the appliance is starting' });
    try {
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      return driver.ingest({
        device: request.params.device,
        token: bearer(request.headers.authorization),
        format: () => formatOfMediaType(request.headers['content-type']),
        body,
      });
    } catch (error) {
      const refusal = refusalOf(error);
      if (!refusal) throw error;
      if (refusal.code === 'RATE_LIMITED') void reply.header('retry-after', String((error as { context: { retryAfter?: number } }).context.retryAfter ?? 1));
      if (refusal.code === 'TOKEN_MISSING') void reply.header('www-authenticate', 'Bearer realm="outpost-ingest"');
      return reply.code(INGEST_REFUSALS[refusal.code].http).send({ code: refusal.code, error: refusal.message });
    }
  });
}

function bearer(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}
