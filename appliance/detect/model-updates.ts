import { createHash, type KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { OutpostError } from '../../drivers/types.js';
import type { Logger } from '../log.js';
import type { Detection } from './detection.js';
import { loadModel, type OnnxForecaster } from './model-loader.js';
import { modelsDir, parseManifest } from './model-manifest.js';
import { decodeModelPackage, openModelPackage } from './model-package.js';
import { copyModelFiles, moveModelFiles } from './model-files.js';

/** What the downlink's `model` message carries (see downlink-messages.ts). */
export interface ModelOffer {
  name: string;
  version: string;
  url: string;
  sha256: string;
}

export interface ModelRef {
  name: string;
  version: string;
}

export interface ModelUpdatesDeps {
  detection: Detection;
  /** The trusted Ed25519 key for model manifests; without one every package is refused. */
  publicKey: () => KeyObject | undefined;
  /** Where installed models are kept across restarts (`<dataDir>/models`); the one they replaced is in `previous/` beside them. */
  dir: string;
  /** The release's own models, what runs until a package is installed (models/ by default). */
  builtInDir?: string;
  log: Logger;
  fetchBytes?: (url: string) => Promise<Buffer>;
}

/**
 * Installs model packages from the downlink or the web API: fetch, check the offer's sha256, verify the
 * package (signature → hash → fresh session → sample), swap it in, then keep its files for the next
 * start, and the model it replaced in `previous/` for a rollback. Any refusal throws with its code and
 * leaves the running model in place.
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
      if (!key) throw new OutpostError('MODEL_NO_KEY', 'no trusted model key is configured (detect.modelKeyFile)');
      const pkg = decodeModelPackage(bytes);
      const model = await openModelPackage(pkg, key);
      await this.swapIn(model);
      await this.keep(model.manifest.name, model.manifest.file, pkg.manifest, pkg.onnx);
      return `model ${model.manifest.name}@${model.manifest.version} installed`;
    } catch (err) {
      this.deps.log.warn({ err, code: (err as OutpostError).code }, 'model package refused; the running model stays');
      throw err;
    }
  }

  /**
   * Back to the model the last install replaced, loaded from `previous/` and checked as at a start; the
   * two then trade places on disk, so a second rollback returns to the newer model, and a restart keeps
   * whichever was chosen last. A previous model that fails its checks is refused and the running one stays.
   */
  async rollback(): Promise<string> {
    const name = this.deps.detection.model?.name;
    const previous = this.previousDir;
    try {
      if (!name || !existsSync(join(previous, `${name}.json`))) throw new OutpostError('MODEL_NO_PREVIOUS', 'no previous model to roll back to: none has been replaced by an install');
      await this.swapIn(await loadModel({ name, dir: previous }));
    } catch (err) {
      this.deps.log.warn({ err, code: (err as OutpostError).code }, 'model rollback refused; the running model stays');
      throw err;
    }
    const { version } = this.deps.detection.model ?? { version: '?' };
    const swap = join(this.deps.dir, 'swap');
    try {
      await moveModelFiles(name, this.deps.dir, swap);
      await moveModelFiles(name, previous, this.deps.dir);
      await moveModelFiles(name, swap, previous);
    } catch (err) {
      throw new OutpostError('MODEL_FILES', `rolled back to ${name}@${version}, but the model files could not be swapped on disk, so a restart may load the other model: ${(err as Error).message}`);
    }
    this.deps.log.info({ model: name, version }, 'anomaly model rolled back');
    return `rolled back to ${name}@${version}`;
  }

  /** What runs, and what a rollback would return to (from `previous/`, as the next rollback would load it). */
  async status(): Promise<{ running: ModelRef | null; previous: ModelRef | null }> {
    const model = this.deps.detection.model;
    const running = model ? { name: model.name, version: model.version } : null;
    const path = model ? join(this.previousDir, `${model.name}.json`) : '';
    if (!model || !existsSync(path)) return { running, previous: null };
    try {
      const previous = parseManifest(await readFile(path, 'utf8'), path);
      return { running, previous: { name: previous.name, version: previous.version } };
    } catch {
      // A damaged previous manifest is no rollback target; rollback itself says why.
      return { running, previous: null };
    }
  }

  private get previousDir(): string {
    return join(this.deps.dir, 'previous');
  }

  private async swapIn(model: OnnxForecaster): Promise<void> {
    try {
      await this.deps.detection.install(model);
    } catch (err) {
      await model.close();
      throw err;
    }
  }

  /**
   * The replaced files go to `previous/` first (the built-in ones are copied when nothing was installed yet),
   * then the new model, then its manifest, each by rename: a power cut leaves the old pair, or a model
   * whose manifest still names the old hash, which is refused at load in favour of the built-in one.
   */
  private async keep(name: string, file: string, manifest: Buffer, onnx: Buffer): Promise<void> {
    const { dir } = this.deps;
    await mkdir(dir, { recursive: true });
    const builtIn = this.deps.builtInDir ?? modelsDir();
    if (existsSync(join(dir, `${name}.json`))) await moveModelFiles(name, dir, this.previousDir);
    else if (existsSync(join(builtIn, `${name}.json`))) await copyModelFiles(name, builtIn, this.previousDir);
    for (const [target, bytes] of [[join(dir, file), onnx], [join(dir, `${name}.json`), manifest]] as const) {
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
