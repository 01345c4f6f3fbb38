import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { OutpostError } from '../../drivers/types.js';

const Tensor = Type.Object({ name: Type.String(), type: Type.Literal('float32'), shape: Type.Tuple([Type.Literal('batch'), Type.Integer({ minimum: 1 })]) });

/** What `models/<name>.json` promises about `models/<name>.onnx`; written by the training script. */
export const ModelManifest = Type.Object({
  name: Type.String({ pattern: '^[a-z0-9][a-z0-9-]*$' }),
  version: Type.String(),
  file: Type.String({ pattern: '^[A-Za-z0-9._-]+\\.onnx$' }),
  sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
  inputs: Type.Tuple([Tensor]),
  outputs: Type.Tuple([Tensor]),
  preprocessing: Type.String(),
  /** The input's parts: `recent` values then `blocks` means of `blockSize` values; absent, all are recent. */
  layout: Type.Optional(Type.Object({ recent: Type.Integer({ minimum: 1 }), blocks: Type.Integer({ minimum: 0 }), blockSize: Type.Integer({ minimum: 1 }) })),
  /** A known input and the output the model must give for it: checked before a model is used. */
  sample: Type.Object({ input: Type.Array(Type.Number()), output: Type.Number() }),
});
export type ModelManifest = Static<typeof ModelManifest>;

export const DEFAULT_MODEL = 'forecaster-mlp';

/** The repository's `models/`, from the sources (appliance/detect) or the build (dist/appliance/detect). */
export function modelsDir(): string {
  const candidates = [resolve(import.meta.dirname, '../../models'), resolve(import.meta.dirname, '../../../models')];
  return candidates.find((dir) => existsSync(join(dir, `${DEFAULT_MODEL}.json`))) ?? (candidates[0] as string);
}

export function parseManifest(text: string, source: string): ModelManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new OutpostError('MODEL_MANIFEST', `model manifest ${source} is not JSON: ${(error as Error).message}`, { source });
  }
  if (!Value.Check(ModelManifest, json)) {
    const first = Value.Errors(ModelManifest, json).First();
    throw new OutpostError('MODEL_MANIFEST', `model manifest ${source}: ${first?.path || '/'} ${first?.message ?? 'is invalid'}`, { source });
  }
  return json;
}

/** Reads a manifest and the model bytes beside it, refusing bytes whose sha256 differs (a truncated or swapped file). */
export async function readModelFiles(manifestPath: string): Promise<{ manifest: ModelManifest; bytes: Uint8Array }> {
  const manifest = parseManifest(await readFile(manifestPath, 'utf8'), manifestPath);
  const path = join(dirname(manifestPath), manifest.file);
  const bytes = await readFile(path).catch((error: unknown) => {
    throw new OutpostError('MODEL_MISSING', `model ${manifest.name}: cannot read ${path}: ${(error as Error).message}`, { path });
  });
  verifyHash(manifest, bytes);
  return { manifest, bytes };
}

export function verifyHash(manifest: ModelManifest, bytes: Uint8Array): void {
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== manifest.sha256) {
    throw new OutpostError(
      'MODEL_HASH',
      `model ${manifest.name}@${manifest.version}: ${manifest.file} has sha256 ${actual} (${bytes.length} bytes), the manifest says ${manifest.sha256}`,
      { name: manifest.name, expected: manifest.sha256, actual },
    );
  }
}
