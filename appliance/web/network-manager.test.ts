import { existsSync, readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Nmcli } from './network-manager.js';

describe('Nmcli', () => {
  it('reports "not available" with the reason when nmcli is not installed', async () => {
    const missing = Object.assign(new Error('spawn nmcli ENOENT'), { code: 'ENOENT' });
    const status = await new Nmcli(async () => Promise.reject(missing)).status();
    expect(status).toEqual({ available: false, reason: 'NetworkManager (nmcli) is not installed on this system' });
  });

  it('on this machine, without NetworkManager, says not available instead of failing', async () => {
    expect((await new Nmcli().status()).available).toBe(false);
  });

  it('parses the device list, with escaped colons inside a field', async () => {
    const status = await new Nmcli(async () => 'wlan0:wifi:connected:Shop\\:Floor\neth0:ethernet:unavailable:\n').status();
    expect(status.devices).toEqual([
      { device: 'wlan0', type: 'wifi', state: 'connected', connection: 'Shop:Floor' },
      { device: 'eth0', type: 'ethernet', state: 'unavailable', connection: '' },
    ]);
  });
});

describe('Nmcli joining Wi-Fi', () => {
  /** A runner that records argv and, for `connection up`, what the passwd-file held and its mode. */
  function recorder(fail?: (args: readonly string[]) => string | undefined) {
    const calls: string[][] = [];
    const files: { path: string; text: string; mode: number }[] = [];
    const run = async (_file: string, args: readonly string[]) => {
      calls.push([...args]);
      const passwd = args[args.indexOf('passwd-file') + 1];
      if (args.includes('passwd-file') && passwd) files.push({ path: passwd, text: readFileSync(passwd, 'utf8'), mode: statSync(passwd).mode & 0o777 });
      const refusal = fail?.(args);
      if (refusal) throw new Error(refusal);
      return args.includes('show') ? 'Home:802-11-wireless\nShop:802-3-ethernet\n' : '';
    };
    return { calls, files, nmcli: new Nmcli(run) };
  }
  const PASS = 'correct horse battery';

  it('never puts the passphrase in argv: nmcli reads it from a 0600 file that is gone afterwards', async () => {
    const { calls, files, nmcli } = recorder();
    await nmcli.applyWifi({ ssid: 'Shop', passphrase: PASS });
    expect(calls.flat().join('\n')).not.toContain('correct');
    expect(calls.map((c) => c.slice(0, 2).join(' '))).toEqual(['-t -f', 'connection add', 'connection up']);
    expect(files).toEqual([{ path: expect.stringMatching(/outpost-wifi-/), text: '802-11-wireless-security.psk:correct\\040horse\\040battery\n', mode: 0o600 }]);
    expect(existsSync(files[0]?.path ?? '')).toBe(false);
  });

  it('reuses a Wi-Fi profile named like the SSID, clearing its old key', async () => {
    const { calls, nmcli } = recorder();
    await nmcli.applyWifi({ ssid: 'Home', passphrase: PASS });
    expect(calls[1]).toEqual(['connection', 'modify', 'id', 'Home', 'ssid', 'Home', 'wifi-sec.key-mgmt', 'wpa-psk', 'wifi-sec.psk', '']);
  });

  it('a wrong key is refused beside the passphrase, the new profile dropped and the file removed', async () => {
    const { calls, files, nmcli } = recorder((args) => (args[1] === 'up' ? 'Error: Connection activation failed: Secrets were required, but not provided.' : undefined));
    await expect(nmcli.applyWifi({ ssid: 'Shop', passphrase: PASS })).rejects.toMatchObject({ code: 'NETWORK_APPLY_FAILED', context: { field: 'passphrase' } });
    expect(calls.at(-1)).toEqual(['connection', 'delete', 'id', 'Shop']);
    expect(existsSync(files[0]?.path ?? '')).toBe(false);
  });
});
