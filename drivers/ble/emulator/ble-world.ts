import type { BleAdopted } from '../config-schema.js';
import type { EmulatedBinding } from './emulated-binding.js';
import { encodeAdvert, type TagFormat, type TagValues } from './encode.js';

export interface EmulatedTag {
  name: string;
  address: string;
  format: TagFormat;
  /** BTHome bind key (32 hex digits): the tag encrypts when set, and adoption must enter it. */
  key?: string;
  /** Wall milliseconds between two measurements. */
  intervalMs: number;
  /** Copies of each advert on air, as real tags repeat them to beat packet loss. */
  repeats: number;
  rssi: number;
  values(worldMs: number): TagValues;
}

/** The adoption a user would enter for these tags: address, name and key. */
export function adoptionFor(tags: readonly EmulatedTag[]): BleAdopted[] {
  return tags.map((t) => ({ address: t.address, name: t.name, ...(t.key ? { key: t.key } : {}) }));
}

/**
 * Makes the emulated tags advertise through the binding: each tag measures on its own interval and sends
 * each measurement `repeats` times under the same counter, so the driver's de-duplication is exercised.
 */
export class BleWorld {
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly sequences = new Map<string, number>();
  sent = 0;

  constructor(
    private readonly deps: { binding: EmulatedBinding; tags: readonly EmulatedTag[]; worldNow: () => number },
  ) {}

  start(): void {
    if (this.timers.length > 0) return;
    for (const tag of this.deps.tags) {
      const timer = setInterval(() => this.advertise(tag), tag.intervalMs);
      timer.unref();
      this.timers.push(timer);
    }
  }

  stop(): void {
    for (const timer of this.timers.splice(0)) clearInterval(timer);
  }

  /** One measurement of one tag, on air now; also the benchmark's and the tests' way to send at will. */
  advertise(tag: EmulatedTag): void {
    const sequence = (this.sequences.get(tag.address) ?? 0) + 1;
    this.sequences.set(tag.address, sequence);
    const advert = encodeAdvert(tag.format, tag.values(this.deps.worldNow()), {
      address: tag.address,
      rssi: tag.rssi,
      sequence,
      ...(tag.key ? { key: Buffer.from(tag.key, 'hex') } : {}),
    });
    for (let i = 0; i < tag.repeats; i += 1) if (this.deps.binding.advertise(advert)) this.sent += 1;
  }
}
