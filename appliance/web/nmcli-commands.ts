import { Type, type Static } from '@sinclair/typebox';
import { OutpostError } from '../../drivers/types.js';

export const WifiInput = Type.Object(
  { ssid: Type.String({ maxLength: 128 }), passphrase: Type.Optional(Type.String({ maxLength: 128 })) },
  { additionalProperties: false },
);
export type WifiInput = Static<typeof WifiInput>;

export const Ipv4Input = Type.Object(
  {
    device: Type.String({ minLength: 1, maxLength: 32 }),
    method: Type.Union([Type.Literal('dhcp'), Type.Literal('static')]),
    /** `192.168.1.50/24` */
    address: Type.Optional(Type.String({ maxLength: 32 })),
    gateway: Type.Optional(Type.String({ maxLength: 32 })),
    /** Up to three servers, separated by commas or spaces. */
    dns: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);
export type Ipv4Input = Static<typeof Ipv4Input>;

const invalid = (field: string, message: string) => new OutpostError('NETWORK_INVALID', message, { field });

/** A checked join request: the SSID and, for a WPA network, its passphrase (or 64-hex PSK). */
export interface WifiJoin {
  ssid: string;
  passphrase?: string;
}

/**
 * An SSID is 1–32 bytes; a WPA2 passphrase is 8–63 printable ASCII characters or 64 hex digits (the
 * raw PSK); no passphrase means an open network.
 */
export function checkWifi(input: WifiInput): WifiJoin {
  const ssid = input.ssid;
  const bytes = Buffer.byteLength(ssid, 'utf8');
  if (bytes < 1 || bytes > 32) throw invalid('ssid', `a Wi-Fi name is 1 to 32 bytes long (this one is ${bytes})`);
  if (/\p{Cc}/u.test(ssid)) throw invalid('ssid', 'a Wi-Fi name cannot hold control characters');
  const pass = input.passphrase ?? '';
  if (pass !== '' && !/^[\x20-\x7e]{8,63}$/.test(pass) && !/^[0-9a-fA-F]{64}$/.test(pass)) {
    throw invalid('passphrase', 'a WPA2 passphrase is 8 to 63 printable ASCII characters, or 64 hex digits');
  }
  return pass === '' ? { ssid } : { ssid, passphrase: pass };
}

/** An open network has no secret, so nmcli's one-step join is fine. */
export const openWifiArgs = (ssid: string): string[] => ['device', 'wifi', 'connect', ssid];

/** The Wi-Fi profiles NetworkManager keeps, to reuse one named like the SSID. */
export const wifiProfilesArgs = ['-t', '-f', 'NAME,TYPE', 'connection', 'show'];

/** Names of the Wi-Fi profiles in `nmcli -t -f NAME,TYPE connection show` output. */
export function wifiProfileNames(out: string): string[] {
  return out
    .split('\n')
    .map((line) => line.split(/(?<!\\):/).map((f) => f.replaceAll('\\:', ':').replaceAll('\\\\', '\\')))
    .filter(([, type]) => type === '802-11-wireless')
    .map(([name = '']) => name);
}

/**
 * WPA without the passphrase on any command line (where every local user could read it in /proc): the
 * profile is made or updated with no key, then brought up with `passwd-file`, from which nmcli answers
 * NetworkManager's request for the key. The key is system-owned (no psk-flags), so NetworkManager saves
 * it in the profile and the box rejoins after a reboot. An existing profile keeps its other settings
 * (a static address set on the page); its old key is cleared so the new one is asked for.
 */
export function wpaWifiArgs(ssid: string, profileExists: boolean, passwdFile: string): string[][] {
  const wpa = ['ssid', ssid, 'wifi-sec.key-mgmt', 'wpa-psk'];
  // nmcli's `modify` resets a property given as "": the old key goes, and NetworkManager must ask for one.
  const profile = profileExists ? ['connection', 'modify', 'id', ssid, ...wpa, 'wifi-sec.psk', ''] : ['connection', 'add', 'type', 'wifi', 'con-name', ssid, ...wpa];
  return [profile, ['connection', 'up', 'id', ssid, 'passwd-file', passwdFile]];
}

/** Drops a profile this join made when it could not come up, so a wrong passphrase leaves nothing behind. */
export const deleteProfileArgs = (name: string): string[] => ['connection', 'delete', 'id', name];

/**
 * The passwd-file line for the key. nmcli unescapes backslashes in the value and strips unescaped
 * spaces at its ends, so a backslash is doubled and every space written as octal.
 */
export function passwdFileText(passphrase: string): string {
  return `802-11-wireless-security.psk:${passphrase.replaceAll('\\', '\\\\').replaceAll(' ', '\\040')}\n`;
}

function ipv4(text: string, field: string): number {
  const parts = text.trim().split('.');
  if (parts.length !== 4 || parts.some((p) => !/^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/.test(p))) throw invalid(field, `"${text}" is not an IPv4 address such as 192.168.1.50`);
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

/**
 * `nmcli connection modify` for the connection on one device, then `connection up` to apply it. Static
 * needs an address with its prefix; the gateway must sit in that subnet and not be the box itself.
 */
export function ipv4Args(connection: string, input: Ipv4Input): string[][] {
  const up = ['connection', 'up', connection];
  if (input.method === 'dhcp') {
    return [['connection', 'modify', connection, 'ipv4.method', 'auto', 'ipv4.addresses', '', 'ipv4.gateway', '', 'ipv4.dns', ''], up];
  }
  const [host = '', prefixText = '', extra] = (input.address ?? '').trim().split('/');
  if (extra !== undefined || !/^\d{1,2}$/.test(prefixText)) throw invalid('address', 'give the address with its prefix, such as 192.168.1.50/24');
  const prefix = Number(prefixText);
  if (prefix < 8 || prefix > 30) throw invalid('address', `a /${prefix} network leaves no room for a box and a gateway; use /8 to /30`);
  const address = ipv4(host, 'address');
  const mask = (0xffffffff << (32 - prefix)) >>> 0;
  const network = (address & mask) >>> 0;
  if (address === network || address === (network | ~mask) >>> 0) throw invalid('address', `${host} is the network or broadcast address of /${prefix}`);
  const args = ['connection', 'modify', connection, 'ipv4.method', 'manual', 'ipv4.addresses', `${host}/${prefix}`];
  if (input.gateway?.trim()) {
    const gateway = ipv4(input.gateway, 'gateway');
    if ((gateway & mask) >>> 0 !== network || gateway === address) throw invalid('gateway', `the gateway must be another address in ${host}/${prefix}`);
    args.push('ipv4.gateway', input.gateway.trim());
  } else {
    args.push('ipv4.gateway', '');
  }
  const dns = (input.dns ?? '').split(/[\s,]+/).filter((s) => s !== '');
  if (dns.length > 3) throw invalid('dns', 'at most three DNS servers');
  for (const server of dns) ipv4(server, 'dns');
  args.push('ipv4.dns', dns.join(','));
  return [args, up];
}
