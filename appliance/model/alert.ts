import type { DeviceId } from '../../drivers/types.js';

export type AlertKind = 'anomaly' | 'threshold' | 'offline' | 'driver-fault';

export interface Alert {
  device: DeviceId;
  /** Absent for alerts about the whole device, such as `offline`. */
  metric?: string;
  kind: AlertKind;
  state: 'raised' | 'cleared';
  score?: number;
  value?: number;
  message: string;
  ts: number;
}
