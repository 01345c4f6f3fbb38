import { runCommand, isMissing, type CommandRunner } from './command-runner.js';

/** Whether a setting reached the operating system, and why not when it did not. */
export interface AppliedSetting {
  applied: boolean;
  reason?: string;
}

/**
 * The OS time zone, set through systemd's `timedatectl` (logs, cron and the journal follow it). Where
 * there is none (a container, a laptop without systemd) the page keeps the zone for itself and says so.
 */
export class TimeZoneSetter {
  constructor(private readonly run: CommandRunner = runCommand) {}

  async apply(timeZone: string): Promise<AppliedSetting> {
    try {
      await this.run('timedatectl', ['set-timezone', timeZone]);
      return { applied: true };
    } catch (error) {
      return { applied: false, reason: isMissing(error) ? 'not available: timedatectl is not installed on this system' : `timedatectl failed: ${(error as Error).message}` };
    }
  }
}
