import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Controller } from 'zigbee-herdsman';
import type { Logger } from '../../appliance/log.js';
import { driverHealthOf } from '../driver-health.js';
import { type Command, type DeviceId, type DeviceInfo, type Driver, type DriverHealth, type DriverSink, OutpostError, type Protocol } from '../types.js';
import { type AvailabilityLimits, AvailabilityMonitor, DEFAULT_AVAILABILITY } from './availability.js';
import { DeviceRegistry } from './device-registry.js';
import { routeHerdsmanLog } from './herdsman-log.js';
import { loadOrCreateIdentity } from './network-identity.js';

export interface ZigbeeDriverDeps {
  /** Serial device of the coordinator, or `tcp://host:port`. */
  port: string;
  /** Where the network identity, herdsman's database and the coordinator backup live. */
  dataDir: string;
  /** Empties `dataDir` at start: for an emulated coordinator that starts blank on every run. */
  freshNetwork?: boolean;
  /** Channel for a network formed on first start. */
  channel?: number;
  log: Logger;
  /** Reconnect backoff after the coordinator drops or fails to start. */
  backoff?: { initialMs: number; maxMs: number };
  /** Silence after which a router (pinged first) or an end device counts as offline. */
  availability?: AvailabilityLimits;
  /** Opens pairing for this long each time the coordinator comes up. */
  permitJoinOnStartS?: number;
  /** How long `removeDevice` waits for the device to confirm it left before forgetting it anyway. */
  leaveTimeoutMs?: number;
  /** The user's display names by IEEE address (the config's `zigbee.names`). */
  names?: Readonly<Record<string, string>>;
}

type CoordinatorState = { state: 'starting' | 'ok' | 'offline' | 'stopped'; reason?: string };

/** A device in the coordinator's network as the setup page lists it, including one still being interviewed. */
export interface PairedZigbeeDevice {
  /** `0x` and 16 hex digits; what `removeDevice` takes. */
  ieeeAddress: string;
  id: DeviceId;
  /** Routers are mains-powered and relay for others; end devices usually run on battery and sleep. */
  type: 'router' | 'end-device' | 'unknown';
  interview: 'pending' | 'in-progress' | 'successful' | 'failed';
  name: string;
  model: string;
  /** Outputs `write()` accepts: `state`, `brightness`. */
  outputs: string[];
  health: DeviceInfo['health'];
  /** The converters' latest values, including those with no canonical metric (a light's `brightness`). */
  values: Record<string, unknown>;
}

/** The Zigbee driver among the running drivers, for the routes that permit joining and remove devices. */
export function findZigbeeDriver(drivers: readonly Driver[]): ZigbeeDriver | undefined {
  return drivers.find((d): d is ZigbeeDriver => d instanceof ZigbeeDriver);
}

const INTERVIEW = { PENDING: 'pending', IN_PROGRESS: 'in-progress', SUCCESSFUL: 'successful', FAILED: 'failed' } as const;

/**
 * Zigbee through a TI Z-Stack coordinator, driven by zigbee-herdsman. The coordinator is the driver's
 * lifeline: when it drops, the driver reports itself offline and reconnects with backoff; the network
 * lives in the coordinator's NV memory and herdsman's database, so paired devices need no re-pairing.
 */
export class ZigbeeDriver implements Driver {
  readonly protocol: Protocol = 'zigbee';
  private controller: Controller | undefined;
  private coordinator: CoordinatorState = { state: 'starting' };
  private retryTimer: NodeJS.Timeout | undefined;
  private retryDelayMs = 0;
  private stopped = false;
  private registry: DeviceRegistry | undefined;
  private availability: AvailabilityMonitor | undefined;
  private names: Map<string, string> | undefined;

  constructor(private readonly deps: ZigbeeDriverDeps) {}

