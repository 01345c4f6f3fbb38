import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../durable-fs.js';
import { OutpostError } from '../../drivers/types.js';
import type { PasswordHash } from './password.js';

export interface SiteSettings {
  siteName: string;
  timeZone: string;
}

/** What the box remembers about its owner: the admin's hash and whether setup is done. */
export interface AuthState {
  version: 1;
  setupDone: boolean;
  admin?: PasswordHash;
  site?: SiteSettings;
}

export function readAuthState(path: string): AuthState {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, setupDone: false };
    throw new OutpostError('AUTH_STATE_UNREADABLE', `cannot read ${path}: ${(error as Error).message}`, { path }, { cause: error });
  }
  try {
    return JSON.parse(text) as AuthState;
  } catch (error) {
    // Refusing to start would lock the owner out; a factory reset (deleting the file) is the way back in.
    throw new OutpostError('AUTH_STATE_INVALID', `${path} is not valid JSON; delete it to redo setup`, { path }, { cause: error });
  }
}

/** Written like the config: temporary file, fsync, rename, fsync the folder; readable by the owner only. */
export function writeAuthState(path: string, state: AuthState): void {
  writeFileAtomic(path, `${JSON.stringify(state, null, 2)}\n`, 0o600);
}

