import { execFile } from 'node:child_process';

export interface NetworkStatus {
  available: boolean;
  /** Why settings cannot be applied here, when not available. */
  reason?: string;
  devices?: { device: string; type: string; state: string; connection: string }[];
}

/** What the page needs from NetworkManager; one implementation calls `nmcli`, tests give their own runner. */
export interface NetworkManager {
  status(): Promise<NetworkStatus>;
}

export type CommandRunner = (file: string, args: readonly string[]) => Promise<string>;

const runCommand: CommandRunner = (file, args) =>
  new Promise((resolve, reject) =>
    execFile(file, args, { timeout: 5_000 }, (error, stdout) => (error ? reject(error) : resolve(stdout))),
  );

/**
 * Network settings go through NetworkManager when the image has it; where `nmcli` is missing (a laptop,
 * a container, this CI) the page says so instead of pretending. Wi-Fi and static IP changes are not
 * applied from the page yet: only the state is read.
 */
export class Nmcli implements NetworkManager {
  constructor(private readonly run: CommandRunner = runCommand) {}

  async status(): Promise<NetworkStatus> {
    let out: string;
    try {
      out = await this.run('nmcli', ['-t', '-f', 'DEVICE,TYPE,STATE,CONNECTION', 'device', 'status']);
    } catch (error) {
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      return { available: false, reason: missing ? 'NetworkManager (nmcli) is not installed on this system' : `nmcli failed: ${(error as Error).message}` };
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
}
