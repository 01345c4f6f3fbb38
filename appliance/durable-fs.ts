import { closeSync, fsyncSync, openSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * The few file operations that survive a power cut, with Node's standard library only (the update guard
 * uses them before the app may start): a rename is atomic, and fsync of the directory makes it durable.
 */
export function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Replaces `path` with `data` so a reader — even after a power cut — sees the old content or the new
 * one, never a mix or nothing: write a temporary file, fsync it, rename it over, fsync the folder.
 * Config, credentials and state files use mode 0600.
 */
export function writeFileAtomic(path: string, data: string | Buffer, mode = 0o644): void {
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}`);
  const fd = openSync(tmp, 'w', mode);
  try {
    writeFileSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  fsyncDir(dirname(path));
}

/** Points the symlink `link` at `target` atomically: symlink beside it, then rename over it. */
export function pointLinkAtomic(link: string, target: string): void {
  const tmp = join(dirname(link), `.${basename(link)}.tmp`);
  rmSync(tmp, { force: true });
  symlinkSync(target, tmp);
  renameSync(tmp, link);
  fsyncDir(dirname(link));
}
