import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBundle } from '../../appliance/ota/bundle-create.js';
import { loadPrivateKey } from '../../appliance/ota/keys.js';
import type { BundleManifest } from '../../appliance/ota/manifest.js';
import { ReleaseSlots } from '../../appliance/ota/release-slots.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
/** The built-in model a release carries, so its detector starts (and can be broken). */
const MODEL_FILES = ['models/forecaster-mlp.json', 'models/forecaster-mlp.onnx'] as const;

/** How a test release differs from the build under test. */
export interface Variant {
  /** Its process exits with an error before it listens. */
  exitsAtStart?: boolean;
  /** Its process stays up but never listens. */
  hangs?: boolean;
  /** It serves /api/health but never reports ready. */
  neverReady?: boolean;
  /** One more schema step, which also writes a row into a table the old schema has. */
  migrates?: boolean;
  /** Its model no longer gives the output its manifest's sample expects. */
  brokenModel?: boolean;
}

/** The row the `migrates` variant's migration commits, which must survive a rollback. */
export const MIGRATION_ROW = 'written-by-the-new-schema';

/**
 * A release directory as a build stage makes it: `dist/` from this repo's build, the page, and a package.json with
 * the given version. node_modules is not copied: the release root holds one symlink to the repo's, which
 * Node finds by walking up from the slot.
 */
export function stageRelease(dir: string, version: string, variant: Variant = {}): string {
  mkdirSync(dir, { recursive: true });
  for (const entry of ['dist', 'appliance/web/page', ...MODEL_FILES]) cpSync(join(REPO, entry), join(dir, entry), { recursive: true });
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ ...pkg, version }, null, 2));
  const cli = join(dir, 'dist/appliance/cli.js');
  if (variant.exitsAtStart) writeFileSync(cli, "process.stderr.write('cannot start\\n');\nprocess.exit(3);\n");
  if (variant.hangs) writeFileSync(cli, 'setInterval(() => {}, 60_000);\n');
  if (variant.neverReady) patch(join(dir, 'dist/appliance/health.js'), "const ready = this.phase === 'ready';", 'const ready = false;');
  if (variant.brokenModel) patch(join(dir, MODEL_FILES[0]), /"output":\s*(-?[0-9.e-]+)/, (_m, out: string) => `"output": ${Number(out) + 1}`);
  if (variant.migrates) {
    const step = `CREATE TABLE ota_probe (id INTEGER PRIMARY KEY); INSERT INTO counters (name, value) VALUES ('${MIGRATION_ROW}', 42);`;
    patch(join(dir, 'dist/appliance/store/migrations.js'), /(export const MIGRATIONS = \[[\s\S]*?,)\n\];/, `$1\n  \`${step}\`,\n];`);
  }
  return dir;
}

function patch(file: string, from: string | RegExp, to: string | ((match: string, ...groups: string[]) => string)): void {
  const text = readFileSync(file, 'utf8');
  const patched = typeof to === 'string' ? text.replace(from, to) : text.replace(from, to);
  if (patched === text) throw new Error(`test release: ${file} no longer matches ${String(from)}; update the variant`);
  writeFileSync(file, patched);
}

/** A release root with version `version` installed, current and committed, in slot a. */
export function installFirstRelease(root: string, version: string): ReleaseSlots {
  const slots = new ReleaseSlots(root);
  stageRelease(slots.dir('a'), version);
  symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'));
  slots.point('current', 'a');
  slots.point('committed', 'a');
  return slots;
}

export function makeBundle(
  workDir: string,
  name: string,
  options: { version: string; key: string; variant?: Variant; minVersion?: string; compatible?: string },
): { path: string; manifest: BundleManifest } {
  const from = stageRelease(join(workDir, `stage-${name}`), options.version, options.variant);
  const path = join(workDir, `${name}.bundle`);
  const manifest = createBundle({
    from,
    out: path,
    key: loadPrivateKey(options.key),
    ...(options.minVersion ? { minVersion: options.minVersion } : {}),
    ...(options.compatible ? { compatible: options.compatible } : {}),
  });
  return { path, manifest };
}

/** The same signed manifest over a payload that lacks one of the files it lists. */
export function bundleWithoutFile(path: string, manifest: BundleManifest, drop: string, out: string): void {
  const original = readFileSync(path);
  const manifestBytes = Buffer.from(JSON.stringify(manifest));
  // Header: magic, u32 length, manifest, u16 length, 64-byte signature.
  let offset = 8 + 4 + manifestBytes.length + 2 + 64;
  const kept: Buffer[] = [original.subarray(0, offset)];
  for (const file of manifest.files) {
    const length = 2 + Buffer.byteLength(file.path) + 8 + file.size;
    if (file.path !== drop) kept.push(original.subarray(offset, offset + length));
    offset += length;
  }
  writeFileSync(out, Buffer.concat(kept));
}
