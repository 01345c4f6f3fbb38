import { closeSync, fsyncSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readBundle, type BundleExpectations } from './bundle-read.js';
import { fsyncDir } from '../durable-fs.js';
import type { BundleManifest } from './manifest.js';

/**
 * Unpacks a bundle into an empty slot, re-checking every hash as it writes, and makes files and
 * directories durable before returning. Starts from scratch every time, so a cut mid-way is undone by
 * running it again.
 */
export async function unpackBundle(
  bundle: string,
  expect: BundleExpectations,
  slotDir: string,
  onProgress: (bytes: number) => void = () => {},
): Promise<BundleManifest> {
  rmSync(slotDir, { recursive: true, force: true });
  mkdirSync(slotDir, { recursive: true });
  const dirs = new Set<string>([slotDir]);
  let open: { path: string; fd: number; left: number } | undefined;
  let bytes = 0;
  let lastReport = 0;
  const manifest = await readBundle(bundle, expect, (file, chunk) => {
    if (open?.path !== file.path) {
      const target = join(slotDir, file.path);
      mkdirSync(dirname(target), { recursive: true });
      for (let d = dirname(target); d.startsWith(slotDir) && !dirs.has(d); d = dirname(d)) dirs.add(d);
      open = { path: file.path, fd: openSync(target, 'w', file.mode), left: file.size };
    }
    writeSync(open.fd, chunk);
    open.left -= chunk.length;
    bytes += chunk.length;
    if (open.left === 0) {
      fsyncSync(open.fd);
      closeSync(open.fd);
      open = undefined;
    }
    if (bytes - lastReport >= 4 * 1024 * 1024) {
      lastReport = bytes;
      onProgress(bytes);
    }
  }).finally(() => {
    if (open) closeSync(open.fd);
  });
  for (const dir of dirs) fsyncDir(dir);
  onProgress(bytes);
  return manifest;
}
