import type { Logger } from '../../appliance/log.js';
import { driverHealthOf } from '../driver-health.js';
import type { DeviceInfo, Driver, DriverHealth, DriverSink } from '../types.js';
import { AdoptedTag } from './adopted-tag.js';
import type { BleConfig } from './config-schema.js';
import { decodeAdvert } from './decoders/decode-advert.js';
import type { Advert } from './decoders/types.js';
import { forgetPeripheral } from './noble-factory.js';
import type { NobleLike, NoblePeripheral } from './noble-types.js';

export interface DiscoveredTag {
  address: string;
  /** The format its adverts decode as, or the error they give without a key. */
  format: string;
  rssi: number;
  lastSeen: number;
  localName?: string;
}

export interface BleDriverDeps {
  config: Pick<BleConfig, 'adopted' | 'offlineAfterSeconds' | 'watchdogSeconds'>;
  /** Builds noble at start (see createNoble); throwing here is an adapter fault, reported as health. */
  noble: () => NobleLike;
  log: Logger;
  /** How often silence and the scan watchdog are checked; default 1 s. */
  checkEveryMs?: number;
}

/** Tags in range beyond this are forgotten oldest first: a busy street must not grow memory without end. */
const MAX_DISCOVERED = 500;

/**
 * Passive BLE scanning with duplicates allowed: adopted tags' adverts become readings (plus rssi);
 * everything else in range is listed as discovered. Adapter trouble is driver health, never a crash.
 */
export class BleDriver implements Driver {
  readonly protocol = 'ble' as const;
  private readonly tags = new Map<string, AdoptedTag>();
  private readonly seen = new Map<string, DiscoveredTag>();
  private noble: NobleLike | undefined;
  private timer: NodeJS.Timeout | undefined;
  private adapter: { state: string; reason?: string } = { state: 'stopped' };
  private lastAdvertAt = 0;
  private scanRestarts = 0;
  private log: Logger;

  constructor(private readonly deps: BleDriverDeps) {
    this.log = deps.log;
  }

  async start(sink: DriverSink, signal: AbortSignal): Promise<void> {
    if (this.noble || this.timer) return;
    this.log = this.deps.log.child({ driver: 'ble' });
    for (const adopted of this.deps.config.adopted) {
      const tag = new AdoptedTag(adopted);
      this.tags.set(adopted.address.toLowerCase(), tag);
    }
    signal.addEventListener('abort', () => void this.stop(), { once: true });
    for (const tag of this.tags.values()) sink.deviceHealth(tag.info());
    this.timer = setInterval(() => this.check(sink), this.deps.checkEveryMs ?? 1000);
    this.timer.unref();
    this.adapter = { state: 'starting' };
    try {
      this.noble = this.deps.noble();
    } catch (error) {
      this.adapter = { state: 'unavailable', reason: (error as Error).message };
      this.log.error({ err: error }, 'Bluetooth adapter unavailable; BLE tags will stay offline');
      return;
    }
    const noble = this.noble;
    noble.on('warning', (message) => this.log.warn({ message }, 'noble warning'));
    noble.on('discover', (peripheral) => this.onDiscover(peripheral, sink));
    noble.on('stateChange', (state) => {
      this.adapter = state === 'poweredOn' ? { state } : { state, reason: `Bluetooth adapter is ${state}` };
      if (state === 'poweredOn') this.startScanning();
      else this.log.warn({ state }, 'Bluetooth adapter not powered on; scanning waits for it');
    });
    this.log.info({ adopted: this.tags.size }, 'ble driver started');
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    const noble = this.noble;
    this.noble = undefined;
    if (noble) {
      noble.removeAllListeners('discover');
      noble.removeAllListeners('stateChange');
      noble.removeAllListeners('warning');
      if (this.adapter.state === 'poweredOn') noble.stopScanning();
    }
    this.adapter = { state: 'stopped' };
    this.tags.clear();
  }

  devices(): DeviceInfo[] {
    return [...this.tags.values()].map((t) => t.info());
  }

  /** Tags in range that are not adopted, newest first: what the setup page offers to adopt. */
  discovered(): DiscoveredTag[] {
    // The map is kept in order of last advert (re-inserted on each), so reversed it is newest first.
    return [...this.seen.values()].reverse();
  }

  /** Bad adverts from one adopted tag, by error code; re-sent copies dropped. */
  advertStats(device: string): { errors: Record<string, number>; duplicates: number } | undefined {
    const tag = [...this.tags.values()].find((t) => t.id === device);
    return tag && { errors: Object.fromEntries(tag.errors), duplicates: tag.duplicates };
  }

  /** Times the watchdog restarted a scan that had gone silent. */
  watchdogRestarts(): number {
    return this.scanRestarts;
  }

  health(): DriverHealth {
    const health = driverHealthOf(this.devices());
    if (this.adapter.state === 'poweredOn') return health;
    return { ...health, state: 'offline', reason: this.adapter.reason ?? `Bluetooth adapter ${this.adapter.state}` };
  }


  private startScanning(): void {
    this.lastAdvertAt = Date.now();
    this.noble?.startScanning([], true, (error) => {
      if (error) this.log.error({ err: error }, 'BLE scanning could not start');
    });
  }

  private onDiscover(peripheral: NoblePeripheral, sink: DriverSink): void {
    const now = Date.now();
    this.lastAdvertAt = now;
    const advert: Advert = {
      address: peripheral.address.toLowerCase(),
      rssi: peripheral.rssi,
      ...(peripheral.advertisement.localName ? { localName: peripheral.advertisement.localName } : {}),
      ...(peripheral.advertisement.manufacturerData ? { manufacturerData: peripheral.advertisement.manufacturerData } : {}),
      serviceData: peripheral.advertisement.serviceData ?? [],
    };
    const tag = this.tags.get(advert.address);
    if (!tag) {
      if (this.noble) forgetPeripheral(this.noble, peripheral.id);
      return this.remember(advert, now);
    }
    const { outcome, healthChanged } = tag.receive(advert, now);
    if (outcome.kind === 'readings') sink.readings(outcome.readings);
    if (healthChanged) {
      sink.deviceHealth(tag.info());
      if (outcome.kind === 'error') this.log.warn({ device: tag.id, code: outcome.code }, outcome.message);
    }
  }

  private remember(advert: Advert, now: number): void {
    const result = decodeAdvert(advert);
    if (!result.ok && result.error.code === 'BLE_NOT_RECOGNISED') return;
    this.seen.delete(advert.address);
    this.seen.set(advert.address, {
      address: advert.address,
      format: result.ok ? result.value.format : result.error.code,
      rssi: advert.rssi,
      lastSeen: now,
      ...(advert.localName ? { localName: advert.localName } : {}),
    });
    if (this.seen.size > MAX_DISCOVERED) this.seen.delete(this.seen.keys().next().value ?? '');
  }

  private check(sink: DriverSink): void {
    const now = Date.now();
    const offlineMs = this.deps.config.offlineAfterSeconds * 1000;
    for (const tag of this.tags.values()) if (tag.checkSilence(now, offlineMs)) sink.deviceHealth(tag.info());
    const silentMs = now - this.lastAdvertAt;
    if (this.adapter.state === 'poweredOn' && silentMs > this.deps.config.watchdogSeconds * 1000) {
      // noble on the Pi can keep "scanning" while nothing arrives; a stop and start brings it back.
      this.scanRestarts += 1;
      this.lastAdvertAt = now;
      this.log.warn({ silentMs, restarts: this.scanRestarts }, 'no BLE advert for a while: restarting the scan');
      this.noble?.stopScanning(() => this.startScanning());
    }
  }
}
