import { createHash, type KeyObject } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OutpostError } from '../../drivers/types.js';
import type { Logger } from '../log.js';
import type { Detection } from './detection.js';
import { decodeModelPackage, openModelPackage } from './model-package.js';

/** What the downlink's `model` message carries (see downlink-messages.ts). */
export interface ModelOffer {
  name: string;
  version: string;
  url: string;
  sha256: string;
}

export interface ModelUpdatesDeps {
  detection: Detection;
  /** The trusted Ed25519 key for model manifests; without one every package is refused. */
  publicKey: () => KeyObject | undefined;
  /** Where installed models are kept across restarts (`<dataDir>/models`). */
  dir: string;
  log: Logger;
  fetchBytes?: (url: string) => Promise<Buffer>;
}

/**
 * Installs model packages from the downlink (or any caller with the bytes): fetch, check the offer's
 * sha256, verify the package (signature → hash → fresh session → sample), swap it in, then keep its
 * files for the next start. Any refusal throws with its code and leaves the running model in place.
 */
export class ModelUpdates {
  constructor(private readonly deps: ModelUpdatesDeps) {}

  async accept(offer: ModelOffer): Promise<string> {
    const bytes = await (this.deps.fetchBytes ?? fetchBytes)(offer.url);
    const actual = createHash('sha256').update(bytes).digest('hex');
    if (actual !== offer.sha256) {
      throw new OutpostError('MODEL_HASH', `model package ${offer.name}@${offer.version} from ${offer.url} has sha256 ${actual}, the offer says ${offer.sha256}`);
    }
    return this.install(bytes);
  }

  async install(bytes: Buffer): Promise<string> {
    try {
      const key = this.deps.publicKey();
      if (!key) throw new OutpostError('MODEL_NO_KEY', 'model package refused: no trusted model key is configured (detect.modelKeyFile)');
      const pkg = decodeModelPackage(bytes);
      const model = await openModelPackage(pkg, key);
      try {
        await this.deps.detection.install(model);
      } catch (err) {
        await model.close();
        throw err;
      }
      await this.keep(model.manifest.name, model.manifest.file, pkg.manifest, pkg.onnx);
      return `model ${model.manifest.name}@${model.manifest.version} installed`;
    } catch (err) {
      this.deps.log.warn({ err, code: (err as OutpostError).code }, 'model package refused; the running model stays');
      throw err;
    }
  }

  /** Model first, manifest last, each by rename: a power cut leaves the old pair or a model whose manifest still names the old hash (refused at load). */
  private async keep(name: string, file: string, manifest: Buffer, onnx: Buffer): Promise<void> {
    await mkdir(this.deps.dir, { recursive: true });
    for (const [target, bytes] of [[join(this.deps.dir, file), onnx], [join(this.deps.dir, `${name}.json`), manifest]] as const) {
      await writeFile(`${target}.tmp`, bytes, { flush: true });
      await rename(`${target}.tmp`, target);
    }
  }
}

async function fetchBytes(url: string): Promise<Buffer> {
  const response = await fetch(url).catch((err: unknown) => {
    throw new OutpostError('MODEL_FETCH', `cannot fetch model package ${url}: ${(err as Error).message}`);
  });
  if (!response.ok) throw new OutpostError('MODEL_FETCH', `cannot fetch model package ${url}: HTTP ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}