  async start(sink: DriverSink, signal: AbortSignal): Promise<void> {
    // Loaded on start, not at import: a box without a coordinator should not pay their half second and 40 MB.
    const [herdsman, converters] = await Promise.all([import('zigbee-herdsman'), import('zigbee-herdsman-converters')]);
    this.names ??= new Map(Object.entries(this.deps.names ?? {}));
    const registry = new DeviceRegistry({ log: this.deps.log, sink, findByDevice: converters.findByDevice, names: this.names });
    this.registry = registry;
    this.stopped = false;
    this.availability = new AvailabilityMonitor({ limits: this.deps.availability ?? DEFAULT_AVAILABILITY, registry, devices: () => this.interviewed(), log: this.deps.log });
    if (this.deps.freshNetwork) await rm(this.deps.dataDir, { recursive: true, force: true });
    await mkdir(this.deps.dataDir, { recursive: true });
    const identity = await loadOrCreateIdentity(join(this.deps.dataDir, 'network.json'), this.deps.channel);
    routeHerdsmanLog(this.deps.log, herdsman.setLogger);
    routeHerdsmanLog(this.deps.log, converters.setLogger);
    signal.addEventListener('abort', () => void this.stop(), { once: true });
    const connect = async (): Promise<void> => {
      if (this.stopped) return;
      const controller = new herdsman.Controller({
        network: { panID: identity.panId, extendedPanID: identity.extendedPanId, networkKey: identity.networkKey, channelList: [identity.channel] },
        serialPort: { path: this.deps.port, adapter: 'zstack' },
        databasePath: join(this.deps.dataDir, 'herdsman.db'),
        databaseBackupPath: join(this.deps.dataDir, 'herdsman.db.backup'),
        backupPath: join(this.deps.dataDir, 'coordinator-backup.json'),
        adapter: { disableLED: false },
        acceptJoiningDeviceHandler: async () => true,
      });
      this.controller = controller;
      controller.on('adapterDisconnected', () => this.lost(controller, 'coordinator disconnected', connect));
      controller.on('message', (msg) => void registry.onMessage(msg));
      controller.on('deviceInterview', (event) => {
        if (event.status === 'successful') void this.configure(registry, event.device);
      });
      try {
        const result = await controller.start();
        if (this.stopped || this.controller !== controller) return;
        this.retryDelayMs = 0;
        this.coordinator = { state: 'ok' };
        this.deps.log.info({ port: this.deps.port, result }, 'zigbee coordinator up');
        const permitS = this.deps.permitJoinOnStartS ?? 0;
        if (permitS > 0) await this.permitJoin(permitS);
      } catch (error) {
        this.lost(controller, `coordinator start failed: ${(error as Error).message}`, connect);
      }
    };
    await connect();
    this.availability.start();
  }

