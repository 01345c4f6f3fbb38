import type { FastifyInstance, FastifyRequest } from 'fastify';
import { OutpostError } from '../../drivers/types.js';
import type { AccessControl } from '../auth/access-control.js';
import { csrfMatches, type Session } from '../auth/sessions.js';

declare module 'fastify' {
  interface FastifyRequest {
    session: Session | undefined;
  }
}

export const SESSION_COOKIE = 'outpost_session';

/** Reachable without a session: the health probe, the page's own bootstrap, and the two ways in. */
const PUBLIC = new Set(['GET /api/health', 'GET /api/session', 'POST /api/setup/code', 'POST /api/login']);
/** A setup session reaches the setup steps and the network, which first boot may have to set (Wi-Fi before the box goes in place). */
const SETUP_REACHES = (path: string) => path === '/api/setup' || path.startsWith('/api/setup/') || path === '/api/network' || path.startsWith('/api/network/');
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Every `/api` route but the public ones needs a session; a setup session reaches only `/api/setup`.
 * Every change needs the session's CSRF token in `x-csrf-token`, and any change from another origin is
 * refused, which also covers the two public POSTs that have no session yet.
 */
export function installAuthGuard(app: FastifyInstance, access: AccessControl): void {
  app.decorateRequest('session', undefined);
  app.addHook('onRequest', async (request: FastifyRequest) => {
    request.session = access.sessions.find(readCookie(request.headers.cookie, SESSION_COOKIE));
    const path = request.url.split('?')[0] ?? '';
    if (!path.startsWith('/api/')) return;
    const safe = SAFE_METHODS.has(request.method);
    if (!safe) checkOrigin(request);
    if (PUBLIC.has(`${request.method} ${path}`)) return;
    const session = request.session;
    if (!session) {
      throw access.setupDone
        ? new OutpostError('AUTH_REQUIRED', 'log in first')
        : new OutpostError('SETUP_REQUIRED', 'setup is not done: enter the setup code first');
    }
    if (session.role === 'setup' && !SETUP_REACHES(path)) {
      throw new OutpostError('FORBIDDEN', 'finish setup first');
    }
    if (safe) return;
    const sent = request.headers['x-csrf-token'];
    if (typeof sent !== 'string' || sent === '') throw new OutpostError('CSRF_MISSING', 'the x-csrf-token header is missing; reload the page');
    if (!csrfMatches(session, sent)) throw new OutpostError('CSRF_INVALID', 'the CSRF token is stale or wrong; reload the page');
  });
}

function checkOrigin(request: FastifyRequest): void {
  const origin = request.headers.origin;
  if (origin === undefined) return;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    host = '';
  }
  if (host !== request.headers.host) throw new OutpostError('ORIGIN_MISMATCH', `a change from another origin (${origin}) is refused`);
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/** HttpOnly (no script reads it), SameSite=Strict (no other site sends it), Secure when served over TLS. */
export function sessionCookie(request: FastifyRequest, value: string, maxAgeSeconds?: number): string {
  const secure = request.protocol === 'https' ? '; Secure' : '';
  const age = maxAgeSeconds === undefined ? '' : `; Max-Age=${maxAgeSeconds}`;
  return `${SESSION_COOKIE}=${value}; HttpOnly; SameSite=Strict; Path=/${age}${secure}`;
}
