import type { DeviceInfo, Reading } from '../types.js';
import type { BleAdopted } from './config-schema.js';
import { decodeAdvert } from './decoders/decode-advert.js';
import type { Advert, DecodeErrorCode } from './decoders/types.js';

export const bleDeviceId = (address: string) => `ble:${address.toLowerCase()}`;

export type AdvertOutcome = { kind: 'readings'; readings: Reading[] } | { kind: 'duplicate' } | { kind: 'error'; code: DecodeErrorCode; message: string };

/**
 * One adopted tag: decodes its adverts with its key, drops re-sent copies of a measurement, counts bad
 * adverts by error code, and keeps the health the appliance shows for it.
 */
export class AdoptedTag {
  readonly id: string;
  readonly errors = new Map<DecodeErrorCode, number>();
  duplicates = 0;
  private readonly key: Buffer | undefined;
  private format = 'unknown';
  private lastSequence: number | undefined;
  private lastSeen: number | undefined;
  private health: DeviceInfo['health'] = { state: 'starting' };
  private readonly startedAt = Date.now();

  constructor(private readonly config: BleAdopted) {
    this.id = bleDeviceId(config.address);
    this.key = config.key ? Buffer.from(config.key, 'hex') : undefined;
  }

  info(): DeviceInfo {
    return { id: this.id, protocol: 'ble', name: this.config.name ?? this.config.address, model: this.format, outputs: [], health: { ...this.health } };
  }

  /** The outcome of one advert, and whether the tag's health changed with it. */
  receive(advert: Advert, now: number): { outcome: AdvertOutcome; healthChanged: boolean } {
    const before = this.health.state + (this.health.reason ?? '');
    this.lastSeen = now;
    const outcome = this.decode(advert, now);
    if (outcome.kind === 'error') {
      this.errors.set(outcome.code, (this.errors.get(outcome.code) ?? 0) + 1);
      this.health = { state: 'degraded', reason: `${outcome.code}: ${outcome.message}`, lastSeen: now };
    } else {
      this.health = { state: 'ok', lastSeen: now };
    }
    return { outcome, healthChanged: before !== this.health.state + (this.health.reason ?? '') };
  }

  /** Marks the tag offline once it has been silent for `afterMs`; true when that is news. */
  checkSilence(now: number, afterMs: number): boolean {
    if (this.health.state === 'offline') return false;
    const since = this.lastSeen ?? this.startedAt;
    if (now - since < afterMs) return false;
    this.health = { state: 'offline', reason: `no advert for ${Math.round((now - since) / 1000)} s`, ...(this.lastSeen ? { lastSeen: this.lastSeen } : {}) };
    return true;
  }

  private decode(advert: Advert, now: number): AdvertOutcome {
    const result = decodeAdvert(advert, this.key);
    if (!result.ok) return { kind: 'error', code: result.error.code, message: result.error.message };
    const { format, measurements, sequence } = result.value;
    this.format = format;
    if (sequence !== undefined) {
      // An encrypted BTHome counter must rise (anything else is a copy or a replay); other counters wrap.
      const stale = this.lastSequence !== undefined && (format === 'bthome' && this.key ? sequence <= this.lastSequence : sequence === this.lastSequence);
      if (stale) {
        this.duplicates += 1;
        return { kind: 'duplicate' };
      }
      this.lastSequence = sequence;
    }
    const reading = (metric: string, value: number, unit: string): Reading => ({ device: this.id, metric, value, unit, ts: now, quality: 'good' });
    return {
      kind: 'readings',
      readings: [...measurements.map((m) => reading(m.metric, m.value, m.unit)), reading('rssi', advert.rssi, 'dBm')],
    };
  }
}
