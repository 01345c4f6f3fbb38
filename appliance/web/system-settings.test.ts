import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Nmcli } from './network-manager.js';
import { asClient, openSetup, setUpAdmin, testWeb, type Client, type TestWeb } from './testing.js';
import { TimeZoneSetter } from './time-zone.js';

/**
 * The real setters (execFile by name) against fake `timedatectl` and `nmcli` scripts on a PATH of our
 * own: the commands that would reach the OS are recorded, one argument per bracket.
 */
let bin: string;
let calls: string;
const realPath = process.env.PATH;
beforeEach(() => {
  bin = mkdtempSync(join(tmpdir(), 'outpost-fake-bin-'));
  calls = join(bin, 'calls.log');
  process.env.PATH = bin;
});
afterEach(() => {
  process.env.PATH = realPath;
  rmSync(bin, { recursive: true, force: true });
});

function fakeTool(name: string, body = ''): void {
  const path = join(bin, name);
  writeFileSync(path, `#!/bin/sh\nprintf '%s' ${name} >> ${calls}\nfor a in "$@"; do printf ' [%s]' "$a" >> ${calls}; done\necho >> ${calls}\n${body}\n`);
  chmodSync(path, 0o755);
}
const recorded = () => (existsSync(calls) ? readFileSync(calls, 'utf8').trim().split('\n') : []);

// `connection up … passwd-file F` copies the file's mode and text to keys.log, as nmcli would read it.
const NMCLI = `case "$*" in
  *"device status"*) printf 'wlan0:wifi:disconnected:\\neth0:ethernet:connected:Wired connection 1\\n' ;;
  *"connection show"*) printf 'Wired connection 1:802-3-ethernet\\n' ;;
  *"up id Missing"*) echo "Error: Connection activation failed: No suitable device found for this connection." >&2; exit 4 ;;
  *passwd-file*) PATH=/usr/bin:/bin; for a; do f=$a; done; stat -c %a "$f" >> "$(dirname "$0")/keys.log"; cat "$f" >> "$(dirname "$0")/keys.log" ;;
esac`;
const keys = () => readFileSync(join(bin, 'keys.log'), 'utf8');
/** What joining a WPA network runs: the profile list, a profile without the key, and `up` with the key's file. */
const joined = (ssid: string) => [
  'nmcli [-t] [-f] [NAME,TYPE] [connection] [show]',
  `nmcli [connection] [add] [type] [wifi] [con-name] [${ssid}] [ssid] [${ssid}] [wifi-sec.key-mgmt] [wpa-psk]`,
  expect.stringMatching(new RegExp(`^nmcli \\[connection\\] \\[up\\] \\[id\\] \\[${ssid}\\] \\[passwd-file\\] \\[.*outpost-wifi-.*/passwd\\]$`)),
];

const webs: TestWeb[] = [];
afterEach(async () => {
  for (const w of webs.splice(0)) await w.close();
});
async function admin(): Promise<[TestWeb, Client]> {
  const w = await testWeb({ timeZone: new TimeZoneSetter(), network: new Nmcli() });
  webs.push(w);
  return [w, await setUpAdmin(w)];
}
/** `test-node` is the node name the box runs with, so only a different one needs a restart. */
const settings = (extra: object = {}) => ({ siteName: 'Hall 4', nodeName: 'test-node', timeZone: 'America/Chicago', ...extra });

describe('settings applied live', () => {
  it('sets the OS time zone through timedatectl and the site name at once; the node name waits for a restart', async () => {
    fakeTool('timedatectl');
    const [w, client] = await admin();
    const r = await w.app.inject({ method: 'PUT', url: '/api/settings', headers: asClient(client), payload: settings() });
    expect(r.json()).toMatchObject({ saved: true, siteName: 'now', timeZone: { applied: true }, uplink: 'unchanged', restartNeeded: false });
    expect(recorded().at(-1)).toBe('timedatectl [set-timezone] [America/Chicago]');
    expect((await w.app.inject({ url: '/api/session', headers: asClient(client) })).json().site).toEqual({ siteName: 'Hall 4', timeZone: 'America/Chicago' });
    const renamed = await w.app.inject({ method: 'PUT', url: '/api/settings', headers: asClient(client), payload: settings({ nodeName: 'hall-4' }) });
    expect(renamed.json()).toMatchObject({ uplink: 'after-restart', restartNeeded: true });
  });

  it('says "not available" when timedatectl is not on PATH, and still saves the rest', async () => {
    const [w, client] = await admin();
    const r = await w.app.inject({ method: 'PUT', url: '/api/settings', headers: asClient(client), payload: settings() });
    expect(r.json()).toMatchObject({ saved: true, timeZone: { applied: false, reason: 'not available: timedatectl is not installed on this system' } });
    expect(w.access.site?.timeZone).toBe('America/Chicago');
  });

  it('reports what timedatectl said when it refuses', async () => {
    fakeTool('timedatectl', 'echo "Failed to set time zone: Access denied" >&2; exit 1');
    const [w, client] = await admin();
    const r = await w.app.inject({ method: 'PUT', url: '/api/settings', headers: asClient(client), payload: settings() });
    expect(r.json().timeZone).toEqual({ applied: false, reason: 'timedatectl failed: Failed to set time zone: Access denied' });
  });
});

