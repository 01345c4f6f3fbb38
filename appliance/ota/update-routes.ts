import { createWriteStream, existsSync, rmSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance } from 'fastify';
import { OutpostError } from '../../drivers/types.js';
import type { Logger } from '../log.js';
import { apiError } from '../web/http-errors.js';
import { pendingBundle, queueBundle, type QueueDeps } from './pending-bundle.js';
import { installedRoot } from './release-slots.js';
import { uploadDir } from './update-agent.js';
import { readState } from './update-state.js';

/** Large enough for a release with its native modules and models. */
const MAX_BUNDLE_BYTES = 1024 * 1024 * 1024;
const POLL_MS = 250;

export interface UpdateRoutesDeps extends QueueDeps {
  log: Logger;
  /** The release root; by default the one this code runs from, none in a development checkout (updates off). */
  root?: string;
}

interface UploadStatus {
  state: 'receiving' | 'verifying' | 'queued' | 'refused';
  bytes: number;
  expected?: number;
  version?: string;
  code?: string;
  reason?: string;
}

/**
 * `POST /api/updates` takes a bundle (application/octet-stream), checks it as the agent will (signature,
 * hashes, target, base version) and refuses a bad one at once with its code; a good one becomes
 * `updates/pending.bundle`, which starts the update agent as root outside this service (systemd path
 * unit), since the agent must outlive the restart of this process. `GET /api/updates` is the state and
 * the history; `GET /api/updates/events` streams both, and the upload's bytes, as Server-Sent Events.
 */
export function updateRoutes(options: UpdateRoutesDeps) {
  const deps = { ...options, root: options.root ?? installedRoot(import.meta.url) };
  return async (app: FastifyInstance): Promise<void> => {
    let upload: UploadStatus | undefined;
    const snapshot = () => {
      const state = deps.root ? readState(deps.root) : { refused: [], history: [] };
      return { running: deps.version, upload, update: state.update, refused: state.refused, history: state.history };
    };
    const streams = new Set<() => void>();
    app.addHook('preClose', async () => {
      for (const end of [...streams]) end();
    });
    app.addContentTypeParser('application/octet-stream', (_request, payload, done) => done(null, payload));

    app.get('/api/updates', async () => snapshot());

    app.post('/api/updates', { bodyLimit: MAX_BUNDLE_BYTES }, async (request, reply) => {
      if (!deps.root) return reply.code(503).send(apiError('OTA_NOT_INSTALLED', 'this app does not run from an installed release; updates are off'));
      const current = readState(deps.root).update;
      if (current || existsSync(pendingBundle(deps.dataDir)) || upload?.state === 'receiving' || upload?.state === 'verifying') {
        return reply.code(409).send(apiError('OTA_BUSY', `an update is in progress${current?.version ? ` (${current.version}, ${current.step})` : ''}`));
      }
      if (!(request.body instanceof Object) || !('pipe' in request.body)) throw new OutpostError('OTA_FORMAT', 'send the bundle as application/octet-stream');
      const length = Number(request.headers['content-length']);
      const status: UploadStatus = { state: 'receiving', bytes: 0, ...(length > 0 ? { expected: length } : {}) };
      upload = status;
      await mkdir(uploadDir(deps.dataDir), { recursive: true });
      const partial = join(uploadDir(deps.dataDir), 'upload.partial');
      const count = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          status.bytes += chunk.length;
          callback(null, chunk);
        },
      });
      try {
        await pipeline(request.body as NodeJS.ReadableStream, count, createWriteStream(partial, { flags: 'w' }));
        status.state = 'verifying';
        const manifest = await queueBundle(partial, deps);
        Object.assign(status, { state: 'queued', version: manifest.version });
        deps.log.info({ version: manifest.version, bytes: status.bytes }, 'update bundle accepted');
        return reply.code(202).send({ version: manifest.version, bytes: status.bytes, state: 'queued' });
      } catch (error) {
        rmSync(partial, { force: true });
        const e = error instanceof OutpostError ? error : new OutpostError('OTA_UPLOAD', `upload failed: ${(error as Error).message}`);
        const reason = typeof e.context.reason === 'string' ? e.context.reason : e.message;
        Object.assign(status, { state: 'refused', code: e.code, reason });
        deps.log.warn({ code: e.code, reason }, 'update bundle refused');
        return reply.code(e.code === 'OTA_KEY' ? 500 : 400).send(apiError(e.code, `bundle refused: ${reason}`));
      }
    });

    app.get('/api/updates/events', async (request, reply) => {
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      raw.write('retry: 1000\n\n');
      let last = '';
      const send = () => {
        const data = JSON.stringify(snapshot());
        if (data !== last) raw.write(`event: update\ndata: ${data}\n\n`);
        last = data;
      };
      const timer = setInterval(send, POLL_MS);
      const end = () => {
        clearInterval(timer);
        streams.delete(end);
        raw.end();
      };
      streams.add(end);
      request.raw.on('close', end);
      send();
    });
  };
}
