import type { Reading } from '../../drivers/types.js';
import type { Logger } from '../log.js';
import type { OutboxDraft } from '../store/store.js';
import type { RawForwardConfig } from './config-schema.js';
import { rawPayload, rawTopic } from './raw-message.js';

export interface RawForwardDeps {
  config: RawForwardConfig;
  nodeId: string;
  log: Logger;
}

/**
 * The gateway side of raw forwarding: readings of the selected devices go up the tier as they are taken,
 * each stream at most once per `everyMs`, one outbox row per device and tick. The rows are drafts for the
 * tick's own commit, so they are stored in the same transaction as the readings: an outage of the edge
 * server or a crash loses none.
 */
export class RawForward {
  private readonly lastSent = new Map<string, number>();
  private running = false;

  constructor(private readonly deps: RawForwardDeps) {}

  async start(): Promise<void> {
    this.running = this.deps.config.devices.length > 0;
    if (this.running) this.deps.log.info({ devices: this.deps.config.devices, everyMs: this.deps.config.everyMs }, 'raw readings forwarded upstream');
  }

  /** Outbox rows for the readings a tick accepted. */
  drafts(readings: readonly Reading[]): OutboxDraft[] {
    if (!this.running) return [];
    const byDevice = new Map<string, Reading[]>();
    for (const reading of readings) {
      if (!this.selected(reading.device) || !this.due(reading)) continue;
      byDevice.set(reading.device, [...(byDevice.get(reading.device) ?? []), reading]);
    }
    return [...byDevice].map(([device, rows]) => ({ topic: rawTopic(this.deps.nodeId, device), qos: 1, build: (seq: number) => rawPayload(device, rows, seq) }));
  }

  async stop(): Promise<void> {
    this.running = false;
  }

  private selected(device: string): boolean {
    return this.deps.config.devices.some((pattern) => (pattern.endsWith('*') ? device.startsWith(pattern.slice(0, -1)) : device === pattern));
  }

  private due(reading: Reading): boolean {
    const key = `${reading.device}\u0000${reading.metric}`;
    const last = this.lastSent.get(key);
    if (last !== undefined && reading.ts - last < this.deps.config.everyMs) return false;
    this.lastSent.set(key, reading.ts);
    return true;
  }
}
