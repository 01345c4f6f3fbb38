import { createHash, type KeyObject } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { OutpostError } from '../../drivers/types.js';
import { MAGIC, MAX_MANIFEST_BYTES } from './bundle-format.js';
import { manifestSignatureValid } from './keys.js';
import { compareVersions, parseManifest, type BundleFile, type BundleManifest } from './manifest.js';

const CHUNK = 1024 * 1024;

export interface BundleExpectations {
  publicKey: KeyObject;
  /** `linux-<arch>-node<major>` of the box. */
  target: string;
  /** The version the box runs now, checked against the bundle's `minVersion`. */
  runningVersion: string;
}

/** Called for each chunk of each file as the payload is read, in order. */
export type EntrySink = (file: BundleFile, chunk: Buffer) => void | Promise<void>;

/**
 * Checks a bundle end to end before anything on the box changes: format, signature, target, base version,
 * then every file's presence, size and sha256, and that nothing trails the last file. Throws an
 * OutpostError whose code names the refusal (OTA_FORMAT, OTA_UNSIGNED, OTA_SIGNATURE, OTA_INCOMPATIBLE,
 * OTA_TOO_OLD, OTA_TRUNCATED, OTA_MISSING_FILE, OTA_HASH). With a sink, hands over each verified-so-far
 * chunk too, so unpacking is the same pass and hashes what it writes.
 */
export async function readBundle(path: string, expect: BundleExpectations, sink?: EntrySink): Promise<BundleManifest> {
  const fh = await openBundle(path);
  try {
    const reader = new Reader(fh, path, (await fh.stat()).size);
    const manifest = await readManifest(reader, expect);
    try {
      for (const file of manifest.files) await readEntry(reader, file, sink);
      if (reader.offset !== reader.size) {
        throw refuse('OTA_FORMAT', path, `${reader.size - reader.offset} bytes follow the last file`);
      }
    } catch (error) {
      // The signature held, so the version is the signer's: the refusal can name it.
      if (error instanceof OutpostError) error.context.version ??= manifest.version;
      throw error;
    }
    return manifest;
  } finally {
    await fh.close();
  }
}

async function readManifest(reader: Reader, expect: BundleExpectations): Promise<BundleManifest> {
  const path = reader.path;
  if (!(await reader.bytes(MAGIC.length, 'the header')).equals(MAGIC)) throw refuse('OTA_FORMAT', path, 'not an Outpost bundle');
  const manifestLength = (await reader.bytes(4, 'the header')).readUInt32BE(0);
  if (manifestLength > MAX_MANIFEST_BYTES) throw refuse('OTA_FORMAT', path, `manifest of ${manifestLength} bytes is too large`);
  const manifestBytes = await reader.bytes(manifestLength, 'the manifest');
  const signature = await reader.bytes((await reader.bytes(2, 'the header')).readUInt16BE(0), 'the signature');
  if (signature.length === 0) throw refuse('OTA_UNSIGNED', path, 'the bundle is not signed');
  if (!manifestSignatureValid(manifestBytes, signature, expect.publicKey)) {
    throw refuse('OTA_SIGNATURE', path, 'the signature does not match the manifest and this box\'s update key');
  }
  const manifest = parseManifest(manifestBytes);
  if (manifest.compatible !== expect.target) {
    throw refuse('OTA_INCOMPATIBLE', path, `built for ${manifest.compatible}, this box is ${expect.target}`, { compatible: manifest.compatible, version: manifest.version });
  }
  if (compareVersions(expect.runningVersion, manifest.minVersion) < 0) {
    throw refuse('OTA_TOO_OLD', path, `${manifest.version} updates from ${manifest.minVersion} or later, this box runs ${expect.runningVersion}`, {
      minVersion: manifest.minVersion,
      version: manifest.version,
    });
  }
  return manifest;
}

async function readEntry(reader: Reader, file: BundleFile, sink: EntrySink | undefined): Promise<void> {
  if (reader.offset === reader.size) throw refuse('OTA_TRUNCATED', reader.path, `the bundle ends before ${file.path}`);
  const name = (await reader.bytes((await reader.bytes(2, `the entry for ${file.path}`)).readUInt16BE(0), `the entry for ${file.path}`)).toString('utf8');
  if (name !== file.path) {
    throw refuse('OTA_MISSING_FILE', reader.path, `the manifest lists ${file.path} here but the bundle carries ${name}`, { file: file.path });
  }
  const size = (await reader.bytes(8, `the entry for ${file.path}`)).readBigUInt64BE(0);
  if (size !== BigInt(file.size)) throw refuse('OTA_HASH', reader.path, `${file.path} is ${size} bytes, the manifest says ${file.size}`, { file: file.path });
  const hash = createHash('sha256');
  for (let left = file.size; left > 0; ) {
    const chunk = await reader.bytes(Math.min(CHUNK, left), file.path);
    hash.update(chunk);
    await sink?.(file, chunk);
    left -= chunk.length;
  }
  if (file.size === 0) await sink?.(file, Buffer.alloc(0));
  if (hash.digest('hex') !== file.sha256) {
    throw refuse('OTA_HASH', reader.path, `${file.path} does not match its sha256 in the signed manifest`, { file: file.path });
  }
}

class Reader {
  offset = 0;
  constructor(
    private readonly fh: FileHandle,
    readonly path: string,
    readonly size: number,
  ) {}

  async bytes(n: number, what: string): Promise<Buffer> {
    if (this.offset + n > this.size) throw refuse('OTA_TRUNCATED', this.path, `the bundle ends inside ${what}`);
    const buffer = Buffer.alloc(n);
    let read = 0;
    while (read < n) {
      const { bytesRead } = await this.fh.read(buffer, read, n - read, this.offset + read);
      if (bytesRead === 0) throw refuse('OTA_TRUNCATED', this.path, `the bundle ends inside ${what}`);
      read += bytesRead;
    }
    this.offset += n;
    return buffer;
  }
}

async function openBundle(path: string): Promise<FileHandle> {
  try {
    return await open(path, 'r');
  } catch (error) {
    throw refuse('OTA_FORMAT', path, `cannot open: ${(error as Error).message}`);
  }
}

function refuse(code: string, path: string, why: string, context: Record<string, unknown> = {}): OutpostError {
  return new OutpostError(code, `bundle ${path} refused: ${why}`, { ...context, bundle: path, reason: why });
}
