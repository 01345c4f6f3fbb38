import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { get, type RequestOptions } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { OutpostError } from '../../drivers/types.js';
import type { Logger } from '../log.js';
import { pendingBundle, queueBundle, type QueueDeps } from './pending-bundle.js';
import { uploadDir } from './update-agent.js';

/** What the cloud sends on `outpost/<node>/downlink/update`. */
export interface UpdateOffer {
  version: string;
  url: string;
  sha256: string;
}

export interface BundleDownloadDeps extends QueueDeps {
  log: Logger;
  /** PEM CA certificates to trust instead of the system's, for a private update server. */
  ca?: string | Buffer;
  timeoutMs?: number;
}

/**
 * Fetches an offered bundle over HTTPS (certificate verified: Node's default, or the given CA), resuming a
 * download a dropped link or a power cut interrupted with an HTTP Range request, checks the whole file
 * against the offer's sha256, then queues it for the agent exactly like an upload.
 */
export class BundleDownload {
  constructor(private readonly deps: BundleDownloadDeps) {}

  async accept(offer: UpdateOffer): Promise<string> {
    let url: URL;
    try {
      url = new URL(offer.url);
    } catch {
      throw new OutpostError('OTA_URL', `update URL "${offer.url}" is not a URL`);
    }
    if (url.protocol !== 'https:') throw new OutpostError('OTA_URL', `update URL must be https, not ${url.protocol}`);
    if (existsSync(pendingBundle(this.deps.dataDir))) throw new OutpostError('OTA_BUSY', 'an update is already waiting for the agent');
    await mkdir(uploadDir(this.deps.dataDir), { recursive: true });
    const partial = join(uploadDir(this.deps.dataDir), 'download.partial');
    const sidecar = `${partial}.json`;
    const identity = JSON.stringify({ url: offer.url, sha256: offer.sha256 });
    // Resume only the same offer; anything else starts over.
    if (!existsSync(sidecar) || readFileSync(sidecar, 'utf8') !== identity) rmSync(partial, { force: true });
    writeFileSync(sidecar, identity);
    const have = existsSync(partial) ? statSync(partial).size : 0;

    const response = await this.request(url, have);
    const resumed = response.statusCode === 206;
    if (response.statusCode !== 200 && !resumed) {
      response.resume();
      throw new OutpostError('OTA_DOWNLOAD', `${url.host} answered ${response.statusCode} for the update`);
    }
    try {
      await pipeline(response, createWriteStream(partial, { flags: resumed ? 'a' : 'w' }));
    } catch (error) {
      throw new OutpostError('OTA_DOWNLOAD', `download from ${url.host} broke off at ${statSync(partial).size} bytes (kept, resumes): ${(error as Error).message}`);
    }
    const sha256 = await hashFile(partial);
    if (sha256 !== offer.sha256) {
      rmSync(partial, { force: true });
      throw new OutpostError('OTA_HASH', `downloaded bundle's sha256 ${sha256} is not the offered ${offer.sha256}`);
    }
    rmSync(sidecar, { force: true });
    const manifest = await queueBundle(partial, this.deps);
    this.deps.log.info({ version: manifest.version, resumedAt: resumed ? have : 0 }, 'update bundle downloaded');
    return `${manifest.version} downloaded${resumed ? ` (resumed at ${have} bytes)` : ''} and queued for the update agent`;
  }

  private request(url: URL, from: number): Promise<IncomingMessage> {
    const options: RequestOptions = {
      headers: from > 0 ? { range: `bytes=${from}-` } : {},
      timeout: this.deps.timeoutMs ?? 30_000,
      ...(this.deps.ca ? { ca: this.deps.ca } : {}),
    };
    return new Promise((resolve, reject) => {
      const request = get(url, options, resolve);
      request.on('timeout', () => request.destroy(new Error('timed out')));
      request.on('error', (error) => reject(new OutpostError('OTA_DOWNLOAD', `cannot fetch the update from ${url.host}: ${error.message}`)));
    });
  }
}

async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}
