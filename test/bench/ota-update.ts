/**
 * OTA figures: bundle size of a production release (x64 here, and what an arm64 bundle holds), the time
 * from a bundle handed to the agent to a committed update, and the time to detect a crashing version and
 * be back on the old one. Baseline in the same run: a plain restart of the same version to /api/health 200,
 * the part of an update no update mechanism can avoid.
 *
 *   npm run build && node --import tsx test/bench/ota-update.ts [--runs 3] [--restart-sec 2] [--arm64-tree DIR]
 *
 * DIR: `image/lib/target-tree.sh arm64 DIR` (natives cross-compiled for arm64); without it the arm64 row
 * is this host's tree minus the modules it compiled for x64, an estimate.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { createBundle } from '../../appliance/ota/bundle-create.js';
import { readBundle } from '../../appliance/ota/bundle-read.js';
import { loadPrivateKey, loadPublicKey } from '../../appliance/ota/keys.js';
import { runningTarget, type BundleManifest } from '../../appliance/ota/manifest.js';
import { TestBox } from '../support/ota-box.js';
import { fmt, median, mib, note, numberFlag, printTable } from './bench-kit.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const runs = numberFlag('runs', 3);
const restartSec = numberFlag('restart-sec', 2);
const armTreeAt = process.argv.indexOf('--arm64-tree');
const armTree = armTreeAt > 0 ? process.argv[armTreeAt + 1] : undefined;

/** What a release build stage holds: the build, the page, the model, and the production dependencies only. */
function stageProduction(dir: string): string {
  const entries = ['dist', 'appliance/web/page', 'package.json', 'package-lock.json', 'models/forecaster-mlp.json', 'models/forecaster-mlp.onnx'];
  for (const entry of entries) cpSync(join(REPO, entry), join(dir, entry), { recursive: true });
  const listed = spawnSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: REPO, encoding: 'utf8' }).stdout.split('\n');
  for (const path of listed) {
    const rel = relative(REPO, path);
    if (/^node_modules\/(@[^/]+\/)?[^/]+$/.test(rel)) cpSync(path, join(dir, rel), { recursive: true });
  }
  return dir;
}

function describeBundle(label: string, path: string, manifest: BundleManifest): string[] {
  const bytes = statSync(path).size;
  const native = manifest.files.filter((f) => /\.(node|so(\.\d+)*)$/.test(f.path)).reduce((n, f) => n + f.size, 0);
  return [label, String(manifest.files.length), mib(bytes), mib(gzipSync(readFileSync(path)).length), mib(native)];
}

