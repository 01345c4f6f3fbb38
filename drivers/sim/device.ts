import { OutpostError } from '../types.js';
import type { ModbusProfile } from '../modbus/profile.js';
import { WHOLE_DEVICE, isDownAt, withAnomalies, type AnomalyLabel } from './anomaly.js';
import { deriveSeed } from './random.js';
import type { SimDevice } from './scenario.js';
import type { Signal } from './signal.js';

export interface DeviceSpec {
  name: string;
  bus: string;
  unitId: number;
  profile: ModbusProfile;
  seed: number;
  /** Clean signals by metric name; may hold more metrics than the profile serves. */
  signals: Readonly<Record<string, Signal>>;
  /** The scenario's labels; those for other devices are ignored. */
  anomalies: readonly AnomalyLabel[];
}

/**
 * A simulated device: its profile's metrics as signals with its anomalies applied. A profile point
 * without a signal, or a label on a metric the device lacks, is a scenario bug caught at build time
 * rather than a register that answers garbage.
 */
export function simDevice(spec: DeviceSpec): SimDevice {
  const own = spec.anomalies.filter((label) => label.device === spec.name);
  for (const point of spec.profile.points) {
    if (spec.signals[point.metric] === undefined) {
      throw new OutpostError(
        'SIM_BAD_SCENARIO',
        `simulated device ${spec.name}: profile ${spec.profile.name} reads ${point.metric} but the device has no signal for it`,
        { device: spec.name, metric: point.metric },
      );
    }
  }
  for (const label of own) {
    if (label.metric !== WHOLE_DEVICE && spec.signals[label.metric] === undefined) {
      throw new OutpostError('SIM_BAD_SCENARIO', `anomaly ${label.kind} on ${spec.name} names unknown metric ${label.metric}`, {
        device: spec.name,
        metric: label.metric,
      });
    }
  }
  const reported = new Map<string, Signal>();
  for (const [metric, signal] of Object.entries(spec.signals)) {
    const labels = own.filter((label) => label.metric === metric);
    reported.set(metric, withAnomalies(signal, labels, deriveSeed(spec.seed, `${metric}/anomaly`)));
  }
  const dropouts = own.filter((label) => label.kind === 'dropout');
  return {
    name: spec.name,
    bus: spec.bus,
    unitId: spec.unitId,
    profile: spec.profile,
    read(metric, worldMs) {
      const signal = reported.get(metric);
      if (signal === undefined) {
        throw new OutpostError('SIM_UNKNOWN_METRIC', `simulated device ${spec.name} has no metric ${metric}`, {
          device: spec.name,
          metric,
        });
      }
      return signal(worldMs);
    },
    isDown: (worldMs) => isDownAt(dropouts, worldMs),
  };
}
