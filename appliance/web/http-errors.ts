import type { FastifyError, FastifyInstance } from 'fastify';
import { OutpostError } from '../../drivers/types.js';
import type { Logger } from '../log.js';

/** HTTP status per error code; codes not listed are the client's fault (400). */
const STATUS: Record<string, number> = {
  AUTH_REQUIRED: 401,
  SETUP_REQUIRED: 401,
  SETUP_CODE_WRONG: 401,
  AUTH_WRONG_PASSWORD: 401,
  CSRF_MISSING: 403,
  CSRF_INVALID: 403,
  ORIGIN_MISMATCH: 403,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  ALERT_UNKNOWN: 404,
  DEVICE_UNKNOWN: 404,
  ZIGBEE_DEVICE_UNKNOWN: 404,
  DEVICE_EXISTS: 409,
  DEVICE_NOT_IN_CONFIG: 409,
  GPIO_PIN_TAKEN: 409,
  ZIGBEE_COORDINATOR_OFFLINE: 503,
  NETWORK_APPLY_FAILED: 502,
  SETUP_DONE: 409,
  AUTH_RATE_LIMITED: 429,
  STORE_CLOSED: 503,
  NOT_AVAILABLE: 501,
};

export interface ApiError {
  error: { code: string; message: string; field?: string };
}

export function apiError(code: string, message: string, field?: string): ApiError {
  return { error: { code, message, ...(field ? { field } : {}) } };
}

/**
 * One shape for every refusal, `{error: {code, message, field?}}`, so the page can show the message next
 * to the field. Nothing unexpected leaves the box: no stack, no SQL, no path; those go to the log.
 */
export function installErrorHandling(app: FastifyInstance, log: Logger): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof OutpostError) {
      const status = STATUS[error.code] ?? (error.code.startsWith('STORE_') ? 503 : 400);
      const retry = error.context.retryAfterSeconds;
      if (typeof retry === 'number') void reply.header('retry-after', String(retry));
      const field = typeof error.context.field === 'string' ? error.context.field : undefined;
      if (status >= 500) log.error({ err: error, url: request.url }, 'request failed');
      return reply.code(status).send(apiError(error.code, error.message, field));
    }
    const first = error.validation?.[0];
    if (first) {
      const missing = (first.params as { missingProperty?: string }).missingProperty;
      const field = missing ?? first.instancePath.replace(/^\//, '').replaceAll('/', '.');
      const message = missing ? `${missing} is required` : `${field || 'body'} ${first.message ?? 'is invalid'}`;
      return reply.code(400).send(apiError('INVALID_INPUT', message, field || undefined));
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.code(error.statusCode).send(apiError(error.code ?? 'BAD_REQUEST', error.message));
    }
    log.error({ err: error, url: request.url }, 'request failed');
    return reply.code(500).send(apiError('INTERNAL', 'internal error; the log on the box has the details'));
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send(apiError('NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}`)));
}
