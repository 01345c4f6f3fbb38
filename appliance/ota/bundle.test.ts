import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBundle } from './bundle-create.js';
import { bundleWithoutFile } from '../../test/support/ota-releases.js';
import { encodeHeader } from './bundle-format.js';
import { readBundle, type BundleExpectations } from './bundle-read.js';
import { generateKeys, loadPrivateKey, loadPublicKey } from './keys.js';
import { runningTarget, type BundleManifest } from './manifest.js';
import { keepForTarget } from './target-files.js';

let dir: string;
let keys: { privateKey: string; publicKey: string };
let expect_: BundleExpectations;

/** A tiny release: the CLI entry, a package.json, a model and an executable helper. */
function stageRelease(root: string, version: string): string {
  const from = join(root, `release-${version}`);
  mkdirSync(join(from, 'dist/appliance'), { recursive: true });
  mkdirSync(join(from, 'models'), { recursive: true });
  writeFileSync(join(from, 'package.json'), JSON.stringify({ name: 'outpost', version }));
  writeFileSync(join(from, 'dist/appliance/cli.js'), 'console.log("outpost")\n');
  writeFileSync(join(from, 'dist/appliance/empty.js'), '');
  writeFileSync(join(from, 'models/anomaly.onnx'), Buffer.alloc(5000, 7));
  writeFileSync(join(from, 'dist/run.sh'), '#!/bin/sh\n', { mode: 0o755 });
  writeFileSync(join(from, 'notes.txt'), 'not part of a release');
  return from;
}

function bundle(name: string, overrides: { minVersion?: string; compatible?: string; key?: string } = {}): { path: string; manifest: BundleManifest } {
  const path = join(dir, name);
  const { key, ...rest } = overrides;
  const manifest = createBundle({ from: stageRelease(dir, '1.2.0'), out: path, key: loadPrivateKey(key ?? keys.privateKey), ...rest });
  return { path, manifest };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'outpost-bundle-'));
  keys = generateKeys(join(dir, 'keys'));
  expect_ = { publicKey: loadPublicKey(keys.publicKey), target: runningTarget(), runningVersion: '1.1.0' };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function refusal(path: string, expectations = expect_): Promise<{ code: string; message: string }> {
  return readBundle(path, expectations).then(
    () => ({ code: 'accepted', message: '' }),
    (error: { code: string; message: string }) => ({ code: error.code, message: error.message }),
  );
}

