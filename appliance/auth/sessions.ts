import { randomBytes, timingSafeEqual } from 'node:crypto';

export type Role = 'admin' | 'setup';

export interface Session {
  id: string;
  role: Role;
  /** Sent by the page in `x-csrf-token` on every change; tied to this session, so a token outlives neither. */
  csrf: string;
  created: number;
  lastUsed: number;
}

const IDLE_MS = 12 * 3_600_000;
const MAX_SESSIONS = 64;

const token = () => randomBytes(32).toString('base64url');

/**
 * Sessions live in memory only: a restart logs everyone out, and nothing secret sits on the flash
 * beyond the password hash.
 */
export class Sessions {
  private readonly byId = new Map<string, Session>();

  constructor(private readonly now: () => number = Date.now) {}

  create(role: Role): Session {
    if (this.byId.size >= MAX_SESSIONS) {
      const oldest = [...this.byId.values()].sort((a, b) => a.lastUsed - b.lastUsed)[0];
      if (oldest) this.byId.delete(oldest.id);
    }
    const t = this.now();
    const session: Session = { id: token(), role, csrf: token(), created: t, lastUsed: t };
    this.byId.set(session.id, session);
    return session;
  }

  find(id: string | undefined): Session | undefined {
    if (!id) return undefined;
    const session = this.byId.get(id);
    if (!session) return undefined;
    if (this.now() - session.lastUsed > IDLE_MS) {
      this.byId.delete(id);
      return undefined;
    }
    session.lastUsed = this.now();
    return session;
  }

  delete(id: string): void {
    this.byId.delete(id);
  }

  /** After a password change or a redone setup: every other session must log in again. */
  deleteAllExcept(keep?: string): void {
    for (const id of this.byId.keys()) if (id !== keep) this.byId.delete(id);
  }
}

export function csrfMatches(session: Session, sent: string | undefined): boolean {
  if (!sent) return false;
  const a = Buffer.from(session.csrf);
  const b = Buffer.from(sent);
  return a.length === b.length && timingSafeEqual(a, b);
}
