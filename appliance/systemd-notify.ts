import { execFile } from 'node:child_process';

/**
 * Tells systemd we are ready and alive (Type=notify, WatchdogSec=). Node has no datagram Unix sockets,
 * so this goes through systemd-notify; the unit sets NotifyAccess=all for that reason. Outside systemd
 * (no NOTIFY_SOCKET) everything here is a no-op.
 */
export class SystemdNotifier {
  private watchdog: NodeJS.Timeout | undefined;

  ready(isHealthy: () => boolean): void {
    if (!process.env.NOTIFY_SOCKET) return;
    notify(['--ready', `--pid=${process.pid}`]);
    const usec = Number(process.env.WATCHDOG_USEC);
    if (!(usec > 0)) return;
    // Pet at half the period, and only while healthy: a hung tick loop must let systemd restart us.
    this.watchdog = setInterval(() => isHealthy() && notify([`--pid=${process.pid}`, 'WATCHDOG=1']), usec / 2000);
    this.watchdog.unref();
  }

  /**
   * A stop, or with `restarting` an in-process restart: systemd treats STOPPING=1 as the start of the
   * unit's stop (and kills us after TimeoutStopSec), so a restart says RELOADING=1 and the next `ready` ends it.
   */
  stopping(restarting = false): void {
    clearInterval(this.watchdog);
    if (process.env.NOTIFY_SOCKET) notify([restarting ? 'RELOADING=1' : 'STOPPING=1']);
  }
}

function notify(args: string[]): void {
  execFile('systemd-notify', args, () => undefined);
}
