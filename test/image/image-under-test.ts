import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root, where the image scripts are. */
export const REPO = fileURLToPath(new URL('../../', import.meta.url));

export interface ImageWork {
  /** A fresh folder for the build, the VM's overlay and its other files. */
  work: string;
  /** Where the serial console log goes: OUTPOST_IMAGE_LOG_DIR, or `work`. */
  logDir: string;
}

export function imageWork(target: string): ImageWork {
  const work = mkdtempSync(join(tmpdir(), `outpost-image-${target}-`));
  const logDir = process.env.OUTPOST_IMAGE_LOG_DIR ?? work;
  mkdirSync(logDir, { recursive: true });
  return { work, logDir };
}

/**
 * The image a test boots: OUTPOST_IMAGE when set (an existing build, with what image/build wrote beside it),
 * else one `image/build --target TARGET` into WORK/out, timed.
 */
export function imageUnderTest(target: string, work: string): string {
  if (process.env.OUTPOST_IMAGE) return process.env.OUTPOST_IMAGE;
  const out = join(work, 'out');
  const started = Date.now();
  execFileSync(join(REPO, 'image/build'), ['--target', target, '--out', out], { stdio: 'inherit' });
  console.info(`image build (${target}): ${((Date.now() - started) / 1000).toFixed(0)} s`);
  const built = readdirSync(out).find((name) => name.endsWith(`-${target}.img`));
  if (!built) throw new Error(`image/build --target ${target} made no .img`);
  return join(out, built);
}

/** Removes the images, bundles and the guest's writes from `work`; serial logs stay for diagnosis. */
export function clearImageWork(work: string | undefined): void {
  if (!work) return;
  for (const name of readdirSync(work)) if (!name.endsWith('.log')) rmSync(join(work, name), { recursive: true, force: true });
}
