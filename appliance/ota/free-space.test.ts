import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, statfsSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../log.js';
import { createBundle } from './bundle-create.js';
import { generateKeys, loadPrivateKey, loadPublicKey } from './keys.js';
import { runningTarget } from './manifest.js';
import { ReleaseSlots } from './release-slots.js';
import { UpdateAgent } from './update-agent.js';
import { readState } from './update-state.js';

const MIB = 1024 * 1024;
/** Small files, as node_modules is made of: 4.7 MiB of 4 KiB blocks for 0.1 MiB of bytes. */
const SMALL_FILES = 1200;

let dir: string;
let mounted = false;
let root: string;
let data: string;
let bundle: string;
let health: Server;
let healthUrl: string;
let keys: { privateKey: string; publicKey: string };

/** A real filesystem of 8 MiB (tmpfs), holding the release root and the data dir, as one partition would. */
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'outpost-space-'));
  const fs = join(dir, 'fs');
  mkdirSync(fs);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', fs], { stdio: 'pipe' });
    mounted = true;
  } catch (error) {
    console.warn(`free-space tests skipped: cannot mount an 8 MiB tmpfs here (${(error as Error).message.trim()}); they need root`);
    return;
  }
  root = join(fs, 'opt');
  data = join(fs, 'var');
  mkdirSync(data, { recursive: true });
  const slots = new ReleaseSlots(root);
  stage(slots.dir('a'), '1.0.0', 0);
  slots.point('current', 'a');
  slots.point('committed', 'a');
  keys = generateKeys(join(dir, 'keys'));
  bundle = join(dir, 'next.bundle');
  createBundle({ from: stage(join(dir, 'stage'), '1.1.0', SMALL_FILES), out: bundle, key: loadPrivateKey(keys.privateKey) });
  // Stands in for the new version's /api/health once it is switched to.
  health = createServer((_q, r) => r.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ready: true, services: { release: { state: 'ok', version: '1.1.0' } } })));
  health.listen(0, '127.0.0.1');
  await once(health, 'listening');
  const address = health.address();
  healthUrl = `http://127.0.0.1:${address && typeof address === 'object' ? address.port : 0}/api/health`;
});

afterAll(() => {
  health?.close();
  if (mounted) execFileSync('umount', [join(dir, 'fs')]);
  rmSync(dir, { recursive: true, force: true });
});

function stage(at: string, version: string, smallFiles: number): string {
  mkdirSync(join(at, 'dist/appliance'), { recursive: true });
  mkdirSync(join(at, 'node_modules/many'), { recursive: true });
  writeFileSync(join(at, 'package.json'), JSON.stringify({ name: 'outpost', version }));
  writeFileSync(join(at, 'dist/appliance/cli.js'), '');
  for (let i = 0; i < smallFiles; i++) writeFileSync(join(at, `node_modules/many/f${i}.js`), 'x'.repeat(100));
  return at;
}

function agent(statfs?: (path: string) => { bavail: number; bsize: number }): UpdateAgent {
  return new UpdateAgent({
    root,
    dataDir: data,
    publicKey: loadPublicKey(keys.publicKey),
    target: runningTarget(),
    service: { run: async () => {} },
    healthUrl,
    deadlineMs: 10_000,
    pollMs: 50,
    log: silentLogger(),
    ...(statfs ? { statfs } : {}),
  });
}

const free = () => statfsSync(root).bavail * statfsSync(root).bsize;

/** What the running box depends on: links, the update in progress and the other slot. */
function snapshot() {
  const slots = new ReleaseSlots(root);
  return { current: slots.current(), committed: slots.committed(), update: readState(root).update, slotB: existsSync(slots.dir('b')) };
}

/** The refusal's record in the history is all that may be written. */
const HISTORY_BYTES = 16 * 1024;

describe('free space on the release filesystem', () => {
  it('refuses a release whose files take more blocks than are free, though their bytes would fit, and changes nothing', async (ctx) => {
    if (!mounted) return ctx.skip();
    const filler = join(data, 'filler');
    writeFileSync(filler, Buffer.alloc(free() - 3 * MIB));
    const before = snapshot();
    const freeBefore = free();
    expect(freeBefore).toBeGreaterThan(SMALL_FILES * 100);
    const record = await agent().apply(bundle);
    expect(record).toMatchObject({ outcome: 'refused', code: 'OTA_NO_SPACE', version: '1.1.0', reason: expect.stringMatching(/the 1202 files of 1\.1\.0 and the database backup need [45]\.\d MiB on the filesystem of .*, [23]\.\d MiB are free/) });
    expect(snapshot()).toEqual(before);
    expect(free()).toBeGreaterThan(freeBefore - HISTORY_BYTES);
    expect(statSync(filler).size).toBeGreaterThan(0);
  });

  it('refuses, clears the half-written slot and changes nothing else when the disk fills during the unpack', async (ctx) => {
    if (!mounted) return ctx.skip();
    const before = snapshot();
    const freeBefore = free();
    // A check that believes there is room, as when something else fills the disk after it ran.
    const record = await agent(() => ({ bavail: 1e9, bsize: 4096 })).apply(bundle);
    expect(record).toMatchObject({ outcome: 'refused', code: 'OTA_NO_SPACE', reason: expect.stringMatching(/unpacking into slot b ran out of space \(ENOSPC.*\); slot b was cleared/) });
    expect(snapshot()).toEqual(before);
    expect(free()).toBeGreaterThan(freeBefore - HISTORY_BYTES);
  });

  it('installs and commits the same release once there is room', async (ctx) => {
    if (!mounted) return ctx.skip();
    rmSync(join(data, 'filler'));
    const record = await agent().apply(bundle);
    expect(record).toMatchObject({ outcome: 'committed', version: '1.1.0' });
    expect(new ReleaseSlots(root).committed()).toBe('b');
  });
});
