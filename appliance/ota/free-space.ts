import { statSync, statfsSync } from 'node:fs';
import { OutpostError } from '../../drivers/types.js';

/** Free blocks and their size, as `statfs` gives them for the filesystem holding a path. */
export type StatFs = (path: string) => { bavail: number; bsize: number };

export interface SpaceNeed {
  /** An existing path on the filesystem that must hold the bytes. */
  path: string;
  /** File sizes to be written there; each takes whole blocks. */
  files: readonly number[];
  what: string;
}

/** Directories, inodes and metadata a tree of files costs beyond its blocks, as a fraction. */
const OVERHEAD = 0.05;

/**
 * Refuses with OTA_NO_SPACE, before anything is written, when a filesystem cannot take what an update
 * writes to it. Sizes are rounded up to whole blocks: a release is mostly small files (node_modules),
 * whose byte sum says little about what they occupy. Needs on one filesystem (same device) add up.
 */
export function checkFreeSpace(needs: readonly SpaceNeed[], statfs: StatFs = statfsSync): void {
  const byDevice = new Map<number, { path: string; bytes: number; what: string[] }>();
  for (const need of needs) {
    const { bsize } = statfs(need.path);
    const blocks = need.files.reduce((n, size) => n + Math.ceil(size / bsize) * bsize, 0);
    const dev = statSync(need.path).dev;
    const entry = byDevice.get(dev) ?? { path: need.path, bytes: 0, what: [] };
    entry.bytes += Math.ceil(blocks * (1 + OVERHEAD));
    entry.what.push(need.what);
    byDevice.set(dev, entry);
  }
  for (const { path, bytes, what } of byDevice.values()) {
    const { bavail, bsize } = statfs(path);
    const free = bavail * bsize;
    if (free < bytes) {
      throw new OutpostError('OTA_NO_SPACE', `${what.join(' and ')} need ${mib(bytes)} on the filesystem of ${path}, ${mib(free)} are free`, { path, needed: bytes, free });
    }
  }
}

/** Whether an error is the filesystem running full (a check passed, then something else took the space). */
export function isNoSpace(error: unknown): boolean {
  return (error as { code?: unknown }).code === 'ENOSPC' || (error as { code?: unknown }).code === 'SQLITE_FULL';
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
