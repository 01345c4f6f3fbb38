import { join } from 'node:path';
import { OutpostError } from '../../drivers/types.js';
import type { Logger } from '../log.js';
import { readAuthState, writeAuthState, type AuthState, type SiteSettings } from './auth-state.js';
import { hashPassword, passwordWeakness, verifyPassword } from './password.js';
import { FailureRateLimit } from './rate-limit.js';
import { Sessions, type Session } from './sessions.js';
import { existingSetupCode, generateSetupCode, removeSetupCode, setupCodeMatches, setupCodePaths, writeSetupCode } from './setup-code.js';

export interface AccessControlDeps {
  dataDir: string;
  log: Logger;
  /** The boot partition (`/boot/firmware` on Raspberry Pi OS); the code is written there too when it exists. */
  bootDir?: string;
  /** The console, for the code: stderr, which systemd also sends to the journal. */
  console?: (line: string) => void;
  now?: () => number;
  /** The process's sessions, kept across in-process restarts of the services so applying a change does not log anyone out. */
  sessions?: Sessions;
}

const ATTEMPTS = { maxFailures: 5, windowMs: 15 * 60_000 };

/**
 * Who may use the box: the first-boot setup code (no default password, ETSI EN 303 645 5.1), the admin
 * password, sessions, and the limits on guessing either.
 */
export class AccessControl {
  readonly sessions: Sessions;
  private readonly limit: FailureRateLimit;
  private state: AuthState = { version: 1, setupDone: false };
  private setupCode: string | undefined;

  constructor(private readonly deps: AccessControlDeps) {
    this.sessions = deps.sessions ?? new Sessions(deps.now);
    this.limit = new FailureRateLimit({ ...ATTEMPTS, ...(deps.now ? { now: deps.now } : {}) });
  }

  async start(): Promise<void> {
    this.state = readAuthState(this.statePath);
    if (!this.state.setupDone) this.issueSetupCode(existingSetupCode(this.deps.dataDir));
  }

  async stop(): Promise<void> {
    // Shared sessions belong to the process and outlive this run of the services.
    if (!this.deps.sessions) this.sessions.deleteAllExcept();
  }

  get setupDone(): boolean {
    return this.state.setupDone;
  }

  get site(): SiteSettings | undefined {
    return this.state.site;
  }

  /** Step one of setup: the code from the console or the card buys a short-lived setup session. */
  openSetup(client: string, code: string): Session {
    if (this.state.setupDone) throw new OutpostError('SETUP_DONE', 'setup is already done; log in as admin to change settings');
    this.checkLimit(client);
    if (!this.setupCode || !setupCodeMatches(this.setupCode, code)) {
      this.limit.fail(client);
      throw new OutpostError('SETUP_CODE_WRONG', 'that is not the setup code shown on the console and in outpost-setup-code.txt', { field: 'code' });
    }
    this.limit.succeed(client);
    return this.sessions.create('setup');
  }

  /** The last step: the admin password is set, the code is burnt, and the setup session becomes an admin one. */
  async completeSetup(setup: Session, password: string, site: SiteSettings): Promise<Session> {
    if (this.state.setupDone || setup.role !== 'setup') throw new OutpostError('SETUP_DONE', 'setup is already done');
    this.checkNewPassword(password, [site.siteName]);
    this.state = { version: 1, setupDone: true, admin: await hashPassword(password), site };
    writeAuthState(this.statePath, this.state);
    removeSetupCode(setupCodePaths(this.deps.dataDir, this.deps.bootDir));
    this.setupCode = undefined;
    this.deps.log.info({ site: site.siteName }, 'setup done; admin password set');
    this.sessions.deleteAllExcept();
    return this.sessions.create('admin');
  }

  async login(client: string, password: string): Promise<Session> {
    const admin = this.state.admin;
    if (!this.state.setupDone || !admin) throw new OutpostError('SETUP_REQUIRED', 'setup is not done yet: enter the setup code first');
    this.checkLimit(client);
    if (!(await verifyPassword(password, admin))) {
      this.limit.fail(client);
      this.deps.log.warn({ client }, 'login failed');
      throw new OutpostError('AUTH_WRONG_PASSWORD', 'wrong password', { field: 'password' });
    }
    this.limit.succeed(client);
    return this.sessions.create('admin');
  }

  async changePassword(session: Session, client: string, current: string, next: string): Promise<void> {
    const admin = this.state.admin;
    if (!admin) throw new OutpostError('SETUP_REQUIRED', 'setup is not done yet');
    this.checkLimit(client);
    if (!(await verifyPassword(current, admin))) {
      this.limit.fail(client);
      throw new OutpostError('AUTH_WRONG_PASSWORD', 'the current password is wrong', { field: 'current' });
    }
    this.checkNewPassword(next, [this.state.site?.siteName ?? ''], 'next');
    this.state = { ...this.state, admin: await hashPassword(next) };
    writeAuthState(this.statePath, this.state);
    this.sessions.deleteAllExcept(session.id);
    this.deps.log.info('admin password changed; other sessions logged out');
  }

  updateSite(site: SiteSettings): void {
    this.state = { ...this.state, site };
    writeAuthState(this.statePath, this.state);
  }

  /** Setup redone by the admin: a new code is issued and every session ends. The password stays until setup completes. */
  async redoSetup(client: string, password: string): Promise<void> {
    const admin = this.state.admin;
    this.checkLimit(client);
    if (!admin || !(await verifyPassword(password, admin))) {
      this.limit.fail(client);
      throw new OutpostError('AUTH_WRONG_PASSWORD', 'wrong password', { field: 'password' });
    }
    this.state = { ...this.state, setupDone: false };
    writeAuthState(this.statePath, this.state);
    this.sessions.deleteAllExcept();
    this.issueSetupCode(undefined);
  }

  private issueSetupCode(existing: string | undefined): void {
    this.setupCode = existing ?? generateSetupCode();
    const files = writeSetupCode(setupCodePaths(this.deps.dataDir, this.deps.bootDir), this.setupCode);
    // The journal keeps this line; it is worthless once setup is done, since the code is burnt then.
    this.deps.log.warn({ setupCode: this.setupCode, files }, 'setup not done: enter this setup code on the web page');
    (this.deps.console ?? ((line) => process.stderr.write(`${line}\n`)))(`Outpost setup code: ${this.setupCode}`);
  }

  private checkLimit(client: string): void {
    const wait = this.limit.retryAfterMs(client);
    if (wait > 0) {
      throw new OutpostError('AUTH_RATE_LIMITED', `too many failed attempts; try again in ${Math.ceil(wait / 1000)} s`, {
        retryAfterSeconds: Math.ceil(wait / 1000),
      });
    }
  }

  /** Refuses a weak password before anything else of a form is saved. */
  checkNewPassword(password: string, context: string[], field = 'password'): void {
    const weakness = passwordWeakness(password, context);
    if (weakness) throw new OutpostError('PASSWORD_WEAK', `password too weak: ${weakness}`, { field });
  }

  private get statePath(): string {
    return join(this.deps.dataDir, 'web-auth.json');
  }
}
