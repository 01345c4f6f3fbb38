/**
 * The bundle container, one file written and read with nothing but Node's standard library:
 *
 *   "OPBUNDL1"                      8 bytes magic
 *   u32 BE manifest length, manifest JSON (UTF-8)
 *   u16 BE signature length, Ed25519 signature over the manifest (0 = unsigned)
 *   per file, in manifest order:  u16 BE path length, path (UTF-8), u64 BE size, the bytes
 *
 * The file ends exactly after the last entry. The manifest carries each file's size and sha256, so
 * the signature over the manifest covers the whole payload; the per-entry path lets a reader name
 * the file that is missing rather than report a hash mismatch on its neighbour.
 */
export const MAGIC = Buffer.from('OPBUNDL1');
export const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;

export function encodeHeader(manifest: Buffer, signature: Buffer): Buffer {
  const lengths = Buffer.alloc(6);
  lengths.writeUInt32BE(manifest.length, 0);
  lengths.writeUInt16BE(signature.length, 4);
  return Buffer.concat([MAGIC, lengths.subarray(0, 4), manifest, lengths.subarray(4), signature]);
}

export function encodeEntryHeader(path: string, size: number): Buffer {
  const name = Buffer.from(path, 'utf8');
  const header = Buffer.alloc(2 + name.length + 8);
  header.writeUInt16BE(name.length, 0);
  name.copy(header, 2);
  header.writeBigUInt64BE(BigInt(size), 2 + name.length);
  return header;
}
