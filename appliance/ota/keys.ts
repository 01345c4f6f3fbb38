import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OutpostError } from '../../drivers/types.js';

/** Domain separation: a signature made for something else with the same key never verifies as a bundle. */
const CONTEXT = Buffer.from('outpost-bundle-manifest-v1\0');

export const KEY_FILE = 'outpost-update.key';
export const PUBKEY_FILE = 'outpost-update.pub';

/** Writes a new Ed25519 pair as PEM; the private key is readable by its owner only. Never overwrites a key. */
export function generateKeys(dir: string): { privateKey: string; publicKey: string } {
  const paths = { privateKey: join(dir, KEY_FILE), publicKey: join(dir, PUBKEY_FILE) };
  for (const path of Object.values(paths)) {
    if (existsSync(path)) throw new OutpostError('OTA_KEY_EXISTS', `${path} exists; refusing to overwrite a signing key`, { path });
  }
  mkdirSync(dir, { recursive: true });
  const pair = generateKeyPairSync('ed25519');
  writeFileSync(paths.privateKey, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  writeFileSync(paths.publicKey, pair.publicKey.export({ type: 'spki', format: 'pem' }), { mode: 0o644, flag: 'wx' });
  return paths;
}

export function loadPrivateKey(path: string): KeyObject {
  return ed25519(path, () => createPrivateKey(readFileSync(path)));
}

/** Accepts the public key PEM, or a private key (whose public half is taken), so tests and tools can pass either. */
export function loadPublicKey(path: string): KeyObject {
  return ed25519(path, () => createPublicKey(readFileSync(path)));
}

export function signManifest(manifest: Buffer, key: KeyObject): Buffer {
  return sign(null, Buffer.concat([CONTEXT, manifest]), key);
}

export function manifestSignatureValid(manifest: Buffer, signature: Buffer, key: KeyObject): boolean {
  return signature.length === 64 && verify(null, Buffer.concat([CONTEXT, manifest]), key, signature);
}

function ed25519(path: string, load: () => KeyObject): KeyObject {
  let key: KeyObject;
  try {
    key = load();
  } catch (error) {
    throw new OutpostError('OTA_KEY', `${path}: not a readable PEM key: ${(error as Error).message}`, { path });
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new OutpostError('OTA_KEY', `${path}: an ${String(key.asymmetricKeyType)} key; bundles are signed with Ed25519`, { path });
  }
  return key;
}
