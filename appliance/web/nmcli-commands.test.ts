import { describe, expect, it } from 'vitest';
import { checkWifi, ipv4Args, openWifiArgs, passwdFileText, wifiProfileNames, wpaWifiArgs } from './nmcli-commands.js';

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return { code: (error as { code: string }).code, field: (error as { context: { field: string } }).context.field, message: (error as Error).message };
  }
  throw new Error('expected a refusal');
};

describe('nmcli commands', () => {
  it('joins a WPA2 network by a profile without its key, then `up` with a passwd-file, and odd names as one argument', () => {
    const join = checkWifi({ ssid: 'Shop; rm -rf /', passphrase: 'correct horse' });
    const commands = wpaWifiArgs(join.ssid, false, '/tmp/x/passwd');
    expect(commands).toEqual([
      ['connection', 'add', 'type', 'wifi', 'con-name', 'Shop; rm -rf /', 'ssid', 'Shop; rm -rf /', 'wifi-sec.key-mgmt', 'wpa-psk'],
      ['connection', 'up', 'id', 'Shop; rm -rf /', 'passwd-file', '/tmp/x/passwd'],
    ]);
    expect(wpaWifiArgs('Shop', true, '/f')[0]).toEqual(['connection', 'modify', 'id', 'Shop', 'ssid', 'Shop', 'wifi-sec.key-mgmt', 'wpa-psk', 'wifi-sec.psk', '']);
    expect(checkWifi({ ssid: 'Raw', passphrase: 'a'.repeat(64) })).toEqual({ ssid: 'Raw', passphrase: 'a'.repeat(64) });
    expect(checkWifi({ ssid: 'Café' })).toEqual({ ssid: 'Café' });
    expect(openWifiArgs('Café')).toEqual(['device', 'wifi', 'connect', 'Café']);
  });

  it('writes the key as nmcli reads it back: backslashes doubled, spaces kept even at the ends', () => {
    expect(passwdFileText('correct horse')).toBe('802-11-wireless-security.psk:correct\\040horse\n');
    expect(passwdFileText(' a\\b:c# ')).toBe('802-11-wireless-security.psk:\\040a\\\\b:c#\\040\n');
  });

  it('finds Wi-Fi profiles by name in nmcli\'s terse output, with escaped colons', () => {
    expect(wifiProfileNames('Shop\\:Floor:802-11-wireless\nWired connection 1:802-3-ethernet\nHome:802-11-wireless\n')).toEqual(['Shop:Floor', 'Home']);
  });

  it('refuses a Wi-Fi name over 32 bytes (counted in UTF-8) and a passphrase WPA2 cannot take', () => {
    expect(refusal(() => checkWifi({ ssid: 'é'.repeat(17) }))).toMatchObject({ code: 'NETWORK_INVALID', field: 'ssid', message: expect.stringContaining('34') });
    expect(refusal(() => checkWifi({ ssid: '' }))).toMatchObject({ field: 'ssid' });
    expect(refusal(() => checkWifi({ ssid: 'a\nb' }))).toMatchObject({ field: 'ssid' });
    expect(refusal(() => checkWifi({ ssid: 'Shop', passphrase: 'short' }))).toMatchObject({ field: 'passphrase' });
    expect(refusal(() => checkWifi({ ssid: 'Shop', passphrase: 'ü'.repeat(10) }))).toMatchObject({ field: 'passphrase' });
  });

  it('sets a static address with gateway and DNS, then brings the connection up', () => {
    expect(ipv4Args('Wired connection 1', { device: 'eth0', method: 'static', address: '192.168.1.50/24', gateway: '192.168.1.1', dns: '1.1.1.1, 9.9.9.9' })).toEqual([
      ['connection', 'modify', 'Wired connection 1', 'ipv4.method', 'manual', 'ipv4.addresses', '192.168.1.50/24', 'ipv4.gateway', '192.168.1.1', 'ipv4.dns', '1.1.1.1,9.9.9.9'],
      ['connection', 'up', 'Wired connection 1'],
    ]);
  });

  it('goes back to DHCP, clearing the static fields', () => {
    expect(ipv4Args('wifi-shop', { device: 'wlan0', method: 'dhcp' })[0]).toEqual(['connection', 'modify', 'wifi-shop', 'ipv4.method', 'auto', 'ipv4.addresses', '', 'ipv4.gateway', '', 'ipv4.dns', '']);
  });

  it('refuses addresses a network cannot use, naming the field', () => {
    const stat = (extra: object) => refusal(() => ipv4Args('c', { device: 'eth0', method: 'static', address: '192.168.1.50/24', ...extra }));
    expect(stat({ address: '192.168.1.50' })).toMatchObject({ field: 'address', message: expect.stringContaining('prefix') });
    expect(stat({ address: '192.168.1.300/24' })).toMatchObject({ field: 'address', message: expect.stringContaining('not an IPv4 address') });
    expect(stat({ address: '192.168.1.0/24' })).toMatchObject({ field: 'address', message: expect.stringContaining('network or broadcast') });
    expect(stat({ address: '192.168.1.255/24' })).toMatchObject({ field: 'address' });
    expect(stat({ address: '10.0.0.5/31' })).toMatchObject({ field: 'address' });
    expect(stat({ gateway: '192.168.2.1' })).toMatchObject({ field: 'gateway', message: 'the gateway must be another address in 192.168.1.50/24' });
    expect(stat({ gateway: '192.168.1.50' })).toMatchObject({ field: 'gateway' });
    expect(stat({ dns: '1.1.1.1 dns.example' })).toMatchObject({ field: 'dns' });
    expect(stat({ dns: '1.1.1.1 2.2.2.2 3.3.3.3 4.4.4.4' })).toMatchObject({ field: 'dns', message: 'at most three DNS servers' });
  });
});
