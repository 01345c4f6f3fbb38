import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../log.js';
import type { Reading } from '../../drivers/types.js';
import { Detection } from './detection.js';
import { loadModel } from './model-loader.js';
import { modelsDir, type ModelManifest } from './model-manifest.js';
import { openModelPackage, signModelManifest, type ModelPackage } from './model-package.js';
import { createHash } from 'node:crypto';

const keys = generateKeyPairSync('ed25519');
const onnx = readFileSync(join(modelsDir(), 'forecaster-mlp.onnx'));
const baseManifest = JSON.parse(readFileSync(join(modelsDir(), 'forecaster-mlp.json'), 'utf8')) as ModelManifest;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function pkg(change: (m: ModelManifest) => ModelManifest = (m) => m, bytes = onnx, key = keys.privateKey): ModelPackage {
  const manifest = Buffer.from(JSON.stringify(change({ ...baseManifest, version: '1.0.1' })));
  return { manifest, signature: signModelManifest(manifest, key), onnx: bytes };
}

async function refusal(p: ModelPackage): Promise<string> {
  return openModelPackage(p, keys.publicKey).then(
    () => 'accepted',
    (err: { code: string }) => err.code,
  );
}

describe('model packages', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'outpost-models-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a bad signature, a wrong hash, a truncated file, a wrong input shape and a wrong sample, each with its code', async () => {
    const other = generateKeyPairSync('ed25519').privateKey;
    const truncated = onnx.subarray(0, onnx.length >> 1);
    expect(await refusal(pkg(undefined, onnx, other))).toBe('MODEL_SIGNATURE');
    const tampered = pkg();
    expect(await refusal({ ...tampered, manifest: Buffer.from(tampered.manifest.toString().replace('1.0.1', '9.9.9')) })).toBe('MODEL_SIGNATURE');
    expect(await refusal(pkg((m) => ({ ...m, sha256: '0'.repeat(64) })))).toBe('MODEL_HASH');
    expect(await refusal(pkg(undefined, truncated))).toBe('MODEL_HASH');
    // Even with a manifest that vouches for the truncated bytes, onnxruntime refuses them.
    expect(await refusal(pkg((m) => ({ ...m, sha256: sha(truncated) }), truncated))).toBe('MODEL_LOAD');
    const narrow = (m: ModelManifest): ModelManifest => ({ ...m, inputs: [{ ...m.inputs[0], shape: ['batch', 16] }], sample: { ...m.sample, input: m.sample.input.slice(0, 16) } });
    expect(await refusal(pkg(narrow))).toBe('MODEL_SHAPE');
    expect(await refusal(pkg((m) => ({ ...m, sample: { ...m.sample, output: m.sample.output + 1 } })))).toBe('MODEL_SAMPLE');
    expect(await refusal(pkg())).toBe('accepted');
  });

  it('swaps a verified model in without losing stream state, and keeps scoring through refusals', async () => {
    cpSync(modelsDir(), dir, { recursive: true });
    writeFileSync(join(dir, 'forecaster-mlp.onnx'), onnx);
    const detection = new Detection({ log: silentLogger(), model: 'forecaster-mlp', modelsDir: dir, policy: { raiseScore: 0.5, clearScore: 0.3, clearAfter: 3, cooldownMs: 0 } });
    await detection.start();
    const reading = (i: number): Reading => ({ device: 'd', metric: 'power', value: 100 + Math.sin(i / 5), unit: 'W', ts: i * 1000, quality: 'good' });
    for (let i = 0; i < 40; i++) await detection.score([reading(i)]);
    await expect(openModelPackage(pkg((m) => ({ ...m, sha256: '0'.repeat(64) })), keys.publicKey)).rejects.toThrow(/sha256/);
    expect(detection.model?.version).toBe(baseManifest.version);
    const fresh = await openModelPackage(pkg(), keys.publicKey);
    expect(await detection.install(fresh)).toBe('model forecaster-mlp@1.0.1 installed');
    const { scores } = await detection.score([reading(40)]);
    expect(Number.isFinite(scores?.[0])).toBe(true);
    await detection.stop();
  });

  it('loads nothing from a models folder whose file does not match its manifest, and says why', async () => {
    writeFileSync(join(dir, 'forecaster-mlp.onnx'), onnx.subarray(0, 1000));
    await expect(loadModel({ dir })).rejects.toMatchObject({ code: 'MODEL_HASH' });
  });
});
