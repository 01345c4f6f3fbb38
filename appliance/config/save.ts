import { writeFileAtomic } from '../durable-fs.js';
import type { Config } from './schema.js';

/** The config as the appliance reads it, replaced atomically and readable by its owner only (it holds credentials). */
export function saveConfigAtomically(path: string, config: Readonly<Config> | Record<string, unknown>): void {
  writeFileAtomic(path, `${JSON.stringify(config, null, 2)}\n`, 0o600);
}
