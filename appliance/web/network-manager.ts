import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OutpostError } from '../../drivers/types.js';
import { isMissing, runCommand, type CommandRunner } from './command-runner.js';
import {
  checkWifi,
  deleteProfileArgs,
  ipv4Args,
  openWifiArgs,
  passwdFileText,
  wifiProfileNames,
  wifiProfilesArgs,
  wpaWifiArgs,
  type Ipv4Input,
  type WifiInput,
} from './nmcli-commands.js';

export interface NetworkStatus {
  available: boolean;
  /** Why settings cannot be applied here, when not available. */
  reason?: string;
  devices?: { device: string; type: string; state: string; connection: string }[];
}

/** What the page needs from NetworkManager; one implementation calls `nmcli`, tests give their own runner. */
export interface NetworkManager {
  status(): Promise<NetworkStatus>;
  /** Joins a Wi-Fi network (NetworkManager keeps it as a connection for later boots). */
  applyWifi(input: WifiInput): Promise<void>;
  /** DHCP or a static address for the connection on one device, applied at once. */
  applyIpv4(input: Ipv4Input): Promise<void>;
}

const NOT_INSTALLED = 'NetworkManager (nmcli) is not installed on this system';

/**
 * Network settings go through NetworkManager when the image has it; where `nmcli` is missing (a laptop,
 * a container, this CI) the page says so instead of pretending. Input is checked before nmcli runs, and
 * nmcli's own complaint (no such network, wrong passphrase) comes back as the message.
 */
export class Nmcli implements NetworkManager {
  constructor(private readonly run: CommandRunner = runCommand) {}

  async status(): Promise<NetworkStatus> {
    let out: string;
    try {
      out = await this.run('nmcli', ['-t', '-f', 'DEVICE,TYPE,STATE,CONNECTION', 'device', 'status']);
    } catch (error) {
      return { available: false, reason: isMissing(error) ? NOT_INSTALLED : `nmcli failed: ${(error as Error).message}` };
    }
    const devices = out
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => {
        // nmcli -t escapes ':' inside a field as '\:'
        const [device = '', type = '', state = '', connection = ''] = line.split(/(?<!\\):/).map((f) => f.replaceAll('\\:', ':'));
        return { device, type, state, connection };
      });
    return { available: true, devices };
  }

  async applyWifi(input: WifiInput): Promise<void> {
    const { ssid, passphrase } = checkWifi(input);
    if (passphrase === undefined) return void (await this.nmcli(openWifiArgs(ssid), 'ssid'));
    const existed = wifiProfileNames(await this.nmcli(wifiProfilesArgs, 'ssid')).includes(ssid);
    // The key goes through a file only this user can read, in a folder only this user can enter, gone when nmcli is done.
    const dir = await mkdtemp(join(tmpdir(), 'outpost-wifi-'));
    try {
      const file = join(dir, 'passwd');
      await writeFile(file, passwdFileText(passphrase), { mode: 0o600 });
      const [profile = [], up = []] = wpaWifiArgs(ssid, existed, file);
      await this.nmcli(profile, 'ssid');
      try {
        await this.nmcli(up, 'ssid');
      } catch (error) {
        if (!existed) await this.nmcli(deleteProfileArgs(ssid), 'ssid').catch(() => undefined);
        throw keyRefusal(error);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async applyIpv4(input: Ipv4Input): Promise<void> {
    const status = await this.status();
    if (!status.available) throw new OutpostError('NOT_AVAILABLE', status.reason ?? NOT_INSTALLED, { field: 'device' });
    const device = status.devices?.find((d) => d.device === input.device);
    if (!device) throw new OutpostError('NETWORK_INVALID', `no network device ${input.device} (known: ${status.devices?.map((d) => d.device).join(', ')})`, { field: 'device' });
    if (device.connection === '') throw new OutpostError('NETWORK_INVALID', `${input.device} has no connection to change; connect it first`, { field: 'device' });
    for (const args of ipv4Args(device.connection, input)) await this.nmcli(args, 'address');
  }

  private async nmcli(args: readonly string[], field: string): Promise<string> {
    try {
      return await this.run('nmcli', args);
    } catch (error) {
      if (isMissing(error)) throw new OutpostError('NOT_AVAILABLE', NOT_INSTALLED, { field });
      throw new OutpostError('NETWORK_APPLY_FAILED', `nmcli refused: ${(error as Error).message}`, { field }, { cause: error });
    }
  }
}

/** NetworkManager says a wrong key as "Secrets were required, but not provided": shown beside the passphrase. */
function keyRefusal(error: unknown): unknown {
  if (!(error instanceof OutpostError) || !/secrets were required/i.test(error.message)) return error;
  return new OutpostError(error.code, error.message, { field: 'passphrase' }, { cause: error });
}
