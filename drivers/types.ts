/**
 * The data model and driver contract shared by every protocol and by the appliance.
 * Drivers depend on this file only; nothing here depends on a driver.
 */

/** `<protocol>:<address>`, e.g. `modbus:tcp/127.0.0.1:5020/1`, `zigbee:0x00124b0012345678`, `gpio:17`. */
export type DeviceId = string;

export type Protocol = 'modbus' | 'zigbee' | 'ble' | 'gpio' | 'mqtt' | 'coap' | 'http';

/** `good` is a fresh measurement; `uncertain` is one the device itself flagged (stale, out of calibration). */
export type Quality = 'good' | 'uncertain';

/** One number from one device, in the metric's canonical unit once it has passed `normalise`. */
export interface Reading {
  device: DeviceId;
  /** Canonical base name with an optional channel after a dot: `power`, `voltage.l2`, `temperature.spindle`. */
  metric: string;
  value: number;
  unit: string;
  /** Milliseconds since the Unix epoch. */
  ts: number;
  quality: Quality;
}

export type HealthState = 'starting' | 'ok' | 'degraded' | 'offline' | 'stopped';

export interface DeviceHealth {
  state: HealthState;
  /** Why the device is not ok, e.g. `timeout after 3 attempts`, `exception 2 (illegal data address)`. */
  reason?: string;
  lastSeen?: number;
}

export interface DeviceInfo {
  id: DeviceId;
  protocol: Protocol;
  name: string;
  /** Profile or model, e.g. `sdm630`, `xy-md02`, `TS011F`. */
  model: string;
  /** Outputs that `write()` accepts on this device, e.g. `relay`, `setpoint`. */
  outputs: string[];
  health: DeviceHealth;
}

export interface DriverHealth {
  state: HealthState;
  reason?: string;
  devices: { ok: number; degraded: number; offline: number };
}

/** A write to an output: a relay, a plug, a coil, a holding register. */
export interface Command {
  device: DeviceId;
  output: string;
  value: number | boolean;
}

/** Everything a driver reports upward. Calls are synchronous and never throw back into the driver. */
export interface DriverSink {
  readings(batch: Reading[]): void;
  /** Health of one device changed; the appliance turns `offline` into an alert. */
  deviceHealth(device: DeviceInfo): void;
}

export interface Driver {
  readonly protocol: Protocol;
  /** Resolves once the driver is polling or listening; device faults never reject it. */
  start(sink: DriverSink, signal: AbortSignal): Promise<void>;
  /** Idempotent; resolves when every port and timer is released. */
  stop(): Promise<void>;
  devices(): DeviceInfo[];
  health(): DriverHealth;
  write?(command: Command): Promise<void>;
}

/** Errors that cross a boundary carry a stable code that the UI, the log and tests can match. */
export class OutpostError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly context: Record<string, unknown> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'OutpostError';
  }
}