const work = mkdtempSync(join(tmpdir(), 'outpost-ota-bench-'));
// The box that takes the updates; its key signs every bundle here.
const good = await TestBox.start({ version: '1.0.0' });
try {
  note(`OTA bench: ${runs} runs, load average ${loadavg().map((l) => fmt(l, 1)).join(' ')} on this machine`);
  const keys = good.keys;
  const key = loadPrivateKey(keys.privateKey);
  const stage = stageProduction(join(work, 'stage'));
  const target = runningTarget();
  let t = performance.now();
  const x64 = createBundle({ from: stage, out: join(work, 'x64.bundle'), key });
  const createMs = performance.now() - t;
  t = performance.now();
  await readBundle(join(work, 'x64.bundle'), { publicKey: loadPublicKey(keys.publicKey), target, runningVersion: x64.version });
  const verifyMs = performance.now() - t;
  const rows = [describeBundle(target, join(work, 'x64.bundle'), x64)];

  const arm = target.replace(`-${process.arch}-`, '-arm64-');
  let armNote = '';
  try {
    createBundle({ from: stage, out: join(work, 'arm64.bundle'), key, compatible: arm });
  } catch (error) {
    armNote = (error as Error).message;
  }
  // What is left to build for arm64: the modules compiled on this host. Everything else ships arm64 prebuilds.
  const hostBuilt = x64.files.filter((f) => f.path.endsWith('.node') && !/\/(prebuilds|bin\/napi-v\d+)\//.test(f.path));
  for (const f of hostBuilt) rmSync(join(stage, f.path));
  const armManifest = createBundle({ from: stage, out: join(work, 'arm64.bundle'), key, compatible: arm });
  rows.push(describeBundle(`${arm} without ${hostBuilt.length} host-built module(s)`, join(work, 'arm64.bundle'), armManifest));
  if (armTree) {
    const built = createBundle({ from: armTree, out: join(work, 'arm64-tree.bundle'), key, compatible: arm });
    rows.push(describeBundle(`${arm} from target-tree.sh (natives built for arm64)`, join(work, 'arm64-tree.bundle'), built));
  }
  printTable('Bundle of a production release (dist, page, production node_modules for the target)', ['target', 'files', 'bundle', 'gzip -6', 'native'], rows);
  const byPackage = new Map<string, number>();
  for (const f of x64.files) {
    const name = /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(f.path)?.[1] ?? f.path.split('/')[0] ?? '';
    byPackage.set(name, (byPackage.get(name) ?? 0) + f.size);
  }
  const largest = [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 6);
  note(`largest parts of the ${target} bundle: ${largest.map(([name, bytes]) => `${name} ${mib(bytes)}`).join(', ')}`);
  note(`create ${fmt(createMs)} ms, verify (signature + every sha256) ${fmt(verifyMs)} ms for the ${target} bundle`);
  note(`${arm} from this x64 host is refused as built: ${armNote}`);
  note(`still to build for arm64: ${hostBuilt.map((f) => `${f.path} (x64: ${mib(f.size)})`).join(', ')}`);

  const restart: number[] = [];
  const commit: number[] = [];
  const commitInAgent: number[] = [];
  let productionMs = Number.NaN;
  try {
    const ctl = good.systemd.ctl.split(' ').pop() ?? '';
    for (let i = 1; i <= runs; i++) {
      t = performance.now();
      await fetch(ctl.replace('%s', 'restart'), { method: 'POST' });
      await good.serving(`1.${i - 1}.0`);
      restart.push(performance.now() - t);
      const { path } = good.bundle(`good-${i}`, { version: `1.${i}.0` });
      t = performance.now();
      const run = await good.agent('apply', { bundle: path });
      if (run.record?.outcome !== 'committed') throw new Error(`update ${i} did not commit: ${run.stderr}`);
      commit.push(performance.now() - t);
      commitInAgent.push(run.record.durationMs);
    }
    // The production bundle itself: 10k files unpacked and fsynced, then the app runs on its own node_modules.
    t = performance.now();
    const full = await good.agent('apply', { bundle: join(work, 'x64.bundle') });
    if (full.record?.outcome !== 'committed') throw new Error(`production bundle did not commit: ${full.stderr}`);
    productionMs = performance.now() - t;
  } finally {
    await good.systemd.stop();
  }

  const rollback: number[] = [];
  const crashing = await TestBox.start({ version: '1.0.0', restartDelayMs: restartSec * 1000 });
  try {
    for (let i = 1; i <= runs; i++) {
      const { path } = crashing.bundle(`crash-${i}`, { version: `2.${i}.0`, variant: { exitsAtStart: true } });
      t = performance.now();
      const run = await crashing.agent('apply', { bundle: path });
      if (run.record?.outcome !== 'rolled-back') throw new Error(`crashing update ${i} was not rolled back: ${run.stderr}`);
      rollback.push(performance.now() - t);
      await crashing.serving('1.0.0');
    }
  } finally {
    await crashing.close();
  }

  const row = (label: string, values: number[]) => [label, `${fmt(median(values))} ms`, `${fmt(Math.min(...values))}`, `${fmt(Math.max(...values))}`];
  printTable(`Update timings, median of ${runs} (dist-only test releases; node_modules shared)`, ['what', 'median', 'min', 'max'], [
    row('baseline: restart same version to /api/health 200', restart),
    row('bundle handed to agent → committed (agent process)', commit),
    row('  of which inside the state machine (verify → commit)', commitInAgent),
    row(`production ${target} bundle (${mib(statSync(join(work, 'x64.bundle')).size)}) → committed, one run`, [productionMs]),
    row(`crash at start → rolled back, old serving (RestartSec ${restartSec} s, 3 attempts)`, rollback),
  ]);
  note('A version that hangs or stays unhealthy is rolled back at the health deadline (--deadline, 90 s by default) plus one restart.');
} finally {
  await good.close();
  rmSync(work, { recursive: true, force: true });
}
