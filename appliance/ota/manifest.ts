import { OutpostError } from '../../drivers/types.js';

export interface BundleFile {
  /** Relative to the release root, `/`-separated, never escaping it. */
  path: string;
  size: number;
  sha256: string;
  mode: number;
}

export interface BundleModel {
  name: string;
  path: string;
  sha256: string;
}

/** What a bundle promises; signed, so every field here is trusted once the signature checks out. */
export interface BundleManifest {
  format: 1;
  version: string;
  /** `linux-<arch>-node<major>`: native modules and the Node ABI make a build usable on one target only. */
  compatible: string;
  /** The oldest running version this bundle may replace (its migrations assume at least that schema). */
  minVersion: string;
  createdAt: string;
  files: BundleFile[];
  models: BundleModel[];
}

/** The target this process runs on, in the form a manifest's `compatible` uses. */
export function runningTarget(): string {
  return `linux-${process.arch}-node${process.versions.node.split('.')[0]}`;
}

const VERSION = /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?$/;
const SHA256 = /^[0-9a-f]{64}$/;

/** Semantic-version order; a pre-release sorts before its release. */
export function compareVersions(a: string, b: string): number {
  const [pa, pb] = [VERSION.exec(a), VERSION.exec(b)];
  if (!pa || !pb) throw new OutpostError('OTA_FORMAT', `not a version: "${pa ? b : a}"`);
  for (let i = 1; i <= 3; i++) {
    const d = Number(pa[i]) - Number(pb[i]);
    if (d !== 0) return Math.sign(d);
  }
  if (pa[4] === pb[4]) return 0;
  if (pa[4] === undefined) return 1;
  if (pb[4] === undefined) return -1;
  return pa[4] < pb[4] ? -1 : 1;
}

/** A path that stays inside the slot once joined to it: no absolute paths, `..`, backslashes or empty parts. */
export function isSafePath(path: string): boolean {
  if (path.length === 0 || path.length > 1024 || path.startsWith('/') || path.includes('\\') || path.includes('\0')) return false;
  return path.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}

/** Parses and checks the shape of a manifest; the bundle reader calls it only after the signature verified. */
export function parseManifest(bytes: Buffer): BundleManifest {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new OutpostError('OTA_FORMAT', `bundle manifest is not JSON: ${(error as Error).message}`);
  }
  const m = value as Partial<BundleManifest>;
  const problem = manifestProblem(m);
  if (problem) throw new OutpostError('OTA_FORMAT', `bundle manifest: ${problem}`);
  return m as BundleManifest;
}

function manifestProblem(m: Partial<BundleManifest>): string | undefined {
  if (typeof m !== 'object' || m === null) return 'not an object';
  if (m.format !== 1) return `format ${String(m.format)} is not supported (1 is)`;
  for (const field of ['version', 'minVersion'] as const) {
    if (typeof m[field] !== 'string' || !VERSION.test(m[field])) return `${field} "${String(m[field])}" is not a version`;
  }
  if (typeof m.compatible !== 'string' || !/^linux-[a-z0-9]+-node\d+$/.test(m.compatible)) return `compatible "${String(m.compatible)}" is not linux-<arch>-node<major>`;
  if (!Array.isArray(m.files) || m.files.length === 0) return 'files must be a non-empty list';
  const seen = new Set<string>();
  for (const f of m.files) {
    if (typeof f?.path !== 'string' || !isSafePath(f.path)) return `file path "${String(f?.path)}" leaves the release directory`;
    if (seen.has(f.path)) return `file ${f.path} is listed twice`;
    seen.add(f.path);
    if (!Number.isSafeInteger(f.size) || f.size < 0) return `file ${f.path}: size must be a non-negative integer`;
    if (typeof f.sha256 !== 'string' || !SHA256.test(f.sha256)) return `file ${f.path}: sha256 must be 64 hex digits`;
    if (!Number.isInteger(f.mode) || f.mode < 0 || f.mode > 0o777) return `file ${f.path}: mode must be 0..0o777`;
  }
  if (!Array.isArray(m.models)) return 'models must be a list';
  for (const model of m.models) {
    if (!seen.has(model?.path)) return `model ${String(model?.name)} names ${String(model?.path)}, which the bundle does not carry`;
  }
  return undefined;
}
