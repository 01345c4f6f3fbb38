import { renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { OutpostError } from '../../drivers/types.js';
import { readBundle } from './bundle-read.js';
import { fsyncDir } from '../durable-fs.js';
import { loadPublicKey, PUBKEY_FILE } from './keys.js';
import { runningTarget, type BundleManifest } from './manifest.js';
import { uploadDir } from './update-agent.js';

export interface QueueDeps {
  dataDir: string;
  /** The running version, checked against the bundle's minVersion. */
  version: string;
  /** By default `<dataDir>/keys/outpost-update.pub`, where the agent looks too. */
  publicKeyPath?: string;
}

/** The name the `outpost-update.path` unit waits for; the agent deletes it when it is done. */
export function pendingBundle(dataDir: string): string {
  return join(uploadDir(dataDir), 'pending.bundle');
}

/**
 * Checks a received bundle (uploaded or downloaded) as the agent will, and hands a good one to the
 * agent by renaming it to `pending.bundle`; a bad one is deleted and refused with its code, before
 * anything on the box changes.
 */
export async function queueBundle(received: string, deps: QueueDeps): Promise<BundleManifest> {
  try {
    const publicKey = loadPublicKey(deps.publicKeyPath ?? join(deps.dataDir, 'keys', PUBKEY_FILE));
    const manifest = await readBundle(received, { publicKey, target: runningTarget(), runningVersion: deps.version });
    if (manifest.version === deps.version) throw new OutpostError('OTA_ALREADY_RUNNING', `${manifest.version} is the version running now`, { reason: `${manifest.version} is the version running now` });
    renameSync(received, pendingBundle(deps.dataDir));
    fsyncDir(uploadDir(deps.dataDir));
    return manifest;
  } catch (error) {
    rmSync(received, { force: true });
    throw error;
  }
}
