import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { OutpostError } from '../../drivers/types.js';
import { parseManifest } from './model-manifest.js';

/**
 * A model on disk is a pair: `<name>.json` and the `.onnx` file it names. These move or copy a pair
 * between folders with the manifest last, so a pair is complete in its new folder before the manifest
 * there names it; a pair cut in half by a power loss is refused at load (missing file or wrong hash).
 */
export async function moveModelFiles(name: string, from: string, to: string): Promise<void> {
  await transfer(name, from, to, rename);
}

export async function copyModelFiles(name: string, from: string, to: string): Promise<void> {
  await transfer(name, from, to, async (source, target) => {
    await copyFile(source, `${target}.tmp`);
    await rename(`${target}.tmp`, target);
  });
}

async function transfer(name: string, from: string, to: string, step: (source: string, target: string) => Promise<void>): Promise<void> {
  const manifestPath = join(from, `${name}.json`);
  const file = await modelFile(manifestPath);
  if (!file) throw new OutpostError('MODEL_MISSING', `model ${name}: no manifest at ${manifestPath}`, { path: manifestPath });
  await mkdir(to, { recursive: true });
  await removeModelFiles(name, to);
  if (existsSync(join(from, file))) await step(join(from, file), join(to, file));
  await step(manifestPath, join(to, `${name}.json`));
}

/** Manifest first: without it the leftover model file is never loaded. */
async function removeModelFiles(name: string, dir: string): Promise<void> {
  const manifestPath = join(dir, `${name}.json`);
  const file = await modelFile(manifestPath).catch(() => undefined);
  await rm(manifestPath, { force: true });
  if (file) await rm(join(dir, file), { force: true });
}

/** The model file a manifest names, or undefined when there is no manifest; an unreadable one throws. */
async function modelFile(manifestPath: string): Promise<string | undefined> {
  if (!existsSync(manifestPath)) return undefined;
  return parseManifest(await readFile(manifestPath, 'utf8'), manifestPath).file;
}
