import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, readdirSync, renameSync, statSync, writeSync, type Stats } from 'node:fs';
import { join, posix } from 'node:path';
import { OutpostError } from '../../drivers/types.js';
import { encodeEntryHeader, encodeHeader } from './bundle-format.js';
import { signManifest } from './keys.js';
import { checkNativeArch, keepForTarget } from './target-files.js';
import type { KeyObject } from 'node:crypto';
import { runningTarget, type BundleFile, type BundleManifest } from './manifest.js';

/** What a release needs at run time; anything else in the build directory (sources, tests, .git) stays out. */
export const RELEASE_ENTRIES = ['package.json', 'package-lock.json', 'dist', 'appliance/web/page', 'node_modules', 'models', 'README.md'];

export interface CreateBundleOptions {
  /** A staged release: `npm ci --omit=dev` and `npm run build` for the target, not a development checkout. */
  from: string;
  out: string;
  key: KeyObject;
  version?: string;
  compatible?: string;
  minVersion?: string;
}

/** Writes a signed bundle of the release in `from` and returns its manifest. */
export function createBundle(options: CreateBundleOptions): BundleManifest {
  const { from } = options;
  const compatible = options.compatible ?? runningTarget();
  const files = RELEASE_ENTRIES.flatMap((entry) => collect(from, entry, (path) => keepForTarget(path, compatible)));
  for (const file of files) checkNativeArch(file.path, file.absolute, compatible);
  if (!files.some((f) => f.path === 'dist/appliance/cli.js')) {
    throw new OutpostError('OTA_MISSING_FILE', `${from} holds no dist/appliance/cli.js: build the release first`, { from });
  }
  const version = options.version ?? packageVersionIn(from);
  const manifest: BundleManifest = {
    format: 1,
    version,
    compatible,
    minVersion: options.minVersion ?? '0.0.0',
    createdAt: new Date().toISOString(),
    files: files.map(({ path, size, sha256, mode }) => ({ path, size, sha256, mode })),
    models: files
      .filter((f) => f.path.startsWith('models/') && f.path.endsWith('.onnx'))
      .map((f) => ({ name: posix.basename(f.path, '.onnx'), path: f.path, sha256: f.sha256 })),
  };
  const manifestBytes = Buffer.from(JSON.stringify(manifest));
  const tmp = `${options.out}.tmp`;
  const fd = openSync(tmp, 'w', 0o644);
  try {
    writeSync(fd, encodeHeader(manifestBytes, signManifest(manifestBytes, options.key)));
    for (const file of files) {
      writeSync(fd, encodeEntryHeader(file.path, file.size));
      const bytes = readFileSync(file.absolute);
      // A file changed between hashing and writing would make a bundle that fails its own check.
      if (bytes.length !== file.size) throw new OutpostError('OTA_FORMAT', `${file.absolute} changed while bundling`);
      writeSync(fd, bytes);
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, options.out);
  return manifest;
}

interface Collected extends BundleFile {
  absolute: string;
}

/** Regular files under `from/rel`, sorted; symlinks (node_modules/.bin) are left out: the release never runs them. */
function collect(from: string, rel: string, keep: (path: string) => boolean): Collected[] {
  const absolute = join(from, rel);
  let stats: Stats;
  try {
    stats = statSync(absolute);
  } catch {
    return [];
  }
  if (stats.isDirectory()) {
    return readdirSync(absolute, { withFileTypes: true })
      .filter((d) => !d.isSymbolicLink())
      .map((d) => d.name)
      .sort()
      .flatMap((name) => collect(from, `${rel}/${name}`, keep));
  }
  if (!stats.isFile() || !keep(rel)) return [];
  const bytes = readFileSync(absolute);
  return [{ path: rel, absolute, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), mode: stats.mode & 0o777 }];
}

function packageVersionIn(dir: string): string {
  try {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version?: unknown };
    if (typeof pkg.version === 'string') return pkg.version;
  } catch {
    // reported below
  }
  throw new OutpostError('OTA_FORMAT', `${dir}/package.json has no version; pass --version`, { from: dir });
}
