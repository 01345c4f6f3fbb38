import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BUILD_DEB = fileURLToPath(new URL('../../image/deb/build-deb', import.meta.url));
const tools = ['dpkg', 'dpkg-deb', 'useradd', 'systemctl'].filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);
const root = process.getuid?.() === 0;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'outpost-deb-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A target tree as image/lib/target-tree.sh lays it out, small: the packaging is under test here, not the
 * build (which takes minutes and is run by image/build and the bench).
 */
function tree(version: string): string {
  const at = join(dir, `tree-${version}`);
  for (const sub of ['dist/appliance/ota', 'node_modules/left-pad', 'models', 'node/bin']) mkdirSync(join(at, sub), { recursive: true });
  writeFileSync(join(at, 'package.json'), JSON.stringify({ name: 'outpost', version }));
  writeFileSync(join(at, 'dist/appliance/cli.js'), 'console.log("outpost")\n');
  writeFileSync(join(at, 'dist/appliance/ota/guard.js'), '\n');
  writeFileSync(join(at, 'node_modules/left-pad/index.js'), 'module.exports = 1;\n');
  writeFileSync(join(at, 'models/forecaster-mlp.json'), '{}\n');
  writeFileSync(join(at, 'node/bin/node'), '#!/bin/sh\n');
  chmodSync(join(at, 'node/bin/node'), 0o755);
  return at;
}

function buildDeb(version: string): string {
  return execFileSync(BUILD_DEB, ['--arch', 'amd64', '--out', join(dir, 'out'), '--tree', tree(version)], { encoding: 'utf8' }).trim();
}

/** A throwaway system root: an empty dpkg database and account files with root alone. */
function throwawayRoot(): string {
  const r = join(dir, 'root');
  for (const sub of ['var/lib/dpkg/info', 'var/lib/dpkg/updates', 'var/lib/dpkg/triggers', 'etc', 'usr/sbin']) mkdirSync(join(r, sub), { recursive: true });
  writeFileSync(join(r, 'var/lib/dpkg/status'), '');
  writeFileSync(join(r, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
  writeFileSync(join(r, 'etc/group'), 'root:x:0:\n');
  writeFileSync(join(r, 'etc/shadow'), 'root:*:19000:0:99999:7:::\n', { mode: 0o640 });
  writeFileSync(join(r, 'etc/gshadow'), 'root:*::\n', { mode: 0o640 });
  return r;
}

/** dpkg against the throwaway root; maintainer scripts run on this host with DPKG_ROOT set. */
function dpkg(r: string, ...args: string[]): string {
  const run = spawnSync('dpkg', [`--root=${r}`, '--force-script-chrootless', '--force-depends', '--log=/dev/null', ...args], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`dpkg ${args.join(' ')}: ${run.stdout}${run.stderr}`);
  return run.stdout;
}

const account = (r: string, file: string, name: string) => readFileSync(join(r, 'etc', file), 'utf8').split('\n').find((l) => l.startsWith(`${name}:`))?.split(':');

describe.skipIf(tools.length > 0 || !root)(`the .deb (${tools.length ? `missing ${tools.join(', ')}` : root ? 'dpkg' : 'needs root'})`, () => {
  it('holds the release layout, the units, the Node binary and the conffile, all root-owned', () => {
    const deb = buildDeb('1.2.3');
    expect(deb).toMatch(/outpost_1\.2\.3_amd64\.deb$/);
    const info = execFileSync('dpkg-deb', ['--info', deb], { encoding: 'utf8' });
    expect(info).toMatch(/Package: outpost\n/);
    expect(info).toMatch(/Version: 1\.2\.3\n/);
    expect(info).toMatch(/Architecture: amd64\n/);
    expect(info).toMatch(/Depends: .*systemd/);
    expect(spawnSync('sh', ['-c', `dpkg-deb -I '${deb}' conffiles`], { encoding: 'utf8' }).stdout.trim()).toBe('/etc/outpost/outpost.env');
    const contents = execFileSync('dpkg-deb', ['--contents', deb], { encoding: 'utf8' }).split('\n').filter(Boolean);
    const paths = contents.map((line) => line.split(/\s+/).slice(5).join(' '));
    expect(paths).toEqual(
      expect.arrayContaining([
        './opt/outpost/releases/a/dist/appliance/cli.js',
        './opt/outpost/releases/a/node_modules/left-pad/index.js',
        './opt/outpost/releases/a/models/forecaster-mlp.json',
        './usr/lib/outpost/node/bin/node',
        './usr/bin/outpost',
        './lib/systemd/system/outpost.service',
        './lib/systemd/system/outpost-update.service',
        './lib/systemd/system/outpost-update.path',
        './etc/outpost/outpost.env',
      ]),
    );
    // The Node binary has its own place; the links are postinst's, since the update agent moves them.
    expect(paths.filter((p) => p.startsWith('./opt/outpost/releases/a/node/') || /\/(current|committed)$/.test(p))).toEqual([]);
    expect(contents.every((line) => line.split(/\s+/)[1] === 'root/root')).toBe(true);
  });

  it('installs into an empty root: the outpost system user, its groups, a private data dir, links and enabled units', () => {
    const r = throwawayRoot();
    dpkg(r, '--install', buildDeb('1.2.3'));
    expect(dpkg(r, '--status', 'outpost')).toMatch(/Status: install ok installed/);
    const user = account(r, 'passwd', 'outpost');
    expect(user?.slice(5)).toEqual(['/var/lib/outpost', '/usr/sbin/nologin']);
    expect(Number(user?.[2])).toBeLessThan(1000);
    for (const group of ['outpost', 'dialout', 'gpio', 'bluetooth']) expect(account(r, 'group', group), group).toBeDefined();
    const data = statSync(join(r, 'var/lib/outpost'));
    expect([data.uid, data.mode & 0o777]).toEqual([Number(user?.[2]), 0o750]);
    expect([readlinkSync(join(r, 'opt/outpost/current')), readlinkSync(join(r, 'opt/outpost/committed'))]).toEqual(['releases/a', 'releases/a']);
    for (const unit of ['multi-user.target.wants/outpost.service', 'multi-user.target.wants/outpost-update.path']) {
      expect(lstatSync(join(r, 'etc/systemd/system', unit)).isSymbolicLink(), unit).toBe(true);
    }
    // The host's own accounts are untouched.
    expect(readFileSync('/etc/passwd', 'utf8')).not.toMatch(/Outpost appliance/);
  });

  it('keeps an edited conffile across an upgrade, and on purge removes the releases but keeps the data', () => {
    const r = join(dir, 'root');
    const env = join(r, 'etc/outpost/outpost.env');
    writeFileSync(env, 'OUTPOST_ARGS=--node-id edited\n');
    writeFileSync(join(r, 'var/lib/outpost/config.json'), '{}\n');
    dpkg(r, '--force-confold', '--install', buildDeb('1.2.4'));
    expect(dpkg(r, '--status', 'outpost')).toMatch(/Version: 1\.2\.4/);
    expect(readFileSync(env, 'utf8')).toBe('OUTPOST_ARGS=--node-id edited\n');
    expect(readlinkSync(join(r, 'opt/outpost/current'))).toBe('releases/a');

    dpkg(r, '--purge', 'outpost');
    expect(existsSync(join(r, 'opt/outpost'))).toBe(false);
    expect(existsSync(join(r, 'etc/systemd/system/multi-user.target.wants/outpost.service'))).toBe(false);
    expect(readFileSync(join(r, 'var/lib/outpost/config.json'), 'utf8')).toBe('{}\n');
  });
});
