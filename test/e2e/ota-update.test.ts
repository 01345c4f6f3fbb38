import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { generateKeys } from '../../appliance/ota/keys.js';
import { runningTarget } from '../../appliance/ota/manifest.js';
import { TestBox } from '../support/ota-box.js';
import { bundleWithoutFile, MIGRATION_ROW } from '../support/ota-releases.js';

const CLI = fileURLToPath(new URL('../../dist/appliance/cli.js', import.meta.url));
const boxes: TestBox[] = [];
afterEach(async () => {
  for (const box of boxes.splice(0)) await box.close();
});

/** Process starts dominate; on a shared 2-core machine under load one case can take tens of seconds. */
const SLOW = 120_000;

async function box(maxAttempts = 3): Promise<TestBox> {
  const b = await TestBox.start({ version: '1.0.0', maxAttempts });
  boxes.push(b);
  return b;
}

/** A committed row, written while the old version runs, that must survive whatever the update does. */
function commitRow(b: TestBox, name: string): void {
  const db = new Database(join(b.data, 'outpost.db'));
  db.pragma('busy_timeout = 5000');
  db.prepare('INSERT INTO counters (name, value) VALUES (?, 1)').run(name);
  db.close();
}

function counters(b: TestBox): Record<string, number> {
  const db = new Database(join(b.data, 'outpost.db'), { readonly: true });
  const rows = db.prepare('SELECT name, value FROM counters').all() as { name: string; value: number }[];
  db.close();
  return Object.fromEntries(rows.map((r) => [r.name, r.value]));
}

describe('over-the-air update of the app', () => {
  it('installs a good bundle into the other slot, restarts into it and commits once it is healthy', async () => {
    const b = await box();
    commitRow(b, 'before-update');
    const { path } = b.bundle('good', { version: '1.1.0' });
    const run = await b.agent('apply', { bundle: path });
    expect(run.code, run.stderr).toBe(0);
    expect(run.record).toMatchObject({ version: '1.1.0', from: '1.0.0', outcome: 'committed' });
    expect(await b.systemd.health()).toMatchObject({ status: 200, version: '1.1.0' });
    expect([b.slots.current(), b.slots.committed()]).toEqual(['b', 'b']);
    expect(b.state().update).toBeUndefined();
    expect(b.state().history[0]).toMatchObject({ version: '1.1.0', outcome: 'committed' });
    expect(counters(b)).toMatchObject({ 'before-update': 1 });
  }, SLOW);

  it('refuses a bad signature, a changed byte, a missing file, another target and a too-old base, changing nothing', async () => {
    const b = await box();
    const good = b.bundle('base', { version: '1.1.0' });
    const otherKey = generateKeys(join(b.dir, 'other-keys'));
    const tampered = join(b.dir, 'tampered.bundle');
    const bytes = readFileSync(good.path);
    bytes[bytes.length - 100] = (bytes[bytes.length - 100] ?? 0) ^ 1;
    writeFileSync(tampered, bytes);
    const missing = join(b.dir, 'missing.bundle');
    bundleWithoutFile(good.path, good.manifest, 'dist/appliance/main.js', missing);
    const otherArch = runningTarget().includes('-x64-') ? runningTarget().replace('-x64-', '-arm64-') : runningTarget().replace(/-[a-z0-9]+-node/, '-x64-node');
    const cases: [string, string, RegExp][] = [
      [b.bundle('other-key', { version: '1.1.0', key: otherKey.privateKey }).path, 'OTA_SIGNATURE', /signature does not match/],
      [tampered, 'OTA_HASH', /does not match its sha256/],
      [missing, 'OTA_MISSING_FILE', /lists dist\/appliance\/main\.js/],
      [b.bundle('arm', { version: '1.1.0', compatible: otherArch }).path, 'OTA_INCOMPATIBLE', new RegExp(`built for ${otherArch}`)],
      [b.bundle('needs-newer', { version: '1.1.0', minVersion: '1.0.5' }).path, 'OTA_TOO_OLD', /updates from 1\.0\.5 or later, this box runs 1\.0\.0/],
    ];
    for (const [path, code, reason] of cases) {
      const run = await b.agent('apply', { bundle: path });
      expect(run.code, `${code}: ${run.stderr}`).toBe(65);
      expect(run.stderr).toMatch(code);
      expect(b.state().history[0]).toMatchObject({ outcome: 'refused', code, reason: expect.stringMatching(reason) });
    }
    expect(b.state().update).toBeUndefined();
    expect([b.slots.current(), b.slots.committed()]).toEqual(['a', 'a']);
    expect(existsSync(b.slots.dir('b'))).toBe(false);
    expect(await b.systemd.health()).toMatchObject({ status: 200, version: '1.0.0' });
  }, SLOW);

  it('rolls back a version that exits at start, through the guard, and refuses it from then on', async () => {
    const b = await box(2);
    const { path } = b.bundle('exits', { version: '1.1.0', variant: { exitsAtStart: true } });
    const run = await b.agent('apply', { bundle: path });
    expect(run.record).toMatchObject({ outcome: 'rolled-back', reason: '1.1.0 started 2 times without reporting healthy' });
    expect(run.code).toBe(65);
    expect(await b.systemd.health()).toMatchObject({ status: 200, version: '1.0.0' });
    expect([b.slots.current(), b.slots.committed()]).toEqual(['a', 'a']);
    expect(b.state().refused).toEqual(['1.1.0']);
    const again = await b.agent('apply', { bundle: path });
    expect(again.stderr).toMatch(/OTA_REFUSED_VERSION/);
    expect(b.slots.current()).toBe('a');
    const forget = spawnSync(process.execPath, [CLI, 'update', 'forget', '1.1.0', '--root', b.root], { encoding: 'utf8' });
    expect(forget.stdout).toMatch(/1\.1\.0 will be accepted again/);
    expect(b.state().refused).toEqual([]);
  }, SLOW);

  it('rolls back a version that hangs without ever answering, at the deadline', async () => {
    const b = await box();
    const { path } = b.bundle('hangs', { version: '1.1.0', variant: { hangs: true } });
    const run = await b.agent('apply', { bundle: path, deadlineSeconds: 3 });
    expect(run.record).toMatchObject({ outcome: 'rolled-back', reason: expect.stringMatching(/^1\.1\.0 not healthy within 3 s: no answer from/) });
    expect(await b.systemd.health()).toMatchObject({ status: 200, version: '1.0.0' });
    expect(b.slots.current()).toBe('a');
  }, SLOW);

  it('rolls back a version that migrates the database and fails its health check, keeping every committed row', async () => {
    const b = await box();
    commitRow(b, 'before-update');
    const { path } = b.bundle('migrates', { version: '1.1.0', variant: { migrates: true, neverReady: true } });
    // Long enough for the new version to start and migrate on a loaded machine; it never reports ready.
    const run = await b.agent('apply', { bundle: path, deadlineSeconds: 15 });
    expect(run.record).toMatchObject({ outcome: 'rolled-back', reason: expect.stringMatching(/not healthy within 15 s: health 503, not ready/) });
    await b.serving('1.0.0');
    // The old release opened the restored database (a newer schema would have stopped it with STORE_TOO_NEW)
    // and holds both the row from before and the row the new version committed during its trial.
    expect(counters(b)).toMatchObject({ 'before-update': 1, [MIGRATION_ROW]: 42 });
    commitRow(b, 'after-rollback');
    expect(counters(b)).toMatchObject({ 'after-rollback': 1 });
  }, SLOW);
});
