import type { DeviceInfo, DriverSink, Reading } from '../../drivers/types.js';

export interface IntakeBatch {
  readings: Reading[];
  /** Latest info of each device whose health changed since the last take. */
  devices: DeviceInfo[];
  /** Readings refused because the intake was full. */
  overflow: number;
}

/**
 * Where drivers hand over readings between two ticks. Bounded: when the store cannot keep up the intake
 * refuses new readings and counts them, rather than growing until the Pi runs out of memory.
 */
export class Intake implements DriverSink {
  private pending: Reading[] = [];
  private changed = new Map<string, DeviceInfo>();
  private overflow = 0;

  constructor(private readonly capacity: number) {}

  readings(batch: Reading[]): void {
    const room = this.capacity - this.pending.length;
    if (batch.length <= room) {
      for (const reading of batch) this.pending.push(reading);
      return;
    }
    for (let i = 0; i < room; i++) this.pending.push(batch[i] as Reading);
    this.overflow += batch.length - Math.max(room, 0);
  }

  deviceHealth(device: DeviceInfo): void {
    this.changed.set(device.id, device);
  }

  take(): IntakeBatch {
    const batch = { readings: this.pending, devices: [...this.changed.values()], overflow: this.overflow };
    this.pending = [];
    this.changed = new Map();
    this.overflow = 0;
    return batch;
  }

  get size(): number {
    return this.pending.length;
  }
}
