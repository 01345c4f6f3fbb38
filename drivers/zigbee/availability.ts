import type { Controller } from 'zigbee-herdsman';
import type { Logger } from '../../appliance/log.js';
import type { DeviceRegistry } from './device-registry.js';

type HerdsmanDevice = ReturnType<Controller['getDevices']>[number];

/** How long a device may stay silent before it counts as offline, by kind. */
export interface AvailabilityLimits {
  /** Mains-powered routers: pinged once silent this long, offline if the ping goes unanswered. */
  routerMs: number;
  /** Battery end devices sleep and cannot be pinged: offline once silent this long. */
  endDeviceMs: number;
}

/** zigbee2mqtt's availability defaults: 10 minutes for routers (active), 25 hours for end devices (passive). */
export const DEFAULT_AVAILABILITY: AvailabilityLimits = { routerMs: 10 * 60_000, endDeviceMs: 25 * 3_600_000 };

/**
 * Marks paired devices offline after a silence that depends on what they are. A router is pinged
 * (genBasic read) before it is given up, and again every router limit while it stays offline, so one
 * that comes back with nothing to report is noticed; an end device is back when it next reports.
 */
export class AvailabilityMonitor {
  private timer: NodeJS.Timeout | undefined;
  private startedAt = 0;
  /** Devices being checked now: a ping stuck behind herdsman's queue for that device must not hold up the others. */
  private readonly checking = new Set<string>();
  private readonly lastPing = new Map<string, number>();

  constructor(
    private readonly deps: {
      limits: AvailabilityLimits;
      registry: DeviceRegistry;
      /** Interviewed devices, or none while the coordinator is away (they are offline for that reason already). */
      devices: () => HerdsmanDevice[];
      log: Logger;
    },
  ) {}

  start(): void {
    if (this.timer) return;
    this.startedAt = Date.now();
    const { routerMs, endDeviceMs } = this.deps.limits;
    const everyMs = Math.min(60_000, Math.max(250, Math.min(routerMs, endDeviceMs) / 4));
    this.timer = setInterval(() => this.check(), everyMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private check(): void {
    for (const device of this.deps.devices()) {
      if (this.checking.has(device.ieeeAddr)) continue;
      this.checking.add(device.ieeeAddr);
      void this.checkOne(device).finally(() => this.checking.delete(device.ieeeAddr));
    }
  }

  private async checkOne(device: HerdsmanDevice): Promise<void> {
    const router = device.type === 'Router';
    const limitMs = router ? this.deps.limits.routerMs : this.deps.limits.endDeviceMs;
    const now = Date.now();
    // A device not heard from since this run began (restart, reconnect) gets a full limit from the start.
    const silentMs = now - (this.deps.registry.lastHeard(device.ieeeAddr) ?? this.startedAt);
    if (silentMs < limitMs) return;
    if (router) {
      if (now - (this.lastPing.get(device.ieeeAddr) ?? 0) < limitMs) return;
      this.lastPing.set(device.ieeeAddr, now);
      if (await this.ping(device)) {
        this.deps.registry.seen(device, Date.now());
        return;
      }
    }
    const kind = router ? 'router, did not answer a ping' : 'end device';
    this.deps.registry.offline(device, `silent for ${Math.round(silentMs / 1000)} s (${kind}; limit ${Math.round(limitMs / 1000)} s)`);
  }

  /** Answered within the router limit (herdsman may queue it behind other requests to the device) or not. */
  private async ping(device: HerdsmanDevice): Promise<boolean> {
    const endpoint = device.endpoints[0];
    if (!endpoint) return false;
    let timer: NodeJS.Timeout | undefined;
    const given = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), this.deps.limits.routerMs)));
    const read = endpoint.read('genBasic', ['zclVersion'], { disableRecovery: true }).then(
      () => true,
      (error: unknown) => {
        this.deps.log.debug({ device: device.ieeeAddr, err: error }, 'zigbee router ping failed');
        return false;
      },
    );
    return Promise.race([read, given]).finally(() => clearTimeout(timer));
  }
}
