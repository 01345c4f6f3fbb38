import { OutpostError } from '../../drivers/types.js';
import { parseConfig } from '../config/load.js';
import { saveConfigAtomically } from '../config/save.js';
import type { Config } from '../config/schema.js';
import type { DownlinkOf } from './downlink-messages.js';

/**
 * A config change from upstream: its top-level sections replace the current ones, the result is validated
 * against the one schema (refused with the failing field otherwise) and saved atomically (0600). With a
 * `restart`, every service then restarts with it (once the reply is on its way); without one, the change
 * takes effect at the next start. The reply says which.
 */
export class ConfigChange {
  private current: Readonly<Config>;

  constructor(private readonly deps: { path: string; config: Readonly<Config>; restart?: (reason: string) => void }) {
    this.current = deps.config;
  }

  async apply(message: DownlinkOf<'config'>): Promise<string> {
    const merged = { ...structuredClone(this.current), ...message.config };
    // parseConfig throws CONFIG_INVALID naming the field; nothing is written then.
    const next = parseConfig(merged, `downlink config change ${message.id}`);
    try {
      saveConfigAtomically(this.deps.path, next);
    } catch (err) {
      throw new OutpostError('CONFIG_SAVE_FAILED', `cannot save ${this.deps.path}: ${(err as Error).message}`, { path: this.deps.path }, { cause: err });
    }
    this.current = next;
    const { restart } = this.deps;
    if (!restart) return `saved to ${this.deps.path}; takes effect after a restart`;
    // After this turn, so the reply is queued on the session before the uplink stops (it ends gracefully).
    setImmediate(() => restart(`downlink config change ${message.id}`));
    return `saved to ${this.deps.path}; applied: the services restart with it now`;
  }
}
