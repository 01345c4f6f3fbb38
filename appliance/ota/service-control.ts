import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { OutpostError } from '../../drivers/types.js';

const run = promisify(execFile);

export type ServiceAction = 'start' | 'stop' | 'restart';

export interface ServiceControl {
  run(action: ServiceAction): Promise<void>;
}

/**
 * Drives the service through a command with `%s` for the action: `systemctl %s outpost.service` on a
 * box (it returns once the unit is stopped, or started and READY), a test supervisor in tests.
 */
export class CommandServiceControl implements ServiceControl {
  constructor(private readonly argv: readonly string[]) {}

  async run(action: ServiceAction): Promise<void> {
    const [file = '', ...args] = this.argv.map((part) => part.replaceAll('%s', action));
    try {
      await run(file, args, { timeout: 120_000 });
    } catch (error) {
      const e = error as { stderr?: string; message: string };
      throw new OutpostError('OTA_SERVICE', `${file} ${args.join(' ')} failed: ${(e.stderr ?? '').trim() || e.message}`, { action }, { cause: error });
    }
  }
}