describe('signed bundles', () => {
  it('round-trips a release: files, modes, models and hashes', async () => {
    const { path, manifest } = bundle('good.bundle');
    expect(manifest.files.map((f) => f.path)).toEqual(['package.json', 'dist/appliance/cli.js', 'dist/appliance/empty.js', 'dist/run.sh', 'models/anomaly.onnx']);
    expect(manifest.models).toEqual([expect.objectContaining({ name: 'anomaly', path: 'models/anomaly.onnx' })]);
    expect(manifest.files.find((f) => f.path === 'dist/run.sh')?.mode).toBe(0o755);
    const seen = new Map<string, number>();
    const read = await readBundle(path, expect_, (file, chunk) => void seen.set(file.path, (seen.get(file.path) ?? 0) + chunk.length));
    expect(read).toEqual(manifest);
    expect(seen.get('models/anomaly.onnx')).toBe(5000);
    expect(seen.get('dist/appliance/empty.js')).toBe(0);
  });

  it('refuses a bundle signed with another key', async () => {
    const other = generateKeys(join(dir, 'other-keys'));
    const { path } = bundle('other-key.bundle', { key: other.privateKey });
    expect(await refusal(path)).toMatchObject({ code: 'OTA_SIGNATURE', message: expect.stringMatching(/signature does not match/) });
  });

  it('refuses an unsigned bundle', async () => {
    const { path, manifest } = bundle('to-strip.bundle');
    const manifestBytes = Buffer.from(JSON.stringify(manifest));
    const original = readFileSync(path);
    const payload = original.subarray(encodeHeader(manifestBytes, Buffer.alloc(64)).length);
    const unsigned = join(dir, 'unsigned.bundle');
    writeFileSync(unsigned, Buffer.concat([encodeHeader(manifestBytes, Buffer.alloc(0)), payload]));
    expect((await refusal(unsigned)).code).toBe('OTA_UNSIGNED');
  });

  it('refuses a bundle with one changed byte in a file, naming the file', async () => {
    const { path } = bundle('tampered.bundle');
    const bytes = readFileSync(path);
    bytes[bytes.length - 10] = (bytes[bytes.length - 10] ?? 0) ^ 0xff;
    writeFileSync(path, bytes);
    expect(await refusal(path)).toMatchObject({ code: 'OTA_HASH', message: expect.stringMatching(/models\/anomaly\.onnx does not match its sha256/) });
  });

  it('refuses a changed byte in the manifest as a bad signature', async () => {
    const { path } = bundle('tampered-manifest.bundle');
    const bytes = readFileSync(path);
    const at = bytes.indexOf('"1.2.0"');
    bytes.write('"9.2.0"', at);
    writeFileSync(path, bytes);
    expect((await refusal(path)).code).toBe('OTA_SIGNATURE');
  });

  it('refuses a truncated bundle, wherever it was cut', async () => {
    const { path } = bundle('whole.bundle');
    const bytes = readFileSync(path);
    for (const keep of [4, 20, 300, bytes.length - 1]) {
      const cut = join(dir, `cut-${keep}.bundle`);
      writeFileSync(cut, bytes.subarray(0, keep));
      expect((await refusal(cut)).code, `cut at ${keep}`).toBe('OTA_TRUNCATED');
    }
  });

  it('refuses a bundle whose payload lacks a file the signed manifest lists', async () => {
    const { path, manifest } = bundle('complete.bundle');
    const missing = join(dir, 'missing.bundle');
    bundleWithoutFile(path, manifest, 'dist/appliance/cli.js', missing);
    expect(await refusal(missing)).toMatchObject({ code: 'OTA_MISSING_FILE', message: expect.stringMatching(/lists dist\/appliance\/cli\.js/) });
  });

  it('refuses another architecture or Node major, and a base version older than minVersion', async () => {
    const arm = bundle('arm.bundle', { compatible: 'linux-arm64-node20' });
    const box = { ...expect_, target: 'linux-x64-node20' };
    expect(await refusal(arm.path, box)).toMatchObject({ code: 'OTA_INCOMPATIBLE', message: expect.stringMatching(/built for linux-arm64-node20, this box is linux-x64-node20/) });
    const node22 = { ...expect_, target: 'linux-arm64-node22' };
    expect((await refusal(arm.path, node22)).code).toBe('OTA_INCOMPATIBLE');
    const needs = bundle('needs-1.1.5.bundle', { minVersion: '1.1.5' });
    expect(await refusal(needs.path)).toMatchObject({ code: 'OTA_TOO_OLD', message: expect.stringMatching(/updates from 1\.1\.5 or later, this box runs 1\.1\.0/) });
    expect((await refusal(needs.path, { ...expect_, runningVersion: '1.1.5' })).code).toBe('accepted');
  });

  it('carries only the native binaries of its target, and refuses one built for another machine', () => {
    const keep = (path: string) => keepForTarget(path, 'linux-arm64-node20');
    expect(keep('node_modules/@serialport/bindings-cpp/prebuilds/linux-arm64/node.napi.armv8.node')).toBe(true);
    expect(keep('node_modules/@serialport/bindings-cpp/prebuilds/linux-x64/node.napi.glibc.node')).toBe(false);
    expect(keep('node_modules/@serialport/bindings-cpp/prebuilds/darwin-x64+arm64/node.napi.node')).toBe(false);
    expect(keep('node_modules/onnxruntime-node/bin/napi-v6/linux/arm64/onnxruntime_binding.node')).toBe(true);
    expect(keep('node_modules/onnxruntime-node/bin/napi-v6/win32/arm64/onnxruntime_binding.node')).toBe(false);
    expect(keep('node_modules/better-sqlite3/build/Release/obj.target/better_sqlite3.node')).toBe(false);
    expect(keep('node_modules/better-sqlite3/build/Release/better_sqlite3.node')).toBe(true);
    const from = stageRelease(dir, '1.3.0');
    // The first bytes of an x86-64 ELF shared object: magic, 64-bit, little-endian, e_machine 62 at offset 18.
    const elf = Buffer.alloc(64);
    elf.writeUInt32BE(0x7f454c46, 0);
    elf[4] = 2;
    elf[5] = 1;
    elf.writeUInt16LE(62, 18);
    mkdirSync(join(from, 'node_modules/native/build'), { recursive: true });
    writeFileSync(join(from, 'node_modules/native/build/native.node'), elf);
    const create = (compatible: string) => createBundle({ from, out: join(dir, `native-${compatible}.bundle`), key: loadPrivateKey(keys.privateKey), compatible });
    expect(() => create('linux-arm64-node20')).toThrow(expect.objectContaining({ code: 'OTA_INCOMPATIBLE', message: expect.stringMatching(/native\.node is built for x64, the bundle targets linux-arm64-node20/) }));
    expect(create('linux-x64-node20').files.map((f) => f.path)).toContain('node_modules/native/build/native.node');
  });

  it('refuses something that is not a bundle, and keys that are not Ed25519', async () => {
    const junk = join(dir, 'junk.bundle');
    writeFileSync(junk, 'PK\u0003\u0004 a zip file, not a bundle');
    expect((await refusal(junk)).code).toBe('OTA_FORMAT');
    const notKey = join(dir, 'not-a-key.pem');
    writeFileSync(notKey, 'hello');
    expect(() => loadPublicKey(notKey)).toThrow(expect.objectContaining({ code: 'OTA_KEY' }));
    expect(() => generateKeys(join(dir, 'keys'))).toThrow(expect.objectContaining({ code: 'OTA_KEY_EXISTS' }));
  });
});
