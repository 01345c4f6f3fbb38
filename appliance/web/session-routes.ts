import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OutpostError } from '../../drivers/types.js';
import type { AccessControl } from '../auth/access-control.js';
import type { Session } from '../auth/sessions.js';
import { sessionCookie } from './auth-guard.js';

const Login = Type.Object({ password: Type.String({ minLength: 1, maxLength: 256 }) });
const PasswordChange = Type.Object({ current: Type.String({ minLength: 1, maxLength: 256 }), next: Type.String({ maxLength: 256 }) });

/** Sends the session cookie and what the page needs to act in it (the CSRF token is in the body, never in a cookie). */
export function startSession(request: FastifyRequest, reply: FastifyReply, session: Session) {
  void reply.header('set-cookie', sessionCookie(request, session.id));
  return { role: session.role, csrf: session.csrf };
}

export function currentSession(request: FastifyRequest): Session {
  if (!request.session) throw new OutpostError('AUTH_REQUIRED', 'log in first');
  return request.session;
}

export function sessionRoutes(access: AccessControl) {
  return async (app: FastifyInstance): Promise<void> => {
    /** The page's first call: which screen to show, and the CSRF token of the session it already has. */
    app.get('/api/session', async (request) => {
      const session = request.session;
      return {
        setupDone: access.setupDone,
        site: access.site ?? null,
        session: session ? { role: session.role, csrf: session.csrf } : null,
      };
    });

    app.post('/api/login', { schema: { body: Login } }, async (request, reply) => {
      const { password } = request.body as Static<typeof Login>;
      if (request.session) access.sessions.delete(request.session.id);
      return startSession(request, reply, await access.login(request.ip, password));
    });

    app.post('/api/logout', async (request, reply) => {
      access.sessions.delete(currentSession(request).id);
      void reply.header('set-cookie', sessionCookie(request, '', 0));
      return { loggedOut: true };
    });

    app.post('/api/password', { schema: { body: PasswordChange } }, async (request) => {
      const { current, next } = request.body as Static<typeof PasswordChange>;
      await access.changePassword(currentSession(request), request.ip, current, next);
      return { changed: true };
    });
  };
}
