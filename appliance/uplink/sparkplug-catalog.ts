import type { DeviceId } from '../../drivers/types.js';
import type { AlertKind } from '../model/alert.js';
import type { SparkplugMetric, SparkplugType } from './sparkplug-codec.js';

/** Summary fields published per device metric, as `<metric>/<field>`. */
export const SUMMARY_FIELDS = ['mean', 'min', 'max', 'last', 'stddev', 'count', 'anomalyScore'] as const;
export type SummaryField = (typeof SUMMARY_FIELDS)[number];
const ALERT_KINDS: readonly AlertKind[] = ['anomaly', 'threshold', 'offline', 'driver-fault'];

interface MetricDef {
  name: string;
  type: SparkplugType;
  alias: number;
  unit?: string;
}

/**
 * Every metric the edge node has declared, per device, with the alias each one is given. Aliases are
 * unique across the whole edge node (Sparkplug requires it) and stable for the life of the process, so
 * a rebirth re-declares the same numbers. Births carry this catalogue; data messages carry only aliases.
 */
export class SparkplugCatalog {
  private readonly devices = new Map<DeviceId, Map<string, MetricDef>>();
  private nextAlias = 1;

  knownDevices(): DeviceId[] {
    return [...this.devices.keys()];
  }

  hasDevice(device: DeviceId): boolean {
    return this.devices.has(device);
  }

  /** Declares a device with its outputs and alert flags; true when the device's birth must be (re)sent. */
  addDevice(device: DeviceId, outputs: readonly string[] = []): boolean {
    let changed = false;
    if (!this.devices.has(device)) {
      this.devices.set(device, new Map());
      for (const kind of ALERT_KINDS) this.define(device, `Alerts/${kind}`, 'Boolean');
      changed = true;
    }
    for (const output of outputs) changed = this.define(device, `Outputs/${output}`, 'Double') || changed;
    return changed;
  }

  /** Declares the summary metrics of one device metric; true when they were new. */
  addSummaryMetric(device: DeviceId, metric: string, unit: string): boolean {
    let changed = this.addDevice(device);
    for (const field of SUMMARY_FIELDS) {
      changed = this.define(device, `${metric}/${field}`, field === 'count' ? 'UInt32' : 'Double', unit) || changed;
    }
    return changed;
  }

  alias(device: DeviceId, name: string): number | undefined {
    return this.devices.get(device)?.get(name)?.alias;
  }

  /** The metric name behind an alias or name of one device, as a DCMD may use either. */
  resolve(device: DeviceId, metric: { name?: string | null; alias?: number }): string | undefined {
    const defs = this.devices.get(device);
    if (!defs) return undefined;
    if (metric.name && defs.has(metric.name)) return metric.name;
    for (const def of defs.values()) if (def.alias === metric.alias) return def.name;
    return undefined;
  }

  /** Every metric of a device with name, alias, datatype and unit: the DBIRTH body. */
  birthMetrics(device: DeviceId, timestamp: number): SparkplugMetric[] {
    const defs = [...(this.devices.get(device)?.values() ?? [])];
    return defs.map((def) => ({
      name: def.name,
      alias: def.alias,
      type: def.type,
      timestamp,
      ...initialValue(def.type),
      ...(def.unit ? { properties: { engUnit: { type: 'String' as const, value: def.unit } } } : {}),
    }));
  }

  private define(device: DeviceId, name: string, type: SparkplugType, unit?: string): boolean {
    const defs = this.devices.get(device);
    if (!defs || defs.has(name)) return false;
    defs.set(name, { name, type, alias: this.nextAlias++, ...(unit ? { unit } : {}) });
    return true;
  }
}

/** Births must carry a value for every metric; one not known yet is sent as null. */
function initialValue(type: SparkplugType): Pick<SparkplugMetric, 'value' | 'isNull'> {
  return type === 'Boolean' ? { value: false } : { value: null, isNull: true };
}
