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
