import type { DeviceInfo } from '../../drivers/types.js';
import type { Alert } from '../model/alert.js';

/** Turns device health changes into one raised alert when a device goes offline and one cleared when it returns. */
export class OfflineAlerts {
  private readonly offline = new Set<string>();

  fromHealthChanges(devices: readonly DeviceInfo[], now: number): Alert[] {
    const alerts: Alert[] = [];
    for (const device of devices) {
      const isOffline = device.health.state === 'offline';
      if (isOffline && !this.offline.has(device.id)) {
        this.offline.add(device.id);
        const reason = device.health.reason ? `: ${device.health.reason}` : '';
        alerts.push({ device: device.id, kind: 'offline', state: 'raised', message: `${device.name} is offline${reason}`, ts: now });
      } else if (!isOffline && device.health.state !== 'starting' && this.offline.delete(device.id)) {
        alerts.push({ device: device.id, kind: 'offline', state: 'cleared', message: `${device.name} is back (${device.health.state})`, ts: now });
      }
    }
    return alerts;
  }
}
