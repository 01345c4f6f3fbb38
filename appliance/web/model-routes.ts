import type { FastifyInstance, FastifyReply } from 'fastify';
import { OutpostError } from '../../drivers/types.js';
import type { ModelUpdates } from '../detect/model-updates.js';
import { apiError } from './http-errors.js';

/** A package is the manifest, its signature and the ONNX bytes in base64: room for models far larger than ours. */
const MAX_PACKAGE_BYTES = 64 * 1024 * 1024;

/** Refusals that are about the box's state, not the package. */
const CONFLICTS = new Set(['MODEL_NO_KEY', 'MODEL_NO_PREVIOUS', 'MODEL_UPDATES_OFF']);

export interface ModelRoutesDeps {
  /** Absent while detection is off or not yet started. */
  models: () => Pick<ModelUpdates, 'install' | 'rollback' | 'status'> | undefined;
}

/**
 * `GET /api/models` is the running model and the one a rollback returns to; `POST /api/models` takes a
 * signed model package (application/octet-stream) and installs it, or refuses it with its code and
 * reason while the running model goes on; `POST /api/models/rollback` returns to the previous model.
 */
export function modelRoutes(deps: ModelRoutesDeps) {
  return async (app: FastifyInstance): Promise<void> => {
    app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer', bodyLimit: MAX_PACKAGE_BYTES }, (_request, body, done) => done(null, body));
    const models = () => {
      const m = deps.models();
      if (!m) throw new OutpostError('MODEL_UPDATES_OFF', 'anomaly detection is off, so no model can be installed or rolled back');
      return m;
    };

    app.get('/api/models', async () => models().status());

    app.post('/api/models', { bodyLimit: MAX_PACKAGE_BYTES }, async (request, reply) => {
      if (!Buffer.isBuffer(request.body)) return refuse(reply, new OutpostError('MODEL_PACKAGE', 'send the model package as application/octet-stream'), 'model package refused');
      const bytes = request.body;
      return act(reply, () => models().install(bytes), 'model package refused');
    });

    app.post('/api/models/rollback', async (_request, reply) => act(reply, () => models().rollback(), 'rollback refused'));

    async function act(reply: FastifyReply, step: () => Promise<string>, refusal: string) {
      try {
        const result = await step();
        return { result, ...(await models().status()) };
      } catch (error) {
        return refuse(reply, error, refusal);
      }
    }

    /** ModelUpdates has logged the refusal with its cause; the page gets the code and the reason. */
    function refuse(reply: FastifyReply, error: unknown, refusal: string) {
      const e = error instanceof OutpostError ? error : new OutpostError('MODEL_FAILED', (error as Error).message);
      return reply.code(CONFLICTS.has(e.code) ? 409 : 400).send(apiError(e.code, `${refusal}: ${e.message}; the running model stays`));
    }
  };
}
