import { sign, verify, type KeyObject } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { OutpostError } from '../../drivers/types.js';
import { OnnxForecaster } from './model-loader.js';
import { parseManifest, verifyHash } from './model-manifest.js';

/** Domain separation: an OTA bundle signature made with the same key never verifies as a model. */
const CONTEXT = Buffer.from('outpost-model-manifest-v1\0');

/** One file: the manifest's exact bytes, an Ed25519 signature over them, and the ONNX bytes, base64 in JSON. */
const PackageJson = Type.Object(
  { format: Type.Literal('outpost-model-1'), manifest: Type.String(), signature: Type.String(), onnx: Type.String() },
  { additionalProperties: false },
);

export interface ModelPackage {
  manifest: Buffer;
  signature: Buffer;
  onnx: Buffer;
}

export function signModelManifest(manifest: Buffer, key: KeyObject): Buffer {
  return sign(null, Buffer.concat([CONTEXT, manifest]), key);
}

export function encodeModelPackage(pkg: ModelPackage): Buffer {
  const b64 = (b: Buffer) => b.toString('base64');
  return Buffer.from(JSON.stringify({ format: 'outpost-model-1', manifest: b64(pkg.manifest), signature: b64(pkg.signature), onnx: b64(pkg.onnx) }));
}

export function decodeModelPackage(bytes: Buffer): ModelPackage {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new OutpostError('MODEL_PACKAGE', `not a model package: ${bytes.length} bytes that are not JSON`);
  }
  if (!Value.Check(PackageJson, json)) throw new OutpostError('MODEL_PACKAGE', 'not a model package: expected {format: "outpost-model-1", manifest, signature, onnx}');
  return { manifest: Buffer.from(json.manifest, 'base64'), signature: Buffer.from(json.signature, 'base64'), onnx: Buffer.from(json.onnx, 'base64') };
}

/**
 * Verifies a package in the order that trusts the least first: the signature over the manifest, then
 * the model's sha256 against the manifest, then a fresh session that must take the declared input and
 * reproduce the manifest's sample. Nothing is swapped here; a refusal leaves the running model alone.
 */
export async function openModelPackage(pkg: ModelPackage, publicKey: KeyObject): Promise<OnnxForecaster> {
  const signed = pkg.signature.length === 64 && verify(null, Buffer.concat([CONTEXT, pkg.manifest]), publicKey, pkg.signature);
  if (!signed) throw new OutpostError('MODEL_SIGNATURE', 'model package refused: its manifest signature does not verify with the trusted key');
  const manifest = parseManifest(pkg.manifest.toString('utf8'), 'model package');
  verifyHash(manifest, pkg.onnx);
  return OnnxForecaster.create(manifest, pkg.onnx);
}