  private lost(controller: Controller, reason: string, connect: () => Promise<void>): void {
    if (this.stopped || this.controller !== controller) return;
    this.controller = undefined;
    this.coordinator = { state: 'offline', reason };
    try {
      for (const device of controller.getDevices().filter((d) => d.type !== 'Coordinator')) this.registry?.offline(device, reason);
    } catch {
      // A controller that failed before opening its database knows no devices; the retry below still runs.
    }
    const backoff = this.deps.backoff ?? { initialMs: 1000, maxMs: 60_000 };
    this.retryDelayMs = this.retryDelayMs === 0 ? backoff.initialMs : Math.min(this.retryDelayMs * 2, backoff.maxMs);
    this.deps.log.warn({ port: this.deps.port, reason, retryInMs: this.retryDelayMs }, 'zigbee coordinator lost');
    void controller.stop().catch(() => {});
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void connect();
    }, this.retryDelayMs);
  }

  async write(command: Command): Promise<void> {
    const device = this.controller?.getDeviceByIeeeAddr(command.device.replace(/^zigbee:/, ''));
    if (!device || !this.registry) throw new OutpostError('ZIGBEE_DEVICE_UNKNOWN', `no paired Zigbee device ${command.device}`, { device: command.device });
    await this.registry.write(device, command.output, command.value);
  }

  /** Opens the network for pairing; the coordinator closes it by itself when the time is up. */
  async permitJoin(seconds: number): Promise<void> {
    const controller = this.controller;
    if (!controller || this.coordinator.state !== 'ok') throw new OutpostError('ZIGBEE_COORDINATOR_OFFLINE', 'the Zigbee coordinator is not connected', { port: this.deps.port });
    await controller.permitJoin(Math.max(0, Math.min(254, Math.round(seconds))));
  }

  /** Whether pairing is open and until when (ms since epoch). */
  permitJoinEnd(): number | undefined {
    return this.controller?.getPermitJoinEnd();
  }

  /** Every device the network knows, interviewed or not (the coordinator itself excluded). */
  pairedDevices(): PairedZigbeeDevice[] {
    const controller = this.controller;
    const registry = this.registry;
    if (!controller || !registry || this.coordinator.state !== 'ok') return [];
    return controller
      .getDevices()
      .filter((d) => d.type !== 'Coordinator')
      .map((d) => {
        const info = registry.info(d);
        const type = d.type === 'Router' ? 'router' : d.type === 'EndDevice' ? 'end-device' : 'unknown';
        const interview = INTERVIEW[d.interviewState];
        return { ieeeAddress: d.ieeeAddr, id: info.id, type, interview, name: info.name, model: info.model, outputs: info.outputs, health: info.health, values: registry.values(d.ieeeAddr) };
      });
  }

  /** Gives a paired device a display name; its id, and so its stored history, stays the same. */
  setName(ieeeAddress: string, name: string): void {
    const address = ieeeAddress.replace(/^zigbee:/, '').toLowerCase();
    if (!this.pairedDevices().some((d) => d.ieeeAddress === address)) throw new OutpostError('ZIGBEE_DEVICE_UNKNOWN', `no paired Zigbee device ${address}`, { device: address });
    this.names?.set(address, name);
    this.deps.log.info({ device: address, name }, 'zigbee device renamed');
  }

  /**
   * Asks the device to leave the network and forgets it. A device that does not answer (battery gone,
   * out of range) is forgotten anyway, as zigbee2mqtt's forced removal does; it would have to pair again.
   */
  async removeDevice(ieeeAddress: string): Promise<{ left: boolean }> {
    const address = ieeeAddress.replace(/^zigbee:/, '').toLowerCase();
    const controller = this.controller;
    if (!controller || this.coordinator.state !== 'ok') throw new OutpostError('ZIGBEE_COORDINATOR_OFFLINE', 'the Zigbee coordinator is not connected', { port: this.deps.port });
    const device = controller.getDeviceByIeeeAddr(address);
    if (!device || device.type === 'Coordinator') throw new OutpostError('ZIGBEE_DEVICE_UNKNOWN', `no paired Zigbee device ${address}`, { device: address });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), this.deps.leaveTimeoutMs ?? 10_000)));
    const leaving = device.removeFromNetwork().then(
      () => 'left' as const,
      (error: unknown) => error as Error,
    );
    const outcome = await Promise.race([leaving, timeout]).finally(() => clearTimeout(timer));
    const left = outcome === 'left';
    if (!left) {
      device.removeFromDatabase();
      const reason = outcome === 'timeout' ? 'no answer' : outcome.message;
      this.deps.log.warn({ device: address, reason }, 'zigbee device did not confirm leaving; removed from the database anyway');
    }
    this.registry?.forget(address);
    this.deps.log.info({ device: address, left }, 'zigbee device removed');
    return { left };
  }

  /** Binds and configures reporting as the converter definition asks, so the device reports by itself. */
  private async configure(registry: DeviceRegistry, device: Parameters<DeviceRegistry['seen']>[0]): Promise<void> {
    registry.seen(device, Date.now());
    const definition = await registry.definitionOf(device);
    const coordinatorEndpoint = this.controller?.getDevicesByType('Coordinator')[0]?.getEndpoint(1);
    if (!definition?.configure || !coordinatorEndpoint) return;
    try {
      await definition.configure(device, coordinatorEndpoint, definition);
      this.deps.log.info({ device: device.ieeeAddr, model: definition.model }, 'zigbee device configured');
    } catch (error) {
      this.deps.log.warn({ device: device.ieeeAddr, err: error }, 'zigbee device configure failed');
    }
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.availability?.stop();
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const controller = this.controller;
    this.controller = undefined;
    this.coordinator = { state: 'stopped' };
    if (controller) await controller.stop().catch((error: unknown) => this.deps.log.warn({ err: error }, 'zigbee stop failed'));
  }

  devices(): DeviceInfo[] {
    const registry = this.registry;
    return registry ? this.interviewed().map((d) => registry.info(d)) : [];
  }

  /** Paired devices that finished their interview; none while the coordinator is away. */
  private interviewed(): ReturnType<Controller['getDevices']> {
    const controller = this.controller;
    if (!controller || this.coordinator.state !== 'ok') return [];
    return controller.getDevices().filter((d) => d.type !== 'Coordinator' && d.interviewState === 'SUCCESSFUL');
  }

  health(): DriverHealth {
    if (this.coordinator.state !== 'ok') {
      return { state: this.coordinator.state, reason: this.coordinator.reason, devices: { ok: 0, degraded: 0, offline: 0 } };
    }
    return driverHealthOf(this.devices());
  }
}