describe('network settings through nmcli', () => {
  it('joins a Wi-Fi network and sets a static address on the connection of the chosen device', async () => {
    fakeTool('nmcli', NMCLI);
    const [w, client] = await admin();
    const wifi = await w.app.inject({ method: 'POST', url: '/api/network/wifi', headers: asClient(client), payload: { ssid: 'Shop "floor"', passphrase: 'correct horse' } });
    expect(wifi.statusCode).toBe(200);
    expect(wifi.json().devices).toHaveLength(2);
    expect(recorded().slice(0, 3)).toEqual(joined('Shop "floor"'));
    // Never on a command line, where /proc shows it to every local user: only in a 0600 file, removed after.
    expect(recorded().join('\n')).not.toContain('correct');
    expect(keys()).toBe('600\n802-11-wireless-security.psk:correct\\040horse\n');
    const passwdFile = /\[passwd-file\] \[(.*)\]$/.exec(recorded()[2] ?? '')?.[1] ?? '';
    expect(existsSync(passwdFile)).toBe(false);
    const ip = await w.app.inject({
      method: 'POST', url: '/api/network/ipv4', headers: asClient(client),
      payload: { device: 'eth0', method: 'static', address: '192.168.1.50/24', gateway: '192.168.1.1', dns: '1.1.1.1' },
    });
    expect(ip.statusCode).toBe(200);
    expect(recorded().slice(-3, -1)).toEqual([
      'nmcli [connection] [modify] [Wired connection 1] [ipv4.method] [manual] [ipv4.addresses] [192.168.1.50/24] [ipv4.gateway] [192.168.1.1] [ipv4.dns] [1.1.1.1]',
      'nmcli [connection] [up] [Wired connection 1]',
    ]);
  });

  it('refuses bad input before nmcli runs, and shows nmcli\'s own refusal', async () => {
    fakeTool('nmcli', NMCLI);
    const [w, client] = await admin();
    const post = (url: string, payload: object) => w.app.inject({ method: 'POST', url, headers: asClient(client), payload });
    const before = recorded().length;
    expect((await post('/api/network/wifi', { ssid: 'Shop', passphrase: 'short' })).json().error).toMatchObject({ code: 'NETWORK_INVALID', field: 'passphrase' });
    expect((await post('/api/network/ipv4', { device: 'eth0', method: 'static', address: '192.168.1.50/24', gateway: '10.0.0.1' })).json().error).toMatchObject({ field: 'gateway' });
    expect(recorded().length).toBe(before + 1); // only the status read that looks up eth0's connection
    expect((await post('/api/network/ipv4', { device: 'wlan0', method: 'dhcp' })).json().error.message).toBe('wlan0 has no connection to change; connect it first');
    expect((await post('/api/network/ipv4', { device: 'eth9', method: 'dhcp' })).json().error).toMatchObject({ field: 'device', message: expect.stringContaining('known: wlan0, eth0') });
    const missing = await post('/api/network/wifi', { ssid: 'Missing', passphrase: 'correct horse' });
    expect([missing.statusCode, missing.json().error]).toEqual([
      502,
      { code: 'NETWORK_APPLY_FAILED', message: 'nmcli refused: Error: Connection activation failed: No suitable device found for this connection.', field: 'ssid' },
    ]);
    expect(recorded().at(-1)).toBe('nmcli [connection] [delete] [id] [Missing]');
  });

  it('is open to first boot\'s setup session, so Wi-Fi can be set before the box goes in place, and to no one without a session', async () => {
    fakeTool('nmcli', NMCLI);
    const w = await testWeb({ network: new Nmcli() });
    webs.push(w);
    const payload = { ssid: 'Shop', passphrase: 'correct horse' };
    const anonymous = await w.app.inject({ method: 'POST', url: '/api/network/wifi', payload });
    expect(anonymous.json().error.code).toBe('SETUP_REQUIRED');
    expect(recorded()).toEqual([]);
    const setup = await openSetup(w);
    const r = await w.app.inject({ method: 'POST', url: '/api/network/wifi', headers: asClient(setup), payload });
    expect(r.statusCode).toBe(200);
    expect(recorded().slice(0, 3)).toEqual(joined('Shop'));
  });

  it('says "not available" when nmcli is not on PATH', async () => {
    const [w, client] = await admin();
    expect((await w.app.inject({ url: '/api/network', headers: asClient(client) })).json()).toEqual({ available: false, reason: 'NetworkManager (nmcli) is not installed on this system' });
    const r = await w.app.inject({ method: 'POST', url: '/api/network/wifi', headers: asClient(client), payload: { ssid: 'Shop', passphrase: 'correct horse' } });
    expect([r.statusCode, r.json().error.code]).toEqual([501, 'NOT_AVAILABLE']);
  });
});
