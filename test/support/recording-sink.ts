import type { DeviceInfo, DriverSink, Reading } from '../../drivers/types.js';

/** A driver sink that keeps everything it is handed, for tests to wait on. */
export class RecordingSink implements DriverSink {
  readonly received: Reading[] = [];
  readonly changes: DeviceInfo[] = [];

  readings(batch: Reading[]): void {
    this.received.push(...batch);
  }

  deviceHealth(device: DeviceInfo): void {
    this.changes.push(device);
  }

  /** The values `device` reported for `metric`, in order. */
  of(device: string, metric: string): number[] {
    return this.received.filter((r) => r.device === device && r.metric === metric).map((r) => r.value);
  }

  countFrom(device: string): number {
    return this.received.filter((r) => r.device === device).length;
  }

  /** The first reported health change of `device` into `state`. */
  reached(device: string, state: string): DeviceInfo | undefined {
    return this.changes.find((c) => c.id === device && c.health.state === state);
  }
}
